"""Helpers of the view tests: a hand-made history, and the views read three ways.

`expected_rows` is caselog's own as-of view (`corrected_facts`, D4 steps 2–3) in the
views' terms; `sqlite_view`, `duckdb_view` and `postgres_view` read a view without
caselog's reading code.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import orjson
import psycopg
from psycopg.rows import dict_row

from caselog.api.duckdb import connect
from caselog.events import (
    EventCorrected,
    EventRetracted,
    InvestigationNotOpened,
    ReporterCategory,
    ReportReceived,
)
from caselog.projections.as_of import corrected_facts
from caselog.storage.mapping import canonical_payload
from caselog.storage.sealing import personal_values

if TYPE_CHECKING:
    from caselog.api import CaseLog
    from caselog.events import Event

T0: Final = datetime(2019, 3, 4, 9, 0, tzinfo=UTC)
FIXTURES_SQL: Final = Path(__file__).parents[1] / "fixtures" / "log-v0.1.sql"


def _report(event_id: str, child: str, on: date) -> ReportReceived:
    return ReportReceived(
        event_id=event_id,
        child_id=child,
        occurred_on=on,
        actor="sw-17",
        reporter_category=ReporterCategory.SCHOOL,
        mandatory_reporter=True,
    )


def _retract(event_id: str, child: str, target: str) -> EventRetracted:
    return EventRetracted(
        event_id=event_id,
        child_id=child,
        occurred_on=date(2019, 4, 1),
        actor="sw-17",
        target_event_id=target,
        reasons="Fel uppgift.",
    )


def _correct(event_id: str, target: ReportReceived, **changes: Any) -> EventCorrected:  # noqa: ANN401
    return EventCorrected(
        event_id=event_id,
        child_id=target.child_id,
        occurred_on=date(2019, 4, 1),
        actor="sw-17",
        target_event_id=target.event_id,
        replacement=target.model_copy(update=changes),
    )


def hand_made_history() -> list[Event]:
    """Reports with every shape D4 names, each outcome noted beside it.

    r1: corrected twice, the second correction retracted → the first applies (police,
        moved to 1 March).
    r2: retracted, the retraction retracted → r2 stands as recorded.
    r3: retracted → gone.
    r4: corrected once → the correction applies (health care).
    r5: retracted twice, one retraction retracted → gone (the other still stands).
    n1: a decision whose reasons are personal → sealed, null in the payload.
    """
    r1, r2, r3 = (_report(f"r{i}", "c-1", date(2019, 3, i)) for i in (1, 2, 3))
    r4, r5 = _report("r4", "c-2", date(2019, 3, 4)), _report("r5", "c-2", date(2019, 3, 5))
    not_opened = InvestigationNotOpened(
        event_id="n1",
        child_id="c-1",
        occurred_on=date(2019, 3, 14),
        actor="sw-17",
        report_event_ids=["r1"],
        decided_by="official",
        reasons="Familjen har redan stöd.",
    )
    return [
        r1, r2, r3, r4, r5, not_opened,
        _correct("k1", r1, reporter_category=ReporterCategory.POLICE, occurred_on=date(2019, 2, 28)),
        _correct("k2", r1, reporter_category=ReporterCategory.HEALTH_CARE),
        _retract("x1", "c-1", "k2"),
        _retract("x2", "c-1", "r2"),
        _retract("x3", "c-1", "x2"),
        _retract("x4", "c-1", "r3"),
        _correct("k3", r4, reporter_category=ReporterCategory.HEALTH_CARE),
        _retract("x5", "c-2", "r5"),
        _retract("x6", "c-2", "r5"),
        _retract("x7", "c-2", "x6"),
    ]  # fmt: skip


def record(log: CaseLog, events: list[Event]) -> None:
    """Record `events` one by one, as a case system would."""
    for event in events:
        log.record(event)


def _without_nulls(data: dict[str, Any]) -> dict[str, Any]:
    """A payload without its null fields: sealed fields read as null in the view."""
    return {key: value for key, value in data.items() if value is not None}


def _clear(event: Event, *, sealed: bool) -> dict[str, Any]:
    """An event's payload as a reader without its keys sees it: personal fields null."""
    data: dict[str, Any] = orjson.loads(canonical_payload(event))
    for path in personal_values(event) if sealed else ():
        data[path] = None
    return _without_nulls(data)


def expected_rows(log: CaseLog, *, sealed: bool = True) -> list[tuple[Any, ...]]:
    """What caselog holds as known now, in the view's terms, by position.

    `sealed`: the log seals personal fields (a log written before encryption holds
    them in clear, and so do its views).
    """
    facts = corrected_facts(list(log.events()))
    return sorted(
        (
            fact.position,
            fact.event.event_id,
            fact.event.type,
            fact.event.occurred_on.isoformat(),
            fact.recorded_at,
            fact.corrected_by,
            fact.corrected_at,
            _clear(fact.event, sealed=sealed),
        )
        for fact in facts
    )


def _instant(value: str | datetime | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def _day(value: str | date) -> str:
    return value if isinstance(value, str) else value.isoformat()


def _payload(value: str | dict[str, Any]) -> dict[str, Any]:
    return _without_nulls(orjson.loads(value) if isinstance(value, str) else value)


def view_rows(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """The view's rows in the same terms as `expected_rows`."""
    return sorted(
        (
            int(row["position"]),
            row["event_id"],
            row["type"],
            _day(row["occurred_on"]),
            _instant(row["recorded_at"]),
            row["corrected_by"],
            _instant(row["corrected_at"]),
            _payload(row["payload"]),
        )
        for row in rows
    )


def sqlite_view(path: Path, view: str = "events_as_known") -> list[dict[str, Any]]:
    """A view of an SQLite log, read with the standard library's sqlite3 alone."""
    with closing(sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute(f"SELECT * FROM {view}")]  # noqa: S608


def duckdb_view(path: Path, view: str = "events_as_known") -> list[dict[str, Any]]:
    """A view of an SQLite log, read through DuckDB (`caselog.api.duckdb.connect`)."""
    con = connect(path)
    try:
        # Text columns: DuckDB's TIMESTAMPTZ needs pytz to become Python objects.
        result = con.execute(
            "SELECT * REPLACE (CAST(recorded_at AS VARCHAR) AS recorded_at"  # noqa: S608
            + (", CAST(corrected_at AS VARCHAR) AS corrected_at" if view != "events" else "")
            + f") FROM {view}"
        )
        names = [d[0] for d in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]
    finally:
        con.close()


def postgres_view(url: str, view: str = "events_as_known") -> list[dict[str, Any]]:
    """A view of a PostgreSQL log, read with psycopg alone."""
    base, _, schema = url.partition("?schema=")
    with psycopg.connect(base, row_factory=dict_row) as conn:
        return list(conn.execute(f'SELECT * FROM "{schema}".{view}').fetchall())  # noqa: S608


def chain_of(length: int) -> list[Event]:
    """A report and `length` retractions, each retracting the one before."""
    events: list[Event] = [_report("r1", "c-9", date(2019, 3, 1))]
    target = "r1"
    for i in range(1, length + 1):
        events.append(_retract(f"x{i}", "c-9", target))
        target = f"x{i}"
    return events


def events_table(path: Path) -> list[tuple[Any, ...]]:
    """Every stored row of an SQLite log's event table, hashes included, in log order."""
    with closing(sqlite3.connect(path)) as db:
        return db.execute("SELECT rowid, * FROM caselog_events ORDER BY rowid").fetchall()
