"""The log's hash chain on SQLite: chained rows, append-only triggers, upgrade, reading back.

The chain itself (what each row's hash covers, the genesis, the RFC 3339 form of
`recorded_at`) is `caselog.storage.chain`; this module is what SQLite needs around it, kept
apart from the store (`caselog.storage.sqlite`) so that each stays readable:

- Triggers make the database itself refuse UPDATE and DELETE on the event table: changing
  an event behind caselog's back takes dropping a trigger first, and the chain still
  shows the change (`caselog verify`).
- A log made before the chain (issue 11) has no `hash` or `prev_position` column and no
  log id: it is read as it is, refused for writing, and chained by `caselog upgrade`.
- `recorded_at` is stored as ISO text in UTC; `upgrade` and `verify` read every row back
  in the form the chain hashes, converted by SQLite in the query (`_CHAINED`): one
  conversion for both, and no parsing of a million timestamps in Python.

Nothing here maps SQLite's failures to caselog's errors: the store does that around
every call (`SQLiteEventStore._faults`).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from caselog.storage.chain import Chainer, ChainRow, genesis, rfc3339
from caselog.storage.port import utc_text

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteDatastore

    from caselog.storage.mapping import LogRow
    from caselog.storage.port import RecordedAtAssigner

TABLE: Final = "caselog_events"
META: Final = "caselog_meta"
APPEND_ONLY: Final = tuple(
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_{verb.lower()} BEFORE {verb} ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, 'caselog_events is append-only: {verb} is refused'); END"
    for verb in ("UPDATE", "DELETE")
)
"""Triggers that make the database itself refuse to change or remove an event."""

_LAST_ROW: Final = f"SELECT rowid, recorded_at, hash FROM {TABLE} ORDER BY rowid DESC LIMIT 1"
_CHAINED: Final = (
    "rowid, CAST(originator_id AS TEXT), CAST(topic AS TEXT), CAST(event_id AS TEXT), "
    "CAST(ingested_by AS TEXT), CAST(originator_version AS INTEGER), "
    "CAST(CASE WHEN length(recorded_at) = 32 AND substr(recorded_at, 27) = '+00:00' "
    "THEN substr(recorded_at, 1, 26) || 'Z' ELSE recorded_at END AS BLOB), "
    "CAST(state AS BLOB)"
)
"""A row as the chain covers it, typed by SQLite itself, for `upgrade` and `verify` alike:
a value changed behind caselog's back (a text in a number's place) is read in the chain's
types and cannot match, never raises. `recorded_at` in the form caselog stores becomes
the chain's RFC 3339 form here; any other form is hashed as it is and cannot match."""
_CHAIN_ROWS: Final = (
    f"SELECT {_CHAINED}, CAST(hash AS BLOB), CAST(prev_position AS INTEGER) "
    f"FROM {TABLE} WHERE rowid > ? ORDER BY rowid LIMIT ?"
)


def create_log(datastore: SQLiteDatastore, recorder: SQLiteApplicationRecorder) -> None:
    """Create the log's tables and triggers and give it its id, unless it has them already.

    The id is what the chain's genesis is made from; two first writers take turns, and
    the second keeps the first's id.
    """
    with datastore.get_connection(commit=True) as connection:
        c = connection.cursor()
        c.execute("BEGIN IMMEDIATE")  # two first writers take turns
        recorder._create_table(c)  # noqa: SLF001
        c.execute(f"INSERT OR IGNORE INTO {META} VALUES ('log_id', ?)", (str(uuid.uuid4()),))
        connection.commit()


