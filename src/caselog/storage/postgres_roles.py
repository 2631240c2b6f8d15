"""Three PostgreSQL roles, so that a connection has only the rights its work needs (issue 11).

* `caselog_owner` owns the log's tables: it creates and upgrades them (`caselog init`,
  `caselog upgrade`) and rebuilds the read models. Only it could drop the append-only
  triggers.
* `caselog_writer` appends: SELECT and INSERT on the event table (appends take turns on
  an advisory lock, which needs no table rights), the sequence of positions, and writing
  the read models (INSERT, UPDATE, DELETE) to keep them current.
* `caselog_reader` reads: SELECT on everything. It answers from the read models while
  they are current; when they are behind, it may not update them, and the reference
  replay answers, with a notice.
* Both also INSERT into the access log (`caselog_access`) and draw its positions (USAGE
  on its sequence): every read is recorded, by whoever reads (loggkontroll, issue 13).
  Neither may change or remove a recorded read.

The roles cannot log in: grant them to the users (`GRANT caselog_writer TO intake_app`).
Making them needs the right to create roles; granting on the tables needs to own them.
"""

from __future__ import annotations

from typing import Final

from psycopg.sql import SQL, Composed, Identifier

ROLES: Final = ("caselog_owner", "caselog_writer", "caselog_reader")
EVENTS: Final = "caselog_events"
ACCESS: Final = "caselog_access"
META: Final = "caselog_meta"
READ_MODELS: Final = (
    "caselog_rm_rows",
    "caselog_rm_states",
    "caselog_rm_reads",
    "caselog_rm_listed",
    "caselog_rm_segments",
    "caselog_rm_dirty",
    "caselog_rm_texts",
    "caselog_rm_meta",
)


def role_statements(schema: str) -> list[Composed | SQL]:
    """Make the roles (if missing) and give each its rights on the log in `schema`."""
    s = Identifier(schema)
    owner, writer, reader = (Identifier(r) for r in ROLES)
    found: list[Composed | SQL] = [
        SQL(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {name}) THEN "
            "CREATE ROLE {role} NOLOGIN; END IF; END $$"
        ).format(name=role, role=Identifier(role))
        for role in ROLES
    ]
    found += [
        SQL("GRANT USAGE ON SCHEMA {} TO {}, {}").format(s, writer, reader),
        SQL("GRANT ALL ON SCHEMA {} TO {}").format(s, owner),
        SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}, {}").format(s, writer, reader),
        SQL("GRANT ALL ON ALL TABLES IN SCHEMA {} TO {}").format(s, owner),
        SQL("GRANT INSERT ON {}.{} TO {}").format(s, Identifier(EVENTS), writer),
        SQL("GRANT USAGE ON ALL SEQUENCES IN SCHEMA {} TO {}").format(s, writer),
        SQL("GRANT INSERT ON {}.{} TO {}, {}").format(s, Identifier(ACCESS), writer, reader),
        SQL("GRANT USAGE ON SEQUENCE {}.{} TO {}").format(
            s, Identifier(f"{ACCESS}_position_seq"), reader
        ),
    ]
    found += [
        SQL("GRANT INSERT, UPDATE, DELETE ON {}.{} TO {}").format(s, Identifier(t), writer)
        for t in READ_MODELS
    ]
    return found


def access_grants(schema: str) -> list[Composed]:
    """The roles' rights on the access log, given to those roles that exist.

    For a log whose roles were made before its access log, which `caselog upgrade` adds:
    without them its readers could no longer record — and so no longer make — a read.
    """
    s, table = Identifier(schema), Identifier(ACCESS)
    sequence = Identifier(f"{ACCESS}_position_seq")
    rights = {"caselog_owner": ("ALL", "ALL")} | dict.fromkeys(
        ROLES[1:], ("SELECT, INSERT", "USAGE")
    )
    return [
        SQL(
            "DO $$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = {name}) THEN "
            "GRANT {on_table} ON {s}.{table} TO {role}; "
            "GRANT {on_sequence} ON SEQUENCE {s}.{sequence} TO {role}; END IF; END $$"
        ).format(
            name=role,
            on_table=SQL(on_table),
            on_sequence=SQL(on_sequence),
            s=s,
            table=table,
            sequence=sequence,
            role=Identifier(role),
        )
        for role, (on_table, on_sequence) in rights.items()
    ]
