"""Every statistic of RULES.md §8 against a small history whose figures are counted by hand.

The history (`HISTORY`, registered with its own `registered_at`) is five children:

* c1: report r1 on 2024-01-10 (registered 23:30 UTC: 00:30 on the 11th in Sweden, a lag
  of 1 day); investigation opened on 01-20 (10 days: R02 met); concluded on 04-20
  (91 days, within four months: R05 met).
* c2: report r2 on 01-15; not opened on 02-05 (21 days: R02 met late).
* c3: report r3 on 02-01, registered on 03-15 (a lag of 43 days); no decision by
  06-30 (R02 overdue).
* c4: report r4 on 06-25: not yet due on 06-30 (R02 pending, left out).
* c5: in a family home under SoL since 2023-07-01; reviewed on 2023-12-20 (due
  2024-01-01: met); the next review, due 06-20, not made (overdue); visits on 02-10
  (a visit and a private talk) and 05-05.

Every other fact is registered on its day at 09:00 UTC (lag 0). The expected values below
are worked out by hand in each test, never by the code under test.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import TYPE_CHECKING, Final

import orjson
import pyarrow.parquet as pq
import pytest
from rich.console import Console
from typer.testing import CliRunner, Result

import caselog
from caselog.api.statistics import STATISTICS_SCHEMA, Statistics
from caselog.cli import app
from caselog.cli import stats as stats_command
from caselog.cli.app import consoles
from caselog.errors import StoreNotFoundError
from caselog.rules.statistics import By, FigureName

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from caselog.api import CaseLog

ON: Final = date(2024, 6, 30)
WIDTH: Final = 80


def _line(
    event_id: str, type_: str, on: str, child: str, at: str | None = None, **fields: object
) -> dict[str, object]:
    return {
        "event_id": event_id, "type": type_, "occurred_on": on, "actor": "sw-17",
        "child_id": child, "registered_at": at or f"{on}T09:00:00Z", **fields,
    }  # fmt: skip


def _report(event_id: str, on: str, child: str, at: str | None = None) -> dict[str, object]:
    return _line(
        event_id, "report_received", on, child, at,
        reporter_category="school", mandatory_reporter=True,
    )  # fmt: skip


HISTORY: Final = [
    _line("cd5", "care_decided", "2023-06-28", "c5", care_decision_id="cd-5",
          legal_basis="sol", home_id="home-7", decided_by="subcommittee"),
    _line("pl5", "placement_started", "2023-07-01", "c5", placement_id="pl-5",
          home_id="home-7", home_type="family_home", legal_basis="sol", care_decision_id="cd-5"),
    _line("rv5", "care_reviewed", "2023-12-20", "c5", kind="sol_review",
          care_decision_id="cd-5", decided_by="subcommittee"),
    _report("r1", "2024-01-10", "c1", at="2024-01-10T23:30:00Z"),
    _report("r2", "2024-01-15", "c2"),
    _line("io1", "investigation_opened", "2024-01-20", "c1", investigation_id="inv-1",
          report_event_ids=["r1"], decided_by="official"),
    _line("no2", "investigation_not_opened", "2024-02-05", "c2", report_event_ids=["r2"],
          decided_by="official", reasons="Familjen har redan stöd."),
    _line("v1", "visit_made", "2024-02-10", "c5", place="placement_home"),
    _line("t1", "private_talk_held", "2024-02-10", "c5"),
    _report("r3", "2024-02-01", "c3", at="2024-03-15T09:00:00Z"),
    _line("ic1", "investigation_concluded", "2024-04-20", "c1", investigation_id="inv-1",
          outcome="intervention", decided_by="subcommittee"),
    _line("v2", "visit_made", "2024-05-05", "c5", place="placement_home"),
    _report("r4", "2024-06-25", "c4"),
]  # fmt: skip

JAN, FEB, MAR, APR, MAY, JUN = (date(2024, m, 1) for m in range(1, 7))
YEAR_DAYS: Final = 365.25


@pytest.fixture(scope="module")
def history_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-made history in an SQLite file."""
    path = tmp_path_factory.mktemp("stats") / "stats.db"
    with caselog.open(f"sqlite:///{path}", actor="tester") as log:
        log.ingest(HISTORY, historical=True)
    return path


