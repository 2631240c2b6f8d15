"""eventsourcing's SQLite application recorder, extended with the log's columns and chain.

The table keeps eventsourcing's layout (`originator_id` = stream, `originator_version` =
stream version, `topic`, `state`, rowid = notification id = log position) and adds
`event_id`, `recorded_at`, `ingested_by`, `hash` and `prev_position`. Every append goes
through `append_rows` inside `write()`, which holds SQLite's write lock from the start, so
reading the last row and chaining after it is atomic across processes (D3).

eventsourcing's own API (`insert_events`, `select_notifications`, …) keeps its contract:
the recorder passes eventsourcing's recorder test cases (`tests/storage/test_recorder_contract.py`)
given `PendingEvent`s, which carry the log's columns.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteDatastore

from caselog.storage import sqlite_chain
from caselog.storage.chain import Chainer, chained, genesis
from caselog.storage.port import RecordedAtAssigner, pending_rows
from caselog.storage.sqlite_access import CREATE_ACCESS
from caselog.storage.sqlite_chain import _LAST_ROW, APPEND_ONLY, META, TABLE

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

    from caselog.storage.mapping import LogRow


class SQLiteLogRecorder(SQLiteApplicationRecorder):
    """eventsourcing's SQLite application recorder with the log's extra columns."""

    def __init__(self, datastore: SQLiteDatastore, url: str) -> None:
        """Use the caselog table in the given datastore (`url` names it in errors)."""
        super().__init__(datastore, events_table_name=TABLE)
        self.url = url
        self.insert_events_statement = f"INSERT INTO {TABLE} VALUES (?,?,?,?,?,?,?,?,?)"

    def construct_create_table_statements(self) -> list[str]:
        """The log table, its unique `event_id` index, its meta table, and append-only.

        The access log's table (`sqlite_access`) is made with the log, so that every read
        of it can be recorded.
        """
        return [
            (
                f"CREATE TABLE IF NOT EXISTS {TABLE} ("
                "originator_id TEXT NOT NULL, "
                "originator_version INTEGER NOT NULL, "
                "topic TEXT NOT NULL, "
                "state BLOB NOT NULL, "
                "event_id TEXT NOT NULL, "
                "recorded_at TEXT NOT NULL, "
                "ingested_by TEXT NOT NULL, "
                "hash BLOB NOT NULL, "
                "prev_position INTEGER NOT NULL, "
                "PRIMARY KEY (originator_id, originator_version))"
            ),
            f"CREATE UNIQUE INDEX IF NOT EXISTS {TABLE}_event_id ON {TABLE} (event_id)",
            f"CREATE TABLE IF NOT EXISTS {META} (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            *APPEND_ONLY,
            *CREATE_ACCESS,
        ]

    log_id: str | None = None
    """The log's id, the genesis of its chain (set by the store; None: not chained yet)."""

    def insert_events(self, stored_events: Sequence[StoredEvent], **_: Any) -> Sequence[int] | None:
        """Append `PendingEvent`s after the log, chained (eventsourcing's API); their positions.

        One transaction under the write lock, as `SQLiteEventStore.append`; `recorded_at`
        is the time of the commit. A stream slot or `event_id` already taken raises
        eventsourcing's `IntegrityError` and writes nothing.

        Raises:
            UnchainedEventError: a plain `StoredEvent`, which lacks the log's columns.
        """
        rows, ingested_by = pending_rows(stored_events)
        if not rows:
            return []
        try:
            with self.write() as c:
                first, last, _recorded_at = self.append_rows(
                    c, rows, clock=lambda: datetime.now(UTC), ingested_by=ingested_by
                )
        except sqlite3.IntegrityError as error:
            raise IntegrityError(error) from error
        return list(range(first, last + 1))

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Iterable[StoredEvent], **_: Any
    ) -> None:
        """Refused: rows are chained under the write lock, which `insert_events` takes."""
        msg = "caselog's log is appended through insert_events, which chains events"
        raise NotImplementedError(msg)

    @contextmanager
    def write(self) -> Iterator[SQLiteCursor]:
        """A write transaction that holds SQLite's write lock from its first statement."""
        with self.datastore.get_connection(commit=True) as connection:
            cursor = connection.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            try:
                yield cursor
            except BaseException:
                connection.rollback()
                raise
            connection.commit()

    def append_rows(
        self,
        c: SQLiteCursor,
        rows: Iterable[LogRow],
        *,
        clock: Callable[[], datetime],
        ingested_by: str,
    ) -> tuple[int, int, datetime | None]:
        """Chain `rows` after the last row, in `write()`'s transaction.

        Returns the first and last position written (first > last: nothing) and the
        `recorded_at` of the last row. Rows go in as column tuples: at a million rows,
        building a `StoredEvent` per row would cost more than SQLite's insert itself.
        """
        log_id = chained(self.log_id, self.url)
        c.execute(_LAST_ROW)
        previous = c.fetchone()
        last_position = previous[0] if previous else 0
        chain = Chainer(previous[2] if previous else genesis(log_id), last_position)
        stamps = RecordedAtAssigner(
            datetime.fromisoformat(previous[1]) if previous else None, clock()
        )
        c.executemany(
            self.insert_events_statement,
            sqlite_chain.chained_columns(rows, chain, stamps, ingested_by),
        )
        return last_position + 1, chain.position, stamps.previous
