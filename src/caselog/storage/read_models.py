"""The read models' tables: obligations and case states per rectangle of (`on`, `known_at`).

What to store is decided in the domain (`caselog.rules.spans`); this module only stores
it and answers from it, through SQLAlchemy Core, with the same code on SQLite and
PostgreSQL (issue 10; docs/design/read-models.md). Days are stored as ordinals and
instants as microseconds since 1970 (UTC), so that a question is four integer
comparisons on an index. Texts repeated on millions of rows — citations, the duties'
sentences — are stored once, in `caselog_rm_texts`.

The tables live beside the log (`caselog_events`) in the same database; `caselog_rm_meta`
holds the stamp (caselog version, rules fingerprint, settings hash, horizon) and the
log position the tables reflect, written in the same transaction as the rows.
"""

from __future__ import annotations

import weakref
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, delete, func, insert, literal, select
from sqlalchemy import text as text_clause

from caselog.rules.model import Status
from caselog.storage.read_model_schema import (
    FOREVER,
    LOCK_KEY,
    STORED_COLUMNS,
    TEXT_COLUMNS,
    StoredObligations,
    answering,
    day,
    dirty,
    holding,
    instant,
    listed,
    meta,
    metadata,
    reads,
    rows,
    segments,
    states,
    texts,
)

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Iterator, Mapping

    import pyarrow as pa
    from sqlalchemy import Select
    from sqlalchemy.engine import Connection, Engine

    from caselog.rules.model import Obligation
    from caselog.rules.spans import StreamSpans


