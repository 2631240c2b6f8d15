"""The read models' rows in columns: compressed Arrow IPC per range of streams (issue 10).

Why: a whole municipality's question reads millions of stored rows, and Python's
database drivers make an object of every value (all 2.1 M obligations of 100,000
children: 19 s of 25 s in `sqlite3`). The same rows are kept a second time, beside
`caselog_rm_rows`, as Arrow IPC blobs (lz4) in `caselog_rm_segments`: one database row
per range of streams, read as a handful of objects and filtered in Arrow compute. The
row table still answers one case's questions through its index.

Each segment holds the rows of the streams from its `first_stream` up to the next
segment's, in three blobs, so that a question reads only what it needs:

* `keys` — every row's stream, rectangle, rule and status: all that `summary` counts;
* `findings` — every column of the rows whose status is a finding (`FINDINGS`);
* `others` — every column of the rest.

Rows carry `pos`, their place in the reference's order within the segment (stream,
rule, index), so the two halves merge back in order. The first segment begins at "", so
that every stream name has one; one that grows past twice `SEGMENT_ROWS` is split where
a stream begins.

Rewriting segments on every write would cost a catch-up the whole table: a committee
meeting touches children in every segment. So a write only names its streams in
`caselog_rm_dirty`; a question reads those streams' rows from the row table, through its
index, and merges them in. When the dirty streams hold more than `DIRTY_ROWS` rows
(and at the end of a rebuild), they are compacted: their segments are rewritten. All of
it happens in the transaction that replaces the streams' rows (`ReadModelTables.replace`),
so the segments always hold exactly the row table's rows of the streams not dirty
(`tests/readmodel/test_kill.py` checks it after every kill).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from typing import TYPE_CHECKING, Any, Final

import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import ipc
from sqlalchemy import delete, func, insert, select

from caselog.rules.model import FINDINGS, Status
from caselog.storage.read_model_arrow import STORED_SCHEMA, as_arrow, fetch_tuples
from caselog.storage.read_model_schema import (
    STORED_COLUMNS,
    STRING_COLUMNS,
    answering,
    day,
    dirty,
    instant,
    rows,
    segments,
)

if TYPE_CHECKING:
    from collections.abc import Collection, Iterator, Sequence
    from datetime import date, datetime

    from sqlalchemy import ColumnElement
    from sqlalchemy.engine import Connection

SEGMENT_ROWS: Final = 50_000
"""Rows per segment: a question opens each, a compaction rewrites those it touches."""
DIRTY_ROWS: Final = 50_000
"""The most rows dirty streams hold before they are compacted: a question reads them
through the row table's index."""
_BATCH: Final = 500
"""Stream names per `IN (...)`."""

_WIDE: Final = frozenset(("idx", "known_from", "known_to"))
_SHARED_TEXT: Final = (STRING_COLUMNS - {"trigger_event_id", "satisfied_by_event_id"}) | {"stream"}
"""String columns with few distinct values per segment, stored as dictionaries."""
_ORDER: Final = ("stream", "rule", "idx")
_RECTANGLE: Final = ("on_from", "on_to", "known_from", "known_to")
ROW_COLUMNS: Final = (*_ORDER, *_RECTANGLE, *STORED_COLUMNS, "overdue_since")
"""The columns a segment keeps of each row of `caselog_rm_rows`."""
_KEYS: Final = ("stream", *_RECTANGLE, "rule_id", "status")
_NOT_FINDINGS: Final = pa.array([s.value for s in Status if s not in FINDINGS])
_WRITE: Final = ipc.IpcWriteOptions(compression="lz4")


def _type(name: str) -> pa.DataType:
    if name in _SHARED_TEXT:
        return pa.dictionary(pa.int32(), pa.string())
    if name in STRING_COLUMNS:
        return pa.string()
    return pa.int64() if name in _WIDE else pa.int32()


