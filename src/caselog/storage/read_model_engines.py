"""The read models' connections, to the log's own database.

The tables live beside the log (`caselog_events`) in the same database; SQLite writers
lock at BEGIN, as the log's do. A log in memory keeps its read models in a private
in-memory database of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event
from sqlalchemy.pool import StaticPool

from caselog.storage.read_models import ReadModelTables

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

    from caselog.storage.port import EventStore


def tables_for(store: EventStore) -> ReadModelTables:
    """The read-model tables beside `store`'s log, in the same database.

    A log in memory keeps its read models in a private in-memory database of its own:
    both vanish with the process.
    """
    from caselog.storage.postgres import PostgresEventStore  # noqa: PLC0415
    from caselog.storage.sqlite import SQLiteEventStore  # noqa: PLC0415

    if isinstance(store, SQLiteEventStore):
        if store.path is None:
            engine = create_engine(
                "sqlite://",
                poolclass=StaticPool,
                connect_args={"check_same_thread": False},
            )
            return ReadModelTables(engine)
        url = f"sqlite:///{store.path.absolute()}"
        reader = create_engine(url, connect_args={"timeout": store.timeout})
        writer = create_engine(url, connect_args={"timeout": store.timeout})
        _lock_at_once(writer)
        return ReadModelTables(reader, writer)
    if isinstance(store, PostgresEventStore):
        engine = create_engine(
            "postgresql+psycopg://",
            connect_args={
                **store.connect_params(),
                "options": f"-c search_path={store.schema}",
            },
            pool_size=2,
            max_overflow=2,
        )
        return ReadModelTables(engine)
    msg = f"no read models for a store of type {type(store).__name__}"
    raise TypeError(msg)


def _lock_at_once(engine: Engine) -> None:
    """SQLite: each transaction takes the write lock at BEGIN (as the log's writes do)."""

    @event.listens_for(engine, "connect")
    def _autocommit(dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