class ReadModelTables:
    """The read-model tables of one log, and the questions they answer."""

    def __init__(self, engine: Engine, writer: Engine | None = None) -> None:
        """Read through `engine`; write through `writer` (SQLite: one that locks at once)."""
        self.engine = engine
        self.writer = writer or engine
        # A log dropped without close() must not leave connections to be warned about.
        weakref.finalize(self, _dispose, self.engine, self.writer)
        self._texts: dict[str, int] = {}
        self._by_id: dict[int, str] = {}

    def close(self) -> None:
        """Release the connections."""
        _dispose(self.engine, self.writer)

    # -- the stamp ----------------------------------------------------------------------

    def exists(self) -> bool:
        """Whether the tables were ever made here."""
        with self.engine.connect() as conn:
            return bool(self.engine.dialect.has_table(conn, meta.name))

    def create(self) -> None:
        """Make the tables that are missing (under the lock: writers may race).

        A table missing beside the others (added by a later caselog, or dropped) makes
        the stamp stale, so everything is rebuilt before it answers again.
        """
        with self.engine.connect() as conn:
            missing = [t for t in metadata.tables if not self.engine.dialect.has_table(conn, t)]
        if not missing:
            return
        with self.writer.begin() as conn:
            self.lock(conn, read=False)
            metadata.create_all(conn)
            if segments.name in missing:  # their columns replace two indexes of the rows
                for index in ("caselog_rm_rows_count", "caselog_rm_rows_findings"):
                    conn.execute(text_clause(f"DROP INDEX IF EXISTS {index}"))
            if meta.name not in missing:
                self.clear_keys(conn, ["rules"])

    def may_write(self) -> bool:
        """Whether this connection may write the tables (a reader's may not)."""
        with self.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                query = text_clause("SELECT has_table_privilege(:table, 'INSERT')")
                return bool(conn.execute(query, {"table": rows.name}).scalar())
            return not conn.exec_driver_sql("PRAGMA query_only").scalar()

    def stamp(self) -> dict[str, str]:
        """The stamp and position, or {} before the tables exist."""
        with self.engine.connect() as conn:
            if not self.engine.dialect.has_table(conn, meta.name):
                return {}
            return dict(conn.execute(select(meta.c.key, meta.c.value)).tuples().all())

    def write_meta(self, conn: Connection, values: Mapping[str, str]) -> None:
        """Set the stamp's entries, in the caller's transaction."""
        conn.execute(delete(meta).where(meta.c.key.in_(list(values))))
        conn.execute(insert(meta), [{"key": k, "value": v} for k, v in values.items()])

    def lock(self, conn: Connection, *, read: bool = True) -> dict[str, str]:
        """Take the read models' write lock for this transaction, and read the stamp.

        SQLite: the writer's transactions begin IMMEDIATE, which is the lock. PostgreSQL:
        a transaction-scoped advisory lock, so that even the first writer, before any
        table exists, waits for another.
        """
        if conn.dialect.name == "postgresql":
            conn.execute(text_clause("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        if not read:
            return {}
        return dict(conn.execute(select(meta.c.key, meta.c.value)).tuples().all())

    def clear_keys(self, conn: Connection, keys: Collection[str]) -> None:
        """Remove entries from the stamp, in the caller's transaction."""
        conn.execute(delete(meta).where(meta.c.key.in_(list(keys))))

    def clear(self, conn: Connection) -> None:
        """Empty every table but the texts (a rebuild starts from nothing)."""
        for table in (rows, states, reads, listed, segments, dirty, meta):
            conn.execute(delete(table))

    # -- writing ------------------------------------------------------------------------

    def replace(self, conn: Connection, spans: Iterable[StreamSpans]) -> None:
        """Replace what is stored about each stream by its new spans."""
        batch = list(spans)
        if not batch:
            return
        names = [s.stream for s in batch]
        for table in (rows, states, reads, listed):
            for start in range(0, len(names), 500):
                conn.execute(delete(table).where(table.c.stream.in_(names[start : start + 500])))
        self._load_texts(conn)
        row_values = [self._row(s.stream, span) for s in batch for span in s.rows]
        if row_values:
            conn.execute(insert(rows), row_values)
        from caselog.storage import read_model_segments as columns  # noqa: PLC0415

        columns.mark(conn, names)
        state_values = [
            {
                "stream": s.stream,
                "on_from": day(span.area.on_from),
                "on_to": day(span.area.on_to),
                "known_from": instant(span.area.known_from),
                "known_to": FOREVER if span.area.known_to is None else instant(span.area.known_to),
                "state": span.state.model_dump_json(),
            }
            for s in batch
            for span in s.states
        ]
        if state_values:
            conn.execute(insert(states), state_values)
        read_values = [{"stream": s.stream, "reads": r} for s in batch for r in sorted(s.reads)]
        if read_values:
            conn.execute(insert(reads), read_values)
        listed_values = [
            {
                "stream": s.stream,
                "first_on": day(span.first_on),
                "known_from": instant(span.known_from),
                "known_to": FOREVER if span.known_to is None else instant(span.known_to),
            }
            for s in batch
            for span in s.listed
        ]
        if listed_values:
            conn.execute(insert(listed), listed_values)
        self._save_texts(conn)

    def compact(self, conn: Connection) -> None:
        """Bring the columnar segments level with the row table (the end of a rebuild)."""
        from caselog.storage import read_model_segments as columns  # noqa: PLC0415

        columns.compact(conn)

    def _row(self, stream: str, span: Any) -> dict[str, Any]:
        row: Obligation = span.row
        area = span.area
        return {
            "stream": stream,
            "rule": span.rule,
            "idx": span.index,
            "on_from": day(area.on_from),
            "on_to": day(area.on_to),
            "known_from": instant(area.known_from),
            "known_to": FOREVER if area.known_to is None else instant(area.known_to),
            "rule_id": row.rule_id,
            "case_id": row.case_id,
            "trigger_event_id": row.trigger_event_id,
            "part": row.part,
            "period": row.period,
            "trigger_on": day(row.trigger_on),
            "due_on": None if row.due_on is None else day(row.due_on),
            "effective_due_on": None if row.effective_due_on is None else day(row.effective_due_on),
            "satisfied_by_event_id": row.satisfied_by_event_id,
            "satisfied_on": None if row.satisfied_on is None else day(row.satisfied_on),
            "status": row.status.value,
            "days_late": row.days_late,
            "days_overdue": row.days_overdue,
            "overdue_since": None if span.overdue_since is None else day(span.overdue_since),
            "severity": row.severity.value,
            "flags": ",".join(flag.value for flag in row.flags),
            "law_at_trigger": self._text(row.law_at_trigger),
            "law_decisive": self._text(row.law_decisive),
            "citation": self._text(row.citation),
            "wording_en": self._text(row.wording.en),
            "wording_sv": self._text(row.wording.sv),
        }

    def _load_texts(self, conn: Connection) -> None:
        self._texts = {text: key for key, text in conn.execute(select(texts.c.id, texts.c.text))}
        self._by_id = {key: text for text, key in self._texts.items()}
        self._new: dict[str, int] = {}

    def _text(self, text: str) -> int:
        key = self._texts.get(text)
        if key is None:
            key = self._texts[text] = len(self._texts) + 1
            self._by_id[key] = text
            self._new[text] = key
        return key

    def _save_texts(self, conn: Connection) -> None:
        if self._new:
            conn.execute(insert(texts), [{"id": k, "text": t} for t, k in self._new.items()])
            self._new = {}

    # -- reading ------------------------------------------------------------------------

    def obligations(
        self,
        *,
        on: date,
        known_at: datetime,
        streams: Collection[str] | None = None,
        rule_ids: Collection[str] | None = None,
        statuses: Collection[Status] | None = None,
    ) -> StoredObligations:
        """The rows that hold on `on` as known at `known_at`, in the reference's order.

        A whole municipality is read from the segments' columns; a few streams from the
        row table, through its index.
        """
        from caselog.storage import read_model_segments as columns  # noqa: PLC0415
        from caselog.storage.read_model_arrow import fetch_rows  # noqa: PLC0415

        # A few streams' rows are one statement; a municipality's are several, read as one.
        with self.engine.connect() if streams is not None else snapshot(self.engine) as conn:
            if not self._by_id:
                self._load_texts(conn)
            if streams is None:
                table = columns.obligations(
                    conn, on=on, known_at=known_at, rule_ids=rule_ids, statuses=statuses
                )
            else:
                table = fetch_rows(self._query(on, known_at, streams, rule_ids, statuses), conn)
            if _highest_text(table) > len(self._by_id):  # another process wrote new texts
                self._load_texts(conn)
        return StoredObligations(table, self._by_id)

    def _query(
        self,
        on: date,
        known_at: datetime,
        streams: Collection[str],
        rule_ids: Collection[str] | None,
        statuses: Collection[Status] | None,
    ) -> Select[Any]:
        """The row table's query for the rows of `streams` (`days_overdue` counted for `on`)."""
        overdue = case(
            (rows.c.overdue_since.is_(None), rows.c.days_overdue),
            else_=literal(day(on)) - rows.c.overdue_since,
        )
        columns = [overdue if n == "days_overdue" else rows.c[n] for n in STORED_COLUMNS]
        return (
            select(*(c.label(n) for c, n in zip(columns, STORED_COLUMNS, strict=True)))
            .where(*answering(on, known_at, streams=streams, rule_ids=rule_ids, statuses=statuses))
            .order_by(rows.c.stream, rows.c.rule, rows.c.idx)
        )

    def summary(
        self,
        *,
        on: date,
        known_at: datetime,
        streams: Collection[str] | None = None,
        rule_ids: Collection[str] | None = None,
        statuses: Collection[Status] | None = None,
    ) -> dict[tuple[str, Status], int]:
        """How many rows of each (rule, status) hold.

        A whole municipality is counted in the segments' keys; a few streams by the
        database.
        """
        from caselog.storage import read_model_segments as columns  # noqa: PLC0415

        if streams is None:
            with snapshot(self.engine) as conn:
                return columns.summary(
                    conn, on=on, known_at=known_at, rule_ids=rule_ids, statuses=statuses
                )
        query = (
            select(rows.c.rule_id, rows.c.status, func.count())
            .where(*answering(on, known_at, streams=streams, rule_ids=rule_ids, statuses=statuses))
            .group_by(rows.c.rule_id, rows.c.status)
        )
        with self.engine.connect() as conn:
            return {(rule, Status(status)): n for rule, status, n in conn.execute(query)}

    def state(self, stream: str, *, on: date, known_at: datetime) -> str | None:
        """The stored case state (JSON) of `stream` on `on` as known at `known_at`."""
        query = select(states.c.state).where(
            states.c.stream == stream, holding(states, on, known_at)
        )
        with self.engine.connect() as conn:
            found = conn.execute(query).scalar_one_or_none()
        return None if found is None else str(found)

    def readers_of(self, conn: Connection, referred: Collection[str]) -> set[str]:
        """The streams whose rules read any of `referred` (`home:<id>`, `committee:`)."""
        if not referred:
            return set()
        query = select(reads.c.stream).where(reads.c.reads.in_(list(referred))).distinct()
        return {name for (name,) in conn.execute(query)}


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection whose reads all see one state of the tables.

    A question reads the dirty streams, the row table and the segments in several
    statements; a catch-up committing between them must not tear the answer. SQLite: one
    read transaction (in WAL mode, a snapshot). PostgreSQL: REPEATABLE READ.
    """
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            with conn.execution_options(isolation_level="REPEATABLE READ").begin():
                yield conn
            return
        conn.exec_driver_sql("BEGIN")
        try:
            yield conn
        finally:
            conn.rollback()


def _highest_text(table: pa.Table) -> int:
    """The highest text id the rows name (ids are given in order from 1)."""
    import pyarrow.compute as pc  # noqa: PLC0415 - loaded with the first answer

    found = (pc.max(table.column(name)).as_py() for name in TEXT_COLUMNS)
    return max((n for n in found if n is not None), default=0)


def _dispose(*engines: Engine) -> None:
    for engine in engines:
        engine.dispose()