def chain_state(datastore: SQLiteDatastore) -> str | None:
    """The log id; "" for a log without the chain; None while the log is still to make."""
    with datastore.transaction(commit=False) as c:
        c.execute(f"SELECT name FROM pragma_table_info('{TABLE}')")
        columns = {row[0] for row in c.fetchall()}
        if columns and "hash" not in columns:
            return ""
        c.execute(f"SELECT 1 FROM sqlite_master WHERE name = '{META}'")
        if not columns or c.fetchone() is None:
            return None
        c.execute(f"SELECT value FROM {META} WHERE key = 'log_id'")
        found = c.fetchone()
        return None if found is None else str(found[0])


def chained_columns(
    rows: Iterable[LogRow], chain: Chainer, stamps: RecordedAtAssigner, ingested_by: str
) -> Iterator[tuple[Any, ...]]:
    """`rows` as the table's columns, each with its `recorded_at`, hash and previous position.

    `chain` starts at the last row (positions are rowids: under the write lock, the next
    ones follow it without gaps) and `stamps` assigns `recorded_at` (D3). Plain tuples, not
    `StoredEvent`s: at a million rows, building objects would cost more than the insert.
    """
    # A commit shares one recorded_at: format it once.
    texts: dict[datetime, tuple[str, bytes]] = {}

    def formatted(moment: datetime) -> tuple[str, bytes]:
        found = texts.get(moment)
        if found is None:
            found = texts[moment] = (utc_text(moment), rfc3339(moment))
        return found

    for row in rows:
        if row[5] is None:  # not historical: the commit's own time
            stamps.previous = stamps.now
            text, hashed = formatted(stamps.now)
        else:
            text, hashed = formatted(stamps.assign(row))
        stream, version, topic, state, event_id = row[:5]
        linked = chain.next(
            ChainRow(
                chain.position + 1, stream, topic, event_id,
                ingested_by, version, hashed, state, None, None,
            )
        )  # fmt: skip
        yield (*row[:5], text, ingested_by, *linked)


def chain_rows(datastore: SQLiteDatastore, page: int) -> Iterator[ChainRow]:
    """Every row as the chain covers it, in position order, `page` rows per transaction."""
    after = 0
    while True:
        with datastore.transaction(commit=False) as c:
            c.sqlite_cursor.row_factory = None  # plain tuples: a million rows are read here
            c.execute(_CHAIN_ROWS, [after, page])
            rows = c.fetchall()
        if not rows:
            return
        yield from map(ChainRow._make, rows)
        after = rows[-1][0]


def upgrade(c: SQLiteCursor, recorder: SQLiteApplicationRecorder) -> str:
    """Chain a log made before the chain in the caller's write transaction; its new log id.

    Adds the `hash` and `prev_position` columns, the meta table and the log id, links
    every row in position order, and only then makes the table append-only (the UPDATE
    trigger would refuse the linking).
    """
    for column in ("hash BLOB", "prev_position INTEGER"):
        c.execute(f"ALTER TABLE {TABLE} ADD COLUMN {column}")
    log_id = str(uuid.uuid4())
    recorder._create_table(c)  # noqa: SLF001 - the meta table and the triggers
    c.execute(f"DROP TRIGGER {TABLE}_no_update")  # made again once the rows are linked
    c.execute(f"INSERT INTO {META} VALUES ('log_id', ?)", (log_id,))
    chain = Chainer(genesis(log_id), 0)
    c.execute(f"SELECT {_CHAINED}, NULL, NULL FROM {TABLE} ORDER BY rowid")
    for row in map(ChainRow._make, c.fetchall()):
        c.execute(
            f"UPDATE {TABLE} SET hash = ?, prev_position = ? WHERE rowid = ?",
            (*chain.next(row), row.position),
        )
    c.execute(APPEND_ONLY[0])
    return log_id


def head(last: list[Any], log_id: Callable[[], str]) -> tuple[int, bytes]:
    """The last position and its hash, from `_LAST_ROW`'s result; (0, genesis) if empty.

    `log_id` is asked only for an empty log, whose head is the genesis of its id.
    """
    if not last:
        return 0, genesis(log_id())
    return int(last[0][0]), bytes(last[0][2])
