"""Reading the read models into Arrow columns; from PostgreSQL through ADBC.

A municipality's rows are hundreds of thousands: the Python database drivers make an
object of every value, ADBC's C driver for PostgreSQL fills Arrow buffers directly.

Not for SQLite: ADBC's driver links its own copy of SQLite, and two copies of SQLite in
one process release each other's POSIX locks when either closes the file, which
corrupts a database in WAL mode (sqlite.org/howtocorrupt.html, 2.2.1). Tried, it
served stale rows and then "disk I/O error". SQLite is read through `sqlite3`, without
SQLAlchemy's row objects.

Imported when a question is first answered, not with caselog: pyarrow takes a tenth of a
second to load, which every command line call would pay.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import pyarrow as pa

from caselog.storage.read_model_schema import STORED_COLUMNS, STRING_COLUMNS

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from adbc_driver_manager.dbapi import Connection as ArrowConnection
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


def fetch_arrow(
    connect: Callable[[], ArrowConnection], query: Select[Any], dialect: Dialect
) -> pa.Table:
    """`query`'s rows through ADBC, as Arrow columns of `STORED_SCHEMA`."""
    with connect() as conn, conn.cursor() as cursor:
        cursor.execute(literal_sql(query, dialect))
        table: pa.Table = cursor.fetch_arrow_table()
    return table.cast(STORED_SCHEMA)


def fetch_rows(query: Select[Any], conn: Connection) -> pa.Table:
    """`query`'s rows through the DB-API driver of `conn`, as Arrow columns of `STORED_SCHEMA`."""
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(literal_sql(query, conn.dialect))
        return as_arrow(cursor.fetchall())
    finally:
        cursor.close()


def as_arrow(found: Sequence[Any]) -> pa.Table:
    """Rows as Arrow columns of `STORED_SCHEMA`."""
    if not found:
        return STORED_SCHEMA.empty_table()
    columns = zip(*found, strict=True)
    arrays = [pa.array(c, f.type) for c, f in zip(columns, STORED_SCHEMA, strict=True)]
    return pa.Table.from_arrays(arrays, schema=STORED_SCHEMA)


def adbc_postgres(conninfo: str) -> ArrowConnection:
    """An ADBC connection to PostgreSQL (`conninfo`: a libpq connection string)."""
    import adbc_driver_postgresql.dbapi  # noqa: PLC0415 - loaded when first asked

    conn: ArrowConnection = adbc_driver_postgresql.dbapi.connect(conninfo)
    return conn


def conninfo(params: Mapping[str, Any], schema: str) -> str:
    """A libpq connection string for `params`, reading `schema` first."""
    values = {k: str(v) for k, v in params.items() if v is not None}
    values["options"] = f"{values.get('options', '')} -c search_path={schema}".strip()

    def quoted(value: str) -> str:
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"

    return " ".join(f"{key}={quoted(value)}" for key, value in values.items())
