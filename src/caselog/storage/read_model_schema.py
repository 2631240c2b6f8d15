"""The read models' tables (SQLAlchemy Core), and how days and instants are stored in them.

Days are ordinals and instants microseconds since 1970 (UTC): a question is then four
integer comparisons on an index, the same on SQLite and PostgreSQL. Texts repeated on
millions of rows — citations, the duties' sentences — are stored once, in
`caselog_rm_texts`; `caselog_rm_meta` holds the stamp and the log position the tables
reflect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Final

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    and_,
)

if TYPE_CHECKING:
    from collections.abc import Collection

    import pyarrow as pa
    from sqlalchemy import ColumnElement

    from caselog.rules.model import Status

EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
LOCK_KEY: Final = 0x6361_7365_6C6F_67
"""The PostgreSQL advisory lock of read-model writers ("caselog" in ASCII)."""
FOREVER: Final = 2**62
"""`known_to` of a rectangle that holds from its `known_from` on."""

metadata = MetaData()


def _rectangle() -> list[Column[int] | Column[str]]:
    """The stream and the rectangle of (`on`, `known_at`) a stored item holds over."""
    return [
        Column("stream", String, nullable=False),
        Column("on_from", Integer, nullable=False),
        Column("on_to", Integer, nullable=False),
        Column("known_from", BigInteger, nullable=False),
        Column("known_to", BigInteger, nullable=False),
    ]


rows = Table(
    "caselog_rm_rows",
    metadata,
    *_rectangle(),
    Column("rule", Integer, nullable=False),
    Column("idx", BigInteger, nullable=False),
    Column("rule_id", String, nullable=False),
    Column("case_id", String, nullable=False),
    Column("trigger_event_id", String),
    Column("part", String),
    Column("period", Integer),
    Column("trigger_on", Integer, nullable=False),
    Column("due_on", Integer),
    Column("effective_due_on", Integer),
    Column("satisfied_by_event_id", String),
    Column("satisfied_on", Integer),
    Column("status", String, nullable=False),
    Column("days_late", Integer),
    Column("days_overdue", Integer),
    Column("overdue_since", Integer),
    Column("severity", String, nullable=False),
    Column("flags", String, nullable=False),
    Column("law_at_trigger", Integer, nullable=False),
    Column("law_decisive", Integer, nullable=False),
    Column("citation", Integer, nullable=False),
    Column("wording_en", Integer, nullable=False),
    Column("wording_sv", Integer, nullable=False),
    Index("caselog_rm_rows_stream", "stream", "on_from"),
)
states = Table(
    "caselog_rm_states",
    metadata,
    *_rectangle(),
    Column("state", Text, nullable=False),
    Index("caselog_rm_states_stream", "stream", "on_from"),
)
listed = Table(
    "caselog_rm_listed",
    metadata,
    Column("stream", String, nullable=False),
    Column("first_on", Integer, nullable=False),
    Column("known_from", BigInteger, nullable=False),
    Column("known_to", BigInteger, nullable=False),
    Index("caselog_rm_listed_known", "known_from", "known_to", "first_on"),
    Index("caselog_rm_listed_stream", "stream"),
)
"""When each child's case file is listed by `cases()` (`caselog.rules.listing`)."""
reads = Table(
    "caselog_rm_reads",
    metadata,
    Column("stream", String, nullable=False),
    Column("reads", String, nullable=False),
    Index("caselog_rm_reads_stream", "stream"),
    Index("caselog_rm_reads_reads", "reads"),
)
segments = Table(
    "caselog_rm_segments",
    metadata,
    Column("first_stream", String, primary_key=True),
    Column("keys", LargeBinary, nullable=False),
    Column("findings", LargeBinary, nullable=False),
    Column("others", LargeBinary, nullable=False),
)
"""The rows of `caselog_rm_rows` again, in columns: Arrow IPC per range of streams that
begins at `first_stream` (`caselog.storage.read_model_segments`)."""
dirty = Table(
    "caselog_rm_dirty",
    metadata,
    Column("stream", String, primary_key=True),
)
"""The streams whose rows in `caselog_rm_segments` are older than in `caselog_rm_rows`."""
texts = Table(
    "caselog_rm_texts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("text", Text, nullable=False, unique=True),
)
meta = Table(
    "caselog_rm_meta",
    metadata,
    Column("key", String, primary_key=True),
    Column("value", Text, nullable=False),
)

ROW_FIELDS: Final = tuple(c.name for c in rows.columns)[7:]
"""The columns that hold an obligation's fields, in the order the query reads them."""

STORED_COLUMNS: Final = tuple(name for name in ROW_FIELDS if name != "overdue_since")
"""The stored columns as a question fetches them: days as ordinals, texts as ids into
`caselog_rm_texts`, flags joined by commas, `days_overdue` already counted for `on`."""
STRING_COLUMNS: Final = frozenset(
    ("rule_id", "case_id", "trigger_event_id", "part", "satisfied_by_event_id")
) | {"status", "severity", "flags"}
"""Those of `STORED_COLUMNS` that hold text; the others hold integers."""
TEXT_COLUMNS: Final = ("law_at_trigger", "law_decisive", "citation", "wording_en", "wording_sv")
"""Those of `STORED_COLUMNS` that hold ids of texts in `caselog_rm_texts`."""


@dataclass(frozen=True)
class StoredObligations:
    """The read models' answer to one question: stored columns and the texts they name."""

    table: pa.Table
    """Columns of `STORED_SCHEMA` (`read_model_arrow`), rows in the reference's order."""
    texts: dict[int, str]
    """Each stored text by its id (citations, laws, the duties' sentences)."""

    def __len__(self) -> int:
        """How many rows."""
        return int(self.table.num_rows)


def day(value: date) -> int:
    """A day as stored."""
    return value.toordinal()


def holding(table: Table, on: date, known_at: datetime) -> ColumnElement[bool]:
    """The items of `table` whose rectangle holds (`on`, `known_at`)."""
    when, moment = day(on), instant(known_at)
    return and_(
        table.c.on_from <= when,
        table.c.on_to > when,
        table.c.known_from <= moment,
        table.c.known_to > moment,
    )


def answering(
    on: date,
    known_at: datetime,
    *,
    streams: Collection[str] | None = None,
    rule_ids: Collection[str] | None = None,
    statuses: Collection[Status] | None = None,
) -> list[ColumnElement[bool]]:
    """The conditions on `caselog_rm_rows` of a question: the point, then its filters."""
    found = [holding(rows, on, known_at)]
    if streams is not None:
        found.append(rows.c.stream.in_(list(streams)))
    if rule_ids is not None:
        found.append(rows.c.rule_id.in_(list(rule_ids)))
    if statuses is not None:
        found.append(rows.c.status.in_([s.value for s in statuses]))
    return found


def instant(value: datetime) -> int:
    """An instant as stored: microseconds since 1970 (UTC)."""
    return (value - EPOCH) // timedelta(microseconds=1)