ROW_SCHEMA: Final = pa.schema([pa.field(n, _type(n)) for n in ROW_COLUMNS])
"""A segment's rows as they are kept (days and text ids as int32)."""
_PLAIN: Final = pa.schema(
    [pa.field(f.name, f.type.value_type if pa.types.is_dictionary(f.type) else f.type)
     for f in ROW_SCHEMA]
)  # fmt: skip


def mark(conn: Connection, streams: Collection[str]) -> None:
    """Note that the row table holds newer rows of `streams` than the segments.

    Compacts when the dirty streams hold more than `DIRTY_ROWS` rows.
    """
    names = sorted(streams)
    noted: set[str] = set()
    for start in range(0, len(names), _BATCH):
        part = names[start : start + _BATCH]
        noted |= set(conn.execute(select(dirty.c.stream).where(dirty.c.stream.in_(part))).scalars())
    if new := [name for name in names if name not in noted]:
        conn.execute(insert(dirty), [{"stream": name} for name in new])
    held = select(func.count()).where(rows.c.stream.in_(select(dirty.c.stream)))
    if conn.execute(held).scalar_one() > DIRTY_ROWS:
        compact(conn)


def compact(conn: Connection) -> None:
    """Rewrite the segments of the dirty streams from the row table."""
    names = _dirty(conn)
    if names:
        replace_streams(conn, names, _rows_of(conn, names))
        conn.execute(delete(dirty))


def _dirty(conn: Connection) -> list[str]:
    return list(conn.execute(select(dirty.c.stream).order_by(dirty.c.stream)).scalars())


def _rows_of(conn: Connection, names: Sequence[str], *where: ColumnElement[bool]) -> pa.Table:
    """The row table's rows of `names` (`ROW_COLUMNS`), in the reference's order."""
    found: list[tuple[Any, ...]] = []
    for start in range(0, len(names), _BATCH):
        query = (
            select(*(rows.c[n] for n in ROW_COLUMNS))
            .where(rows.c.stream.in_(names[start : start + _BATCH]), *where)
            .order_by(*(rows.c[n] for n in _ORDER))
        )
        found += fetch_tuples(query, conn)
    return as_arrow(found, _PLAIN)


def replace_streams(conn: Connection, streams: Collection[str], new: pa.Table) -> None:
    """Replace what the segments hold of `streams` by `new` (their rows now, any order).

    Rewrites only the segments whose range holds one of `streams`, in the caller's
    transaction.
    """
    if not streams:
        return
    firsts = [f for (f,) in conn.execute(select(segments.c.first_stream).order_by("first_stream"))]
    bounds = firsts or [""]
    touched = sorted({bisect_right(bounds, s) - 1 for s in streams})
    gone = pa.array(sorted(streams), pa.string())
    for i in touched:
        first, upper = bounds[i], bounds[i + 1] if i + 1 < len(bounds) else None
        held = _read(conn, first) if firsts else _PLAIN.empty_table()
        kept = held.filter(pc.invert(pc.is_in(held.column("stream"), value_set=gone)))
        mine = pc.greater_equal(new.column("stream"), first)
        if upper is not None:
            mine = pc.and_(mine, pc.less(new.column("stream"), upper))
        merged = pa.concat_tables([kept, new.filter(mine)])
        merged = merged.sort_by([(name, "ascending") for name in _ORDER])
        if firsts:
            conn.execute(delete(segments).where(segments.c.first_stream == first))
        pieces = list(_split(merged, first))
        conn.execute(insert(segments), [_blobs(key, piece) for key, piece in pieces])


def _split(held: pa.Table, first: str) -> Iterator[tuple[str, pa.Table]]:
    """`held` (sorted) in pieces of about `SEGMENT_ROWS`, cut where a stream begins.

    The first piece keeps the segment's key; an empty segment is kept only if it is the
    first of all (""), so that every stream name falls into one.
    """
    if held.num_rows <= 2 * SEGMENT_ROWS:
        if held.num_rows or first == "":
            yield first, held
        return
    names = held.column("stream").to_pylist()
    start, key = 0, first
    while start < len(names):
        cut = start + SEGMENT_ROWS
        if len(names) - cut < SEGMENT_ROWS // 2:
            cut = len(names)
        while cut < len(names) and names[cut] == names[cut - 1]:
            cut += 1
        yield key, held.slice(start, cut - start)
        if cut < len(names):
            key = names[cut]
        start = cut


