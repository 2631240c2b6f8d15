"""Never a clean answer to a wrong question (issue 12, item 3): rules, statuses, cases.

An unknown rule id, status or case id is an error that lists or suggests the valid ones,
in the API (typed errors) and in the CLI (one line on standard error, exit code 2 for a
wrong rule or status, 1 for an unknown case as docs/cli.md says).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner, Result

from caselog.api import CaseLog, ManualClock, open_log
from caselog.cli import app
from caselog.cli.app import exit_code
from caselog.errors import (
    IngestRejectedError,
    ServerUnreachableError,
    StoreNotFoundError,
    UnknownCaseError,
    UnknownRuleError,
    UnknownStatusError,
)
from caselog.events import Event
from caselog.rules.model import Status
from caselog.rules.registry import RULES_BY_ID
from tests.rules.builders import opened, report

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path


def about(child: str, event: Event) -> Event:
    """The builders' event about another child."""
    return event.model_copy(update={"child_id": child})


RULES = "rules are R01–R24 and R03b, R16a–c, R19a–d"
STATUSES = "statuses are pending, met, met_late, overdue, waived, breached, not_applicable"
ON = date(2024, 3, 1)


@pytest.fixture
def log(store_url: str) -> Iterator[CaseLog]:
    """Two children, c-1001 and c-1002, on every backend."""
    clock = ManualClock(datetime(2024, 2, 15, 9, tzinfo=UTC))
    with open_log(store_url, actor="sw-1", clock=clock) as log:
        log.ingest(
            [
                about("c-1001", report("r1", "2024-01-31")),
                about("c-1001", opened("o1", "2024-02-15", "r1")),
                about("c-1002", report("r2", "2024-02-01")),
            ]
        )
        yield log


# -- rules ----------------------------------------------------------------------------


def test_an_unknown_rule_is_an_error_listing_the_rules(log: CaseLog) -> None:
    """`rule="R99"` raises UnknownRuleError (a ValueError) summarising the registry."""
    with pytest.raises(UnknownRuleError) as caught:
        log.obligations(on=ON, rule="R99")
    assert str(caught.value) == f"no such rule 'R99'; {RULES}"
    assert (caught.value.rule, caught.value.suggestions) == ("R99", ())
    assert caught.value.known == tuple(RULES_BY_ID)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("given", "meant"),
    [
        ("r05", "R05"),
        ("R5", "R05"),
        ("5", "R05"),
        (" R05 ", "R05"),
        ("r16", "R16"),
        ("R16B", "R16b"),
    ],
)
def test_a_mistyped_rule_is_suggested_not_guessed(log: CaseLog, given: str, meant: str) -> None:
    """A rule id in the wrong case, without its zero or with spaces names the one meant."""
    with pytest.raises(UnknownRuleError) as caught:
        log.obligations(on=ON, rule=given)
    assert caught.value.suggestions == (meant,)
    assert str(caught.value) == f"no such rule {given!r} (did you mean {meant!r}?); {RULES}"


def test_every_rule_id_and_every_rule_number_is_valid(log: CaseLog) -> None:
    """Each registry id (R03b, R16a …) and each number without its letter (R16, R19) works."""
    numbers = {rule_id[:3] for rule_id in RULES_BY_ID}
    for rule in [*RULES_BY_ID, *sorted(numbers)]:
        found = log.obligations(on=ON, rule=rule)
        assert all(o.rule_id.startswith(rule) for o in found), rule
    assert {o.rule_id for o in log.obligations(on=ON, rule="R02")} == {"R02"}


def test_the_rule_is_checked_before_the_store_is_read(tmp_path: Path) -> None:
    """A wrong rule is reported as such even on a log that does not exist yet."""
    with open_log(f"sqlite:///{tmp_path / 'none.db'}", actor="t") as log:
        with pytest.raises(UnknownRuleError):
            log.obligations(on=ON, rule="R99")
        with pytest.raises(StoreNotFoundError):
            log.obligations(on=ON, rule="R05")


# -- statuses -------------------------------------------------------------------------


def test_an_unknown_status_lists_the_statuses(log: CaseLog) -> None:
    """`status="late"` raises UnknownStatusError (a ValueError) suggesting met_late."""
    with pytest.raises(UnknownStatusError) as caught:
        log.obligations(on=ON, status="late")
    assert str(caught.value) == f"no such status 'late' (did you mean 'met_late'?); {STATUSES}"
    assert caught.value.known == tuple(s.value for s in Status)
    assert isinstance(caught.value, ValueError)


def test_one_bad_status_among_several_is_named(log: CaseLog) -> None:
    """In a list, the bad one is named; a status in the wrong case suggests the right one."""
    with pytest.raises(UnknownStatusError, match="no such status 'Overdue'") as caught:
        log.obligations(on=ON, status=[Status.BREACHED, "Overdue"])
    assert caught.value.suggestions == ("overdue",)
    with pytest.raises(UnknownStatusError) as nothing_close:
        log.obligations(on=ON, status="n/a")
    assert str(nothing_close.value) == f"no such status 'n/a'; {STATUSES}"


def test_valid_statuses_still_filter(log: CaseLog) -> None:
    """Enum members and their values both work, alone or several."""
    pending = log.obligations(on=ON, status="pending")
    assert pending.rows
    assert {o.status for o in pending} == {Status.PENDING}
    assert log.obligations(on=ON, status=[Status.PENDING, "met"]).rows


