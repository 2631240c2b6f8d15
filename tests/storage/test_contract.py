"""The backend contract: SQLite in memory, an SQLite file and PostgreSQL behave alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from caselog.api import ManualClock
from caselog.errors import ConcurrencyConflictError, HistoricalOrderError
from caselog.events import (
    EVENT_TYPES,
    Event,
    PrivateTalkHeld,
    VisitMade,
    VisitPlace,
    event_adapter,
)
from caselog.events.examples import example
from caselog.storage import open_store, row_for

T0 = datetime(2024, 1, 2, 8, 0, tzinfo=UTC)


def talk(event_id: str, child: str = "c1", day: str = "2024-01-02") -> Event:
    """A private talk with a child: the smallest event with a stream."""
    return PrivateTalkHeld(event_id=event_id, occurred_on=day, actor="sw-1", child_id=child)


def test_every_event_type_round_trips(store_url: str, clock: ManualClock) -> None:
    """Every event of the vocabulary is stored and read back equal, with its stream."""
    store = open_store(store_url)
    events = [event_adapter.validate_python(example(tag)) for tag in EVENT_TYPES]
    versions: dict[str, int] = {}
    rows = []
    for event in events:
        versions[event.stream] = versions.get(event.stream, 0) + 1
        rows.append(row_for(event, versions[event.stream]))
    appended = store.append(rows, clock=clock, ingested_by="tester")
    assert appended.count == len(events)
    back = list(store.read_log())
    assert [r.event for r in back] == events
    assert [r.stream for r in back] == [e.stream for e in events]
    assert {r.recorded_at for r in back} == {clock()}
    assert {r.ingested_by for r in back} == {"tester"}
    store.close()


def test_positions_and_versions_are_consecutive(store_url: str, clock: ManualClock) -> None:
    """Appends get consecutive positions; each stream's versions count from 1."""
    store = open_store(store_url)
    first = store.append(
        [row_for(talk("a"), 1), row_for(talk("b", "c2"), 1)], clock=clock, ingested_by="x"
    )
    second = store.append([row_for(talk("c"), 2)], clock=clock, ingested_by="x")
    assert first.count == 2
    assert second.first_position == second.last_position
    assert first.last_position is not None
    assert second.first_position == first.last_position + 1
    assert store.heads(["child:c1", "child:c2", "child:none"]) == {
        "child:c1": 2,
        "child:c2": 1,
    }
    assert [r.stream_version for r in store.read_streams(["child:c1"])] == [1, 2]
    assert store.count() == 3
    assert store.streams("child:") == ["child:c1", "child:c2"]
    assert store.streams("child:c2") == ["child:c2"]
    assert store.streams("committee:") == []
    assert store.streams() == ["child:c1", "child:c2"]
    store.close()


def test_recorded_at_never_decreases(store_url: str, clock: ManualClock) -> None:
    """A clock that goes backwards still yields non-decreasing recorded_at (D3)."""
    store = open_store(store_url)
    store.append([row_for(talk("a"), 1)], clock=clock, ingested_by="x")
    clock.set(T0 - timedelta(days=3))
    later = store.append([row_for(talk("b"), 2)], clock=clock, ingested_by="x")
    assert later.recorded_at == T0
    stamps = [r.recorded_at for r in store.read_log()]
    assert stamps == sorted(stamps) == [T0, T0]
    assert store.last_recorded_at() == T0
    store.close()


def test_known_at_filters_by_transaction_time(store_url: str, clock: ManualClock) -> None:
    """Reads up to known_at see exactly the events recorded by then."""
    store = open_store(store_url)
    store.append([row_for(talk("a"), 1)], clock=clock, ingested_by="x")
    clock.set(T0 + timedelta(hours=1))
    store.append([row_for(talk("b"), 2)], clock=clock, ingested_by="x")
    early = store.read_streams(["child:c1"], known_at=T0 + timedelta(minutes=30))
    assert [r.event.event_id for r in early] == ["a"]
    assert [r.event.event_id for r in store.read_log(known_at=T0)] == ["a"]
    assert [r.event.event_id for r in store.read_log(after=1)] == ["b"]
    store.close()


def test_historical_rows_keep_their_registration_time(store_url: str, clock: ManualClock) -> None:
    """A historical row's registered_at becomes its recorded_at (D3)."""
    store = open_store(store_url)
    old = datetime(2006, 3, 1, 9, 30, tzinfo=UTC)
    store.append([row_for(talk("a", day="2006-02-27"), 1, old)], clock=clock, ingested_by="import")
    assert [r.recorded_at for r in store.read_log()] == [old]
    store.close()


def test_historical_rows_out_of_order_write_nothing(store_url: str, clock: ManualClock) -> None:
    """A registered_at before the log's last recorded_at refuses the whole batch."""
    store = open_store(store_url)
    store.append([row_for(talk("a"), 1)], clock=clock, ingested_by="x")
    rows = [
        row_for(talk("b"), 2, T0 + timedelta(days=1)),
        row_for(talk("c"), 3, T0 - timedelta(days=1)),
    ]
    with pytest.raises(HistoricalOrderError, match="earlier than the log's last recorded_at"):
        store.append(rows, clock=clock, ingested_by="x")
    assert store.count() == 1
    store.close()


def test_a_taken_stream_version_conflicts_and_writes_nothing(
    store_url: str, clock: ManualClock
) -> None:
    """A second write of a stream version conflicts, and its whole batch leaves no trace."""
    store = open_store(store_url)
    store.append([row_for(talk("a"), 1)], clock=clock, ingested_by="x")
    batch = [row_for(talk("x", "c9"), 1), row_for(talk("b"), 1)]
    with pytest.raises(ConcurrencyConflictError):
        store.append(batch, clock=clock, ingested_by="y")
    assert store.count() == 1
    assert store.heads(["child:c9"]) == {}
    store.close()


def test_an_event_id_is_stored_once(store_url: str, clock: ManualClock) -> None:
    """The unique event_id index refuses a second row with the same id."""
    store = open_store(store_url)
    store.append([row_for(talk("a"), 1)], clock=clock, ingested_by="x")
    visit = VisitMade(
        event_id="a",
        occurred_on="2024-01-03",
        actor="sw",
        child_id="c2",
        place=VisitPlace.OTHER,
    )
    with pytest.raises(ConcurrencyConflictError):
        store.append([row_for(visit, 1)], clock=clock, ingested_by="x")
    assert store.stored_payloads(["a", "zz"]).keys() == {"a"}
    store.close()


@pytest.fixture(params=["sqlite-file", pytest.param("postgres", marks=pytest.mark.postgres)])
def persistent_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The backends that outlive their connections: an SQLite file and PostgreSQL."""
    if request.param == "sqlite-file":
        return f"sqlite:///{tmp_path / 'kept.db'}"
    return str(request.getfixturevalue("postgres_url"))


def test_a_persistent_store_keeps_its_events(persistent_url: str, clock: ManualClock) -> None:
    """Reopening an SQLite file or a PostgreSQL schema shows what was written."""
    store_url = persistent_url
    store = open_store(store_url)
    store.append([row_for(talk("a"), 1)], clock=clock, ingested_by="x")
    store.close()
    again = open_store(store_url)
    assert [r.event for r in again.read_log()] == [talk("a")]
    again.close()
