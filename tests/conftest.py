"""Shared fixtures: a settable clock, and the stores every contract test runs against.

PostgreSQL (DESIGN.md D12): tests marked `postgres` use `$CASELOG_TEST_POSTGRES_URL`
(default `postgresql://postgres:postgres@127.0.0.1:5432/caselog_test`), each in a schema of
its own. Without a server they skip — unless `CI=true`, where a missing server fails.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import psycopg
import pytest
from hypothesis import HealthCheck, settings
from psycopg import sql

from caselog.api import ManualClock

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("default")

POSTGRES_URL = os.environ.get(
    "CASELOG_TEST_POSTGRES_URL",
    "postgresql://postgres:postgres@127.0.0.1:5432/caselog_test",
)


def _server_url(url: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/postgres"


def _ensure_database(url: str) -> None:
    name = url.rpartition("/")[2].partition("?")[0]
    with psycopg.connect(_server_url(url), autocommit=True, connect_timeout=3) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


_postgres_checked: list[str | None] = []


def postgres_available() -> str | None:
    """The reason PostgreSQL cannot be used, or None when it answers (checked once)."""
    if not _postgres_checked:
        try:
            _ensure_database(POSTGRES_URL)
        except psycopg.Error as error:
            _postgres_checked.append(f"no PostgreSQL at {POSTGRES_URL}: {error}")
        else:
            _postgres_checked.append(None)
    return _postgres_checked[0]


@pytest.fixture
def postgres_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """A PostgreSQL URL whose schema is fresh for this test and dropped after it.

    Its personal fields get a key store of their own (`CASELOG_KEY_STORE`, inherited by
    the test's subprocesses too): a PostgreSQL log has none by default (docs/security.md).
    """
    monkeypatch.setenv("CASELOG_KEY_STORE", str(tmp_path / "postgres.keys"))
    reason = postgres_available()
    if reason is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {reason}")
        pytest.skip(reason)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    yield f"{POSTGRES_URL}?schema={schema}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


@pytest.fixture
def clock() -> ManualClock:
    """A clock standing at 2024-01-02 08:00 UTC."""
    return ManualClock(datetime(2024, 1, 2, 8, 0, tzinfo=UTC))


@pytest.fixture(
    params=[
        "sqlite-memory",
        "sqlite-file",
        pytest.param("postgres", marks=pytest.mark.postgres),
    ]
)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every backend in turn: SQLite in memory, an SQLite file, PostgreSQL."""
    if request.param == "sqlite-memory":
        return "sqlite://"
    if request.param == "sqlite-file":
        return f"sqlite:///{tmp_path / 'log.db'}"
    return str(request.getfixturevalue("postgres_url"))


DEMO_CHILDREN = 40
"""The one shared small demo municipality: 40 children, the default seed and dates."""


@pytest.fixture(scope="session")
def demo_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file holding the small demo municipality, recorded once per test run.

    Its readers' reads go into its access log; a test that changes anything else, or
    asserts on the access log, takes `demo_copy`. Its key
    store (`demo.db.keys`) and master key (`demo.db.key`) lie beside it.
    """
    from typer.testing import CliRunner  # noqa: PLC0415 - only the tests that use it pay

    from caselog.cli import app  # noqa: PLC0415

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    args = ["demo", "--children", str(DEMO_CHILDREN), "--db", f"sqlite:///{path}"]
    result = CliRunner().invoke(app, args, env={"CASELOG_URL": None, "CASELOG_ACTOR": "demo"})
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def demo_copy(demo_log: Path, tmp_path: Path) -> Path:
    """A copy of the demo log, its key store and master key, for a test that changes it."""
    import shutil  # noqa: PLC0415

    to = tmp_path / "copy"
    to.mkdir()
    for name in (demo_log.name, demo_log.name + ".keys", demo_log.name + ".key"):
        if (demo_log.parent / name).exists():
            shutil.copy2(demo_log.parent / name, to / name)
    return to / demo_log.name
