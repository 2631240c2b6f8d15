"""Infrastructure faults are typed caselog errors, never tracebacks (issue 11).

SQLite: a lock held by another writer past the busy timeout is `LogBusyError`; a full disk
is `StorageFullError` (simulated with `PRAGMA max_page_count`, which makes SQLite report
SQLITE_FULL exactly as a full disk does). PostgreSQL: a backend terminated in the middle of
an append is a `StorageError`, nothing of the batch stays, and the next operation works.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from datetime import date
from typing import TYPE_CHECKING, Any

import psycopg
import pytest

from caselog.api import ManualClock, open_log
from caselog.errors import LogBusyError, StorageError, StorageFullError
from caselog.events import PrivateTalkHeld
from caselog.storage import LogRow, open_store, row_for
from caselog.storage.postgres import APPEND_LOCK, PostgresEventStore
from caselog.storage.sqlite import SQLiteEventStore

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


def talk(event_id: str, child: str = "c1") -> PrivateTalkHeld:
    """A private talk with a child: the smallest event with a stream."""
    return PrivateTalkHeld(
        event_id=event_id, occurred_on=date(2024, 1, 2), actor="sw-1", child_id=child
    )


def rows(count: int, prefix: str = "e", child: str = "c1", first: int = 1) -> list[LogRow]:
    """`count` talks with one child, as consecutive versions of its stream."""
    return [row_for(talk(f"{prefix}{i}", child), first + i) for i in range(count)]


# -- SQLite: another writer holds the lock ----------------------------------------------


def test_a_lock_held_past_the_timeout_is_a_log_busy_error(
    tmp_path: Path, clock: ManualClock
) -> None:
    """A second connection in `BEGIN IMMEDIATE` makes the append wait, then refuse."""
    path = tmp_path / "log.db"
    store = open_store(f"sqlite:///{path}?timeout=1", create=True)
    with closing(sqlite3.connect(path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(LogBusyError) as caught:
            store.append(rows(3), clock=clock, ingested_by="t")
        assert store.count() == 0  # readers are not blocked (WAL)
        other.execute("ROLLBACK")
    error = caught.value
    assert str(error) == (
        f"the log sqlite:///{path} is locked by another writer for more than 1 s; "
        "nothing of this write was stored; try again (or wait longer: ?timeout=SECONDS)"
    )
    assert (error.url, error.timeout) == (f"sqlite:///{path}", 1)
    assert isinstance(error, TimeoutError)
    assert isinstance(error.__cause__, sqlite3.OperationalError)
    assert store.append(rows(3), clock=clock, ingested_by="t").count == 3
    store.close()


def test_record_reports_a_busy_log_as_such(tmp_path: Path, clock: ManualClock) -> None:
    """Through the API: `record()` raises `LogBusyError`, and a later one is stored."""
    path = tmp_path / "log.db"
    with open_log(f"sqlite:///{path}?timeout=1", actor="t", clock=clock, create=True) as log:
        with closing(sqlite3.connect(path, isolation_level=None)) as other:
            other.execute("BEGIN IMMEDIATE")
            with pytest.raises(LogBusyError, match="locked by another writer"):
                log.record(talk("e1"))
            other.execute("ROLLBACK")
        log.record(talk("e1"))
        assert log.store.count() == 1


def test_a_writer_waits_for_a_lock_released_within_the_timeout(
    tmp_path: Path, clock: ManualClock
) -> None:
    """A lock released before the timeout is waited for: the append succeeds."""
    path = tmp_path / "log.db"
    store = open_store(f"sqlite:///{path}?timeout=10", create=True)
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.3, lambda: other.execute("ROLLBACK"))
    release.start()
    try:
        assert store.append(rows(2), clock=clock, ingested_by="t").count == 2
    finally:
        release.join()
        other.close()
        store.close()


@pytest.mark.postgres
def test_a_postgres_lock_held_past_the_timeout_is_a_log_busy_error(
    postgres_url: str, clock: ManualClock
) -> None:
    """PostgreSQL: a lock held past `?timeout=SECONDS` is `LogBusyError`; nothing stored.

    Another transaction holds the append lock; the append waits (lock_timeout), refuses,
    and succeeds once the lock is gone.
    """
    store = open_store(f"{postgres_url}&timeout=1", create=True)
    assert store.append(rows(1), clock=clock, ingested_by="t").count == 1
    base, _, schema = postgres_url.partition("?schema=")
    with psycopg.connect(base) as other:
        other.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (APPEND_LOCK, schema))
        with pytest.raises(LogBusyError) as caught:
            store.append(rows(3, "f", first=2), clock=clock, ingested_by="t")
        other.rollback()
    assert str(caught.value) == (
        f"the log {store.url} is locked by another writer for more than 1 s; "
        "nothing of this write was committed; try again (or wait longer: ?timeout=SECONDS)"
    )
    assert caught.value.timeout == 1
    assert store.count() == 1
    assert store.append(rows(3, "f", first=2), clock=clock, ingested_by="t").count == 3
    store.close()


# -- SQLite: a full disk ---------------------------------------------------------------


def cap_pages(store: SQLiteEventStore, pages: int | None) -> None:
    """Cap the file at `pages` (its current size when None) on the store's connection."""
    with store.datastore.get_connection(commit=True) as conn:
        db: sqlite3.Connection = conn._sqlite_conn
        if pages is None:
            pages = int(db.execute("PRAGMA page_count").fetchone()[0])
        db.execute(f"PRAGMA max_page_count = {pages}")


