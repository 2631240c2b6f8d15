"""The hash chain on PostgreSQL: chained appends, append-only triggers, upgrade (issue 11).

Positions come from the `notification_id` sequence and may skip (a rolled-back append
uses numbers up). Appends take turns on an advisory lock, so the numbers one append takes
from the sequence are larger than any committed before it: they are taken first, in
order, so that each row's hash can cover its own position, and the rows are inserted
with them.

Triggers refuse UPDATE, DELETE and TRUNCATE on the event table: not even a connection
that owns the table changes an event without first disabling them, which the chain then
shows (`caselog verify`).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Final

from psycopg.rows import tuple_row
from psycopg.sql import SQL, Composed, Identifier

from caselog.storage.chain import Chainer, ChainRow, genesis, rfc3339
from caselog.storage.port import LogStoredEvent, chunked
from caselog.storage.postgres_access import create_statements as access_statements

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    import psycopg
    from psycopg import Cursor
    from psycopg.rows import DictRow

TABLE: Final = "caselog_events"
META: Final = "caselog_meta"
_PAGE: Final = 5000


def create_statements(schema: str) -> list[Composed]:
    """The meta table, the event table's append-only triggers, and the access log's table.

    The access log (`postgres_access`) is made with the log, so that every read of it can
    be recorded.
    """
    table, meta = (Identifier(schema), Identifier(TABLE)), (Identifier(schema), Identifier(META))
    refuse = Identifier(schema, "caselog_refuse_change")
    return [
        SQL("CREATE TABLE IF NOT EXISTS {}.{} (key text PRIMARY KEY, value text NOT NULL)").format(
            *meta
        ),
        SQL(
            "CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'caselog_events is append-only: % is refused', TG_OP "
            "USING ERRCODE = 'insufficient_privilege'; END $$"
        ).format(refuse),
        SQL(
            "CREATE OR REPLACE TRIGGER caselog_append_only BEFORE UPDATE OR DELETE ON {}.{} "
            "FOR EACH ROW EXECUTE FUNCTION {}()"
        ).format(*table, refuse),
        SQL(
            "CREATE OR REPLACE TRIGGER caselog_no_truncate BEFORE TRUNCATE ON {}.{} "
            "FOR EACH STATEMENT EXECUTE FUNCTION {}()"
        ).format(*table, refuse),
        *access_statements(schema),
    ]


def name_log(curs: Cursor[Any], schema: str) -> None:
    """Give a new log its id (a log that has one keeps it)."""
    curs.execute(
        SQL("INSERT INTO {}.{} VALUES ('log_id', %s) ON CONFLICT DO NOTHING").format(
            Identifier(schema), Identifier(META)
        ),
        (new_log_id(),),
    )


def log_id_in(conn: psycopg.Connection[Any], schema: str) -> str | None:
    """The log's id, or None for a log made before the chain (no `hash` column)."""
    cursor = conn.cursor(row_factory=tuple_row)
    cursor.execute(
        "SELECT 1 FROM information_schema.columns "
        "WHERE table_schema = %s AND table_name = %s AND column_name = 'hash'",
        (schema, TABLE),
    )
    if cursor.fetchone() is None:
        return None
    cursor.execute(SQL("SELECT value FROM {}.{} WHERE key = 'log_id'").format(
        Identifier(schema), Identifier(META)
    ))  # fmt: skip
    found = cursor.fetchone()
    return None if found is None else str(found[0])


def new_log_id() -> str:
    """A fresh log id."""
    return str(uuid.uuid4())


