"""URL options are honoured or refused by name (issue 11, "Security settings dropped").

PostgreSQL: `sslmode`, `sslrootcert`, `connect_timeout` and `application_name` reach libpq
on every connection (`?sslmode=require` against a server without TLS fails instead of
connecting in the clear), `schema` keeps working, anything else is refused by name.
SQLite: only `timeout` is accepted; `nolock`, `mode=memory` and `file:` URIs are refused.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING

import psycopg
import pytest

from caselog.api import ManualClock, open_log
from caselog.errors import StorageError, UnsupportedStoreError
from caselog.events import PrivateTalkHeld
from caselog.storage import open_store, row_for
from caselog.storage.postgres import PostgresEventStore
from caselog.storage.sqlite import DEFAULT_TIMEOUT, SQLiteEventStore

if TYPE_CHECKING:
    from pathlib import Path


def talk(event_id: str) -> PrivateTalkHeld:
    """A private talk with c1: the smallest event with a stream."""
    return PrivateTalkHeld(
        event_id=event_id, occurred_on=date(2024, 1, 2), actor="sw-1", child_id="c1"
    )


# -- SQLite ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("nolock=1", "nolock"),
        ("mode=memory", "mode"),
        ("immutable=1", "immutable"),
        ("timeout=5&vfs=unix-none", "vfs"),
        ("cache=shared", "cache"),
    ],
)
def test_an_unknown_sqlite_option_is_refused_by_name(tmp_path: Path, query: str, name: str) -> None:
    """Options that could weaken durability never reach SQLite, and nothing is created."""
    with pytest.raises(UnsupportedStoreError, match=f"unknown SQLite URL option '{name}'"):
        open_store(f"sqlite:///{tmp_path / 'log.db'}?{query}", create=True)
    with pytest.raises(UnsupportedStoreError, match=f"unknown SQLite URL option '{name}'"):
        open_store(f"sqlite://?{query}")
    assert list(tmp_path.iterdir()) == []


def test_an_sqlite_uri_filename_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`file:…?mode=memory` once "wrote 1" and persisted nothing; `file:` is refused."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UnsupportedStoreError, match="unknown SQLite URL option 'mode'"):
        open_log("sqlite:///file:log.db?mode=memory", actor="t", create=True)
    with pytest.raises(UnsupportedStoreError, match=r"SQLite URI filenames \(file:\.\.\.\)"):
        open_log("sqlite:///file:log.db", actor="t", create=True)
    assert list(tmp_path.iterdir()) == []


def test_the_timeout_option_is_honoured(tmp_path: Path) -> None:
    """`?timeout=SECONDS` sets the wait for another writer; without it, the default."""
    store = open_store(f"sqlite:///{tmp_path / 'log.db'}?timeout=7", create=True)
    assert isinstance(store, SQLiteEventStore)
    assert store.timeout == 7
    assert store.datastore.pool.lock_timeout == 7
    store.close()
    default = open_store(f"sqlite:///{tmp_path / 'log.db'}")
    assert isinstance(default, SQLiteEventStore)
    assert default.timeout == DEFAULT_TIMEOUT
    default.close()
    memory = open_store("sqlite://?timeout=3")
    assert isinstance(memory, SQLiteEventStore)
    assert memory.timeout == 3
    memory.close()


@pytest.mark.parametrize("value", ["0", "-1", "1.5", "abc", "", "9" * 5000, "٣"])
def test_a_bad_timeout_is_refused(tmp_path: Path, value: str) -> None:
    """Whole seconds from 1 to a day; the value is quoted at most 60 characters long."""
    with pytest.raises(UnsupportedStoreError, match="must be whole seconds") as caught:
        open_store(f"sqlite:///{tmp_path / 'log.db'}?timeout={value}")
    assert len(str(caught.value)) < 150


def test_a_twice_given_timeout_is_refused(tmp_path: Path) -> None:
    """An option given twice is ambiguous, so it is refused."""
    with pytest.raises(UnsupportedStoreError, match="given twice"):
        open_store(f"sqlite:///{tmp_path / 'log.db'}?timeout=1&timeout=2")


def test_a_path_is_never_read_as_a_uri(tmp_path: Path, clock: ManualClock) -> None:
    """A path with URI-like characters is a plain file name: what is written persists."""
    path = tmp_path / "a#b %3F.db"
    store = open_store(f"sqlite:///{path}", create=True)
    store.append([row_for(talk("e1"), 1)], clock=clock, ingested_by="t")
    store.close()
    assert path.is_file()
    again = open_store(f"sqlite:///{path}", create=False)
    assert again.count() == 1
    again.close()


# -- PostgreSQL -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("foo=1", "unknown PostgreSQL URL option 'foo'"),
        ("sslmode=require&sslcert=x", "unknown PostgreSQL URL option 'sslcert'"),
        ("password=x", "unknown PostgreSQL URL option 'password'"),
        ("sslmode=required", "sslmode='required' is not one of disable, allow, prefer"),
        ("sslmode=require&sslmode=disable", "'sslmode' is given more than once"),
        ("connect_timeout=0", "connect_timeout='0' must be whole seconds"),
        ("connect_timeout=soon", "connect_timeout='soon' must be whole seconds"),
    ],
)
def test_a_postgres_option_is_honoured_or_refused_by_name(query: str, message: str) -> None:
    """Refused before any connection is tried: no server is needed to say so."""
    with pytest.raises(UnsupportedStoreError, match=message):
        open_store(f"postgresql://u@127.0.0.1:1/db?{query}")


def server_ssl(url: str) -> bool:
    """Whether the test server has TLS switched on."""
    with psycopg.connect(url.partition("?")[0], sslmode="disable") as conn:
        row = conn.execute("SHOW ssl").fetchone()
    assert row is not None
    return bool(row[0] == "on")


@pytest.mark.postgres
def test_sslmode_require_without_tls_fails_instead_of_connecting_in_the_clear(
    postgres_url: str,
) -> None:
    """Against a server without TLS, `sslmode=require` is an error that says so."""
    if server_ssl(postgres_url):
        pytest.skip("the test server offers TLS; see the sslmode=require test below")
    with pytest.raises(StorageError, match="does not offer TLS, but the URL asks for sslmode=re"):
        open_store(f"{postgres_url}&sslmode=require")
    with pytest.raises(StorageError, match="does not offer TLS"):
        open_store(f"{postgres_url}&sslmode=verify-full")


@pytest.mark.postgres
def test_libpq_options_reach_every_connection(postgres_url: str, clock: ManualClock) -> None:
    """`sslmode`, `application_name`, `connect_timeout` are what the pool connects with.

    With a server that offers TLS this asks `sslmode=require` and checks the connections
    are encrypted; without, `sslmode=disable` and that they are not (never a skip).
    """
    name = f"caselog-{uuid.uuid4().hex[:8]}"
    tls = server_ssl(postgres_url)
    mode = "require" if tls else "disable"
    store = open_store(
        f"{postgres_url}&sslmode={mode}&application_name={name}&connect_timeout=9", create=True
    )
    assert isinstance(store, PostgresEventStore)
    store.append([row_for(talk("e1"), 1)], clock=clock, ingested_by="t")
    with psycopg.connect(postgres_url.partition("?")[0]) as conn:
        rows = conn.execute(
            "SELECT s.ssl FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) "
            "WHERE a.application_name = %s",
            (name,),
        ).fetchall()
    assert rows
    assert {row[0] for row in rows} == {tls}
    assert store.count() == 1  # `schema` still chooses where the log is
    kwargs = store.datastore.pool.kwargs
    assert isinstance(kwargs, dict)
    assert kwargs["connect_timeout"] == 9
    assert kwargs["sslmode"] == mode
    store.close()
