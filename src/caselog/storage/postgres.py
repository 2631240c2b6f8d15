"""The PostgreSQL backend: eventsourcing's PostgreSQL recorder plus the log's columns.

Same layout as SQLite (`originator_id` = stream, `notification_id` = log position) with
`event_id` (unique), `recorded_at` (timestamptz), `ingested_by` and the hash chain
(`postgres_chain`). Every append first takes the log's advisory append lock (waiting at
most `?timeout=SECONDS`, then `LogBusyError`), so commit order is position order and the
last `recorded_at` read under the lock is the true maximum, with concurrent writers too
(D3). Readers are never blocked by it; opening an existing log runs no DDL.

URL options are honoured or refused by name (`URL_OPTIONS`): `sslmode` and the others reach
libpq on every connection, so `?sslmode=require` against a server without TLS fails rather
than connecting in the clear. A connection lost mid-write (a terminated backend, a restarted
server) rolls its transaction back; the pool drops the broken connection and the next
operation gets a fresh one.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

import psycopg
from eventsourcing.persistence import IntegrityError, PersistenceError
from eventsourcing.postgres import PostgresDatastore
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from caselog.errors import (
    ConcurrencyConflictError,
    StorageError,
    StoreNotFoundError,
    UnsupportedStoreError,
)
from caselog.storage.chain import ChainRow, chained, genesis
from caselog.storage.keyring import LogKeys
from caselog.storage.mapping import LogRow
from caselog.storage.port import (
    Appended,
)
from caselog.storage.postgres_access import PostgresAccessLog
from caselog.storage.postgres_chain import (
    log_id_in,
    name_log,
    rows_after,
)
from caselog.storage.postgres_chain import upgrade as chain_upgrade
from caselog.storage.postgres_diagnosis import Server, diagnosed, failure
from caselog.storage.postgres_reads import PostgresReads
from caselog.storage.postgres_recorder import APPEND_LOCK as APPEND_LOCK  # noqa: PLC0414
from caselog.storage.postgres_recorder import TABLE, PostgresLogRecorder
from caselog.storage.postgres_roles import role_statements
from caselog.storage.postgres_url import LIBPQ_OPTIONS, url_options
from caselog.storage.postgres_views import create_postgres_views

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator


_CREATE_LOCK = 0x6361_7365_6C6F_67  # "caselog"
_CONNECT_TIMEOUT: Final = 5  # seconds
DEFAULT_TIMEOUT: Final = 60
"""Seconds an append waits for another writer's lock (`?timeout=SECONDS`), as on SQLite."""


