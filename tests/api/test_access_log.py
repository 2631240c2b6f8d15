"""The access log (loggkontroll, issue 13): every read through `CaseLog` is recorded, once.

Each public read records one row — who, why, what, which case and the question's
parameters — before it answers, and only once its question was checked: a malformed
question leaves no row, a question about a case that is not there is still recorded.
Reading without an actor that can be recorded is refused. The record is filtered, and
sampled at random (seeded, reproducible, without replacement) for the regular review.
"""

from __future__ import annotations

import io
import json
import re
import threading
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

import pytest

from caselog.api import CaseLog, ManualClock, open_log
from caselog.api.access import read_access
from caselog.api.integrity import verify
from caselog.errors import UnknownCaseError, UnknownRuleError, UnknownStatusError
from caselog.storage import open_store
from caselog.storage.access_log import Access, access_store
from tests.rules.builders import CHILD, assessed, report

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

WRITTEN: Final = datetime(2024, 1, 2, 8, tzinfo=UTC)
READ: Final = datetime(2024, 1, 10, 9, tzinfo=UTC)
READ_AT: Final = "2024-01-10T09:00:00.000000Z"
ON: Final = date(2024, 1, 20)


def exactly(message: str) -> str:
    """A `match=` pattern for exactly this message."""
    return rf"^{re.escape(message)}\Z"


def recorded(log: CaseLog) -> list[Access]:
    """The access log as stored, read without recording a read."""
    return access_store(log.store).accesses()


@pytest.fixture
def clock() -> ManualClock:
    """The clock of the log: at the writes, then moved to the reads."""
    return ManualClock(WRITTEN)


@pytest.fixture
def log(clock: ManualClock) -> Iterator[CaseLog]:
    """An in-memory log holding one case, read by `sw-17` for an investigation."""
    with open_log("sqlite://", actor="sw-17", clock=clock, purpose="utredning inv-1") as found:
        found.ingest([report("r1", "2024-01-02"), assessed("a1", "2024-01-02", "r1")])
        clock.set(READ)
        assert recorded(found) == []  # writing is not reading
        yield found


READS: Final[list[tuple[str, Callable[[CaseLog], object], str | None, dict[str, Any]]]] = [
    (
        "case",
        lambda log: log.case(CHILD, on=ON),
        CHILD,
        {"known_at": READ_AT, "on": "2024-01-20", "reference": False},
    ),
    ("timeline", lambda log: log.timeline(CHILD), CHILD, {"known_at": READ_AT}),
    (
        "history",
        lambda log: log.history(f"child:{CHILD}", known_at=date(2024, 1, 5)),
        CHILD,
        {"known_at": "2024-01-05T22:59:59.999999Z", "streams": [f"child:{CHILD}"]},
    ),
    ("events", lambda log: list(log.events()), None, {"known_at": READ_AT}),
    (
        "obligations",
        lambda log: log.obligations(on=ON, case_id=CHILD, rule="R01", status="met"),
        CHILD,
        {
            "known_at": READ_AT,
            "on": "2024-01-20",
            "reference": False,
            "rule": "R01",
            "status": ["met"],
        },
    ),
    (
        "summary",
        lambda log: log.summary(on=ON, status=["overdue", "pending"], reference=True),
        None,
        {
            "known_at": READ_AT,
            "on": "2024-01-20",
            "reference": True,
            "rule": None,
            "status": ["overdue", "pending"],
        },
    ),
    (
        "cases",
        lambda log: log.cases(on=ON, search="c"),
        None,
        {"known_at": READ_AT, "on": "2024-01-20", "reference": False, "search": "c"},
    ),
    (
        "export",
        lambda log: log.export(io.StringIO(), case_id=CHILD),
        CHILD,
        {"known_at": None, "personal": False},
    ),
    (
        "access_log",
        lambda log: log.access_log(case=CHILD, actor="sw-17", from_=date(2024, 1, 1)),
        CHILD,
        {"by": "sw-17", "from": "2024-01-01", "to": None},
    ),
]