def _blobs(first: str, held: pa.Table) -> dict[str, Any]:
    """The database row of one segment: its key and its three blobs."""
    kept = pa.table(
        {f.name: _kept(held.column(f.name), f.type) for f in ROW_SCHEMA}, schema=ROW_SCHEMA
    )
    kept = kept.append_column("pos", pa.array(range(kept.num_rows), pa.int32()))
    finding = pc.invert(pc.is_in(held.column("status"), value_set=_NOT_FINDINGS))
    return {
        "first_stream": first,
        "keys": _ipc(kept.select(list(_KEYS))),
        "findings": _ipc(kept.filter(finding)),
        "others": _ipc(kept.filter(pc.invert(finding))),
    }


def _kept(column: pa.ChunkedArray, kind: pa.DataType) -> pa.Array:
    column = column.combine_chunks()
    if pa.types.is_dictionary(kind):
        return column.dictionary_encode().cast(kind)
    return column.cast(kind)


def _ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with ipc.new_stream(sink, table.schema, options=_WRITE) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue())


def _open(blob: bytes) -> pa.Table:
    return ipc.open_stream(blob).read_all()


def _read(conn: Connection, first: str) -> pa.Table:
    """Every row of one segment, in its order, as plain columns."""
    found = conn.execute(
        select(segments.c.findings, segments.c.others).where(segments.c.first_stream == first)
    ).one()
    return rows_of_blobs(found.findings, found.others)


def rows_of_blobs(findings: bytes, others: bytes) -> pa.Table:
    """A segment's rows, in its order, as plain columns (`ROW_COLUMNS`)."""
    both = pa.concat_tables([_open(findings), _open(others)])
    return both.sort_by("pos").drop_columns(["pos"]).cast(_PLAIN)


def _holding(
    table: pa.Table,
    on: date,
    known_at: datetime,
    rule_ids: Collection[str] | None,
    statuses: Collection[Status] | None,
) -> pa.Array:
    """Which rows of `table` hold at (`on`, `known_at`) and answer the question."""
    when, moment = day(on), instant(known_at)
    mask = pc.and_(
        pc.and_(pc.less_equal(table["on_from"], when), pc.greater(table["on_to"], when)),
        pc.and_(pc.less_equal(table["known_from"], moment), pc.greater(table["known_to"], moment)),
    )
    if rule_ids is not None:
        mask = pc.and_(mask, pc.is_in(table["rule_id"], value_set=pa.array(list(rule_ids))))
    if statuses is not None:
        wanted = pa.array([s.value for s in statuses], pa.string())
        mask = pc.and_(mask, pc.is_in(table["status"], value_set=wanted))
    return mask


def _held(
    conn: Connection,
    halves: Sequence[str],
    on: date,
    known_at: datetime,
    rule_ids: Collection[str] | None,
    statuses: Collection[Status] | None,
) -> Iterator[pa.Table]:
    """The rows holding at (`on`, `known_at`), segment by segment, in the reference's order.

    Reads the blobs `halves` of each segment; the dirty streams' rows come from the row
    table instead, merged into their segment's place.
    """
    names = _dirty(conn)
    where = answering(on, known_at, rule_ids=rule_ids, statuses=statuses)
    late = _rows_of(conn, names, *where) if names else None
    gone = pa.array(names, pa.string())
    firsts = list(conn.execute(select(segments.c.first_stream).order_by("first_stream")).scalars())
    blobs = conn.execute(select(*(segments.c[h] for h in halves)).order_by("first_stream"))
    for i, found in enumerate(blobs):
        parts = []
        for table in map(_open, found):
            mask = _holding(table, on, known_at, rule_ids, statuses)
            if names:
                mask = pc.and_(mask, pc.invert(pc.is_in(table["stream"], value_set=gone)))
            parts.append(table.filter(mask))
        part = pa.concat_tables(parts) if len(parts) > 1 else parts[0]
        mine = None if late is None else _between(late, firsts[i], firsts[i + 1 : i + 2])
        if mine is not None and mine.num_rows:
            base = _plain(part)
            part = pa.concat_tables([base, mine.select(base.column_names)])
            yield part.sort_by([(n, "ascending") for n in _ORDER if n in part.column_names])
        else:
            yield part.sort_by("pos") if len(parts) > 1 else part
    if not firsts and late is not None:
        yield late


