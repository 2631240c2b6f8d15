"""The access log on SQLite: its table, its triggers, chained appends and queries (issue 13).

A read is appended in a write transaction that takes SQLite's write lock up front
(`BEGIN IMMEDIATE`), the same lock as event appends: SQLite has one writer at a time
anyway, and under it the last read's hash and `accessed_at` are the true last ones, so
concurrent readers, in other processes too, chain correctly. `position` is an INTEGER
PRIMARY KEY: SQLite's rowid itself, which VACUUM keeps.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

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
from caselog.storage.port import utc_text

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from contextlib import AbstractContextManager

    from eventsourcing.sqlite import SQLiteDatastore

    from caselog.errors import StoreNotFoundError
    from caselog.storage.sqlite_recorder import SQLiteLogRecorder

CREATE_ACCESS: Final = (
    (
        f"CREATE TABLE IF NOT EXISTS {TABLE} ("
        "position INTEGER PRIMARY KEY, "
        "access_id TEXT NOT NULL UNIQUE, "
        "accessed_at TEXT NOT NULL, "
        "actor TEXT NOT NULL, "
        "purpose TEXT, "
        "what TEXT NOT NULL, "
        "case_id TEXT, "
        "detail TEXT NOT NULL, "
        "hash BLOB NOT NULL, "
        "prev_position INTEGER NOT NULL)"
    ),
    f"CREATE INDEX IF NOT EXISTS {TABLE}_case_id ON {TABLE} (case_id)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_actor ON {TABLE} (actor)",
    *(
        f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_{verb.lower()} BEFORE {verb} ON {TABLE} "
        f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only: {verb} is refused'); END"
        for verb in ("UPDATE", "DELETE")
    ),
)
"""The access table, its indexes and the triggers that make it append-only."""

_COLUMNS: Final = (
    "position, access_id, accessed_at, actor, purpose, what, case_id, detail, hash, prev_position"
)
_LAST: Final = f"SELECT position, accessed_at, hash FROM {TABLE} ORDER BY position DESC LIMIT 1"
_CHAIN_ROWS: Final = (
    "SELECT position, CAST(access_id AS TEXT), "
    "CAST(CASE WHEN length(accessed_at) = 32 AND substr(accessed_at, 27) = '+00:00' "
    "THEN substr(accessed_at, 1, 26) || 'Z' ELSE accessed_at END AS BLOB), "
    "CAST(actor AS TEXT), CAST(purpose AS TEXT), CAST(what AS TEXT), CAST(case_id AS TEXT), "
    f"CAST(detail AS TEXT), CAST(hash AS BLOB), CAST(prev_position AS INTEGER) FROM {TABLE} "
    "WHERE position > ? ORDER BY position LIMIT ?"
)
"""A read as the chain covers it, typed by SQLite itself (as `sqlite_chain._CHAINED`): a
value changed behind caselog's back is read in the chain's types and cannot match."""


class SQLiteAccessLog:
    """The access log of an SQLite store (mixed into `SQLiteEventStore`)."""

    url: str
    log_id: str | None
    datastore: SQLiteDatastore
    recorder: SQLiteLogRecorder
    _access_table: bool = False

    def exists(self) -> bool:
        """Whether the log exists (the store's)."""
        raise NotImplementedError  # pragma: no cover - the store's

    def missing(self) -> StoreNotFoundError:
        """The error for a log that is not there (the store's)."""
        raise NotImplementedError  # pragma: no cover - the store's

    def _faults(self, doing: str) -> AbstractContextManager[None]:
        raise NotImplementedError  # pragma: no cover - the store's

    def has_access_table(self) -> bool:
        """Whether the log has its access table (looked for until it has)."""
        if not self._access_table and self.exists():
            with self._faults("read"), self.datastore.transaction(commit=False) as c:
                c.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [TABLE])
                self._access_table = c.fetchone() is not None
        return self._access_table

    def add_access_table(self) -> None:
        """Make the access table of a log made before it (`caselog upgrade`)."""
        with self._faults("upgrade"), self.recorder.write() as c:
            for statement in CREATE_ACCESS:
                c.execute(statement)
        self._access_table = True

    def record_access(self, entry: AccessEntry, *, clock: Callable[[], datetime]) -> Access:
        """Append one read, chained after the last, under SQLite's write lock.

        `accessed_at` is `max(last accessed_at, clock())`, so the log of reads never goes
        back in time, as `recorded_at` never does (D3).

        Raises:
            StoreNotFoundError: there is no log here.
            NeedsUpgradeError: the log was made before the access log (or the chain).
            LogBusyError: another writer held the lock longer than the timeout.
        """
        if not self.exists():
            raise self.missing()
        if not self.has_access_table():
            raise needs_access_upgrade(self.url)
        log_id = chained(self.log_id, self.url)
        access_id = str(uuid.uuid4())
        with self._faults("record a read in"), self.recorder.write() as c:
            c.execute(_LAST)
            last = c.fetchone()
            now = clock().astimezone(UTC)
            if last is not None:
                now = max(now, datetime.fromisoformat(last[1]))
            chain = Chainer(bytes(last[2]), last[0]) if last else Chainer(access_genesis(log_id), 0)
            position = chain.position + 1
            linked = chain.next(
                access_chain_row(
                    position, access_id, rfc3339(now), entry.actor, entry.purpose,
                    entry.what, entry.case_id, entry.detail,
                )
            )  # fmt: skip
            c.execute(
                f"INSERT INTO {TABLE} ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    position, access_id, utc_text(now), entry.actor, entry.purpose,
                    entry.what, entry.case_id, entry.detail, *linked,
                ],
            )  # fmt: skip
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
        where = ["1 = 1", *(f"{clause} ?" for clause, _ in given)]
        params = [utc_text(v) if isinstance(v, datetime) else v for _, v in given]
        if not self.has_access_table():
            return []
        with self._faults("read"), self.datastore.transaction(commit=False) as c:
            c.sqlite_cursor.row_factory = None
            c.execute(
                f"SELECT {_COLUMNS} FROM {TABLE} WHERE {' AND '.join(where)} ORDER BY position",
                params,
            )
            return [_access(row) for row in c.fetchall()]

    def access_chain_rows(self, page: int = 5000) -> Iterator[ChainRow]:
        """Every read as the chain covers it, in position order, `page` per transaction."""
        after = 0
        while True:
            with self._faults("read"), self.datastore.transaction(commit=False) as c:
                c.sqlite_cursor.row_factory = None
                c.execute(_CHAIN_ROWS, [after, page])
                rows = c.fetchall()
            if not rows:
                return
            for r in rows:
                yield access_chain_row(
                    r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], stored=(r[8], r[9])
                )
            after = rows[-1][0]


def _access(row: Any) -> Access:
    position, access_id, accessed_at, actor, purpose, what, case_id, detail = row[:8]
    return Access(
        position, datetime.fromisoformat(accessed_at), actor, purpose, what, case_id, detail,
        access_id,
    )  # fmt: skip