@pytest.mark.parametrize(("what", "read", "case_id", "detail"), READS, ids=[r[0] for r in READS])
def test_each_read_records_exactly_one_row(
    log: CaseLog,
    what: str,
    read: Callable[[CaseLog], object],
    case_id: str | None,
    detail: dict[str, Any],
) -> None:
    """One row: its what, case, parameters, actor, purpose and the clock's time."""
    read(log)
    (row,) = recorded(log)
    assert (row.position, row.what, row.case_id, row.actor, row.purpose) == (
        1, what, case_id, "sw-17", "utredning inv-1",
    )  # fmt: skip
    assert (row.accessed_at, row.parameters) == (READ, detail)
    assert row.detail == json.dumps(detail, sort_keys=True, separators=(",", ":"))
    read(log)
    assert [r.position for r in recorded(log)] == [1, 2]


def test_reads_that_read_much_inside_are_recorded_once(log: CaseLog) -> None:
    """A replay, a timeline that reads the matters too, a summary: one row each."""
    log.case(CHILD, on=ON, reference=True)
    log.timeline(CHILD)
    log.obligations(on=ON, reference=True)
    log.summary(on=ON)
    assert [r.what for r in recorded(log)] == ["case", "timeline", "obligations", "summary"]


class _Reporting(CaseLog):
    """A log with a report that asks other public reads (as the reports issue will)."""

    @read_access
    def report(self) -> int:
        self._accessed("report", CHILD, on=ON)
        self.case(CHILD, on=ON)
        self.obligations(on=ON, case_id=CHILD)
        return len(self.cases(on=ON)) + len(self.access_log())


def test_public_reads_inside_a_public_read_are_not_recorded_again(clock: ManualClock) -> None:
    """The outer read is recorded once; the reads it makes are part of it."""
    store = open_store("sqlite://")
    log = _Reporting(store, actor="ivo-3", clock=clock)
    with log:
        log.ingest([report("r1", "2024-01-02")])
        assert log.report() == 2
        assert [(r.what, r.case_id) for r in recorded(log)] == [("report", CHILD)]
        log.case(CHILD, on=ON)  # outside the report: recorded again
        assert [r.what for r in recorded(log)] == ["report", "case"]


@pytest.mark.parametrize(
    ("read", "error"),
    [
        (lambda log: log.obligations(on=ON, rule="R99"), UnknownRuleError),
        (lambda log: log.summary(on=ON, status="late"), UnknownStatusError),
        (lambda log: log.case(CHILD, on=ON, known_at=datetime(2024, 1, 5)), ValueError),  # noqa: DTZ001
        (lambda log: log.history("child:c1", known_at=datetime(2024, 1, 5)), ValueError),  # noqa: DTZ001
        (lambda log: log.access_log(from_=date(2024, 2, 1), to=date(2024, 1, 1)), ValueError),
        (lambda log: log.access_log(to=datetime(2024, 1, 5)), ValueError),  # noqa: DTZ001
        (lambda log: log.access_sample(0), ValueError),
        (lambda log: log.access_sample(2, seed="x"), ValueError),
    ],
)
def test_a_malformed_question_records_nothing(
    log: CaseLog, read: Callable[[CaseLog], object], error: type[Exception]
) -> None:
    """The question is checked before it is recorded: refused, it leaves no row."""
    with pytest.raises(error):
        read(log)
    assert recorded(log) == []


@pytest.mark.parametrize(
    "read",
    [
        lambda log: log.case("c404", on=ON),
        lambda log: log.timeline("c404"),
        lambda log: log.obligations(on=ON, case_id="c404"),
        lambda log: log.summary(on=ON, case_id="c404"),
        lambda log: log.export(io.StringIO(), case_id="c404"),
    ],
)
def test_asking_for_an_unknown_case_is_recorded(
    log: CaseLog, read: Callable[[CaseLog], object]
) -> None:
    """An attempt to read a case file is an access, whether or not the case is there."""
    with pytest.raises(UnknownCaseError):
        read(log)
    assert [r.case_id for r in recorded(log)] == ["c404"]