def insert_chained(
    curs: Cursor[DictRow], table: Composed, log_id: str, events: Iterable[LogStoredEvent]
) -> list[int]:
    """Insert `events` after the last row, each with its position, hash and the one before.

    Returns the positions, in order.

    Call under the append lock (`PostgresLogRecorder.lock_table_statements`), which makes
    the positions drawn here larger than any committed before.
    """
    curs.execute(
        SQL("SELECT notification_id, hash FROM {} ORDER BY notification_id DESC LIMIT 1").format(
            table
        )
    )
    last = curs.fetchone()
    chain = (
        Chainer(bytes(last["hash"]), last["notification_id"])
        if last
        else Chainer(genesis(log_id), 0)
    )
    written: list[int] = []
    for page in chunked(events, _PAGE):
        rows = list(page)
        curs.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'notification_id')) AS n "
            "FROM generate_series(1, %s) ORDER BY 1",
            (table.as_string(curs), len(rows)),
        )
        positions = [r["n"] for r in curs.fetchall()]
        written += positions
        linked = [
            chain.next(
                ChainRow(
                    n, str(e.originator_id), e.topic, e.event_id, e.ingested_by,
                    e.originator_version, rfc3339(e.recorded_at), e.state, None, None,
                )
            )
            for n, e in zip(positions, rows, strict=True)
        ]  # fmt: skip
        curs.execute(
            SQL(
                "INSERT INTO {} (notification_id, originator_id, originator_version, topic, "
                "state, event_id, recorded_at, ingested_by, hash, prev_position) "
                "SELECT * FROM unnest(%s::bigint[], %s::text[], %s::bigint[], %s::text[], "
                "%s::bytea[], %s::text[], %s::timestamptz[], %s::text[], %s::bytea[], "
                "%s::bigint[])"
            ).format(table),
            (
                positions,
                [e.originator_id for e in rows],
                [e.originator_version for e in rows],
                [e.topic for e in rows],
                [e.state for e in rows],
                [e.event_id for e in rows],
                [e.recorded_at for e in rows],
                [e.ingested_by for e in rows],
                [h for h, _ in linked],
                [p for _, p in linked],
            ),
        )
    return written


CHAIN_COLUMNS: Final = SQL(
    "notification_id, originator_id, topic, event_id, ingested_by, originator_version, "
    "recorded_at, state"
)


def chain_row(r: Any, *, stored: bool = True) -> ChainRow:
    """A fetched row (`CHAIN_COLUMNS`, then `hash, prev_position` if `stored`)."""
    return ChainRow(
        r[0], r[1], r[2], r[3], r[4], r[5], rfc3339(r[6]), bytes(r[7]),
        None if not stored or r[8] is None else bytes(r[8]),
        r[9] if stored else None,
    )  # fmt: skip


def upgrade(conn: psycopg.Connection[Any], schema: str) -> None:
    """Chain a log made before the chain, in the caller's transaction (table locked)."""
    table = SQL("{}.{}").format(Identifier(schema), Identifier(TABLE))
    cursor = conn.cursor(row_factory=tuple_row)
    cursor.execute(SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(table))
    cursor.execute(
        SQL("ALTER TABLE {} ADD COLUMN hash bytea, ADD COLUMN prev_position bigint").format(table)
    )
    for statement in create_statements(schema):
        cursor.execute(statement)
    name_log(cursor, schema)
    log_id = log_id_in(conn, schema)
    assert log_id is not None  # noqa: S101 - named just above
    cursor.execute(SQL("ALTER TABLE {} DISABLE TRIGGER caselog_append_only").format(table))
    chain = Chainer(genesis(log_id), 0)
    reader = conn.cursor(name="caselog_upgrade", row_factory=tuple_row)
    reader.execute(SQL("SELECT {} FROM {} ORDER BY notification_id").format(CHAIN_COLUMNS, table))
    while found := reader.fetchmany(_PAGE):
        updates = [(*chain.next(chain_row(r, stored=False)), r[0]) for r in found]
        cursor.executemany(
            SQL("UPDATE {} SET hash = %s, prev_position = %s WHERE notification_id = %s").format(
                table
            ),
            updates,
        )
    reader.close()
    cursor.execute(SQL("ALTER TABLE {} ENABLE TRIGGER caselog_append_only").format(table))


def rows_after(curs: Cursor[Any], table: Composed, after: int, page: int) -> Iterator[ChainRow]:
    """One page of rows after position `after`, as the chain covers them."""
    curs.execute(
        SQL("SELECT {}, hash, prev_position FROM {} WHERE notification_id > %s "
            "ORDER BY notification_id LIMIT %s").format(CHAIN_COLUMNS, table),
        (after, page),
    )  # fmt: skip
    return (chain_row(tuple(r.values()) if isinstance(r, dict) else r) for r in curs.fetchall())
