"""The access log on PostgreSQL: its table, its triggers, chained appends and queries (issue 13).

Reads are appended under an advisory lock of their own (`ACCESS_LOCK`), not the event
log's append lock: the access chain links reads only to reads, so two reads must take
turns, but a read need not wait for an ingest. Under the event lock, every reader would
queue behind a long ingest (a million lines hold it for minutes) — and PostgreSQL's
readers are never to be blocked by a writer. Under its own lock, as the events' appends,
the positions a read draws from the sequence are larger than any committed before it, so
commit order is position order and each row's hash can cover its own position. Taking an
advisory lock needs no table rights: `caselog_reader` needs only INSERT on the table and
USAGE on its sequence (`postgres_roles`).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

import psycopg
from eventsourcing.persistence import PersistenceError
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Composed, Identifier

from caselog.storage.access_log import (
    TABLE,
    Access,
    AccessEntry,
    access_chain_row,
    access_filters,
    access_genesis,
    needs_access_upgrade,
)
from caselog.storage.chain import Chainer, ChainRow, chained, rfc3339
from caselog.storage.postgres_roles import access_grants

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from eventsourcing.postgres import PostgresDatastore

    from caselog.errors import StorageError, StoreNotFoundError

ACCESS_LOCK: Final = 0x7265_6164  # "read": with the schema's hash, one read appended at a time
SEQUENCE: Final = f"{TABLE}_position_seq"
"""The sequence of `position` (a bigserial's), which a reader draws from."""
_COLUMNS: Final = SQL(
    "position, access_id, accessed_at, actor, purpose, what, case_id, detail, hash, prev_position"
)


def create_statements(schema: str) -> list[Composed]:
    """The access table, its indexes and the triggers that make it append-only."""
    table = Identifier(schema), Identifier(TABLE)
    refuse = Identifier(schema, "caselog_refuse_access_change")
    return [
        SQL(
            "CREATE TABLE IF NOT EXISTS {}.{} ("
            "position bigserial PRIMARY KEY, "
            "access_id text NOT NULL UNIQUE, "
            "accessed_at timestamptz NOT NULL, "
            "actor text NOT NULL, "
            "purpose text, "
            "what text NOT NULL, "
            "case_id text, "
            "detail text NOT NULL, "
            "hash bytea NOT NULL, "
            "prev_position bigint NOT NULL)"
        ).format(*table),
        SQL("CREATE INDEX IF NOT EXISTS {} ON {}.{} (case_id)").format(
            Identifier(f"{TABLE}_case_id_idx"), *table
        ),
        SQL("CREATE INDEX IF NOT EXISTS {} ON {}.{} (actor)").format(
            Identifier(f"{TABLE}_actor_idx"), *table
        ),
        SQL(
            "CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION '{} is append-only: % is refused', TG_OP "
            "USING ERRCODE = 'insufficient_privilege'; END $$"
        ).format(refuse, SQL(TABLE)),
        SQL(
            "CREATE OR REPLACE TRIGGER caselog_access_append_only BEFORE UPDATE OR DELETE "
            "ON {}.{} FOR EACH ROW EXECUTE FUNCTION {}()"
        ).format(*table, refuse),
        SQL(
            "CREATE OR REPLACE TRIGGER caselog_access_no_truncate BEFORE TRUNCATE ON {}.{} "
            "FOR EACH STATEMENT EXECUTE FUNCTION {}()"
        ).format(*table, refuse),
    ]


class PostgresAccessLog:
    """The access log of a PostgreSQL store (mixed into `PostgresEventStore`)."""

    url: str
    log_id: str | None
    timeout: int
    datastore: PostgresDatastore
    _access_table: bool = False

    @property
    def schema(self) -> str:
        """The schema of the log's tables (the store's)."""
        raise NotImplementedError  # pragma: no cover - the store's

    def exists(self) -> bool:
        """Whether the log exists (the store's)."""
        raise NotImplementedError  # pragma: no cover - the store's

    def missing(self) -> StoreNotFoundError:
        """The error for a log that is not there (the store's)."""
        raise NotImplementedError  # pragma: no cover - the store's

    def _mapped(self, error: Exception, doing: str) -> StorageError:
        raise NotImplementedError  # pragma: no cover - the store's

    @property
    def _access(self) -> Composed:
        return SQL("{}.{}").format(Identifier(self.schema), Identifier(TABLE))

    def has_access_table(self) -> bool:
        """Whether the log has its access table (looked for until it has)."""
        if not self._access_table and self.exists():
            try:
                with self.datastore.transaction(commit=False) as curs:
                    curs.execute(
                        "SELECT 1 FROM pg_tables WHERE schemaname = %s AND tablename = %s",
                        (self.schema, TABLE),
                    )
                    self._access_table = curs.fetchone() is not None
            except (PersistenceError, psycopg.Error) as error:
                raise self._mapped(error, "read") from error
        return self._access_table

    def add_access_table(self) -> None:
        """Make the access table of a log made before it (`caselog upgrade`, by the owner).

        The roles that exist get their rights on it (`postgres_roles.access_grants`).
        """
        try:
            with self.datastore.transaction(commit=True) as curs:
                for statement in [*create_statements(self.schema), *access_grants(self.schema)]:
                    curs.execute(statement)
        except (PersistenceError, psycopg.Error) as error:
            raise self._mapped(error, "upgrade") from error
        self._access_table = True

    def record_access(self, entry: AccessEntry, *, clock: Callable[[], datetime]) -> Access:
        """Append one read, chained after the last, under the access log's advisory lock.

        `accessed_at` is `max(last accessed_at, clock())`, so the log of reads never goes
        back in time, as `recorded_at` never does (D3).

        Raises:
            StoreNotFoundError: there is no log here.
            NeedsUpgradeError: the log was made before the access log (or the chain).
            LogBusyError: another read held the access lock longer than the timeout.
        """
        if not self.exists():
            raise self.missing()
        if not self.has_access_table():
            raise needs_access_upgrade(self.url)
        log_id = chained(self.log_id, self.url)
        access_id = str(uuid.uuid4())
        try:
            with self.datastore.transaction(commit=True) as curs:
                # Few round trips: every read of the log pays for them.
                curs.execute(
                    SQL(
                        "SET LOCAL lock_timeout = '{}s'; "
                        "SELECT pg_advisory_xact_lock({}, hashtext({}))"
                    ).format(self.timeout, ACCESS_LOCK, self.schema)
                )
                curs.execute(
                    SQL(
                        "SELECT last.position, last.accessed_at, last.hash, "
                        "nextval(pg_get_serial_sequence(%s, 'position')) AS n "
                        "FROM (SELECT 1) AS one LEFT JOIN LATERAL (SELECT position, accessed_at, "
                        "hash FROM {} ORDER BY position DESC LIMIT 1) AS last ON TRUE"
                    ).format(self._access),
                    (self._access.as_string(curs),),
                )
                last = curs.fetchone()
                assert last is not None  # noqa: S101 - one row, whatever the table holds
                now = clock().astimezone(UTC)
                position = int(last["n"])
                chain = Chainer(access_genesis(log_id), 0)
                if last["position"] is not None:
                    now = max(now, last["accessed_at"].astimezone(UTC))
                    chain = Chainer(bytes(last["hash"]), last["position"])
                linked = chain.next(
                    access_chain_row(
                        position, access_id, rfc3339(now), entry.actor, entry.purpose,
                        entry.what, entry.case_id, entry.detail,
                    )
                )  # fmt: skip
                curs.execute(
                    SQL("INSERT INTO {} ({}) VALUES ({})").format(
                        self._access, _COLUMNS, SQL(", ").join([SQL("%s")] * 10)
                    ),
                    (
                        position, access_id, now, entry.actor, entry.purpose, entry.what,
                        entry.case_id, entry.detail, *linked,
                    ),
                )  # fmt: skip
        except (PersistenceError, psycopg.Error) as error:
            raise self._mapped(error, "record a read in") from error
        return Access(
            position, now, entry.actor, entry.purpose, entry.what, entry.case_id,
            entry.detail, access_id,
        )  # fmt: skip

    def accesses(
        self,
        *,
        case_id: str | None = None,
        actor: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        through: int | None = None,
    ) -> list[Access]:
        """The reads that match every filter given, in position order.

        `start` and `end` bound `accessed_at` (both included); `through` is the last
        position to list.
        """
        given = access_filters(case_id=case_id, actor=actor, start=start, end=end, through=through)
        where = [SQL("TRUE"), *(SQL(clause + " %s") for clause, _ in given)]
        params = [value for _, value in given]
        if not self.has_access_table():
            return []
        query = SQL("SELECT {} FROM {} WHERE {} ORDER BY position").format(
            _COLUMNS, self._access, SQL(" AND ").join(where)
        )
        try:
            with self.datastore.transaction(commit=False) as curs:
                curs.execute(query, params)
                rows = curs.fetchall()
        except (PersistenceError, psycopg.Error) as error:
            raise self._mapped(error, "read") from error
        return [
            Access(
                r["position"], r["accessed_at"].astimezone(UTC), r["actor"], r["purpose"],
                r["what"], r["case_id"], r["detail"], r["access_id"],
            )
            for r in rows
        ]  # fmt: skip

    def access_chain_rows(self, page: int = 5000) -> Iterator[ChainRow]:
        """Every read as the chain covers it, in position order, page by page."""
        query = SQL("SELECT {} FROM {} WHERE position > %s ORDER BY position LIMIT %s").format(
            _COLUMNS, self._access
        )
        after = 0
        while True:
            try:
                with self.datastore.get_connection() as conn, conn.transaction():
                    rows: list[Any] = (
                        conn.cursor(row_factory=tuple_row).execute(query, (after, page)).fetchall()
                    )
            except (PersistenceError, psycopg.Error) as error:
                raise self._mapped(error, "read") from error
            if not rows:
                return
            for r in rows:
                yield access_chain_row(
                    r[0], r[1], rfc3339(r[2]), r[3], r[4], r[5], r[6], r[7],
                    stored=(None if r[8] is None else bytes(r[8]), r[9]),
                )  # fmt: skip
            after = rows[-1][0]
