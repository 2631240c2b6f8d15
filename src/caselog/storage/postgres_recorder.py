"""eventsourcing's PostgreSQL application recorder, extended with the log's columns and chain.

Same layout as SQLite (`originator_id` = stream, `notification_id` = log position) with
`event_id` (unique), `recorded_at` (timestamptz), `ingested_by`, `hash` and
`prev_position` (`postgres_chain`). Every append goes through `append_rows`, which first
takes the log's advisory append lock, so commit order is position order and the last
`recorded_at` read under the lock is the true maximum, with concurrent writers too (D3).

eventsourcing's own API (`insert_events`, `select_notifications`, `subscribe`) keeps its
contract: the recorder passes eventsourcing's recorder test cases
(`tests/storage/test_recorder_contract.py`) given `PendingEvent`s, which carry the log's
columns.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

import psycopg
from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg.sql import SQL, Identifier

from caselog.storage.chain import chained
from caselog.storage.port import RecordedAtAssigner, pending_rows, stored_event
from caselog.storage.postgres_chain import create_statements, insert_chained

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from psycopg import Cursor
    from psycopg.rows import DictRow

    from caselog.storage.mapping import LogRow

TABLE: Final = "caselog_events"
APPEND_LOCK: Final = 0x6361_7365  # "case": with the schema's hash, one append at a time


class PostgresLogRecorder(PostgresApplicationRecorder):
    """eventsourcing's PostgreSQL application recorder with the log's extra columns."""

    log_id: str | None = None
    """The log's id, the genesis of its chain (set by the store; None: not chained yet)."""

    def __init__(self, datastore: PostgresDatastore, url: str) -> None:
        """Use the caselog table in the datastore's schema (`url` names it in errors)."""
        super().__init__(datastore, events_table_name=TABLE)
        self.url = url
        self.table = SQL("{}.{}").format(Identifier(datastore.schema), Identifier(TABLE))
        table = Identifier(datastore.schema), Identifier(TABLE)
        self.sql_create_statements[self.create_table_statement_index] = SQL(
            "CREATE TABLE IF NOT EXISTS {}.{} ("
            "originator_id text NOT NULL, "
            "originator_version bigint NOT NULL, "
            "topic text NOT NULL, "
            "state bytea NOT NULL, "
            "event_id text NOT NULL, "
            "recorded_at timestamptz NOT NULL, "
            "ingested_by text NOT NULL, "
            "notification_id bigserial, "
            "hash bytea NOT NULL, "
            "prev_position bigint NOT NULL, "
            "PRIMARY KEY (originator_id, originator_version))"
        ).format(*table)
        self.sql_create_statements.append(
            SQL("CREATE UNIQUE INDEX IF NOT EXISTS {} ON {}.{} (event_id)").format(
                Identifier(f"{TABLE}_event_id_idx"), *table
            )
        )
        self.sql_create_statements.extend(create_statements(datastore.schema))
        # Appends take turns on an advisory lock, not a table lock: a writer role needs
        # only INSERT on the event table (LOCK TABLE … EXCLUSIVE would need UPDATE or
        # DELETE rights). Every append takes it before drawing positions, so commit
        # order is still position order.
        self.lock_table_statements = [
            SQL("SET LOCAL lock_timeout = '{}s'").format(datastore.lock_timeout),
            SQL("SELECT pg_advisory_xact_lock({}, hashtext({}))").format(
                APPEND_LOCK, datastore.schema
            ),
        ]

    def insert_events(self, stored_events: Sequence[StoredEvent], **_: Any) -> Sequence[int] | None:
        """Append `PendingEvent`s after the log, chained (eventsourcing's API); positions.

        One transaction, as `PostgresEventStore.append`: the positions come back only
        once it has committed, and a stream slot or `event_id` already taken raises
        eventsourcing's `IntegrityError` with nothing written. Subscribers are notified.

        Raises:
            UnchainedEventError: a plain `StoredEvent`, which lacks the log's columns.
        """
        rows, ingested_by = pending_rows(stored_events)
        if not rows:
            return []
        try:
            with self.datastore.transaction(commit=True) as curs:
                positions, _recorded_at = self.append_rows(
                    curs, rows, clock=lambda: datetime.now(UTC), ingested_by=ingested_by
                )
        except psycopg.errors.UniqueViolation as error:
            raise IntegrityError(error) from error
        return positions

    def append_rows(
        self,
        curs: Cursor[DictRow],
        rows: Iterable[LogRow],
        *,
        clock: Callable[[], datetime],
        ingested_by: str,
    ) -> tuple[list[int], datetime | None]:
        """Chain `rows` after the last row in the caller's transaction.

        Takes the append lock first (so commit order is position order) and notifies
        subscribers at commit. Returns the positions written and the last `recorded_at`.
        """
        log_id = chained(self.log_id, self.url)
        self._lock_table(curs)
        self._notify_channel(curs)
        curs.execute(
            SQL(
                "SELECT notification_id, recorded_at FROM {} ORDER BY notification_id DESC LIMIT 1"
            ).format(self.table)
        )
        previous = curs.fetchone()
        stamps = RecordedAtAssigner(
            previous["recorded_at"].astimezone(UTC) if previous else None, clock()
        )
        positions = insert_chained(
            curs, self.table, log_id, (stored_event(row, stamps, ingested_by) for row in rows)
        )
        return positions, stamps.previous

    def _insert_stored_events(
        self, curs: Cursor[DictRow], stored_events: Iterable[StoredEvent], **_: Any
    ) -> None:
        """Refused: rows are chained under the append lock, which `insert_events` takes."""
        msg = "caselog's log is appended through insert_events, which chains events"
        raise NotImplementedError(msg)
