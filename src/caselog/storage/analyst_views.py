"""Two SQL views for analysts, in the log's own database: `events` and `events_as_known`.

An analyst with DuckDB, psql or any SQL client should not have to know how caselog
stores an event (issue 14): on SQLite the payload is a BLOB, on PostgreSQL `bytea`, and
personal fields are sealed inside a `$sealed` member (`caselog.storage.sealing`). And
nobody should have to re-implement DESIGN.md D4 — corrections (rättelser) and
retractions (makuleringar) — to count reports of concern (orosanmälningar) correctly.

* `events`: one row per stored event, in the log's words: `position`, `stream`,
  `stream_version`, `event_id`, `type`, `schema_version`, `occurred_on`, `recorded_at`,
  `ingested_by` and `payload` (JSON text on SQLite, `jsonb` on PostgreSQL). Sealed
  personal fields read as JSON null and the `$sealed` member is left out.
* `events_as_known`: the facts as the log knows them now (D4 steps 2–3, `known_at` =
  now): retracted events are gone, each corrected fact carries its winning correction's
  payload (and `occurred_on`), with `corrected_by` and `corrected_at`; `position` and
  `recorded_at` stay the original's, as in `caselog.projections.as_of.Viewed`.

Why plain views, not a table caselog maintains: a view is current with every append, needs
no upkeep, and creating it changes no stored byte (the hash chain covers only the event
table). Only the retraction rule resists plain SQL: a retraction stands unless a standing
retraction removes it, which is a recursion through negation that neither SQLite's nor
PostgreSQL's recursive queries allow. The view therefore unrolls it `MAX_RETRACTION_DEPTH`
levels deep — exact for chains of retractions of retractions up to that length, checked
in the query itself — and refuses to answer (an SQL error) rather than answer wrongly
when a log holds a longer one. The views are made with a new log and by `caselog
upgrade`.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import TYPE_CHECKING, Final, Protocol

from caselog.errors import NeedsUpgradeError, StorageError, StoreNotFoundError
from caselog.events import EVENT_CLASSES, EventCorrected

if TYPE_CHECKING:
    from pathlib import Path


class Executing(Protocol):
    """A cursor: anything that runs one SQL statement."""

    def execute(self, statement: str, /) -> object:
        """Run `statement`."""


VIEWS: Final = ("events", "events_as_known")
"""The views' names, in the order they are made (the second reads the first)."""

MAX_RETRACTION_DEPTH: Final = 12
"""The longest chain of retractions (a retraction of a retraction of …) the view applies
exactly; a longer one makes `events_as_known` an error, never a wrong answer."""

_TARGETING: Final = ("event_corrected", "event_retracted")
SEALED_PREFIX: Final = '{"$sealed"'
"""How a sealed payload starts (`caselog.storage.sealing.SEALED`)."""
SEALED_PREFIX_HEX: Final = SEALED_PREFIX.encode().hex()
TOO_DEEP: Final = (
    f"caselog: retractions nested deeper than {MAX_RETRACTION_DEPTH} levels; "
    "ask caselog itself (CaseLog.history and caselog.projections.as_of)"
)


def personal_paths() -> tuple[str, ...]:
    """Every path a sealed payload may hold (`reasons`, `replacement.reasons`, …), sorted.

    >>> "replacement.personal_identity_number" in personal_paths()
    True
    """
    own = {name for cls in EVENT_CLASSES for name in cls.personal}
    nested = {
        f"replacement.{name}"
        for cls in EVENT_CLASSES
        if cls is not EventCorrected
        for name in cls.personal
    }
    return tuple(sorted(own | nested))


# -- SQLite ------------------------------------------------------------------------------