@pytest.fixture
def log(history_db: Path) -> Iterator[CaseLog]:
    """The log of the hand-made history, open."""
    with caselog.open(f"sqlite:///{history_db}", actor="analyst") as opened:
        yield opened


def figures(
    found: Statistics, name: FigureName
) -> dict[date, tuple[float, int | None, int | None]]:
    """One figure's (value, numerator, denominator) by period."""
    return {f.period: (f.value, f.numerator, f.denominator) for f in found if f.name is name}


@pytest.fixture
def monthly(log: CaseLog) -> Statistics:
    """The figures by month of 2024, on 2024-06-30."""
    return log.stats(on=ON, from_=date(2024, 1, 1), by="month")


class TestFromTheJudgedDuties:
    """Figures read off the judged duties (R02, R05, R11)."""

    def test_pre_assessments_within_14_days(self, monthly: Statistics) -> None:
        """Jan: r1 met, r2 late → 1 of 2; Feb: r3 overdue → 0 of 1; Jun: r4 pending, left out."""
        assert figures(monthly, FigureName.PRE_ASSESSMENTS_WITHIN_14_DAYS) == {
            JAN: (0.5, 1, 2),
            FEB: (0.0, 0, 1),
        }

    def test_investigations_within_four_months(self, monthly: Statistics) -> None:
        """inv-1, opened in January, concluded in 91 days (due 05-20): 1 of 1."""
        assert figures(monthly, FigureName.INVESTIGATIONS_WITHIN_FOUR_MONTHS) == {JAN: (1.0, 1, 1)}

    def test_days_report_to_decision(self, monthly: Statistics) -> None:
        """January's decisions took 10 and 21 days: median 15.5, P90 (nearest rank) 21."""
        assert figures(monthly, FigureName.DAYS_REPORT_TO_DECISION_MEDIAN) == {JAN: (15.5, None, 2)}
        assert figures(monthly, FigureName.DAYS_REPORT_TO_DECISION_P90) == {JAN: (21.0, None, 2)}

    def test_days_opened_to_concluded(self, monthly: Statistics) -> None:
        """2024-01-20 → 2024-04-20 is 11 + 29 + 31 + 20 = 91 days."""
        assert figures(monthly, FigureName.DAYS_OPENED_TO_CONCLUDED_MEDIAN) == {
            JAN: (91.0, None, 1)
        }
        assert figures(monthly, FigureName.DAYS_OPENED_TO_CONCLUDED_P90) == {JAN: (91.0, None, 1)}

    def test_reviews_on_time(self, monthly: Statistics) -> None:
        """c5's review due 2024-01-01 was made on 2023-12-20; the one due 06-20 is overdue."""
        assert figures(monthly, FigureName.REVIEWS_ON_TIME) == {
            JAN: (1.0, 1, 1),
            JUN: (0.0, 0, 1),
        }


class TestFromTheFacts:
    """Figures counted from the facts as known."""

    def test_reports_leading_to_investigation(self, monthly: Statistics) -> None:
        """Jan: r1 investigated, r2 not → 1 of 2; Feb: r3 → 0 of 1; Jun: r4 → 0 of 1."""
        assert figures(monthly, FigureName.REPORTS_LEADING_TO_INVESTIGATION) == {
            JAN: (0.5, 1, 2),
            FEB: (0.0, 0, 1),
            JUN: (0.0, 0, 1),
        }

    def test_visits_per_placed_child_year(self, monthly: Statistics) -> None:
        """c5 is in care every day; 2 visits in February (29 days), 1 in May (31 days)."""
        assert figures(monthly, FigureName.VISITS_PER_PLACED_CHILD_YEAR) == {
            JAN: (0.0, 0, 31),
            FEB: (2 * YEAR_DAYS / 29, 2, 29),
            MAR: (0.0, 0, 31),
            APR: (0.0, 0, 30),
            MAY: (YEAR_DAYS / 31, 1, 31),
            JUN: (0.0, 0, 30),
        }

    def test_documentation_lag(self, monthly: Statistics) -> None:
        """Jan: lags 1 (r1, Swedish day), 0, 0; Feb: 0, 0, 0 and 43 (r3) → 1 late of 4."""
        assert figures(monthly, FigureName.DOCUMENTATION_LAG_MEDIAN_DAYS) == {
            JAN: (0.0, None, 3),
            FEB: (0.0, None, 4),
            APR: (0.0, None, 1),
            MAY: (0.0, None, 1),
            JUN: (0.0, None, 1),
        }
        assert figures(monthly, FigureName.DOCUMENTATION_LATE_SHARE) == {
            JAN: (0.0, 0, 3),
            FEB: (0.25, 1, 4),
            APR: (0.0, 0, 1),
            MAY: (0.0, 0, 1),
            JUN: (0.0, 0, 1),
        }


