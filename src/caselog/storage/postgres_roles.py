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

The roles cannot log in: grant them to the users (`GRANT caselog_writer TO intake_app`).
Making them needs the right to create roles; granting on the tables needs to own them.
"""

from __future__ import annotations

from typing import Final

from psycopg.sql import SQL, Composed, Identifier

ROLES: Final = ("caselog_owner", "caselog_writer", "caselog_reader")
EVENTS: Final = "caselog_events"
META: Final = "caselog_meta"
READ_MODELS: Final = (
    "caselog_rm_rows",
    "caselog_rm_states",
    "caselog_rm_reads",
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
    ]
    found += [
        SQL("GRANT INSERT, UPDATE, DELETE ON {}.{} TO {}").format(s, Identifier(t), writer)
        for t in READ_MODELS
    ]
    return found
