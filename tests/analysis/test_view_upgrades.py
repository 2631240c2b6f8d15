"""The views come with `caselog upgrade`, and DuckDB's `connect` refuses what is no log.

Making the views changes no stored byte and no hash (the chain covers the event table
alone); a log made before them is refused by `caselog.api.duckdb.connect` with
`NeedsUpgradeError`, and every other wrong path with an error that names it.
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from typing import TYPE_CHECKING

import psycopg
import pytest

import caselog
from caselog.api.duckdb import connect
from caselog.api.integrity import verify
from caselog.errors import NeedsUpgradeError, StorageError, StoreNotFoundError
from caselog.storage import open_store
from tests.analysis.sql_views import (
    FIXTURES_SQL,
    duckdb_view,
    events_table,
    expected_rows,
    hand_made_history,
    postgres_view,
    record,
    sqlite_view,
    view_rows,
)

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def old_log(tmp_path: Path) -> Path:
    """The v0.1 fixture (a log made before the chain and the views) in an SQLite file."""
    path = tmp_path / "old.db"
    with closing(sqlite3.connect(path)) as db:
        db.executescript(FIXTURES_SQL.read_text(encoding="utf-8"))
    return path


def test_upgrade_makes_the_views_and_changes_no_stored_byte(old_log: Path) -> None:
    """An old log has no views (DuckDB says so); `upgrade` makes them.

    A second upgrade remakes them without changing any stored byte or hash.
    """
    with pytest.raises(NeedsUpgradeError, match="caselog upgrade"):
        connect(old_log)
    store = open_store(f"sqlite:///{old_log}", create=False)
    try:
        store.upgrade()
        chained = events_table(old_log)
        store.upgrade()
        assert events_table(old_log) == chained
        assert verify(store).ok
    finally:
        store.close()
    with caselog.open(f"sqlite:///{old_log}", actor="analyst") as log:
        assert view_rows(duckdb_view(old_log)) == expected_rows(log, sealed=False)


def test_a_chained_log_without_views_gets_them_from_upgrade(demo_copy: Path) -> None:
    """A log chained before issue 14 (views dropped here) is refused, then upgraded."""
    with closing(sqlite3.connect(demo_copy)) as db:
        db.execute("DROP VIEW events_as_known")
        db.commit()
    with pytest.raises(NeedsUpgradeError, match=r"made before its SQL views"):
        connect(demo_copy)
    before = events_table(demo_copy)
    store = open_store(f"sqlite:///{demo_copy}", create=False)
    try:
        store.upgrade()
    finally:
        store.close()
    assert events_table(demo_copy) == before
    assert sqlite_view(demo_copy)


@pytest.mark.postgres
def test_postgres_upgrade_remakes_the_views_without_changing_the_log(
    postgres_url: str, clock: caselog.ManualClock
) -> None:
    """`upgrade` on PostgreSQL replaces the views and leaves every row and hash alone."""
    with caselog.open(postgres_url, actor="sw-17", clock=clock) as log:
        record(log, hand_made_history())
    base, _, schema = postgres_url.partition("?schema=")
    query = f'SELECT * FROM "{schema}".caselog_events ORDER BY notification_id'  # noqa: S608
    with psycopg.connect(base) as conn:
        conn.execute(f'DROP VIEW "{schema}".events_as_known')
        conn.commit()
        before = conn.execute(query).fetchall()
    store = open_store(postgres_url, create=False)
    try:
        store.upgrade()
    finally:
        store.close()
    with psycopg.connect(base) as conn:
        assert conn.execute(query).fetchall() == before
    assert len(postgres_view(postgres_url)) == 4


class TestConnectRefusesWhatIsNoLog:
    """`caselog.api.duckdb.connect` names what is wrong with the path it was given."""

    def test_a_missing_file(self, tmp_path: Path) -> None:
        """No file: StoreNotFoundError naming the path, and nothing is created."""
        with pytest.raises(StoreNotFoundError, match=r"no log at .*nope\.db .*no such file"):
            connect(tmp_path / "nope.db")
        assert not (tmp_path / "nope.db").exists()

    def test_a_directory(self, tmp_path: Path) -> None:
        """A directory is not a log."""
        with pytest.raises(StoreNotFoundError, match="a directory, not a file"):
            connect(tmp_path)

    def test_a_file_that_is_no_database(self, tmp_path: Path) -> None:
        """A text file: StorageError with SQLite's own words."""
        path = tmp_path / "notes.db"
        path.write_text("not a database, just words " * 100, encoding="utf-8")
        with pytest.raises(StorageError, match="file is not a database"):
            connect(path)

    def test_a_database_without_the_log(self, tmp_path: Path) -> None:
        """Another application's SQLite file is refused, unchanged."""
        path = tmp_path / "other.db"
        with closing(sqlite3.connect(path)) as db:
            db.execute("CREATE TABLE t (x)")
            db.commit()
        with pytest.raises(StoreNotFoundError, match="holds no caselog log"):
            connect(path)

    def test_the_connection_cannot_write_the_log(self, demo_log: Path) -> None:
        """The log is attached read-only: DuckDB refuses a write."""
        con = connect(demo_log)
        try:
            with pytest.raises(Exception, match="read-only"):
                con.execute("CREATE TABLE log.scratch (x INTEGER)")
        finally:
            con.close()


def test_a_copy_of_the_demo_log_reads_the_same(demo_log: Path, tmp_path: Path) -> None:
    """The views travel with the file: a copied log answers the same through DuckDB."""
    copy = tmp_path / "copy.db"
    shutil.copy(demo_log, copy)
    assert view_rows(duckdb_view(copy)) == view_rows(duckdb_view(demo_log))


@pytest.mark.postgres
def test_the_reader_role_may_read_the_views(postgres_url: str, clock: caselog.ManualClock) -> None:
    """`caselog_reader` (made by `caselog init --roles`) may SELECT from both views."""
    with caselog.open(postgres_url, actor="sw-17", clock=clock) as log:
        record(log, hand_made_history())
    store = open_store(postgres_url, create=False)
    try:
        assert hasattr(store, "grant_roles")
        store.grant_roles()
    finally:
        store.close()
    base, _, schema = postgres_url.partition("?schema=")
    with psycopg.connect(base) as conn:
        conn.execute("SET ROLE caselog_reader")
        for view in ("events", "events_as_known"):
            found = conn.execute(f'SELECT count(*) FROM "{schema}".{view}').fetchone()  # noqa: S608
            assert found is not None
            assert found[0] > 0