def _between(table: pa.Table, first: str, upper: Sequence[str]) -> pa.Table:
    """The rows of `table` whose stream falls in the segment from `first` up to `upper`."""
    mask = pc.greater_equal(table["stream"], first)
    if upper:
        mask = pc.and_(mask, pc.less(table["stream"], upper[0]))
    return table.filter(mask)


def _plain(part: pa.Table) -> pa.Table:
    """A segment's rows as plain columns, without `pos`."""
    names = [n for n in part.column_names if n != "pos"]
    return part.select(names).cast(pa.schema([_PLAIN.field(n) for n in names]))


def obligations(
    conn: Connection,
    *,
    on: date,
    known_at: datetime,
    rule_ids: Collection[str] | None = None,
    statuses: Collection[Status] | None = None,
) -> pa.Table:
    """The rows holding at (`on`, `known_at`), in the reference's order, as `STORED_SCHEMA`.

    Only the findings' blobs are read when only findings are asked for.
    """
    halves = ["findings"]
    if statuses is None or set(statuses) - FINDINGS:
        halves.append("others")
    when = day(on)
    found = [
        _stored(part, when)
        for part in _held(conn, halves, on, known_at, rule_ids, statuses)
        if part.num_rows
    ]
    return pa.concat_tables(found) if found else STORED_SCHEMA.empty_table()


def _stored(part: pa.Table, when: int) -> pa.Table:
    """A segment's holding rows as `STORED_SCHEMA`, `days_overdue` counted for `on`."""
    since = part["overdue_since"]
    counted = pc.if_else(pc.is_null(since), part["days_overdue"], pc.subtract(when, since))
    part = part.set_column(part.schema.get_field_index("days_overdue"), "days_overdue", counted)
    return part.select(list(STORED_COLUMNS)).cast(STORED_SCHEMA)


def summary(
    conn: Connection,
    *,
    on: date,
    known_at: datetime,
    rule_ids: Collection[str] | None = None,
    statuses: Collection[Status] | None = None,
) -> dict[tuple[str, Status], int]:
    """How many rows of each (rule, status) hold at (`on`, `known_at`)."""
    counts: Counter[tuple[str, Status]] = Counter()
    for part in _held(conn, ["keys"], on, known_at, rule_ids, statuses):
        grouped = _plain(part).group_by(["rule_id", "status"]).aggregate([([], "count_all")])
        for rule, status, n in zip(*(c.to_pylist() for c in grouped.columns), strict=True):
            counts[rule, Status(status)] += n
    return dict(counts)


def findings_by_stream(
    conn: Connection, *, on: date, known_at: datetime, prefix: str
) -> dict[str, dict[Status, int]]:
    """Per stream whose name begins with `prefix`, how many findings of each status hold."""
    counts: dict[str, dict[Status, int]] = {}
    for part in _held(conn, ["findings"], on, known_at, None, list(FINDINGS)):
        held = _plain(part.select(["stream", "status"]))
        held = held.filter(pc.starts_with(held["stream"], prefix))
        grouped = held.group_by(["stream", "status"]).aggregate([([], "count_all")])
        for stream, status, n in zip(*(c.to_pylist() for c in grouped.columns), strict=True):
            counts.setdefault(stream, {})[Status(status)] = n
    return counts
