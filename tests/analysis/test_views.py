"""The analysts' SQL views (`events`, `events_as_known`) say what caselog says (issue 14).

`events_as_known` must equal, row for row, the facts caselog itself holds as known now
(`caselog.projections.as_of.corrected_facts`, D4 steps 2–3): on a small hand-made history
with corrections, a retraction, a retracted retraction and a retracted correction, and on
the demo municipality; on SQLite (read by sqlite3 and by DuckDB) and on PostgreSQL.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

import orjson
import psycopg
import pytest

import caselog
from caselog.storage.analyst_views import MAX_RETRACTION_DEPTH
from tests.analysis.sql_views import (
    T0,
    chain_of,
    duckdb_view,
    expected_rows,
    hand_made_history,
    postgres_view,
    record,
    sqlite_view,
    view_rows,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from caselog.api import CaseLog


@pytest.fixture
def hand_made(tmp_path: Path, clock: caselog.ManualClock) -> Iterator[tuple[Path, CaseLog]]:
    """The hand-made history in an SQLite file, and the log open on it."""
    path = tmp_path / "hand.db"
    clock.set(T0)
    with caselog.open(f"sqlite:///{path}", actor="sw-17", clock=clock) as log:
        record(log, hand_made_history())
        yield path, log


def test_events_as_known_applies_each_shape_as_noted(hand_made: tuple[Path, CaseLog]) -> None:
    """The hand-made history's outcomes, written out by hand, are what the view holds."""
    path, _ = hand_made
    rows = {row["event_id"]: row for row in sqlite_view(path)}
    assert sorted(rows) == ["n1", "r1", "r2", "r4"]
    assert orjson.loads(rows["r1"]["payload"])["reporter_category"] == "police"
    assert (rows["r1"]["occurred_on"], rows["r1"]["corrected_by"]) == ("2019-02-28", "k1")
    assert (rows["r2"]["corrected_by"], rows["r2"]["occurred_on"]) == (None, "2019-03-02")
    assert rows["r4"]["corrected_by"] == "k3"
    assert orjson.loads(rows["n1"]["payload"])["reasons"] is None


def test_sealed_fields_are_null_and_not_in_clear(hand_made: tuple[Path, CaseLog]) -> None:
    """A personal field is JSON null in `events`, and the view holds no `$sealed` member."""
    path, _ = hand_made
    rows = {row["event_id"]: row for row in sqlite_view(path, "events")}
    assert len(rows) == 16
    payload = orjson.loads(rows["n1"]["payload"])
    assert payload["reasons"] is None
    assert "$sealed" not in payload
    assert all("Fel uppgift" not in row["payload"] for row in rows.values())
    assert orjson.loads(rows["x1"]["payload"])["target_event_id"] == "k2"


def test_sqlite_view_equals_caselog_on_the_hand_made_history(
    hand_made: tuple[Path, CaseLog],
) -> None:
    """Row for row, `events_as_known` read by sqlite3 is caselog's own as-of view."""
    path, log = hand_made
    assert view_rows(sqlite_view(path)) == expected_rows(log)


def test_duckdb_view_equals_caselog_on_the_hand_made_history(
    hand_made: tuple[Path, CaseLog],
) -> None:
    """Read through DuckDB and its pinned SQLite extension, the view is caselog's too."""
    path, log = hand_made
    assert view_rows(duckdb_view(path)) == expected_rows(log)


def test_views_equal_caselog_on_the_demo_log(demo_log: Path) -> None:
    """On the demo municipality, sqlite3's and DuckDB's `events_as_known` are caselog's."""
    with caselog.open(f"sqlite:///{demo_log}", actor="analyst") as log:
        expected = expected_rows(log)
        stored = len(list(log.events()))
    assert len(expected) > 500
    assert view_rows(sqlite_view(demo_log)) == expected
    assert view_rows(duckdb_view(demo_log)) == expected
    assert len(sqlite_view(demo_log, "events")) == stored


@pytest.mark.postgres
def test_postgres_view_equals_caselog_on_the_hand_made_history(
    postgres_url: str, clock: caselog.ManualClock
) -> None:
    """On PostgreSQL, `events_as_known` (jsonb, dates) is caselog's own as-of view."""
    clock.set(T0)
    with caselog.open(postgres_url, actor="sw-17", clock=clock) as log:
        record(log, hand_made_history())
        expected = expected_rows(log)
    assert view_rows(postgres_view(postgres_url)) == expected
    payloads = {r["event_id"]: r["payload"] for r in postgres_view(postgres_url, "events")}
    assert payloads["n1"]["reasons"] is None
    assert "$sealed" not in payloads["n1"]


@pytest.mark.postgres
def test_postgres_view_equals_caselog_on_the_demo_log(
    demo_log: Path, postgres_url: str, tmp_path: Path
) -> None:
    """The demo municipality moved to PostgreSQL: its view is caselog's as-of view."""
    exported = tmp_path / "demo.jsonl"
    with caselog.open(f"sqlite:///{demo_log}", actor="analyst") as log:
        log.export(exported, personal=True)
    with caselog.open(postgres_url, actor="analyst") as log:
        log.ingest(exported, historical=True)
        expected = expected_rows(log)
    assert view_rows(postgres_view(postgres_url)) == expected


@pytest.mark.parametrize("length", [MAX_RETRACTION_DEPTH - 1, MAX_RETRACTION_DEPTH])
def test_chains_of_retractions_up_to_the_limit_apply_exactly(
    length: int, tmp_path: Path, clock: caselog.ManualClock
) -> None:
    """Twelve retractions stacked on a report leave it standing; eleven remove it."""
    path = tmp_path / "chain.db"
    with caselog.open(f"sqlite:///{path}", actor="sw-17", clock=clock) as log:
        record(log, chain_of(length))
        assert view_rows(sqlite_view(path)) == expected_rows(log)
    standing = [row["event_id"] for row in sqlite_view(path)]
    assert standing == (["r1"] if length % 2 == 0 else [])


@pytest.mark.parametrize("length", [MAX_RETRACTION_DEPTH + 1, MAX_RETRACTION_DEPTH + 2])
def test_a_longer_chain_is_an_error_never_an_answer(
    length: int, tmp_path: Path, clock: caselog.ManualClock
) -> None:
    """Past the limit, `events_as_known` fails rather than answer a wrong set of facts.

    With 14 retractions, twelve levels would wrongly remove the report.
    """
    path = tmp_path / "chain.db"
    with caselog.open(f"sqlite:///{path}", actor="sw-17", clock=clock) as log:
        record(log, chain_of(length))
    with pytest.raises(sqlite3.OperationalError, match="malformed JSON"):
        sqlite_view(path)


@pytest.mark.postgres
def test_a_longer_chain_is_an_error_that_says_why_on_postgres(
    postgres_url: str, clock: caselog.ManualClock
) -> None:
    """PostgreSQL's error names the limit and what to ask instead."""
    with caselog.open(postgres_url, actor="sw-17", clock=clock) as log:
        record(log, chain_of(MAX_RETRACTION_DEPTH + 2))
    with pytest.raises(psycopg.errors.InvalidTextRepresentation, match="nested deeper than 12"):
        postgres_view(postgres_url)