class PostgresEventStore(PostgresReads, PostgresAccessLog):
    """The log in a PostgreSQL database (`postgresql://user@host:port/dbname`)."""

    def __init__(self, url: str, *, create: bool | None = True) -> None:
        """Connect, say why not if that fails, and create the table if asked to.

        `create=True` creates the table (and the URL's schema) now; `False` requires the
        log (`StoreNotFoundError` otherwise); `None` leaves a missing table to the first
        append. One direct connection comes first, so that a failure names its cause
        (`ServerUnreachableError`, `AuthenticationFailedError`, `DatabaseMissingError`)
        rather than a pool's timeout.
        """
        try:
            parsed = make_url(url)
        except (ValueError, ArgumentError) as error:
            msg = f"not a PostgreSQL URL (postgresql://user:password@host:port/dbname): {error}"
            raise UnsupportedStoreError(msg) from None
        self.url = parsed.render_as_string(hide_password=True)
        options = url_options(parsed.query)
        timeout = options.pop("connect_timeout", None)
        self._server = Server(
            host=parsed.host or "127.0.0.1",
            port=parsed.port or 5432,
            user=parsed.username or "postgres",
            password=parsed.password or "",
            dbname=parsed.database or "postgres",
            connect_timeout=int(timeout) if timeout else _CONNECT_TIMEOUT,
            options=tuple((k, options[k]) for k in LIBPQ_OPTIONS if k in options),
        )
        self._schema = options.get("schema", "public")
        self.timeout = int(options.get("timeout", DEFAULT_TIMEOUT))
        self.log_id: str | None = None
        self.keys = LogKeys(None, self.log_id_now, off=True)
        """The keys of its personal fields (`open_store` sets them; here: off)."""
        self._has_schema, has_table = self._probe()
        if create is False and not has_table:
            raise self.missing()
        try:
            self.datastore = PostgresDatastore(
                **self._server.params(),
                schema=self._schema,
                originator_id_type="text",
                lock_timeout=self.timeout,  # then LogBusyError (eventsourcing: wait forever)
                pool_size=2,
                max_overflow=4,
                connect_timeout=self._server.connect_timeout,
            )
            kwargs = self.datastore.pool.kwargs
            assert isinstance(kwargs, dict)  # noqa: S101
            kwargs.update(
                {**dict(self._server.options), "connect_timeout": self._server.connect_timeout}
            )
            self.recorder = PostgresLogRecorder(self.datastore, self.url)
            if has_table:  # opening a log runs no DDL: a reader may not, and need not
                self.log_id = self.recorder.log_id = self._existing_log_id()
            elif create:
                self._create_table()
        except (PersistenceError, psycopg.Error) as error:
            msg = f"cannot open {self.url}: {error}"
            raise StorageError(msg) from error
        self._pending = not (create or has_table)
        self._table = SQL("{}.{}").format(Identifier(self.datastore.schema), Identifier(TABLE))

    @property
    def schema(self) -> str:
        """The schema the log's tables live in (`?schema=`, default `public`)."""
        return self._schema

    def connect_params(self) -> dict[str, Any]:
        """What `psycopg.connect` needs to reach this log's database, options included."""
        return self._server.connect_params()

    def exists(self) -> bool:
        """Whether the log's table exists; a log still to be created is looked for again."""
        if self._pending:
            with self.datastore.get_connection() as conn:
                self._has_schema, has_table = _found(conn, self._schema)
            self._pending = not has_table
        return not self._pending

    def missing(self) -> StoreNotFoundError:
        """The error for a database without the log: no such schema, or no table."""
        s = self._server
        where = f"no log in database {s.dbname!r} at {s.where}"
        what = (
            f" (schema {self._schema!r})" if self._has_schema else f": no schema {self._schema!r}"
        )
        return StoreNotFoundError(
            f"{where}{what} (reading never creates a log; writing to it does)", url=self.url
        )

    def _probe(self) -> tuple[bool, bool]:
        """Connect once, directly: whether the schema and the log's table exist."""
        try:
            with psycopg.connect(**self._server.connect_params(), autocommit=True) as conn:
                return _found(conn, self._schema)
        except psycopg.Error as error:
            raise diagnosed(error, self._server, self.url) from None

    def _existing_log_id(self) -> str | None:
        """The id of the log that is there (None: made before the chain; `upgrade`).

        A log whose creation stopped before it got its id is finished now.
        """
        with self.datastore.get_connection() as conn:
            found = log_id_in(conn, self._schema)
            if found is None and _chained(conn, self._schema):
                self._create_table()
                return self.log_id
            return found

    def _create_table(self) -> None:
        """Create the schema if needed and the table, under an advisory lock.

        `CREATE TABLE IF NOT EXISTS` is not atomic in PostgreSQL: two first writers can both
        pass the check and collide in the catalogue. The lock makes them take turns.
        """
        with self.datastore.get_connection() as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (_CREATE_LOCK,))
            try:
                if not _found(conn, self._schema)[0]:
                    conn.execute(SQL("CREATE SCHEMA {}").format(Identifier(self._schema)))
                self.recorder.create_table()
                if (found := log_id_in(conn, self._schema)) is None and _chained(
                    conn, self._schema
                ):
                    with conn.transaction():
                        name_log(conn.cursor(), self._schema)
                    found = log_id_in(conn, self._schema)
                if found is not None:  # the analysts' views (issue 14)
                    with conn.transaction():
                        create_postgres_views(conn, self._schema)
                self.log_id = self.recorder.log_id = found
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (_CREATE_LOCK,))
        self._has_schema = True

    def append(
        self, rows: Iterable[LogRow], *, clock: Callable[[], datetime], ingested_by: str
    ) -> Appended:
        """Write all rows in one transaction; any conflict rolls all of it back.

        The keys that sealed the rows are made durable first (`LogKeys.flush`).
        """
        self.log_id_now()
        self.keys.flush()
        try:
            with self.datastore.transaction(commit=True) as curs:
                positions, recorded_at = self.recorder.append_rows(
                    curs, rows, clock=clock, ingested_by=ingested_by
                )
        except (IntegrityError, psycopg.errors.UniqueViolation) as error:
            raise ConcurrencyConflictError([]) from error
        except (PersistenceError, psycopg.Error) as error:
            raise self._mapped(error, "write to") from error
        if not positions:
            return Appended(0, None, None, None)
        return Appended(len(positions), positions[0], positions[-1], recorded_at)

    def log_id_now(self) -> str:
        """The log's id, creating the log if it is still to be made (its keys need it)."""
        if self._pending:
            try:
                self._create_table()
            except (PersistenceError, psycopg.Error) as error:
                msg = f"cannot create the log in {self.url}: {error}"
                raise StorageError(msg) from error
            self._pending = False
        return self._chained()

    def _chained(self) -> str:
        """The log's id; a log made before the chain must be upgraded before any write."""
        return chained(self.log_id, self.url)

    def chain_rows(self, page: int = 5000) -> Iterator[ChainRow]:
        """Every row as the chain covers it, in position order, page by page."""
        after = 0
        while True:
            try:
                with self.datastore.transaction(commit=False) as curs:
                    rows = list(rows_after(curs, self._table, after, page))
            except (PersistenceError, psycopg.Error) as error:
                raise self._mapped(error, "read") from error
            if not rows:
                return
            yield from rows
            after = rows[-1].position

    def upgrade(self) -> tuple[int, bytes]:
        """Chain a log made before the chain, in one transaction; (last position, head).

        A chained log made before the access log gets its table; every log gets the
        analysts' views (`analyst_views`), made or replaced, changing no stored byte.
        """
        if self.log_id is not None and not self.has_access_table():
            self.add_access_table()
        if self.log_id is None:
            try:
                with self.datastore.get_connection() as conn, conn.transaction():
                    chain_upgrade(conn, self._schema)
                with self.datastore.get_connection() as conn:
                    self.log_id = self.recorder.log_id = log_id_in(conn, self._schema)
            except (PersistenceError, psycopg.Error) as error:
                raise self._mapped(error, "upgrade") from error
        try:
            with self.datastore.get_connection() as conn, conn.transaction():
                create_postgres_views(conn, self._schema)
        except (PersistenceError, psycopg.Error) as error:
            raise self._mapped(error, "upgrade") from error
        return self.head()

    def grant_roles(self) -> None:
        """Make the three roles and give them their rights here (`postgres_roles`)."""
        if not self.has_access_table():  # a log made before it: the grants name it
            self.add_access_table()
        try:
            with self.datastore.get_connection() as conn, conn.transaction():
                for statement in role_statements(self._schema):
                    conn.execute(statement)
        except (PersistenceError, psycopg.Error) as error:
            raise self._mapped(error, "grant the roles on") from error

    def head(self) -> tuple[int, bytes]:
        """The last position and its hash (0 and the genesis for an empty log)."""
        rows = self._query(
            SQL(
                "SELECT notification_id, hash FROM {} ORDER BY notification_id DESC LIMIT 1"
            ).format(self._table),
            [],
        )
        if not rows:
            return 0, genesis(self._chained())
        return int(rows[0]["notification_id"]), bytes(rows[0]["hash"])

    def head_at(self, known_at: datetime) -> tuple[int, bytes, datetime | None]:
        """The last position recorded by `known_at`, its hash and `recorded_at` (D3 order)."""
        rows = self._query(
            SQL(
                "SELECT notification_id, recorded_at, hash FROM {} WHERE recorded_at <= %s "
                "ORDER BY notification_id DESC LIMIT 1"
            ).format(self._table),
            [known_at],
        )
        if not rows:
            return 0, genesis(self._chained()), None
        row = rows[0]
        return int(row["notification_id"]), bytes(row["hash"]), row["recorded_at"].astimezone(UTC)

    def close(self) -> None:
        """Release the connection pool."""
        self.datastore.close()

    def _query(self, sql: SQL | Any, params: list[Any]) -> list[Any]:
        try:
            if not self.exists():  # nothing written yet: an empty log, made by the first append
                return []
            with self.datastore.transaction(commit=False) as curs:
                curs.execute(sql, params)
                return list(curs.fetchall())
        except (PersistenceError, psycopg.Error) as error:
            raise self._mapped(error, "read") from error

    def _mapped(self, error: Exception, doing: str) -> StorageError:
        """The caselog error for a failure after connecting (`failure`).

        A lost connection also makes the pool drop the others that died with it.
        """
        mapped, lost = failure(error, self.url, self._server.where, doing, timeout=self.timeout)
        if lost:
            with suppress(Exception):
                self.datastore.pool.check()
        return mapped


def _chained(conn: psycopg.Connection[Any], schema: str) -> bool:
    """Whether the log's table has the chain's columns (a log made before it has not)."""
    row = conn.execute(
        "SELECT 1 FROM information_schema.columns "
        "WHERE table_schema = %s AND table_name = %s AND column_name = 'hash'",
        (schema, TABLE),
    ).fetchone()
    return row is not None


def _found(conn: psycopg.Connection[Any], schema: str) -> tuple[bool, bool]:
    """Whether `schema` and the log's table in it exist."""
    row = (
        conn.cursor(row_factory=tuple_row)
        .execute(
            "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = %s), "
            "EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = %s AND tablename = %s)",
            (schema, schema, TABLE),
        )
        .fetchone()
    )
    assert row is not None  # noqa: S101
    return bool(row[0]), bool(row[1])