def test_a_full_disk_is_a_storage_full_error(tmp_path: Path, clock: ManualClock) -> None:
    """SQLITE_FULL ("database or disk is full") is typed; nothing of the batch stays."""
    path = tmp_path / "log.db"
    store = open_store(f"sqlite:///{path}", create=True)
    assert isinstance(store, SQLiteEventStore)
    store.append(rows(1), clock=clock, ingested_by="t")
    cap_pages(store, None)
    with pytest.raises(StorageFullError) as caught:
        store.append(rows(2000, prefix="f", first=2), clock=clock, ingested_by="t")
    assert str(caught.value).startswith(
        f"cannot write to sqlite:///{path}: the disk or the temp directory is full "
        "(SQLite: database or disk is full); nothing of this write was stored"
    )
    assert caught.value.url == f"sqlite:///{path}"
    assert isinstance(caught.value, StorageError)
    assert store.count() == 1
    cap_pages(store, 1_000_000)
    assert store.append(rows(2000, prefix="f", first=2), clock=clock, ingested_by="t").count == 2000
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.close()


def test_any_other_sqlite_failure_is_a_storage_error(tmp_path: Path) -> None:
    """A file that is not a database is named with SQLite's words, not a traceback."""
    path = tmp_path / "log.db"
    path.write_bytes(b"not a database, " * 512)
    with pytest.raises(StorageError, match=r"cannot open sqlite:///.*: file is not a database"):
        open_store(f"sqlite:///{path}", create=True)


# -- PostgreSQL: a backend terminated mid-write -------------------------------------------


def writer_pid(url: str, schema: str) -> int:
    """The backend that holds the log's append lock: the one appending."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND classid = %s AND objid = (hashtext(%s)::bigint & 4294967295)::oid",
            (APPEND_LOCK, schema),
        ).fetchone()
    assert row is not None
    return int(row[0])


def terminate(url: str, pid: int) -> None:
    """Terminate backend `pid`, as an administrator or a crashing server would."""
    with psycopg.connect(url) as conn:
        conn.execute("SELECT pg_terminate_backend(%s)", (pid,))


@pytest.mark.postgres
def test_a_backend_terminated_mid_write_is_typed_and_leaves_nothing(
    postgres_url: str, clock: ManualClock
) -> None:
    """After a first page of 5,000 rows is inserted, the writer's backend is killed."""
    base, _, query = postgres_url.partition("?")
    schema = query.removeprefix("schema=")
    store = open_store(postgres_url, create=True)
    assert isinstance(store, PostgresEventStore)
    batch = rows(6000)

    def killed_after_first_page() -> Iterator[LogRow]:
        for index, row in enumerate(batch):
            if index == 5001:
                terminate(base, writer_pid(base, schema))
            yield row

    with pytest.raises(StorageError) as caught:
        store.append(killed_after_first_page(), clock=clock, ingested_by="t")
    assert type(caught.value) is StorageError
    assert "the connection to PostgreSQL at" in str(caught.value)
    assert "was lost" in str(caught.value)
    assert "not committed" in str(caught.value)
    assert store.count() == 0  # nothing half-written, and the pool recovered
    assert store.append(rows(3), clock=clock, ingested_by="t").count == 3
    assert store.count() == 3
    store.close()


@pytest.mark.postgres
def test_idle_connections_terminated_before_a_write_recover(
    postgres_url: str, clock: ManualClock
) -> None:
    """Every pooled connection killed while idle: one typed failure, then it works."""
    base = postgres_url.partition("?")[0]
    name = "caselog-faults-idle"
    store = open_store(f"{postgres_url}&application_name={name}", create=True)
    store.append(rows(1), clock=clock, ingested_by="t")
    with psycopg.connect(base) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            (name,),
        )
    outcomes: list[Any] = []
    for attempt in range(2):
        try:
            outcomes.append(
                store.append(
                    rows(1, prefix=f"x{attempt}-", first=2 + attempt), clock=clock, ingested_by="t"
                )
            )
        except StorageError as error:
            outcomes.append(error)
    assert not isinstance(outcomes[-1], StorageError)
    assert all(not isinstance(o, StorageError) or "was lost" in str(o) for o in outcomes)
    assert store.count() == 1 + sum(not isinstance(o, StorageError) for o in outcomes)
    store.close()