def test_by_year_adds_the_months_up(log: CaseLog) -> None:
    """2024 as one period adds the months up; 2023 holds c5's first half year in care.

    1 of 3 decided in time, 1 of 4 reports investigated, 3 visits in 182 care days, 1 of
    2 reviews on time, 1 of 10 facts registered late.
    """
    yearly = log.stats(on=ON, by=By.YEAR)
    year = date(2024, 1, 1)
    assert figures(yearly, FigureName.PRE_ASSESSMENTS_WITHIN_14_DAYS)[year] == (1 / 3, 1, 3)
    assert figures(yearly, FigureName.REPORTS_LEADING_TO_INVESTIGATION)[year] == (0.25, 1, 4)
    visits = figures(yearly, FigureName.VISITS_PER_PLACED_CHILD_YEAR)
    assert visits == {date(2023, 1, 1): (0.0, 0, 184), year: (3 * YEAR_DAYS / 182, 3, 182)}
    assert figures(yearly, FigureName.REVIEWS_ON_TIME)[year] == (0.5, 1, 2)
    assert figures(yearly, FigureName.DOCUMENTATION_LATE_SHARE)[year] == (0.1, 1, 10)


def test_by_quarter_and_a_span(log: CaseLog) -> None:
    """Only the quarters holding a day of the span: Q2 of 2024 alone."""
    found = log.stats(on=ON, from_=date(2024, 5, 1), to=date(2024, 5, 31), by="quarter")
    assert {f.period for f in found} == {APR}
    assert figures(found, FigureName.REVIEWS_ON_TIME) == {APR: (0.0, 0, 1)}


def test_a_question_asked_earlier_judges_as_of_then(log: CaseLog) -> None:
    """On 2024-02-10 r3 was due (02-15) but not yet known: R02 counts only r1 and r2."""
    early = log.stats(on=date(2024, 2, 10), known_at=date(2024, 2, 10), by="month")
    assert figures(early, FigureName.PRE_ASSESSMENTS_WITHIN_14_DAYS) == {JAN: (0.5, 1, 2)}
    assert figures(early, FigureName.REPORTS_LEADING_TO_INVESTIGATION) == {JAN: (0.5, 1, 2)}


def test_the_read_is_recorded_once(log: CaseLog) -> None:
    """A stats question is one read in the access log, with its parameters."""
    log.stats(on=ON, by="month", actor="auditor-1")
    reads = [a for a in log.access_log(actor="auditor-1") if a.what != "access_log"]
    assert [a.what for a in reads] == ["stats"]
    assert '"by":"month"' in reads[0].detail


class TestWrongQuestions:
    """Never a clean answer to a wrong question."""

    def test_an_unknown_period(self, log: CaseLog) -> None:
        """`by="week"` is refused, naming the lengths there are."""
        with pytest.raises(ValueError, match="unknown period 'week': use one of month"):
            log.stats(on=ON, by="week")

    def test_a_span_that_ends_before_it_begins(self, log: CaseLog) -> None:
        """`from_` after `to` is refused."""
        with pytest.raises(ValueError, match=r"ends .2024-02-01. before it begins"):
            log.stats(on=ON, from_=date(2024, 3, 1), to=date(2024, 2, 1))

    def test_a_span_after_the_day_asked_about(self, log: CaseLog) -> None:
        """Figures are as of `on`: a span reaching past it is refused."""
        with pytest.raises(ValueError, match="after the day asked about"):
            log.stats(on=ON, to=date(2024, 7, 31))

    def test_a_missing_log(self, tmp_path: Path) -> None:
        """A log that is not there is StoreNotFoundError, and nothing is created."""
        with (
            caselog.open(f"sqlite:///{tmp_path / 'nope.db'}", actor="a") as missing,
            pytest.raises(StoreNotFoundError),
        ):
            missing.stats(on=ON)
        assert not (tmp_path / "nope.db").exists()


