"""The embedded SQLite backend: eventsourcing's SQLite recorder plus the log's columns.

The table keeps eventsourcing's layout (`originator_id` = stream, `originator_version` =
stream version, `topic`, `state`, rowid = notification id = log position) and adds
`event_id` (unique: a re-sent event is stored once), `recorded_at` and `ingested_by`.
Writes take SQLite's write lock up front (`BEGIN IMMEDIATE`), so reading the last
`recorded_at` and appending after it is atomic across processes too (D3).

A writer waits for another writer's lock for `timeout` seconds (default
`DEFAULT_TIMEOUT`, `?timeout=SECONDS` in the URL), then gets `LogBusyError`; a full disk
or temp dir is `StorageFullError`; any other SQLite failure is a `StorageError` naming it.
"""

from __future__ import annotations

import sqlite3
import uuid
from contextlib import closing, contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import (
    ConnectionUnavailableError,
    PersistenceError,
)
from eventsourcing.sqlite import SQLiteDatastore

from caselog.errors import (
    ConcurrencyConflictError,
    LogBusyError,
    StorageError,
    StorageFullError,
    StoreNotFoundError,
)
from caselog.storage import sqlite_chain
from caselog.storage.analyst_views import create_sqlite_views
from caselog.storage.chain import ChainRow, chained, genesis
from caselog.storage.keyring import LogKeys
from caselog.storage.mapping import recorded_from
from caselog.storage.port import (
    Appended,
    chunked,
    utc_text,
)
from caselog.storage.sqlite_access import SQLiteAccessLog
from caselog.storage.sqlite_chain import _LAST_ROW
from caselog.storage.sqlite_chain import TABLE as TABLE  # noqa: PLC0414 - re-exported
from caselog.storage.sqlite_recorder import SQLiteLogRecorder

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Iterator

    from caselog.events import Event, Recorded
    from caselog.storage.mapping import LogRow

_IN_CHUNK = 900  # below SQLite's limit on bound parameters
DEFAULT_TIMEOUT = 60
"""Seconds a write waits for another writer's lock (eventsourcing's own default is 5 s,
too short for a writer queued behind several large ingests)."""