def _sqlite_payload() -> str:
    """The payload of `caselog_events AS e` as JSON text, sealed fields null.

    Unsealed payloads (most) are the stored text itself. In a sealed one each personal
    path is set to null when it is sealed; a path that is not sets the `$sealed` member
    instead, which is removed at the end — one pass, without a CASE per combination.
    """
    text = "CAST(e.state AS TEXT)"
    pairs = ", ".join(
        f'CASE WHEN json_type({text}, \'$."$sealed".fields."{path}"\') IS NULL '
        f"THEN '$.\"$sealed\"' ELSE '$.{path}' END, NULL"
        for path in personal_paths()
    )
    # A text comparison, not a blob literal: DuckDB re-renders the view for SQLite and
    # would turn X'…' into a string that never matches.
    return (
        f"CASE WHEN substr({text}, 1, 10) = '{SEALED_PREFIX}' "
        f"THEN json_remove(json_set({text}, {pairs}), '$.\"$sealed\"') ELSE {text} END"
    )


def _sqlite_events() -> str:
    return (
        "CREATE VIEW IF NOT EXISTS events AS SELECT "
        "e.rowid AS position, "
        "e.originator_id AS stream, "
        "e.originator_version AS stream_version, "
        "e.event_id AS event_id, "
        "substr(e.topic, 1, instr(e.topic, '.v') - 1) AS type, "
        "CAST(substr(e.topic, instr(e.topic, '.v') + 2) AS INTEGER) AS schema_version, "
        "json_extract(CAST(e.state AS TEXT), '$.occurred_on') AS occurred_on, "
        "e.recorded_at AS recorded_at, "
        "e.ingested_by AS ingested_by, "
        f"{_sqlite_payload()} AS payload "
        "FROM caselog_events AS e"
    )


def _standing_levels(materialized: str) -> str:
    """CTEs `standing_1` … `standing_N`: the retractions that stand, level by level (D4 step 2).

    A retraction stands unless a standing retraction removes it. `standing_0` counts every
    retraction as standing; each level then keeps those that no retraction of the level
    before removes. The levels alternate around the truth (even ones say too much, odd
    ones too little) and meet it once two consecutive levels agree, which they do for
    every log whose chains of retractions are at most N long (N: `MAX_RETRACTION_DEPTH`).
    Flat CTEs, not nested subqueries: SQLite's parser refuses a dozen levels of nesting.
    Each level must be computed once (`materialized`: PostgreSQL inlines a CTE used once,
    and the inlined levels would cost the number of retractions to the twelfth power;
    SQLite materializes them by itself).
    """
    levels = [f"standing_0 AS {materialized}(SELECT id FROM retractions)"]
    levels.extend(
        f"standing_{level} AS {materialized}(SELECT x.id FROM retractions AS x WHERE NOT EXISTS "
        f"(SELECT 1 FROM retractions AS r JOIN standing_{level - 1} AS s ON s.id = r.id "
        "WHERE r.target = x.id))"
        for level in range(1, MAX_RETRACTION_DEPTH + 1)
    )
    return ", ".join(levels)


def as_known_sql(
    *,
    events: str,
    target: str,
    too_deep: str,
    occurred_on: str,
    corrected_payload: str,
    create: str,
    materialized: str = "",
) -> str:
    """`events_as_known` over the view `events`, given the dialect's few own expressions.

    Written so that DuckDB's SQLite scanner, which re-renders a view's query before SQLite
    runs it, keeps it valid: EXISTS rather than IN (a subquery), no recursive CTE.
    """
    kinds = ", ".join(f"'{kind}'" for kind in _TARGETING)
    last, before = f"standing_{MAX_RETRACTION_DEPTH}", f"standing_{MAX_RETRACTION_DEPTH - 1}"
    return (
        f"{create} AS WITH "
        "targeting AS (SELECT position, event_id, type, recorded_at, payload, "
        f"{target} AS target FROM {events} WHERE type IN ({kinds})), "
        "retractions AS (SELECT event_id AS id, target FROM targeting "
        "WHERE type = 'event_retracted'), "
        f"{_standing_levels(materialized)}, "
        # The last two levels agree only once every chain of retractions is settled.
        "unsettled AS (SELECT count(x.id) AS n FROM retractions AS x WHERE "
        f"(EXISTS (SELECT 1 FROM {last} AS a WHERE a.id = x.id)) <> "
        f"(EXISTS (SELECT 1 FROM {before} AS b WHERE b.id = x.id))), "
        # The check sits where every answer passes: with any retraction, `removed` is
        # read, and at least one retraction (the last of a chain) stands at every level.
        "removed AS (SELECT DISTINCT r.target AS id FROM retractions AS r "
        f"JOIN {last} AS s ON s.id = r.id CROSS JOIN unsettled AS u "
        f"WHERE (CASE WHEN u.n > 0 THEN {too_deep} ELSE 1 END) IS NOT NULL), "
        "winners AS (SELECT target, event_id, recorded_at, payload, "
        "row_number() OVER (PARTITION BY target ORDER BY position DESC) AS latest "
        "FROM targeting AS c WHERE type = 'event_corrected' "
        "AND NOT EXISTS (SELECT 1 FROM removed AS x WHERE x.id = c.event_id)) "
        "SELECT f.position AS position, f.stream AS stream, "
        "f.stream_version AS stream_version, f.event_id AS event_id, f.type AS type, "
        f"f.schema_version AS schema_version, {occurred_on} AS occurred_on, "
        "f.recorded_at AS recorded_at, f.ingested_by AS ingested_by, "
        "CASE WHEN w.event_id IS NULL THEN f.payload "
        f"ELSE {corrected_payload} END AS payload, "
        "w.event_id AS corrected_by, w.recorded_at AS corrected_at "
        f"FROM {events} AS f LEFT JOIN winners AS w ON w.target = f.event_id AND w.latest = 1 "
        f"WHERE f.type NOT IN ({kinds}) "
        "AND NOT EXISTS (SELECT 1 FROM removed AS x WHERE x.id = f.event_id)"
    )


