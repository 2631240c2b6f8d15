"""The analysts' SQL views on PostgreSQL: `events` and `events_as_known` (issue 14).

What the views hold and why they are views: `caselog.storage.analyst_views`, which also
holds the query both dialects share. Here the payload is `jsonb`, `occurred_on` a `date`
and `recorded_at` a `timestamptz`, so that `payload ->> 'type'` and date arithmetic work
in psql as they read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from psycopg.sql import SQL, Composed, Identifier, Literal

from caselog.storage.analyst_views import (
    MAX_RETRACTION_DEPTH,
    SEALED_PREFIX_HEX,
    TOO_DEEP,
    VIEWS,
    as_known_sql,
    personal_paths,
)

if TYPE_CHECKING:
    import psycopg

__all__ = ["MAX_RETRACTION_DEPTH", "create_postgres_views", "postgres_statements"]


def _postgres_payload() -> str:
    """The payload of `caselog_events AS e` as jsonb (`p.j` is its parsed state)."""
    value = "p.j"
    for path in personal_paths():
        parts = path.split(".")
        sealed = f"p.j -> '$sealed' -> 'fields' ? '{path}'"
        value = (
            f"jsonb_set({value}, CASE WHEN {sealed} THEN '{{{','.join(parts)}}}' "
            "ELSE '{$sealed}' END::text[], 'null'::jsonb)"
        )
    return (
        f"CASE WHEN substring(e.state from 1 for 10) = '\\x{SEALED_PREFIX_HEX}'::bytea "
        f"THEN {value} - '$sealed' ELSE p.j END"
    )


def postgres_statements(schema: str) -> list[Composed]:
    """The statements that make (or replace) both views in `schema`, and grant reading them.

    `CREATE OR REPLACE` keeps the rights already given on them; the roles of
    `caselog init --roles` that exist get SELECT (a view made after the grants has none).
    """
    s = Identifier(schema)
    events = SQL(
        "CREATE OR REPLACE VIEW {}.events AS SELECT "
        "e.notification_id AS position, e.originator_id AS stream, "
        "e.originator_version AS stream_version, e.event_id AS event_id, "
        "split_part(e.topic, '.v', 1) AS type, "
        "split_part(e.topic, '.v', 2)::integer AS schema_version, "
        "(p.j ->> 'occurred_on')::date AS occurred_on, e.recorded_at AS recorded_at, "
        "e.ingested_by AS ingested_by, "
        + _postgres_payload().replace("{", "{{").replace("}", "}}")
        + " AS payload FROM {}.caselog_events AS e "
        "CROSS JOIN LATERAL (SELECT convert_from(e.state, 'UTF8')::jsonb AS j) AS p"
    ).format(s, s)
    as_known = as_known_sql(
        events="{schema}.events",
        target="payload ->> 'target_event_id'",
        # Not a constant, so that the planner never folds it into an error.
        too_deep=f"CAST('{TOO_DEEP} (' || u.n || ')' AS integer)",
        occurred_on="COALESCE((w.payload -> 'replacement' ->> 'occurred_on')::date, f.occurred_on)",
        corrected_payload="(w.payload -> 'replacement') || "
        "jsonb_build_object('event_id', f.event_id)",
        create="CREATE OR REPLACE VIEW {schema}.events_as_known",
        materialized="MATERIALIZED ",
    )
    escaped = as_known.replace("{", "{{").replace("}", "}}").replace("{{schema}}", "{schema}")
    grants = [
        SQL(
            "DO $$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = {name}) THEN "
            "GRANT SELECT ON {s}.{view} TO {role}; END IF; END $$"
        ).format(name=Literal(role), s=s, view=Identifier(view), role=Identifier(role))
        for view in VIEWS
        for role in ("caselog_owner", "caselog_writer", "caselog_reader")
    ]
    return [events, SQL(escaped).format(schema=s), *grants]


def create_postgres_views(conn: psycopg.Connection[Any], schema: str) -> None:
    """Make (or replace) the views in `schema`, in the caller's transaction."""
    for statement in postgres_statements(schema):
        conn.execute(statement)