class SQLiteEventStore(SQLiteAccessLog):
    """The log in an SQLite file (`sqlite:///path.db`) or in memory (`sqlite://`)."""

    def __init__(
        self, path: str | None, *, create: bool | None = True, timeout: int | None = None
    ) -> None:
        """Open the log; `path=None` means a private in-memory database.

        `create=True` creates the file (and its directories) now; `False` requires a log
        there (`StoreNotFoundError` otherwise, and nothing is created); `None` opens the
        file if it exists and otherwise waits for the first append to create it.
        `timeout`: seconds to wait for another writer's lock (`DEFAULT_TIMEOUT`).
        """
        self.path = None if path is None else Path(path)
        self.url = "sqlite://" if path is None else f"sqlite:///{path}"
        self.timeout = timeout or DEFAULT_TIMEOUT
        self._pending = False
        self.log_id: str | None = None
        self.keys = LogKeys(None, self.log_id_now, off=True)
        """The keys of its personal fields (`open_store` sets them; here: off)."""
        if self.path is None:
            self._open(f"file:caselog-{uuid.uuid4().hex}?mode=memory&cache=shared")
        elif self.path.is_dir():
            msg = f"cannot open {self.url}: {self.path} is a directory"
            raise StorageError(msg)
        elif create or self.path.exists():
            if create is False:
                self._require_table()
            self._open_file()
        elif create is False:
            raise self.missing()
        else:
            self._pending = True

    def exists(self) -> bool:
        """Whether the log exists; a log still to be created is looked for again."""
        if self._pending and self.path is not None and self.path.is_file():
            self._open_file()  # another writer created it meanwhile
        return not self._pending

    def missing(self) -> StoreNotFoundError:
        """The error for a log that is not there: the path, and the first missing part."""
        path = self.path or Path()
        where = str(path) if path.is_absolute() else f"{path} ({path.absolute()})"
        absent = path.absolute()
        while not absent.parent.exists():
            absent = absent.parent
        what = "no such file" if absent == path.absolute() else f"no such directory {absent}"
        return StoreNotFoundError(
            f"no log at {where}: {what} (reading never creates a log; writing to it does)",
            url=self.url,
        )

    def _require_table(self) -> None:
        """Refuse an existing file that holds no log, without writing to it."""
        path = self.path or Path()
        try:
            with closing(sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)) as db:
                found = db.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)
                ).fetchone()
        except sqlite3.Error as error:
            msg = f"cannot open {self.url}: {error}"
            raise StorageError(msg) from error
        if found is None:
            msg = f"no log at {path}: the file holds no caselog log"
            raise StoreNotFoundError(msg, url=self.url)

    def _open_file(self) -> None:
        """Open (and create) the file and its directories."""
        path = self.path or Path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            msg = f"cannot open {self.url}: {error}"
            raise StorageError(msg) from error
        # A file: URI of the absolute path, so that nothing in the name is read as a URI
        # option (sqlite3 is opened with uri=True).
        self._open(path.absolute().as_uri())

    def _open(self, db_name: str) -> None:
        self.datastore = SQLiteDatastore(
            db_name,
            originator_id_type="text",
            lock_timeout=self.timeout,
            pool_timeout=self.timeout,
        )
        self.recorder = SQLiteLogRecorder(self.datastore, self.url)
        with self._faults("open"):
            self._create()
        self._pending = False

    def _create(self) -> None:
        """Create the log if it is new (with its id); note whether it is chained.

        A log made before the chain (issue 11) has no `hash` column: it is read as it is,
        and refused for writing until `caselog upgrade` chains it.
        """
        if (found := self._chain_state()) is None:
            sqlite_chain.create_log(self.datastore, self.recorder)
            with self.recorder.write() as c:  # the analysts' views (issue 14)
                create_sqlite_views(c)
            found = self._chain_state()
        self.log_id = self.recorder.log_id = found or None

    def _chain_state(self) -> str | None:
        """The log id; "" for a log without the chain; None while the log is still to make."""
        return sqlite_chain.chain_state(self.datastore)

    @contextmanager
    def _faults(self, doing: str) -> Iterator[None]:
        """Map SQLite's failures to caselog's errors (STYLE.md G7)."""
        try:
            yield
        except (sqlite3.Error, PersistenceError) as error:
            raise self._mapped(error, doing) from error

    def _mapped(self, error: Exception, doing: str) -> StorageError:
        """The caselog error for an SQLite failure: busy, full, or what SQLite said."""
        cause: BaseException = error
        while not isinstance(cause, sqlite3.Error) and cause.__cause__ is not None:
            cause = cause.__cause__  # eventsourcing wraps sqlite3's errors
        code = getattr(cause, "sqlite_errorcode", None)
        primary = None if code is None else code & 0xFF
        text = str(cause).strip()[:200]
        unsaved = "; nothing of this write was stored" if doing == "write to" else ""
        if (
            isinstance(error, ConnectionUnavailableError)
            or primary in {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
            or "database is locked" in text
        ):
            return LogBusyError(
                f"the log {self.url} is locked by another writer for more than "
                f"{self.timeout} s{unsaved}; try again (or wait longer: ?timeout=SECONDS)",
                url=self.url,
                timeout=self.timeout,
            )
        if primary == sqlite3.SQLITE_FULL or "database or disk is full" in text:
            return StorageFullError(
                f"cannot {doing} {self.url}: the disk or the temp directory is full "
                f"(SQLite: {text}){unsaved}; free space where the log or $TMPDIR lives",
                url=self.url,
            )
        return StorageError(f"cannot {doing} {self.url}: {text}{unsaved}")

    def log_id_now(self) -> str:
        """The log's id, creating the log if it is still to be made (its keys need it)."""
        if self._pending:
            self._open_file()
        return self._chained()

    def _chained(self) -> str:
        """The log's id; a log made before the chain must be upgraded before any write."""
        return chained(self.log_id, self.url)

    def append(
        self, rows: Iterable[LogRow], *, clock: Callable[[], datetime], ingested_by: str
    ) -> Appended:
        """Write all rows in one transaction; any conflict rolls all of it back.

        The keys that sealed the rows are made durable first (`LogKeys.flush`).
        """
        if self._pending:
            self._open_file()
        self._chained()
        self.keys.flush()
        try:
            with self.recorder.write() as c:
                first, last, recorded_at = self.recorder.append_rows(
                    c, rows, clock=clock, ingested_by=ingested_by
                )
        except sqlite3.IntegrityError as error:
            raise ConcurrencyConflictError([]) from error
        except (sqlite3.Error, PersistenceError) as error:
            raise self._mapped(error, "write to") from error
        if last < first:
            return Appended(0, None, None, None)
        return Appended(last - first + 1, first, last, recorded_at)

    def heads(self, streams: Collection[str]) -> dict[str, int]:
        """The current version of each existing stream among `streams`."""
        found: dict[str, int] = {}
        for chunk in chunked(streams, _IN_CHUNK):
            marks = ",".join("?" * len(chunk))
            for row in self._query(
                f"SELECT originator_id, MAX(originator_version) FROM {TABLE} "
                f"WHERE originator_id IN ({marks}) GROUP BY originator_id",
                chunk,
            ):
                found[row[0]] = row[1]
        return found

    def read_streams(
        self, streams: Collection[str], *, known_at: datetime | None = None
    ) -> list[Recorded[Event]]:
        """The events of `streams` in log order, recorded up to `known_at`."""
        found: list[Recorded[Event]] = []
        for chunk in chunked(streams, _IN_CHUNK):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT rowid, * FROM {TABLE} WHERE originator_id IN ({marks})"
            params: list[Any] = list(chunk)
            if known_at is not None:
                sql += " AND recorded_at <= ?"
                params.append(utc_text(known_at))
            found.extend(_recorded(row, self.keys) for row in self._query(sql, params))
        found.sort(key=lambda r: r.position)
        return found

    def read_log(
        self, *, after: int = 0, known_at: datetime | None = None, page: int = 5000
    ) -> Iterator[Recorded[Event]]:
        """Every event after `after`, page by page, recorded up to `known_at`."""
        cutoff = "" if known_at is None else " AND recorded_at <= ?"
        extra: list[Any] = [] if known_at is None else [utc_text(known_at)]
        while rows := self._query(
            f"SELECT rowid, * FROM {TABLE} WHERE rowid > ?{cutoff} ORDER BY rowid LIMIT ?",
            [after, *extra, page],
        ):
            yield from (_recorded(row, self.keys) for row in rows)
            after = rows[-1][0]

    def stored_payloads(self, event_ids: Collection[str]) -> dict[str, tuple[str, bytes]]:
        """event_id → (topic, canonical bytes) for the ids already stored."""
        found: dict[str, tuple[str, bytes]] = {}
        for chunk in chunked(event_ids, _IN_CHUNK):
            marks = ",".join("?" * len(chunk))
            for row in self._query(
                f"SELECT event_id, topic, state FROM {TABLE} WHERE event_id IN ({marks})",
                chunk,
            ):
                found[row[0]] = (row[1], bytes(row[2]))
        return found

    def streams(self, prefix: str = "") -> list[str]:
        """The names of the streams that start with `prefix`, sorted.

        A range on the primary key (binary collation) rather than a scan of the whole log:
        one case's compliance query asks for the committee streams every time.
        """
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1) if prefix else "\U0010ffff"
        rows = self._query(
            f"SELECT DISTINCT originator_id FROM {TABLE} "
            "WHERE originator_id >= ? AND originator_id < ? ORDER BY originator_id",
            [prefix, upper],
        )
        return [row[0] for row in rows]

    def last_recorded_at(self) -> datetime | None:
        """The `recorded_at` of the last event (the maximum, by D3)."""
        rows = self._query(
            f"SELECT recorded_at FROM {TABLE} ORDER BY rowid DESC LIMIT 1",
            [],
        )
        return datetime.fromisoformat(rows[0][0]) if rows else None

    def count(self) -> int:
        """How many events the log holds."""
        rows = self._query(f"SELECT COUNT(*) FROM {TABLE}", [])
        return int(rows[0][0]) if rows else 0

    def last_position(self) -> int:
        """The position of the last event in the log (0 while it is empty)."""
        rows = self._query(f"SELECT MAX(rowid) FROM {TABLE}", [])
        return int(rows[0][0] or 0) if rows else 0

    def chain_rows(self, page: int = 5000) -> Iterator[ChainRow]:
        """Every row as the chain covers it, in position order, page by page."""
        with self._faults("read"):
            yield from sqlite_chain.chain_rows(self.datastore, page)

    def upgrade(self) -> tuple[int, bytes]:
        """Chain a log made before the chain, in one transaction; (last position, head).

        How: `sqlite_chain.upgrade`. A log already chained is left as it is, but gets the
        access log's table if it was made before it. Either gets the analysts' views
        (`analyst_views`) made anew; no stored byte changes.
        """
        if self.log_id is not None:
            if not self.has_access_table():
                self.add_access_table()
        else:
            with self._faults("upgrade"), self.recorder.write() as c:
                log_id = sqlite_chain.upgrade(c, self.recorder)
            self.log_id = self.recorder.log_id = log_id
        with self._faults("upgrade"), self.recorder.write() as c:
            create_sqlite_views(c, replace=True)  # made anew: views hold no data
        return self.head()

    def head(self) -> tuple[int, bytes]:
        """The last position and its hash (0 and the genesis for an empty log)."""
        return sqlite_chain.head(self._query(_LAST_ROW, []), self._chained)

    def head_at(self, known_at: datetime) -> tuple[int, bytes, datetime | None]:
        """The last position recorded by `known_at`, its hash and `recorded_at` (D3 order)."""
        rows = self._query(
            f"SELECT rowid, recorded_at, hash FROM {TABLE} WHERE recorded_at <= ? "
            "ORDER BY rowid DESC LIMIT 1",
            [utc_text(known_at)],
        )
        if not rows:
            return 0, genesis(self._chained()), None
        return int(rows[0][0]), bytes(rows[0][2]), datetime.fromisoformat(rows[0][1])

    def close(self) -> None:
        """Release the connections."""
        if not self._pending:
            self.datastore.close()

    def _query(self, sql: str, params: list[Any]) -> list[Any]:
        if not self.exists():  # nothing written yet: an empty log, created by the first append
            return []
        with self._faults("read"), self.datastore.transaction(commit=False) as c:
            c.execute(sql, params)
            return list(c.fetchall())


def _recorded(row: Any, keys: LogKeys) -> Recorded[Event]:
    return recorded_from(
        topic=row["topic"],
        state=row["state"],
        stream=row["originator_id"],
        stream_version=row["originator_version"],
        position=row["rowid"],
        recorded_at=datetime.fromisoformat(row["recorded_at"]),
        ingested_by=row["ingested_by"],
        keys=keys,
    )
