"""Fault injection: a rebuild or a catch-up killed at any point leaves usable tables.

A small demo municipality (80 children from 2020 on, without the children's and homes'
events of its last year) is recorded once; each scenario works on a copy of its SQLite
file. A rebuild or a catch-up runs in a process of its own (with `STREAMS_PER_CHUNK` set
to 5, so that a rebuild writes many transactions), and its process group gets SIGKILL
after a seeded random delay spread over the length of an uninterrupted run; some
restarts are killed again. Then it runs to completion. Asserted:

- a rebuild killed and resumed leaves exactly the tables of an uninterrupted rebuild
  (rows, states, reads, texts and the stamp; text ids resolved to their texts), with no
  `cursor` or `target` left in the stamp;
- after a kill, tables without a `position` never answer: the replay does, with a
  `ReferenceNotice`; tables with one answer as the replay does;
- a catch-up (of the last year's events, appended with the log's clock set to their
  registration) killed at any point leaves the tables of before or of after it, never a
  mixture, and run again gives the tables of an uninterrupted catch-up;
- some kills did land while the process ran (and some in the middle of a rebuild).
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import warnings
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

import pytest

from caselog.api import ManualClock, open_log
from caselog.api.read_model import ReferenceNotice
from caselog.demo import DemoConfig, generate
from caselog.storage.read_model_segments import ROW_COLUMNS, rows_of_blobs

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from pathlib import Path

    from caselog.demo import DemoBatch
    from caselog.events import Event

pytestmark = pytest.mark.slow

CONFIG: Final = DemoConfig(seed=3, children=80, start=date(2020, 1, 1))
"""From 2020: a committee stream short enough that judging it leaves the chunks' commits
spread over the run (from 2012 it takes most of a rebuild)."""
TAIL: Final = timedelta(days=365)
"""The catch-up appends the children's and homes' events registered in the demo's last year."""
CHILD: Final = "child-000037"
"""A child whose rules read a home: the case asked about after a kill."""
CHUNK: Final = 5
"""Streams per rebuild transaction in the killed processes."""
SEGMENT_ROWS: Final = 50
"""Rows per columnar segment in the killed processes: many segments, split often."""
KILLS: Final = 8
"""First kill points per scenario, one in each eighth of an uninterrupted run."""
SEED: Final = 20_190_401
LIMIT: Final = 180.0
"""Seconds a run to completion may take before the test gives up on it."""

TEXT_COLUMNS: Final = frozenset(
    {"law_at_trigger", "law_decisive", "citation", "wording_en", "wording_sv"}
)
STAMP_KEYS: Final = ("position", "version", "rules", "settings", "horizon")
TABLES: Final = ("caselog_rm_rows", "caselog_rm_states", "caselog_rm_reads", "caselog_rm_listed")

SCRIPT: Final = f"""
import sys

import caselog.api.read_model as read_model
import caselog.storage.read_model_segments as segments

read_model.STREAMS_PER_CHUNK = {CHUNK}
segments.SEGMENT_ROWS = segments.DIRTY_ROWS = {SEGMENT_ROWS}

from caselog.api import open_log

with open_log(sys.argv[1], actor="kill-test") as log:
    getattr(log.read_models, sys.argv[2])()
"""
"""Run `rebuild` or `catch_up` (argv[2]) on the log at argv[1], in small chunks."""

Dump = dict[str, list[tuple[object, ...]]]


@dataclass(frozen=True)
class Logs:
    """The module's SQLite files, and how long the uninterrupted runs took."""

    root: Path
    base: Path
    """The demo without its last year's children and homes: no read models."""
    rebuilt: Path
    """`base` after an uninterrupted rebuild."""
    rebuild_seconds: float
    appended: Path
    """`rebuilt` with the last year's events appended (upkeep off): not caught up."""
    caught_up: Path
    """`appended` after an uninterrupted catch-up."""
    catch_up_seconds: float


def url(path: Path) -> str:
    """The store URL of an SQLite file."""
    return f"sqlite:///{path}"


def copy(source: Path, target: Path) -> Path:
    """A copy of a closed SQLite log (no journal beside it), with its keys beside it."""
    for suffix in ("-journal", "-wal"):
        assert not source.with_name(source.name + suffix).exists(), f"{source} is not closed"
    shutil.copyfile(source, target)
    for suffix in (".keys", ".key"):  # the key store and its master key (issue 13)
        if (keys := source.with_name(source.name + suffix)).exists():
            shutil.copyfile(keys, target.with_name(target.name + suffix))
    return target