def sqlite_statements(*, replace: bool = False) -> list[str]:
    """The statements that make both views in an SQLite log (`replace`: make them anew).

    Every expression is SQLite's own, so DuckDB's SQLite scanner, which hands a view to
    SQLite to run, reads the views as they are.
    """
    drops = [f"DROP VIEW IF EXISTS {name}" for name in reversed(VIEWS)] if replace else []
    as_known = as_known_sql(
        events="events",
        target="json_extract(payload, '$.target_event_id')",
        # An SQL error in any dialect: a value that is no JSON. SQLite cannot say why.
        too_deep=f"json_extract('{TOO_DEEP}', '$')",
        occurred_on="COALESCE(json_extract(w.payload, '$.replacement.occurred_on'), f.occurred_on)",
        corrected_payload="json_set(json_extract(w.payload, '$.replacement'), "
        "'$.event_id', f.event_id)",
        create="CREATE VIEW IF NOT EXISTS events_as_known",
    )
    return [*drops, _sqlite_events(), as_known]


def create_sqlite_views(cursor: Executing, *, replace: bool = False) -> None:
    """Make the views with `cursor`, in the caller's write transaction."""
    for statement in sqlite_statements(replace=replace):
        cursor.execute(statement)


# -- checking an SQLite file before a foreign reader attaches it --------------------------


def check_sqlite_log(path: Path) -> None:
    """Refuse, precisely, a file that is no caselog log with its views; never write to it.

    Raises:
        StoreNotFoundError: no such file, or a database without the log's table.
        StorageError: not an SQLite database (or unreadable).
        NeedsUpgradeError: a log made before the views: `caselog upgrade` makes them.
    """
    url = f"sqlite:///{path}"
    if not path.is_file():
        what = "a directory, not a file" if path.is_dir() else "no such file"
        msg = f"no log at {path} ({path.absolute()}): {what}"
        raise StoreNotFoundError(msg, url=url)
    try:
        with closing(sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)) as db:
            names = {
                row[0]
                for row in db.execute(
                    "SELECT name FROM sqlite_master WHERE name IN (?, ?, ?)",
                    ("caselog_events", *VIEWS),
                )
            }
    except sqlite3.Error as error:
        msg = f"cannot read {path} as a caselog log: {error}"
        raise StorageError(msg) from error
    if "caselog_events" not in names:
        msg = f"no log at {path}: the file holds no caselog log"
        raise StoreNotFoundError(msg, url=url)
    if not set(VIEWS) <= names:
        msg = (
            f"the log {path} was made before its SQL views ({', '.join(VIEWS)}): run "
            "`caselog upgrade` (as the log's owner) once; it changes no stored event"
        )
        raise NeedsUpgradeError(msg, url=url)