# -- cases ----------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["case", "timeline", "obligations"])
def test_an_unknown_case_suggests_close_ids(log: CaseLog, query: str) -> None:
    """`case`, `timeline` and `obligations(case_id=…)` name the id and suggest close ones."""
    ask: dict[str, Callable[[], object]] = {
        "case": lambda: log.case("c-1003", on=ON),
        "timeline": lambda: log.timeline("c-1003"),
        "obligations": lambda: log.obligations(on=ON, case_id="c-1003"),
    }
    with pytest.raises(UnknownCaseError) as caught:
        ask[query]()
    assert caught.value.case_id == "c-1003"
    assert set(caught.value.suggestions) == {"c-1001", "c-1002"}
    assert str(caught.value).startswith("no case 'c-1003' in the log (did you mean 'c-100")


def test_a_case_id_like_none_is_named_without_suggestions(log: CaseLog) -> None:
    """Nothing close: the message is the plain one."""
    with pytest.raises(UnknownCaseError) as caught:
        log.case("x-77", on=ON)
    assert str(caught.value) == "no case 'x-77' in the log"
    assert caught.value.suggestions == ()


def test_suggestions_stop_where_they_would_cost() -> None:
    """Above SUGGEST_AMONG known ids, none are compared (the error stays fast)."""
    many = [f"c-{i}" for i in range(UnknownCaseError.SUGGEST_AMONG + 1)]
    assert UnknownCaseError("c-1", known=many).suggestions == ()
    assert UnknownCaseError("c-1", known=many[:10]).suggestions[0] == "c-1"


# -- the command line -----------------------------------------------------------------


def run(*args: str) -> Result:
    """Run `caselog ARGS` with no `$CASELOG_URL`."""
    return CliRunner().invoke(app, list(args), env={"CASELOG_URL": None, "CASELOG_ACTOR": "t"})


@pytest.fixture
def db(tmp_path: Path) -> str:
    """An SQLite log holding c-1001 and c-1002."""
    url = f"sqlite:///{tmp_path / 'log.db'}"
    clock = ManualClock(datetime(2024, 2, 15, 9, tzinfo=UTC))
    with open_log(url, actor="sw-1", clock=clock) as log:
        log.ingest(
            [
                about("c-1001", report("r1", "2024-01-31")),
                about("c-1002", report("r2", "2024-02-01")),
            ]
        )
    return url


def one_line(result: Result) -> str:
    """Standard error with rich's wrapping undone."""
    return " ".join(result.stderr.split())


def test_compliance_with_an_unknown_rule_exits_2(db: str) -> None:
    """`--rule R99` is a usage error: exit 2, the rules listed, nothing on stdout."""
    result = run("compliance", "--on", "2024-03-01", "--rule", "R99", "--db", db)
    assert (result.exit_code, result.stdout) == (2, "")
    assert one_line(result) == f"error: no such rule 'R99'; {RULES}"


def test_compliance_suggests_the_rule_meant(db: str) -> None:
    """`--rule r05` exits 2 and suggests R05; `--rule R16` is valid."""
    result = run("compliance", "--on", "2024-03-01", "--rule", "r05", "--db", db)
    assert result.exit_code == 2
    assert "(did you mean 'R05'?)" in one_line(result)
    assert run("compliance", "--on", "2024-03-01", "--rule", "R16", "--db", db).exit_code == 0


def test_compliance_with_an_unknown_status_exits_2(db: str) -> None:
    """`--status late` is a usage error naming the valid statuses."""
    result = run("compliance", "--on", "2024-03-01", "--status", "late", "--db", db)
    assert result.exit_code == 2
    assert "met_late" in one_line(result)
    assert "not_applicable" in one_line(result)


@pytest.mark.parametrize(
    "command",
    [["case", "c-1003", "--on", "2024-03-01"], ["timeline", "c-1003"]],
    ids=["case", "timeline"],
)
def test_an_unknown_case_exits_1_with_suggestions(db: str, command: list[str]) -> None:
    """`case` and `timeline` of an unknown id exit 1 (docs/cli.md) and suggest ids."""
    result = run(*command, "--db", db)
    assert result.exit_code == 1
    assert one_line(result).startswith("error: no case 'c-1003' in the log (did you mean")
    assert "Traceback" not in result.output


def test_compliance_for_an_unknown_case_exits_1(db: str) -> None:
    """`compliance --case` of an unknown id is a refusal like `case`'s."""
    result = run("compliance", "--on", "2024-03-01", "--case", "c-1003", "--db", db)
    assert result.exit_code == 1
    assert "no case 'c-1003' in the log" in one_line(result)


def test_exit_codes_follow_cli_md() -> None:
    """2: a wrong question or a store that fails; 1: a refusal."""
    assert exit_code(UnknownRuleError("R99", known=["R01"])) == 2
    assert exit_code(UnknownStatusError("late", known=["met"])) == 2
    assert exit_code(StoreNotFoundError("no log", url="sqlite:///x")) == 2
    assert exit_code(ServerUnreachableError("down", url="u", host="h", port=1)) == 2
    assert exit_code(UnknownCaseError("c-1")) == 1
    assert exit_code(IngestRejectedError([], 0)) == 1
