"""The storage port: what caselog needs from a backend, and what every backend shares.

Backends (`sqlite.py`, `postgres.py`) are eventsourcing application recorders extended with
the log's own columns — `event_id` (unique), `recorded_at` (transaction time, UTC) and
`ingested_by` — behind this one interface, tested by one contract suite.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import TYPE_CHECKING, Protocol, TypeVar
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from caselog.errors import HistoricalOrderError, UnchainedEventError
from caselog.storage.mapping import LogRow

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Iterator, Sequence

    from caselog.events import Event, Recorded
    from caselog.storage.chain import ChainRow
    from caselog.storage.keyring import LogKeys

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Appended:
    """What one committed append wrote: how many events, where, and when."""

    count: int
    first_position: int | None
    last_position: int | None
    recorded_at: datetime | None
    """The `recorded_at` of the last event written."""


class EventStore(Protocol):
    """The port every backend implements (STYLE.md G7)."""

    url: str
    log_id: str | None
    """The log's id (a UUID made with it); None for a log made before the hash chain."""
    keys: LogKeys
    """The keys of its personal fields (`caselog.storage.keys`)."""

    def log_id_now(self) -> str:
        """The log's id, creating the log if it is still to be made."""
        ...

    def chain_rows(self, page: int = 5000) -> Iterator[ChainRow]:
        """Every row as the hash chain covers it, in position order (`caselog.storage.chain`)."""
        ...

    def upgrade(self) -> tuple[int, bytes]:
        """Chain a log made before the chain; (last position, head hash)."""
        ...

    def head(self) -> tuple[int, bytes]:
        """The last position and its hash (0 and the genesis for an empty log)."""
        ...

    def head_at(self, known_at: datetime) -> tuple[int, bytes, datetime | None]:
        """The last position recorded by `known_at`, its hash and its `recorded_at`.

        (0, the genesis, None) when nothing was recorded by then: the checkpoint an
        export or a bundle of the log as known at `known_at` names (never the wall clock).
        """
        ...

    def append(
        self, rows: Iterable[LogRow], *, clock: Callable[[], datetime], ingested_by: str
    ) -> Appended:
        """Write all rows in one transaction, or none (D3, D6)."""
        ...

    def heads(self, streams: Collection[str]) -> dict[str, int]:
        """The current version of each stream that exists."""
        ...

    def read_streams(
        self, streams: Collection[str], *, known_at: datetime | None = None
    ) -> list[Recorded[Event]]:
        """The events of the given streams, in log order, recorded up to `known_at`."""
        ...

    def read_log(
        self, *, after: int = 0, known_at: datetime | None = None, page: int = 5000
    ) -> Iterator[Recorded[Event]]:
        """Every event after position `after`, in log order, recorded up to `known_at`."""
        ...

    def stored_payloads(self, event_ids: Collection[str]) -> dict[str, tuple[str, bytes]]:
        """event_id → (topic, canonical bytes) for the ids already stored."""
        ...

    def streams(self, prefix: str = "") -> list[str]:
        """The names of the streams that start with `prefix` (`committee:` …), sorted."""
        ...

    def last_recorded_at(self) -> datetime | None:
        """The `recorded_at` of the last event in the log (the maximum, by D3)."""
        ...

    def count(self) -> int:
        """How many events the log holds."""
        ...

    def last_position(self) -> int:
        """The position of the last event in the log (0 while it is empty)."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Yield lists of at most `size` items (bounded memory for long inputs)."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class RecordedAtAssigner:
    """Assigns `recorded_at` under the write lock: `max(previous, clock())` (D3).

    A historical import keeps each row's `registered_at`, refusing any that would make
    `recorded_at` decrease along the log.
    """

    def __init__(self, previous: datetime | None, now: datetime) -> None:
        """Start after the log's last `recorded_at`; `now` is the clock read once."""
        if now.tzinfo is None:
            msg = "the clock must return an aware datetime (UTC)"
            raise ValueError(msg)
        self.previous = previous
        self.now = now.astimezone(UTC) if previous is None else max(previous, now)

    def assign(self, row: LogRow) -> datetime:
        """Return the `recorded_at` of the next row."""
        if row.registered_at is None:
            self.previous = self.now
            return self.now
        stamp = row.registered_at.astimezone(UTC)
        if self.previous is not None and stamp < self.previous:
            msg = (
                f"registered_at {stamp.isoformat()} of {row.event_id!r} is earlier than "
                f"the log's last recorded_at {self.previous.isoformat()}"
            )
            raise HistoricalOrderError(msg, event_id=row.event_id, stream=row.stream)
        self.previous = stamp
        return stamp


def utc_text(moment: datetime) -> str:
    """A UTC timestamp as fixed-width ISO text, so text order is time order (SQLite)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


@dataclass(frozen=True)
class LogStoredEvent(StoredEvent):
    """eventsourcing's `StoredEvent` with the log's own columns (D1, D2)."""

    event_id: str
    recorded_at: datetime
    ingested_by: str


def stored_event(row: LogRow, stamps: RecordedAtAssigner, ingested_by: str) -> LogStoredEvent:
    """The stored form of a row, stamped with its `recorded_at` under the write lock."""
    return LogStoredEvent(
        row.stream,
        row.stream_version,
        row.topic,
        row.state,
        row.event_id,
        stamps.assign(row),
        ingested_by,
    )


@dataclass(frozen=True)
class PendingEvent(StoredEvent):
    """What caselog's recorders take through eventsourcing's `insert_events`.

    An eventsourcing `StoredEvent` with the two columns of the log that its writer decides:
    `event_id` (unique in the log) and `ingested_by`. The rest of a row — its position,
    `recorded_at` (D3) and its link in the hash chain — is assigned under the write lock.
    """

    event_id: str
    ingested_by: str


def pending_rows(stored_events: Sequence[StoredEvent]) -> tuple[list[LogRow], str]:
    """`stored_events` as rows to append, and the one `ingested_by` they share.

    Raises:
        UnchainedEventError: a plain `StoredEvent` (it lacks the log's columns: refused,
            never dropped), or events of several `ingested_by` in one call (one append is
            one writer's).
    """
    rows: list[LogRow] = []
    writers: set[str] = set()
    for event in stored_events:
        if not isinstance(event, PendingEvent):
            msg = (
                f"caselog's log stores PendingEvents (with event_id and ingested_by); got a "
                f"{type(event).__name__} for stream {str(event.originator_id)[:60]!r} "
                f"version {event.originator_version}: nothing was written"
            )
            raise UnchainedEventError(msg)
        stream = event.originator_id
        rows.append(
            LogRow(
                stream.hex if isinstance(stream, UUID) else stream,
                event.originator_version,
                event.topic,
                event.state,
                event.event_id,
            )
        )
        writers.add(event.ingested_by)
    if len(writers) > 1:
        msg = (
            f"one append is one writer's, but these events name {len(writers)} "
            "(ingested_by): nothing was written"
        )
        raise UnchainedEventError(msg)
    return rows, writers.pop() if writers else ""
