"""record(): one event, now; structure guarded, legality never refused."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import pytest

from caselog.api import CaseLog, ManualClock, open_log
from caselog.api.integrity import verify
from caselog.errors import (
    DuplicateEventError,
    InvalidCorrectionError,
    PlacementEndsBeforeStartError,
    PurgedSubjectError,
    UnknownCaseError,
    UnknownReferenceError,
)
from caselog.events import (
    CareBasis,
    CareDecided,
    DecidedBy,
    EventRetracted,
    HomeType,
    PlacementBasis,
    PlacementEnded,
    PlacementStarted,
    PrivateTalkHeld,
    RecordsPurged,
    RetentionClass,
)

if TYPE_CHECKING:
    from pathlib import Path

CHILD = {"child_id": "c1", "actor": "sw-1"}


def placed(event_id: str = "p1", day: str = "2018-05-02", **extra: str) -> PlacementStarted:
    """A placement of child c1 in family home H (never investigated)."""
    return PlacementStarted(
        event_id=event_id,
        occurred_on=date.fromisoformat(day),
        placement_id="pl-1",
        home_id="H",
        home_type=HomeType.FAMILY_HOME,
        legal_basis=PlacementBasis.SOL,
        **CHILD,
        **extra,
    )


@pytest.fixture
def log(store_url: str, clock: ManualClock) -> CaseLog:
    """A log on every backend in turn."""
    return open_log(store_url, actor="sw-1", clock=clock)


def test_a_non_compliant_fact_is_always_recorded(log: CaseLog, clock: ManualClock) -> None:
    """A placement in a never-investigated home without a decision is recorded as it is."""
    recorded = log.record(placed())
    assert (recorded.stream, recorded.stream_version, recorded.recorded_at) == (
        "child:c1",
        1,
        clock(),
    )
    assert [r.event for r in log.history("child:c1")] == [placed()]


def test_a_decision_after_the_placement_is_accepted(log: CaseLog) -> None:
    """A care decision dated after the placement it refers to is accepted (D5)."""
    log.record(
        CareDecided(
            event_id="cd",
            occurred_on=date(2018, 6, 1),
            care_decision_id="cd-1",
            legal_basis=CareBasis.SOL,
            decided_by=DecidedBy.OFFICIAL,
            **CHILD,
        )
    )
    assert log.record(placed(care_decision_id="cd-1")).stream_version == 2


def test_structural_errors_are_typed(log: CaseLog) -> None:
    """Each broken invariant raises its own HistoryError and writes nothing."""
    with pytest.raises(UnknownReferenceError, match="placement_id: 'pl-1' does not exist"):
        log.record(
            PlacementEnded(event_id="e", occurred_on=date(2018, 5, 1), placement_id="pl-1", **CHILD)
        )
    log.record(placed())
    with pytest.raises(PlacementEndsBeforeStartError, match="would end on 2018-05-01"):
        log.record(
            PlacementEnded(event_id="e", occurred_on=date(2018, 5, 1), placement_id="pl-1", **CHILD)
        )
    with pytest.raises(InvalidCorrectionError, match="cycle"):
        log.record(
            EventRetracted(
                event_id="x",
                occurred_on=date(2018, 5, 3),
                target_event_id="x",
                reasons="?",
                **CHILD,
            )
        )
    assert len(log.history("child:c1")) == 1


def test_a_class_is_purged_once_and_the_child_stays_recordable(log: CaseLog) -> None:
    """D5: after a purge, later events about the child are accepted; a second purge is not."""

    def purged(event_id: str) -> RecordsPurged:
        return RecordsPurged(
            event_id=event_id,
            occurred_on=date(2024, 3, 10),
            retention_class=RetentionClass.GENERAL,
            **CHILD,
        )

    log.record(purged("g"))
    later = log.record(PrivateTalkHeld(event_id="t", occurred_on=date(2024, 3, 11), **CHILD))
    assert later.stream_version == 2
    with pytest.raises(PurgedSubjectError, match="general records of child:c1 were already"):
        log.record(purged("g2"))


def test_re_recording_is_idempotent_and_reuse_is_refused(log: CaseLog) -> None:
    """The same event again returns the stored one; its id with another payload is refused."""
    first = log.record(placed())
    assert log.record(placed()) == first
    with pytest.raises(DuplicateEventError, match="'p1' is already stored"):
        log.record(placed(day="2018-05-03"))


def test_an_unknown_case_is_a_lookup_error(log: CaseLog) -> None:
    """Asking a log that holds other children about one it never heard of: UnknownCaseError."""
    log.record(PrivateTalkHeld(event_id="t1", occurred_on=date(2024, 1, 1), **CHILD))
    with pytest.raises(UnknownCaseError):
        log.case("nobody", on=date(2024, 1, 1))


WORKER = """
import sys
from datetime import date, datetime, timedelta
from caselog.api import ManualClock, open_log
from caselog.errors import ConcurrencyConflictError
from caselog.events import PrivateTalkHeld

url, worker, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
clock = ManualClock(datetime.fromisoformat("2024-01-02T08:00:00+00:00") + timedelta(seconds=worker))
conflicts = 0
with open_log(url, actor=f"worker-{worker}", clock=clock) as log:
    for i in range(count):
        event = PrivateTalkHeld(event_id=f"w{worker}-{i}", occurred_on=date(2024, 1, 2),
                                child_id="c1", actor="sw-1")
        while True:
            try:
                log.record(event)
                break
            except ConcurrencyConflictError:
                conflicts += 1
print(conflicts)
"""


@pytest.fixture(params=["sqlite-file", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """One log several processes write to: an SQLite file, or a PostgreSQL schema."""
    if request.param == "sqlite-file":
        return f"sqlite:///{tmp_path / 'shared.db'}"
    return str(request.getfixturevalue("postgres_url"))


def test_concurrent_processes_lose_and_duplicate_nothing(shared_url: str) -> None:
    """Eight processes on one stream: nothing lost or doubled, no gaps, time never back.

    The hash chain, written under each writer's lock, verifies.
    """
    workers, each = 8, 12
    with open_log(shared_url, actor="setup") as log:  # made once, before the race
        log.record(PrivateTalkHeld(event_id="w-setup", occurred_on=date(2024, 1, 2),
                                   child_id="c0", actor="sw-1"))  # fmt: skip
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, shared_url, str(w), str(each)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(workers)
    ]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0] * workers, outputs
    conflicts = sum(int(out.strip()) for out, _ in outputs)
    with open_log(shared_url, actor="checker") as log:
        stored = log.history("child:c1")
        stamps = [r.recorded_at for r in log.events()]
        verified = verify(log.store)
    assert verified.ok, verified.problem
    assert verified.events == workers * each + 1
    assert sorted(r.event.event_id for r in stored) == sorted(
        f"w{w}-{i}" for w in range(workers) for i in range(each)
    )
    assert [r.stream_version for r in stored] == list(range(1, workers * each + 1))
    assert stamps == sorted(stamps)
    assert stamps[1] >= datetime(2024, 1, 2, 8, tzinfo=UTC)
    print(f"{conflicts} conflicts were raised and retried")  # noqa: T201
