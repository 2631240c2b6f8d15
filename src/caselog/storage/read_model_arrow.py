"""Reading a few streams' stored rows into Arrow columns, through the DB-API driver.

A whole municipality is read from the segments (`caselog.storage.read_model_segments`);
one case's rows come from the row table's index, through `sqlite3` or psycopg as plain
tuples, without SQLAlchemy's row objects.

Imported when a question is first answered, not with caselog: pyarrow takes a tenth of a
second to load, which every command line call would pay.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import pyarrow as pa

from caselog.storage.read_model_schema import STORED_COLUMNS, STRING_COLUMNS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy import Select
    from sqlalchemy.engine import Connection, Dialect


STORED_SCHEMA: Final = pa.schema(
    [pa.field(n, pa.string() if n in STRING_COLUMNS else pa.int64()) for n in STORED_COLUMNS]
)
"""The Arrow types of `STORED_COLUMNS`."""


def literal_sql(query: Select[Any], dialect: Dialect) -> str:
    """`query` as SQL text with its values in it.

    Every value a read-model query holds is a day, an instant, a rule id, a status or a
    stream name, rendered (and quoted) by SQLAlchemy's dialect.
    """
    return str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def fetch_rows(query: Select[Any], conn: Connection) -> pa.Table:
    """`query`'s rows through the DB-API driver of `conn`, as Arrow columns of `STORED_SCHEMA`."""
    return as_arrow(fetch_tuples(query, conn), STORED_SCHEMA)


def fetch_tuples(query: Select[Any], conn: Connection) -> list[tuple[Any, ...]]:
    """`query`'s rows as plain tuples from the DB-API driver, without SQLAlchemy's rows."""
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(literal_sql(query, conn.dialect))
        return list(cursor.fetchall())
    finally:
        cursor.close()


def as_arrow(found: Sequence[Sequence[Any]], schema: pa.Schema) -> pa.Table:
    """Rows as Arrow columns of `schema`."""
    if not found:
        return schema.empty_table()
    columns = zip(*found, strict=True)
    arrays = [pa.array(c, f.type) for c, f in zip(columns, schema, strict=True)]
    return pa.Table.from_arrays(arrays, schema=schema)
