"""Compliance on the reference path: one `on` over a whole demo municipality.

Run: `.venv/bin/python benchmarks/compliance.py [--children 10000] [--on 2026-06-30]
[--baseline REV] [--db PATH]`.

The demo municipality is ingested once (a historical import keeps each batch's
registration time) into an SQLite file; then, in the same run and on that file:

* **raw read floor**: `SELECT state` of every event and `orjson.loads` of each payload —
  what any answer computed from the log must at least pay;
* **obligations()**: the public call on the reference path (`reference=True`: read,
  replay, judge every rule; not the read models), in a fresh process, its wall time and
  peak memory (ru_maxrss);
* **baseline** (with `--baseline REV`): the same call by caselog as it was at git revision
  REV, checked out in a temporary worktree and run in a fresh process on the same file;
* **encryption**: the same call on a second file holding the same events with encryption
  off (personal fields in clear, `keys=False`): the cost of opening sealed fields (issue 13).

Timings vary on a shared 2-core VM; the figures that matter are the ratios of one run.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import orjson

from caselog.api import CaseLog
from caselog.demo import DemoConfig, generate
from caselog.interchange import to_line
from caselog.storage import open_store

FAR = datetime(2100, 1, 1, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[1]
MEASURE = """
import json, resource, sys, time
from datetime import date
from inspect import signature
from caselog.api import open_log
log = open_log(sys.argv[1], actor="bench")
# The reference path: the replay, not the read models (a revision older than them has
# no `reference` keyword, and only the replay).
replay = {"reference": True} if "reference" in signature(log.obligations).parameters else {}
started = time.perf_counter()
found = log.obligations(on=date.fromisoformat(sys.argv[2]), **replay)
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "rows": len(found), "peak_mb": peak}))
"""


def main() -> None:
    """Build (or reuse) the demo log, then time the floor, caselog and the baseline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=3000)
    parser.add_argument("--on", type=date.fromisoformat, default=date(2026, 6, 30))
    parser.add_argument("--baseline", help="a git revision to compare with, e.g. 177e8e0")
    parser.add_argument("--db", type=Path, help="reuse (or keep) the demo log in this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="caselog-compliance-") as work:
        db = args.db or Path(work) / "demo.db"
        clear = db.with_name(db.stem + "-clear.db")
        events = _build(db, args.children) if not db.exists() else _count(db)
        if not clear.exists():
            _build(clear, args.children, encrypted=False)
        floor_s = _raw_floor(db)
        current = _measure(ROOT / "src", db, args.on)
        in_clear = _measure(ROOT / "src", clear, args.on)
        baseline = _measure_revision(args.baseline, db, args.on) if args.baseline else None
    print(f"demo municipality: {args.children:,} children, {events:,} events, on {args.on}")
    print(f"{'step':<34}{'seconds':>9}{'peak MB':>9}{'rows':>11}")
    print(f"{'raw read floor (SELECT + orjson)':<34}{floor_s:>9.2f}{'':>9}{events:>11,}")
    print(_row("obligations(), this checkout", current))
    print(_row("obligations(), encryption off", in_clear))
    print(f"encryption costs {current['seconds'] / in_clear['seconds'] - 1:+.1%} in time")
    if baseline is not None:
        print(_row(f"obligations(), at {args.baseline}", baseline))
        print(
            f"faster: {baseline['seconds'] / current['seconds']:.2f}x; "
            f"less memory: {baseline['peak_mb'] / current['peak_mb']:.2f}x; "
            f"this checkout / floor: {current['seconds'] / floor_s:.1f}x"
        )


def _row(label: str, figures: dict[str, float]) -> str:
    seconds, peak, rows = figures["seconds"], figures["peak_mb"], int(figures["rows"])
    return f"{label:<34}{seconds:>9.2f}{peak:>9.0f}{rows:>11,}"


def _build(db: Path, children: int, *, encrypted: bool = True) -> int:
    """Write the demo municipality as JSON Lines and import it historically into `db`."""
    lines = db.with_suffix(".jsonl")
    with lines.open("w", encoding="utf-8") as out:
        for batch in generate(DemoConfig(children=children)):
            for event in batch.events:
                out.write(to_line(event, registered_at=batch.registered_at) + "\n")
    store = open_store(f"sqlite:///{db}", keys=None if encrypted else False)
    with CaseLog(store, actor="bench") as log:
        written = log.ingest(lines, historical=True).written
    lines.unlink()
    return written


def _count(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT COUNT(*) FROM caselog_events").fetchone()[0])


def _raw_floor(db: Path) -> float:
    """Seconds to read every stored payload and parse it: no validation, no replay."""
    started = time.perf_counter()
    with sqlite3.connect(db) as connection:
        for (state,) in connection.execute("SELECT state FROM caselog_events"):
            orjson.loads(state)
    return time.perf_counter() - started


def _measure(src: Path, db: Path, on: date) -> dict[str, float]:
    """Time `obligations(on=…)` by the caselog in `src`, in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, f"sqlite:///{db}", on.isoformat()],
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, float] = json.loads(done.stdout)
    return figures


def _measure_revision(revision: str, db: Path, on: date) -> dict[str, float]:
    with _worktree(revision) as tree:
        return _measure(tree / "src", db, on)


@contextmanager
def _worktree(revision: str) -> Iterator[Path]:
    """Caselog as it was at `revision`, in a temporary git worktree."""
    with tempfile.TemporaryDirectory(prefix="caselog-baseline-") as parent:
        tree = Path(parent) / "tree"
        git = ["git", "-C", str(ROOT)]
        subprocess.run([*git, "worktree", "add", "--detach", str(tree), revision], check=True)
        try:
            yield tree
        finally:
            subprocess.run([*git, "worktree", "remove", "--force", str(tree)], check=True)


if __name__ == "__main__":
    main()
