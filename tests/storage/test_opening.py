"""Opening a log (issue 12, item 3): reading never creates one, and failures say which.

SQLite: a missing file or directory is an error naming the path and leaves nothing behind;
writing creates it. PostgreSQL: a refused connection, an unknown host, a silent port, a
missing database and an unknown role each get their own error instead of a pool's timeout.
"""

from __future__ import annotations

import socket
import sqlite3
from contextlib import closing
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg import sql
from typer.testing import CliRunner, Result

from caselog.api import CaseLog, ManualClock, open_log
from caselog.cli import app
from caselog.errors import (
    AuthenticationFailedError,
    DatabaseMissingError,
    ServerUnreachableError,
    StorageError,
    StoreNotFoundError,
)
from caselog.events import ReporterCategory, ReportReceived
from caselog.storage import open_store, require_log
from caselog.storage import postgres as postgres_backend
from caselog.storage.postgres_diagnosis import Server, diagnosed

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


def report() -> ReportReceived:
    """One report of concern about c-1001."""
    return ReportReceived(
        event_id="r1",
        child_id="c-1001",
        occurred_on=date(2019, 11, 11),
        actor="sw-17",
        reporter_category=ReporterCategory.SCHOOL,
        mandatory_reporter=True,
    )


def run(*args: str) -> Result:
    """Run `caselog ARGS` with no `$CASELOG_URL`."""
    return CliRunner().invoke(app, list(args), env={"CASELOG_URL": None, "CASELOG_ACTOR": "t"})


def listing(path: Path) -> list[str]:
    """Everything under `path`, relative, sorted."""
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


# -- SQLite ---------------------------------------------------------------------------


def test_reading_a_missing_file_is_an_error_naming_it(tmp_path: Path) -> None:
    """`create=False` on a missing file raises StoreNotFoundError and creates nothing."""
    path = tmp_path / "typo.db"
    with pytest.raises(StoreNotFoundError) as caught:
        open_log(f"sqlite:///{path}", actor="t", create=False)
    assert str(caught.value) == (
        f"no log at {path}: no such file (reading never creates a log; writing to it does)"
    )
    assert caught.value.url == f"sqlite:///{path}"
    assert isinstance(caught.value, LookupError)
    assert listing(tmp_path) == []


def test_a_missing_directory_is_named_and_not_made(tmp_path: Path) -> None:
    """The first missing directory of the path is named; no directory is created."""
    path = tmp_path / "a" / "b" / "log.db"
    with pytest.raises(StoreNotFoundError, match=f"no such directory {tmp_path / 'a'} "):
        open_store(f"sqlite:///{path}", create=False)
    assert listing(tmp_path) == []


def test_a_relative_path_is_shown_as_given_and_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`sqlite:///typo.db` names `typo.db` and where that is."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StoreNotFoundError, match=r"^no log at typo\.db \(.+/typo\.db\): no such"):
        open_store("sqlite:///typo.db", create=False)
    assert listing(tmp_path) == []


def test_the_default_open_creates_nothing_until_the_first_write(
    tmp_path: Path, clock: ManualClock
) -> None:
    """`caselog.open` touches nothing; a query raises, the first record creates the file."""
    path = tmp_path / "new" / "log.db"
    with open_log(f"sqlite:///{path}", actor="t", clock=clock) as log:
        assert log.store.count() == 0
        with pytest.raises(StoreNotFoundError, match="no such directory"):
            log.obligations(on=date(2019, 12, 1))
        with pytest.raises(StoreNotFoundError):
            log.case("c-1001", on=date(2019, 12, 1))
        assert listing(tmp_path) == []
        log.record(report())
        assert path.is_file()
        assert log.case("c-1001", on=date(2019, 12, 1)).case_id == "c-1001"
    with open_log(f"sqlite:///{path}", actor="t", create=False) as again:
        assert again.store.count() == 1


def test_create_true_creates_the_file_and_its_directories(tmp_path: Path) -> None:
    """Writing commands open with `create=True`: the log exists at once, empty."""
    path = tmp_path / "a" / "b" / "log.db"
    with open_log(f"sqlite:///{path}", actor="t", create=True) as log:
        assert path.is_file()
        assert len(log.obligations(on=date(2019, 12, 1))) == 0


def test_a_pending_log_sees_a_log_another_writer_created(
    tmp_path: Path, clock: ManualClock
) -> None:
    """A log opened before it existed reads what another writer wrote meanwhile."""
    url = f"sqlite:///{tmp_path / 'log.db'}"
    with open_log(url, actor="reader") as reader:
        with pytest.raises(StoreNotFoundError):
            require_log(reader.store)
        with open_log(url, actor="writer", clock=clock) as writer:
            writer.record(report())
        require_log(reader.store)
        assert [r.event.event_id for r in reader.history("child:c-1001")] == ["r1"]