@pytest.mark.parametrize(
    ("actor", "message"),
    [
        ("", "an actor is required: who records and reads the log"),
        (None, "an actor is required: who records and reads the log"),
        (
            "   ",
            "the actor needs at least one visible character and no control or format "
            "characters (got 3 character(s): U+0020, U+0020, U+0020)",
        ),
        (
            "sw\u200b",
            "the actor needs at least one visible character and no control or format "
            "characters (got 3 character(s): U+0073, U+0077, U+200B)",
        ),
        (
            "a\tb",
            "the actor needs at least one visible character and no control or format "
            "characters (got 3 character(s): U+0061, U+0009, U+0062)",
        ),
        ("x" * 257, "the actor is longer than 256 characters (257)"),
    ],
)
def test_reading_without_a_recordable_actor_is_refused(
    log: CaseLog, actor: str, message: str
) -> None:
    """Blank, invisible, control characters or too long: refused, opening and reading."""
    with pytest.raises(ValueError, match=exactly(message)):
        open_log("sqlite://", actor=actor)
    log.actor = actor  # changed after opening: the read is refused all the same
    with pytest.raises(ValueError, match=exactly(message)):
        log.case(CHILD, on=ON)
    assert recorded(log) == []


@pytest.mark.parametrize(
    ("purpose", "message"),
    [
        ("", "the purpose is empty: leave it out, or say why the log is read"),
        (
            "\n",
            "the purpose needs at least one visible character and no control or format "
            "characters (got 1 character(s): U+000A)",
        ),
        ("p" * 300, "the purpose is longer than 256 characters (300)"),
        (7, "the purpose is text (got int)"),
    ],
)
def test_a_purpose_is_checked_like_an_actor(purpose: str, message: str) -> None:
    """A purpose is optional; given, it is text that can be recorded."""
    with pytest.raises(ValueError, match=exactly(message)):
        open_log("sqlite://", actor="sw-17", purpose=purpose)
    with open_log("sqlite://", actor="sw-17", purpose="p" * 256) as log:
        assert log.purpose == "p" * 256


def test_a_search_that_is_not_an_id_is_kept_as_its_length(log: CaseLog) -> None:
    """`cases(search=...)` matches ids only; free text is never kept in the access log."""
    log.cases(on=ON, search="Anna Öberg")
    (row,) = recorded(log)
    assert row.parameters["search"] == "(10 characters, not an id)"
    assert "Anna" not in row.detail


def test_verify_checks_the_access_chain_and_counts_the_reads(log: CaseLog) -> None:
    """The access chain verifies apart from the events; its `events` are the reads."""
    for read in READS:
        read[1](log)
    found = verify(log.store)
    assert found.ok
    assert found.access is not None
    assert (found.access.ok, found.access.events, found.events) == (True, len(READS), 2)


def test_the_clock_never_moves_the_access_log_back(log: CaseLog, clock: ManualClock) -> None:
    """A clock set back does not make a read earlier than the one before it (as D3)."""
    log.timeline(CHILD)
    clock.set(READ - timedelta(days=3))
    log.timeline(CHILD)
    assert [r.accessed_at for r in recorded(log)] == [READ, READ]


def test_concurrent_readers_chain_correctly(store_url: str, tmp_path: Path) -> None:
    """Readers in four threads at once: every read recorded, the chain intact."""
    if store_url == "sqlite://":
        store_url = f"sqlite:///{tmp_path / 'shared.db'}"
    with open_log(store_url, actor="sw-1") as log:
        log.ingest([report("r1", "2024-01-02")])

    def read(n: int) -> None:
        with open_log(store_url, actor=f"sw-{n}") as mine:
            for _ in range(5):
                mine.timeline(CHILD)

    threads = [threading.Thread(target=read, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with open_log(store_url, actor="ivo-3") as log:
        found = verify(log.store)
        assert found.access is not None
        assert (found.ok, found.access.events) == (True, 20)
        assert Counter(r.actor for r in recorded(log)) == {f"sw-{n}": 5 for n in range(4)}
