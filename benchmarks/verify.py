"""`verify` beside hashing the same bytes in a plain loop (issue 11: ≥ 50% of its speed).

Run: `.venv/bin/python benchmarks/verify.py [--db PATH | --children 3000]`. On a copy
of the log (`--db` is only read; a log made before the chain is upgraded, and that is
timed too), in one process: the rows are read once into memory; then (a) a plain loop
hashes each row's bytes with SHA-256, one digest per row, no chain; (b) `verify_rows`
recomputes the chain over the same rows in memory; (c) `verify` reads and checks the
log from the database, end to end. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import TypeVar

from caselog.api import open_log
from caselog.api.integrity import verify
from caselog.storage.chain import ChainRow, Verified, verify_rows

T = TypeVar("T")


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    given = parser.add_mutually_exclusive_group()
    given.add_argument("--db", help="an SQLite log to copy (a path)")
    given.add_argument("--children", type=int, default=3000, help="else build a demo")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="caselog-verify-") as tmp:
        db = Path(tmp) / "log.db"
        if args.db:
            with closing(sqlite3.connect(args.db)) as src, closing(sqlite3.connect(db)) as dst:
                src.backup(dst)
        else:
            _say(f"caselog demo --children {args.children}")
            cli = ["-c", "from caselog.cli import main; main()", "demo"]
            subprocess.run(
                [sys.executable, *cli, "--children", str(args.children), "--db", f"sqlite:///{db}"],
                check=True,
                capture_output=True,
            )
        figures = _measure(f"sqlite:///{db}")
    width = max(map(len, figures))
    for label, value in figures.items():
        print(f"{label:<{width}}  {value}")


def _measure(url: str) -> dict[str, str]:
    with open_log(url, actor="bench") as log:
        store = log.store
        upgrade = "-"
        if store.log_id is None:
            _say("upgrade (the log was made before the chain)")
            upgrade = f"{_timed(store.upgrade)[0]:.2f} s"
        if store.log_id is None:
            sys.exit("the log has no chain after its upgrade")
        _say("read every row")
        read_s, rows = _timed(lambda: list(store.chain_rows()))
        size = sum(len(r.state) for r in rows) / 1e6
        _say("(a) plain loop")
        plain_s, _ = _timed(lambda: [_plain(r) for r in rows])
        _say("(b) verify in memory")
        memory_s, found = _timed(lambda: verify_rows(store.log_id or "", rows))
        _require(found)
        _say("(d) the plain loop reading from the database")
        floor_s, _ = _timed(lambda: _plain_from(url))
        _say("(c) verify from the database")
        db_s, found = _timed(lambda: verify(store))
        _require(found)
    events = len(rows)
    return {
        "events": f"{events:,}",
        "stored payload bytes": f"{size:,.1f} MB",
        "upgrade of the copy": upgrade,
        "read every row into memory": f"{read_s:.2f} s",
        "(a) plain SHA-256 loop, one per row": f"{plain_s:.2f} s ({events / plain_s:,.0f}/s)",
        "(b) verify_rows in memory": f"{memory_s:.2f} s ({events / memory_s:,.0f}/s)",
        "    speed of (b) / speed of (a), goal >= 50%": f"{plain_s / memory_s:.0%}",
        "(c) verify from the database": f"{db_s:.2f} s ({events / db_s:,.0f}/s)",
        "(d) raw sqlite3 read + plain loop": f"{floor_s:.2f} s ({events / floor_s:,.0f}/s)",
        "    speed of (c) / speed of (d), goal >= 50%": f"{floor_s / db_s:.0%}",
    }


def _plain(row: ChainRow) -> bytes:
    """The same bytes the chain covers, hashed without the chain's framing."""
    return hashlib.sha256(
        b"".join(
            (
                row.stream.encode(),
                row.topic.encode(),
                row.event_id.encode(),
                row.ingested_by.encode(),
                row.recorded_at,
                row.state,
            )
        )
    ).digest()


def _require(found: Verified) -> None:
    if not found.ok:
        sys.exit(f"the log does not verify: {found.problem}")


def _plain_from(url: str) -> int:
    """(d): the same bytes read with raw `sqlite3` and hashed one row at a time."""
    with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as conn:
        rows = conn.execute(
            "SELECT originator_id, topic, event_id, ingested_by, recorded_at, state "
            "FROM caselog_events ORDER BY rowid"
        )
        return sum(
            len(hashlib.sha256(b"".join((a.encode(), b.encode(), c.encode(), d.encode(),
                                         e.encode(), f))).digest())
            for a, b, c, d, e, f in rows
        )  # fmt: skip


def _timed(work: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def _say(text: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