def by_day(batches: Iterable[DemoBatch]) -> Iterator[tuple[datetime, list[Event]]]:
    """The batches grouped by UTC day, each group at its last registration (as the demo)."""
    at: datetime | None = None
    events: list[Event] = []
    for batch in batches:
        if at is not None and at.date() != batch.registered_at.date():
            yield at, events
            events = []
        at = batch.registered_at
        events.extend(batch.events)
    if at is not None:
        yield at, events


def record(path: Path, days: Iterable[tuple[datetime, list[Event]]]) -> None:
    """Ingest each day's events with the log's clock at that day, without upkeep."""
    clock = ManualClock(datetime(2000, 1, 1, tzinfo=UTC))
    with open_log(url(path), actor="demo", clock=clock, create=True) as log:
        log.upkeep = False
        for registered_at, events in days:
            clock.set(registered_at)
            log.ingest(events)


def run(path: Path, action: str, kill_after: float | None = None) -> bool:
    """Run `action` on the log at `path` in a new process (group).

    With `kill_after`, SIGKILL the process group (the rebuild's workers too) after so many
    seconds. Returns whether the kill interrupted the run; a run that ended by itself
    must have succeeded.
    """
    with subprocess.Popen(
        [sys.executable, "-c", SCRIPT, url(path), action],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    ) as process:
        try:
            _, stderr = process.communicate(timeout=LIMIT if kill_after is None else kill_after)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            _, stderr = process.communicate()
            if kill_after is None:
                pytest.fail(f"{action} took more than {LIMIT} s")
    if process.returncode == -signal.SIGKILL:
        return True
    assert process.returncode == 0, stderr.decode()
    return False


def stamp(path: Path) -> dict[str, str]:
    """The read models' stamp as stored ({} before their tables exist)."""
    with closing(sqlite3.connect(path)) as conn:
        found = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'caselog_rm_meta'"
        ).fetchone()
        if found is None:
            return {}
        return dict(conn.execute("SELECT key, value FROM caselog_rm_meta").fetchall())


def dump(path: Path) -> Dump:
    """The tables as sorted lists of tuples, text ids replaced by their texts.

    The segments must hold exactly the row table's rows of the streams not dirty.

    The stamp keeps the entries a finished build must have; `cursor` and `target` are
    listed apart (a finished build has neither).
    """
    with closing(sqlite3.connect(path)) as conn:
        texts: dict[int, str] = dict(conn.execute("SELECT id, text FROM caselog_rm_texts"))
        tables: Dump = {}
        for table in TABLES:
            cursor = conn.execute(f"SELECT * FROM {table}")  # noqa: S608 - a constant name
            names = [column[0] for column in cursor.description]
            tables[table] = sorted(
                (
                    tuple(
                        texts[value] if name in TEXT_COLUMNS else value
                        for name, value in zip(names, values, strict=True)
                    )
                    for values in cursor
                ),
                key=repr,
            )
        tables["caselog_rm_texts"] = sorted((text,) for text in texts.values())
        meta = dict(conn.execute("SELECT key, value FROM caselog_rm_meta").fetchall())
        columns = ", ".join(ROW_COLUMNS)
        held = conn.execute(
            f"SELECT {columns} FROM caselog_rm_rows "  # noqa: S608 - constant names
            "WHERE stream NOT IN (SELECT stream FROM caselog_rm_dirty)"
        )
        rows = sorted(held, key=repr)
        tables["caselog_rm_dirty"] = sorted(conn.execute("SELECT stream FROM caselog_rm_dirty"))
    held_apart = segment_rows(path)
    assert held_apart == rows, "the segments hold other rows than the row table's clean streams"
    tables["caselog_rm_segments"] = sorted(
        (
            tuple(
                texts[v] if n in TEXT_COLUMNS else v for n, v in zip(ROW_COLUMNS, row, strict=True)
            )
            for row in held_apart
        ),
        key=repr,
    )
    tables["caselog_rm_meta"] = sorted((k, v) for k, v in meta.items() if k in STAMP_KEYS)
    tables["unfinished"] = sorted((k,) for k in meta if k in {"cursor", "target"})
    return tables


def segment_rows(path: Path) -> list[tuple[Any, ...]]:
    """The rows the segments hold of clean streams (`ROW_COLUMNS`), sorted as `dump` sorts."""
    with closing(sqlite3.connect(path)) as conn:
        blobs = conn.execute("SELECT findings, others FROM caselog_rm_segments").fetchall()
        dirty = {name for (name,) in conn.execute("SELECT stream FROM caselog_rm_dirty")}
    found = []
    for findings, others in blobs:
        table = rows_of_blobs(findings, others)
        held = zip(*(table.column(n).to_pylist() for n in ROW_COLUMNS), strict=True)
        found += [row for row in held if row[0] not in dirty]
    return sorted(found, key=repr)