def test_reading_a_file_that_holds_no_log_is_refused_unchanged(tmp_path: Path) -> None:
    """An SQLite file without the log's table is not a log, and reading adds no table."""
    path = tmp_path / "other.db"
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE t (x)")
        db.commit()
    with pytest.raises(StoreNotFoundError, match="the file holds no caselog log"):
        open_store(f"sqlite:///{path}", create=False)
    with closing(sqlite3.connect(path)) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master")]
    assert tables == ["t"]


def test_a_directory_is_not_a_log(tmp_path: Path) -> None:
    """A URL naming a directory is a StorageError, whatever `create` says."""
    for create in (True, False, None):
        with pytest.raises(StorageError, match="is a directory"):
            open_store(f"sqlite:///{tmp_path}", create=create)


def test_in_memory_always_exists() -> None:
    """`sqlite://` opens for reading too: it is empty, not missing."""
    with open_log("sqlite://", actor="t", create=False) as log:
        assert len(log.obligations(on=date(2019, 12, 1))) == 0


@pytest.mark.parametrize(
    "command",
    [
        ["compliance", "--on", "2019-12-01"],
        ["case", "c-1001", "--on", "2019-12-01"],
        ["timeline", "c-1001"],
    ],
    ids=["compliance", "case", "timeline"],
)
def test_reading_commands_on_a_missing_path_fail_and_leave_nothing(
    tmp_path: Path, command: list[str]
) -> None:
    """A reading command on a mistyped path exits 2 naming it, and creates nothing."""
    path = tmp_path / "typo" / "caselog.db"
    result = run(*command, "--db", f"sqlite:///{path}")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert " ".join(result.stderr.split()).startswith(f"error: no log at {path}: no such")
    assert "Traceback" not in result.output
    assert listing(tmp_path) == []


def test_ingest_creates_the_log_and_its_directories(tmp_path: Path) -> None:
    """`caselog ingest` writes: it creates a missing log, directories included."""
    lines = tmp_path / "in.jsonl"
    lines.write_text(
        '{"event_id": "r1", "type": "report_received", "occurred_on": "2019-11-11", '
        '"actor": "sw-17", "child_id": "c-1001", "reporter_category": "school", '
        '"mandatory_reporter": true}\n',
        encoding="utf-8",
    )
    path = tmp_path / "new" / "caselog.db"
    result = run("ingest", str(lines), "--db", f"sqlite:///{path}")
    assert result.exit_code == 0, result.output
    assert path.is_file()
    assert run("timeline", "c-1001", "--db", f"sqlite:///{path}").exit_code == 0


def test_a_rejected_ingest_leaves_no_log_behind(tmp_path: Path) -> None:
    """Nothing written, nothing created: a refused file does not leave an empty log."""
    lines = tmp_path / "bad.jsonl"
    lines.write_text('{"type": "nonsense"}\n', encoding="utf-8")
    result = run("ingest", str(lines), "--db", f"sqlite:///{tmp_path / 'new' / 'log.db'}")
    assert result.exit_code == 1
    assert listing(tmp_path) == ["bad.jsonl"]


def test_demo_creates_the_log(tmp_path: Path) -> None:
    """`caselog demo` writes: it creates a missing log."""
    path = tmp_path / "demo" / "caselog.db"
    result = run("demo", "--children", "3", "--db", f"sqlite:///{path}")
    assert result.exit_code == 0, result.output
    assert path.is_file()


# -- PostgreSQL -----------------------------------------------------------------------


def with_(
    url: str,
    *,
    host: str | None = None,
    port: int | None = None,
    database: str | None = None,
    username: str | None = None,
) -> str:
    """`url` with some parts replaced and no query (so no test schema)."""
    old = urlsplit(url)
    password = f":{old.password}" if old.password else ""
    user = username or old.username or "postgres"
    netloc = f"{user}{password}@{host or old.hostname}:{port or old.port or 5432}"
    return f"postgresql://{netloc}/{database or old.path.lstrip('/')}"


def server_of(url: str) -> tuple[str, int, str]:
    """The host, port and user of a PostgreSQL URL."""
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 5432, parts.username or "postgres"


@pytest.fixture
def free_port() -> int:
    """A local TCP port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.postgres
def test_a_refused_connection_says_so(postgres_url: str, free_port: int) -> None:
    """A wrong port: ServerUnreachableError naming host and port, at once."""
    url = with_(postgres_url, host="127.0.0.1", port=free_port)
    with pytest.raises(ServerUnreachableError) as caught:
        open_store(url)
    assert str(caught.value) == (
        f"cannot reach PostgreSQL at 127.0.0.1:{free_port}: connection refused "
        f"(is the server running, on port {free_port}?)"
    )
    assert (caught.value.host, caught.value.port) == ("127.0.0.1", free_port)
    assert isinstance(caught.value, ConnectionError)
    assert "couldn't get a connection" not in str(caught.value)


@pytest.mark.postgres
def test_an_unknown_host_says_so(postgres_url: str) -> None:
    """A host name that does not resolve is named."""
    with pytest.raises(ServerUnreachableError, match=r"no such host 'no-such-host\.invalid'"):
        open_store(with_(postgres_url, host="no-such-host.invalid"))


@pytest.mark.postgres
def test_a_silent_port_times_out_with_its_own_message(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A port that accepts but never answers: no answer within the connect timeout."""
    monkeypatch.setattr(postgres_backend, "_CONNECT_TIMEOUT", 2)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = int(silent.getsockname()[1])
        with pytest.raises(ServerUnreachableError, match="no answer within 2 s"):
            open_store(with_(postgres_url, host="127.0.0.1", port=port))


