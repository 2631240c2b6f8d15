"""Fault injection: an ingest killed with SIGKILL leaves its file wholly stored or not at all.

A file of demo events (historical, with their registration times) is ingested by a real
subprocess, killed with SIGKILL after a seeded random delay spread over an uninterrupted
run: 20 times on SQLite files, 10 times in PostgreSQL schemas, each into a fresh log.
Afterwards, every time: the log holds all of the file or none of it; SQLite's
`PRAGMA integrity_check` says ok; the hash chain verifies; and ingesting the file again
stores it exactly once. Some kills must land while the write runs, or the test proves
nothing.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from contextlib import closing
from datetime import date
from typing import TYPE_CHECKING, Final

import psycopg
import pytest
from psycopg import sql

from caselog.api import open_log
from caselog.api.integrity import verify
from caselog.demo import DemoConfig, generate
from caselog.errors import StoreNotFoundError
from caselog.interchange import to_line

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.slow

CONFIG: Final = DemoConfig(seed=11, children=60, start=date(2021, 1, 1))
SEED: Final = 2019
INGEST: Final = (
    "import sys; from pathlib import Path; from caselog.api import open_log\n"
    "with open_log(sys.argv[1], actor='crash') as log:\n"
    "    log.upkeep = False\n"
    "    log.ingest(Path(sys.argv[2]), historical=True)\n"
)


@pytest.fixture(scope="module")
def events_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The demo's events as historical JSON Lines, and how many."""
    path = tmp_path_factory.mktemp("crash") / "events.jsonl"
    lines = [
        to_line(event, registered_at=batch.registered_at)
        for batch in generate(CONFIG)
        for event in batch.events
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, len(lines)


def _ingest(url: str, path: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", INGEST, url, str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _uninterrupted(logs: Iterator[str], path: Path) -> float:
    """Seconds an ingest takes from start to exit: the faster of two runs on new logs.

    The first run after a change to the source also compiles it (`.pyc`), and would
    place the kills after most runs had ended.
    """
    spans = []
    for _ in range(2):
        started = time.perf_counter()
        assert _ingest(next(logs), path).wait() == 0
        spans.append(time.perf_counter() - started)
    return min(spans)


def _count(url: str) -> int:
    """How many events the log holds, once its chain verified and every event opened.

    Opening every sealed field proves that no stored event names a key the kill kept
    from the key store (keys are made durable before the events they seal).
    """
    with open_log(url, actor="inspector", create=False) as log:
        found = verify(log.store)
        assert found.ok, found.problem
        opened = list(log.events())
        assert not any(r.sealed or r.erased for r in opened)
        return log.store.count()


def _killed(url: str, path: Path, delay: float) -> float | None:
    """Ingest, SIGKILL after `delay` s: None if it was killed, else how long it ran."""
    started = time.perf_counter()
    process = _ingest(url, path)
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return None
    return time.perf_counter() - started


def _fresh_logs(tmp_path: Path, postgres: str | None, made: list[str]) -> Iterator[str]:
    """A new empty log per call: an SQLite file, or a PostgreSQL schema (named in `made`)."""
    while True:
        name = f"c_{uuid.uuid4().hex[:10]}"
        if postgres is None:
            yield f"sqlite:///{tmp_path / f'{name}.db'}"
            continue
        with psycopg.connect(postgres, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
        made.append(name)
        yield f"{postgres}?schema={name}"


def _drop(postgres: str | None, schemas: list[str]) -> None:
    if postgres is not None:
        with psycopg.connect(postgres, autocommit=True) as conn:
            for name in schemas:
                conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(name)))


@pytest.mark.parametrize(
    ("kind", "kills"),
    [("sqlite", 20), pytest.param("postgres", 10, marks=pytest.mark.postgres)],
)
def test_a_killed_ingest_stores_all_or_nothing(
    kind: str,
    kills: int,
    events_file: tuple[Path, int],
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    """Each kill: all or nothing, an intact database, a verified chain, then exactly once."""
    path, total = events_file
    postgres = None
    if kind == "postgres":
        postgres = str(request.getfixturevalue("postgres_url")).partition("?")[0]
    made: list[str] = []
    try:
        _kill_and_check(_fresh_logs(tmp_path, postgres, made), path, total, kills, kind)
    finally:
        _drop(postgres, made)


def _kill_and_check(logs: Iterator[str], path: Path, total: int, kills: int, kind: str) -> None:
    span = _uninterrupted(logs, path)
    rng = random.Random(SEED)
    outcomes: dict[str, int] = {"nothing": 0, "all": 0}
    landed = 0
    for _ in range(kills):
        url = next(logs)
        ran = _killed(url, path, rng.uniform(0.2, 1.1) * span)
        if ran is None:
            landed += 1
        else:  # it ended before the kill: the machine is faster now, aim earlier
            span = min(span, ran)
        held = _count(url) if _exists(url) else 0
        assert held in {0, total}, f"{held} of {total} events after a kill"
        outcomes["all" if held else "nothing"] += 1
        if url.startswith("sqlite:"):
            with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as db:
                assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert _ingest(url, path).wait() == 0
        assert _ingest(url, path).wait() == 0  # again: nothing more
        assert _count(url) == total
    print(f"{kind}: {kills} kills, {landed} during a run, outcomes {outcomes}")  # noqa: T201
    assert landed >= kills // 2, f"only {landed} of {kills} kills landed during a run"
    assert outcomes["nothing"] > 0, outcomes


def _exists(url: str) -> bool:
    """Whether a log was made there (a kill before the first write leaves none)."""
    try:
        with open_log(url, actor="inspector", create=False):
            return True
    except StoreNotFoundError:
        return False
