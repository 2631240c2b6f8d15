"""`actor=` on `CaseLog`'s reads and `ingest`: one log opened by a service answers many actors.

The HTTP service opens its log once, as itself, and answers each request for the actor of
its token; the access log (loggkontroll) must name that actor, never the service, and a
write must be stored as `ingested_by` its sender.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Final

import pytest

from caselog.api import CaseLog, ManualClock, open_log
from caselog.api.access import read_access
from caselog.storage.access_log import access_store
from tests.rules.builders import CHILD, assessed, report

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

ON: Final = date(2024, 1, 20)


@pytest.fixture
def log() -> Iterator[CaseLog]:
    """An in-memory log opened by the service, holding one case."""
    clock = ManualClock(datetime(2024, 1, 2, 8, tzinfo=UTC))
    with open_log("sqlite://", actor="caselog-service", clock=clock) as found:
        found.ingest([report("r1", "2024-01-02")], actor="lifecare")
        yield found


READS: Final[list[tuple[str, Callable[[CaseLog], object]]]] = [
    ("case", lambda log: log.case(CHILD, on=ON, actor="sw-17")),
    ("timeline", lambda log: log.timeline(CHILD, actor="sw-17")),
    ("history", lambda log: log.history(f"child:{CHILD}", actor="sw-17")),
    ("events", lambda log: list(log.events(actor="sw-17"))),
    ("obligations", lambda log: log.obligations(on=ON, actor="sw-17")),
    ("summary", lambda log: log.summary(on=ON, actor="sw-17")),
    ("cases", lambda log: log.cases(on=ON, actor="sw-17")),
    ("export", lambda log: log.export(io.StringIO(), actor="sw-17")),
]


@pytest.mark.parametrize(("what", "read"), READS, ids=[r[0] for r in READS])
def test_a_read_for_another_actor_is_recorded_as_theirs(
    log: CaseLog, what: str, read: Callable[[CaseLog], object]
) -> None:
    """The access log names the `actor=` of the read, not the actor the log was opened by."""
    read(log)
    (row,) = access_store(log.store).accesses()
    assert (row.what, row.actor) == (what, "sw-17")


def test_without_an_override_the_log_s_own_actor_reads(log: CaseLog) -> None:
    """Leaving `actor=` out records the log's own actor, as before."""
    log.timeline(CHILD)
    assert [row.actor for row in access_store(log.store).accesses()] == ["caselog-service"]


def test_an_override_that_cannot_be_recorded_is_refused_before_answering(log: CaseLog) -> None:
    """A blank override is refused like a blank actor, and leaves no row."""
    with pytest.raises(ValueError, match="visible character"):
        log.timeline(CHILD, actor=" ")
    assert access_store(log.store).accesses() == []


def test_a_read_inside_another_is_recorded_once_as_the_outer_actor(log: CaseLog) -> None:
    """A nested read of the same log adds no row, whoever it names."""

    class Reviewing(CaseLog):
        @read_access
        def review(self, case_id: str, *, actor: str) -> None:
            """A read that records itself, then asks another read inside."""
            self._accessed("timeline", case_id, actor)
            self.timeline(case_id, actor="someone-else")

    Reviewing(log.store, actor="caselog-service", clock=log.clock).review(CHILD, actor="sw-17")
    assert [(r.what, r.actor) for r in access_store(log.store).accesses()] == [
        ("timeline", "sw-17")
    ]


def test_ingest_for_another_actor_is_stored_as_ingested_by_them(log: CaseLog) -> None:
    """`ingest(..., actor=)` attributes the events to the sender, not to the service."""
    log.ingest([assessed("a1", "2024-01-03", "r1")], actor="treserva")
    stored = {r.event.event_id: r.ingested_by for r in log.history(f"child:{CHILD}")}
    assert stored == {"r1": "lifecare", "a1": "treserva"}