@pytest.mark.postgres
def test_a_missing_database_says_so_with_the_createdb_command(postgres_url: str) -> None:
    """A wrong database name: DatabaseMissingError with the command that creates it."""
    host, port, user = server_of(postgres_url)
    with pytest.raises(DatabaseMissingError) as caught:
        open_store(with_(postgres_url, database="caselog_no_such_db"))
    hint = f"createdb -h {host} -p {port} -U {user} caselog_no_such_db"
    assert str(caught.value) == (
        f"no database 'caselog_no_such_db' on PostgreSQL at {host}:{port}; create it with: {hint}"
    )
    assert (caught.value.database, caught.value.hint) == ("caselog_no_such_db", hint)
    assert isinstance(caught.value, StoreNotFoundError)


@pytest.mark.postgres
def test_an_unknown_role_is_an_authentication_failure(postgres_url: str) -> None:
    """A role the server does not have: AuthenticationFailedError naming the user."""
    with pytest.raises(AuthenticationFailedError) as caught:
        open_store(with_(postgres_url, username="caselog_no_such_role"))
    assert "refused user 'caselog_no_such_role': no such role" in str(caught.value)
    assert caught.value.user == "caselog_no_such_role"


@pytest.mark.postgres
def test_a_missing_database_is_recognised_in_another_language(postgres_url: str) -> None:
    """A server's message libpq's English does not match: the catalogue still tells."""
    host, port, user = server_of(postgres_url)
    server = Server(
        host=host,
        port=port,
        user=user,
        password=urlsplit(postgres_url).password or "",
        dbname="caselog_no_such_db",
        connect_timeout=5,
    )
    swedish = psycopg.OperationalError('FATALT:  databasen "caselog_no_such_db" existerar inte')
    assert isinstance(diagnosed(swedish, server, "postgresql://x"), DatabaseMissingError)
    other = psycopg.OperationalError("FATALT:  något annat")
    on_postgres = replace(server, dbname="postgres")
    assert type(diagnosed(other, on_postgres, "u")) is StorageError


@pytest.mark.postgres
def test_the_cli_names_the_postgres_failure(postgres_url: str, free_port: int) -> None:
    """`caselog compliance` on a refused port: one line, exit 2, no pool timeout."""
    result = run("compliance", "--on", "2019-12-01", "--db", with_(postgres_url, port=free_port))
    assert result.exit_code == 2
    assert "cannot reach PostgreSQL at" in result.stderr
    assert "connection refused" in " ".join(result.stderr.split())
    assert "Traceback" not in result.output


@pytest.fixture
def other_schema(postgres_url: str) -> Iterator[str]:
    """A URL whose schema does not exist yet (dropped after the test if it was made)."""
    name = postgres_url.rpartition("schema=")[2] + "_other"
    yield postgres_url.rpartition("schema=")[0] + f"schema={name}"
    with psycopg.connect(postgres_url.partition("?")[0], autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))


@pytest.mark.postgres
def test_reading_a_database_without_the_log_is_refused(postgres_url: str) -> None:
    """A schema without the table: StoreNotFoundError for reading, and no table made."""
    with pytest.raises(StoreNotFoundError, match=r"\(schema 't_\w+'\) \(reading never creates"):
        open_store(postgres_url, create=False)
    schema = postgres_url.rpartition("schema=")[2]
    with psycopg.connect(postgres_url.partition("?")[0]) as conn:
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,)
        ).fetchall()
    assert tables == []


@pytest.mark.postgres
def test_a_missing_schema_is_named_and_created_by_a_write(
    other_schema: str, clock: ManualClock
) -> None:
    """Reading names the missing schema; the first write creates schema and table."""
    with pytest.raises(StoreNotFoundError, match=r"no schema 't_\w+_other'"):
        open_store(other_schema, create=False)
    with open_log(other_schema, actor="t", clock=clock) as log:
        with pytest.raises(StoreNotFoundError, match="no schema"):
            log.obligations(on=date(2019, 12, 1))
        log.record(report())
        assert len(log.history("child:c-1001")) == 1
    with open_log(other_schema, actor="t", create=False) as again:
        assert again.store.count() == 1


@pytest.mark.postgres
def test_create_true_makes_the_table_at_once(postgres_url: str) -> None:
    """A writing command's open creates the table: the log then exists, empty."""
    with open_log(postgres_url, actor="t", create=True) as log:
        assert len(log.obligations(on=date(2019, 12, 1))) == 0
    with open_log(postgres_url, actor="t", create=False) as again:
        assert isinstance(again, CaseLog)