def test_the_frame_has_a_fixed_schema(log: CaseLog) -> None:
    """Arrow, pandas and polars share the schema; an empty answer has it too."""
    found = log.stats(on=ON, by="month")
    assert found.to_arrow().schema == STATISTICS_SCHEMA
    empty = log.stats(on=date(2000, 1, 1), by="month")
    assert len(empty) == 0
    assert empty.to_arrow().schema == STATISTICS_SCHEMA
    frame = found.to_pandas()
    assert list(frame.columns) == ["period", "figure", "value", "numerator", "denominator"]
    assert str(frame["numerator"].dtype) == "Int64"
    assert set(frame["figure"].cat.categories) == {name.value for name in FigureName}
    assert found.to_polars().height == len(found)


# -- the command line -----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _eighty_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's consoles as in a pipe: 80 columns, no colour."""
    monkeypatch.setattr(consoles, "out", Console(width=WIDTH, color_system=None))
    monkeypatch.setattr(consoles, "err", Console(stderr=True, width=WIDTH, color_system=None))


def run(*args: str) -> Result:
    """Run `caselog ARGS` with a fixed actor and no `$CASELOG_URL`."""
    env = {"CASELOG_URL": None, "CASELOG_ACTOR": "tester", "COLUMNS": str(WIDTH)}
    return CliRunner().invoke(app, list(args), env=env)


def test_the_table_fits_80_columns(history_db: Path) -> None:
    """Every line of the table fits a terminal; shares show as percentages with counts."""
    result = run(
        "stats", "--on", "2024-06-30", "--from", "2024-01-01", "--db", f"sqlite:///{history_db}"
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= WIDTH
    assert any(
        "2024-01-01" in line and "pre_assessments_within_14_days" in line and "50.0 %" in line
        and "1/2" in line
        for line in lines
    )  # fmt: skip


def test_json_csv_and_parquet_carry_the_frame(history_db: Path, tmp_path: Path) -> None:
    """JSON and CSV on standard output, Parquet to a file: the same figures."""
    db = f"sqlite:///{history_db}"
    base = ("stats", "--on", "2024-06-30", "--by", "year", "--db", db)
    as_json = orjson.loads(run(*base, "--format", "json").stdout)
    assert {"period": "2024-01-01", "figure": "reviews_on_time", "value": 0.5,
            "numerator": 1, "denominator": 2} in as_json  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(run(*base, "--format", "csv").stdout)))
    assert len(rows) == len(as_json)
    assert rows[0].keys() == {"period", "figure", "value", "numerator", "denominator"}
    out = tmp_path / "stats.parquet"
    result = run(*base, "--format", "parquet", "--out", str(out))
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert table.num_rows == len(as_json)
    assert table.column("figure").to_pylist() == [row["figure"] for row in as_json]


def test_parquet_to_a_terminal_is_refused(
    history_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Binary Parquet never fills a terminal: a usage error (exit 2) says what to do."""
    monkeypatch.setattr(stats_command, "stdout_is_terminal", lambda: True)
    result = run(
        "stats", "--on", "2024-06-30", "--format", "parquet", "--db", f"sqlite:///{history_db}"
    )
    assert result.exit_code == 2
    assert "--out FILE" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--by", "week"), "'week' is not one of"),
        (("--from", "2024-03-01", "--to", "2024-02-01"), "before it begins"),
        (("--to", "2024-07-31"), "after the day asked about"),
        (("--on", "2024-13-01"), "not a date"),
    ],
    ids=["unknown period", "from after to", "to after on", "bad date"],
)
def test_wrong_questions_exit_2(history_db: Path, args: tuple[str, ...], message: str) -> None:
    """A wrong question is a clear error and exit code 2, never figures."""
    on = () if "--on" in args else ("--on", "2024-06-30")
    result = run("stats", *on, *args, "--db", f"sqlite:///{history_db}")
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_a_missing_log_exits_2(tmp_path: Path) -> None:
    """No log at the URL: exit 2, the path named, nothing created."""
    result = run("stats", "--on", "2024-06-30", "--db", f"sqlite:///{tmp_path / 'nope.db'}")
    assert result.exit_code == 2
    assert "no log at" in result.output
    assert not (tmp_path / "nope.db").exists()