def assert_served_whole(path: Path) -> None:
    """Tables without a `position` never answer; tables with one answer as the replay."""
    on = CONFIG.end
    with open_log(url(path), actor="kill-test") as log:
        if "position" not in stamp(path):
            with pytest.warns(ReferenceNotice, match="no read models for this log yet"):
                answer = log.obligations(on=on, case_id=CHILD)
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("error", ReferenceNotice)
                answer = log.obligations(on=on, case_id=CHILD)
        assert answer == log.obligations(on=on, case_id=CHILD, reference=True)
        assert len(answer) > 0


def delays(rng: random.Random, seconds: float, index: int) -> list[float]:
    """The kill points of scenario `index` (seconds after the start of each run).

    One in the scenario's eighth of an uninterrupted run; for every other scenario one
    more, anywhere in a run, for the restart.
    """
    points = [seconds * (index + rng.random()) / KILLS]
    if index % 2:
        points.append(seconds * rng.random())
    return points


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Logs:
    """The demo recorded once, rebuilt once, its last year appended and caught up once."""
    root = tmp_path_factory.mktemp("kill")
    batches = list(generate(CONFIG))
    cut = batches[-1].registered_at - TAIL
    base = root / "base.db"
    record(base, by_day(b for b in batches if b.registered_at <= cut))
    rebuilt = copy(base, root / "rebuilt.db")
    started = time.perf_counter()
    assert not run(rebuilt, "rebuild")
    rebuild_seconds = time.perf_counter() - started
    appended = copy(rebuilt, root / "appended.db")
    tail = (
        b
        for b in batches
        if b.registered_at > cut and not b.events[0].stream.startswith("committee:")
    )
    record(appended, by_day(tail))
    caught_up = copy(appended, root / "caught-up.db")
    started = time.perf_counter()
    assert not run(caught_up, "catch_up")
    catch_up_seconds = time.perf_counter() - started
    return Logs(root, base, rebuilt, rebuild_seconds, appended, caught_up, catch_up_seconds)


def test_the_uninterrupted_runs_finish_their_tables(logs: Logs) -> None:
    """The references are whole: a full stamp, no leftovers, rows, and the catch-up moved on."""
    rebuilt, caught_up = dump(logs.rebuilt), dump(logs.caught_up)
    for tables in (rebuilt, caught_up):
        assert [k for k, _ in tables["caselog_rm_meta"]] == sorted(STAMP_KEYS)
        assert tables["unfinished"] == []
        assert tables["caselog_rm_rows"]
    assert int(stamp(logs.caught_up)["position"]) > int(stamp(logs.rebuilt)["position"])
    assert caught_up["caselog_rm_rows"] != rebuilt["caselog_rm_rows"]


def test_a_killed_rebuild_resumes_to_the_same_tables(logs: Logs) -> None:
    """Killed at random points (restarts too), then run again: the tables of one whole run.

    Half the scenarios start from a log without read models, half from one with whole
    tables (the rebuild clears them first).
    """
    reference = dump(logs.rebuilt)
    rng = random.Random(SEED)
    interrupted = midway = 0
    for index in range(KILLS):
        start = logs.base if index % 2 == 0 else logs.rebuilt
        path = copy(start, logs.root / f"rebuild-{index}.db")
        for delay in delays(rng, logs.rebuild_seconds, index):
            interrupted += run(path, "rebuild", kill_after=delay)
            left = stamp(path)
            midway += "target" in left and left.get("cursor", "") != ""
            assert_served_whole(path)
        assert not run(path, "rebuild")
        assert dump(path) == reference, f"scenario {index}"
    assert interrupted >= KILLS // 2, "too few kills landed while a rebuild ran"
    assert midway >= 1, "no kill landed between two chunks of a rebuild"


def test_a_killed_catch_up_leaves_before_or_after_and_ends_the_same(logs: Logs) -> None:
    """Killed at random points: the tables of before or after it, never a mixture.

    Run again, the tables of an uninterrupted catch-up.
    """
    before, after = dump(logs.appended), dump(logs.caught_up)
    rng = random.Random(SEED + 1)
    interrupted = undone = 0
    for index in range(KILLS):
        path = copy(logs.appended, logs.root / f"catch-up-{index}.db")
        for delay in delays(rng, logs.catch_up_seconds, index):
            killed = run(path, "catch_up", kill_after=delay)
            left = dump(path)
            assert left in (before, after), f"scenario {index}: a mixture"
            interrupted += killed
            undone += killed and left == before
        assert not run(path, "catch_up")
        assert dump(path) == after, f"scenario {index}"
    assert interrupted >= KILLS // 2, "too few kills landed while a catch-up ran"
    assert undone >= 1, "no kill landed before a catch-up committed"
