"""Ingest throughput and as-of lookup latency of caselog on SQLite (DESIGN.md D11).

    .venv/bin/python benchmarks/ingest.py [--events 1000000] [--workdir DIR] [--keep]

1. Generates the demo municipality until it has N events (a prefix in registration
   order, which is structurally whole) and writes it as JSON Lines (not timed as ingest).
2. Ingests that file three ways, each in a fresh process into a fresh SQLite file:
   (a) `CaseLog.ingest`, (b) the D11 floor (pydantic + raw `sqlite3` `executemany`),
   (c) the plain eventsourcing way (`baselines.py`), and prints events/s, peak RSS and
   the ratios a/b (target >= 0.70) and a/c.
3. Times `CaseLog.case(...)` and `CaseLog.timeline(...)` for random children on a 10k-event
   log and on the N-event log that (a) built.

Everything is written under the work directory (a temporary one unless `--workdir`),
removed at the end unless `--keep`. Progress goes to stderr, the report to stdout.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import pickle
import platform
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any, cast

from caselog.api.log import CaseLog, open_log
from caselog.demo import DemoConfig, generate
from caselog.interchange import to_line
from caselog.storage import open_store

HERE = Path(__file__).resolve().parent
SMALL = 10_000
MAX_CHILDREN = 10_000_000  # DemoConfig's limit
WARM_UP = 21  # lookups not timed at the start of a lookup step
FLOOR_TARGET = 0.70
LATENCY_TARGET_MS = 5.0
DEMO_START, DEMO_END = date(2012, 1, 1), date(2026, 6, 30)


def say(message: str) -> None:
    """A progress line on stderr."""
    print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Input:
    """A generated JSON Lines file and the stream index beside it."""

    path: Path
    index: Path
    events: int
    streams: int
    children: int
    seconds: float


def generate_input(workdir: Path, events: int, seed: int) -> Input:
    """Write the first `events` demo events (registration order) as JSON Lines.

    Also writes stream → byte offsets of its lines (for the eventsourcing baseline) and
    keeps the child ids (for the lookups). A prefix in registration order is whole: every
    batch comes after what it refers to.
    """
    path, index = workdir / f"events-{events}.jsonl", workdir / f"streams-{events}.pickle"
    children = events // 12 + 50  # about 12.5 events per child
    while True:
        started = time.perf_counter()
        written, offsets = 0, dict[str, list[int]]()
        with path.open("wb") as out:
            for batch in generate(DemoConfig(children=children, seed=seed)):
                for item in batch.events:
                    if written == events:
                        break
                    offsets.setdefault(item.stream, []).append(out.tell())
                    out.write(to_line(item).encode() + b"\n")
                    written += 1
                    if written % 100_000 == 0:
                        say(f"generating: {written:,} events")
                if written == events:
                    break
        if written == events or children >= MAX_CHILDREN:
            break
        children = math.ceil(children * events / max(written, 1) * 1.05)
    with index.open("wb") as handle:
        pickle.dump(offsets, handle, protocol=pickle.HIGHEST_PROTOCOL)
    kids = sum(1 for name in offsets if name.startswith("child:"))
    seconds = time.perf_counter() - started
    return Input(path, index, written, len(offsets), kids, seconds)


def run_step(workdir: Path, *args: str | Path) -> dict[str, Any]:
    """Run one measured step in a fresh Python process; return its JSON figures.

    A fresh process per step makes its peak RSS (VmHWM) its own; TMPDIR keeps the
    ingest spool inside the work directory.
    """
    command = [sys.executable, *map(str, args)]
    env = {**os.environ, "TMPDIR": str(workdir)}
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, env=env, check=True)
    return cast("dict[str, Any]", json.loads(done.stdout.strip().splitlines()[-1]))


def peak_rss_mb() -> float:
    """The peak RSS of this process in MiB (VmHWM; as `baselines.peak_rss_mb`)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def size_mb(db: Path) -> float:
    """The database's size on disk with its WAL, in MB."""
    files = [db, db.with_name(db.name + "-wal")]
    return sum(f.stat().st_size for f in files if f.exists()) / 1e6


def fresh(db: Path) -> Path:
    """Delete the database and its WAL/SHM files before a run."""
    for suffix in ("", "-wal", "-shm"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)
    return db


# -- the steps run in child processes ------------------------------------------------


def step_caselog(db: Path, source: Path, *, encrypted: bool = True) -> None:
    """(a) `open_log(...).ingest(path)`, timed; prints the figures as JSON.

    `encrypted=False` is (a'): the same with personal fields in clear (`keys=False`).
    """
    total = source.stat().st_size
    checked, shown = 0, 0

    def progress(stage: str, done: int, _: int | None) -> None:
        nonlocal checked, shown
        if stage == "checking":
            checked += done
            if checked * 10 // total > shown:
                shown = checked * 10 // total
                say(f"  [caselog] phase 1: {shown * 10}% of the input checked")
        elif done % 100_000 == 0:
            say(f"  [caselog] phase 2: {done:,} rows written")

    rss_start = peak_rss_mb()
    started, cpu_started = time.perf_counter(), time.process_time()
    log = CaseLog(open_store(f"sqlite:///{db}", keys=None if encrypted else False), actor="bench")
    log.upkeep = False  # the D6 ingest only: building the read models is timed on its own
    result = log.ingest(source, progress=progress)
    log.close()
    seconds = time.perf_counter() - started
    figures = {
        "events": result.written,
        "seconds": seconds,
        "cpu_seconds": time.process_time() - cpu_started,
        "rss_start_mb": rss_start,
        "rss_peak_mb": peak_rss_mb(),
    }
    print(json.dumps(figures))


def _random_day(rng: random.Random) -> date:
    return DEMO_START + timedelta(days=rng.randrange((DEMO_END - DEMO_START).days + 1))


def step_lookup(db: Path, index: Path, lookups: int, seed: int) -> None:
    """Time `case` (without and with `known_at`) and `timeline` for random children.

    Each query kind gets its own children, none read before in this process, so every
    query reads its case file through SQLite afresh (the OS page cache is warm: the
    file was just written).
    """
    with index.open("rb") as handle:
        streams = cast("dict[str, list[int]]", pickle.load(handle))  # noqa: S301
    children = sorted(n.removeprefix("child:") for n in streams if n.startswith("child:"))
    rng = random.Random(seed)
    warm_up = min(WARM_UP, len(children) // 4)  # a tiny log has few children to spare
    per_kind = max(2, min(lookups, (len(children) - warm_up) // 3))
    sample = [rng.choice(children) for _ in range(warm_up + 3 * per_kind)]
    if len(children) >= len(sample):  # no child read twice, when there are enough
        sample = rng.sample(children, len(sample))
    kinds = ("case", "case_known_at", "timeline")
    timings: dict[str, list[float]] = {kind: [] for kind in kinds}
    events = dict.fromkeys(kinds, 0)
    with open_log(f"sqlite:///{db}", actor="bench") as log:
        for number, child in enumerate(sample):
            kind = kinds[number % 3]
            on, known_at = _random_day(rng), _random_day(rng)
            started = time.perf_counter()
            if kind == "timeline":
                log.timeline(child)
            else:
                log.case(child, on=on, known_at=known_at if kind != "case" else None)
            elapsed = (time.perf_counter() - started) * 1000
            read = len(streams[f"child:{child}"])
            if number >= warm_up:  # the first queries pay for imports and caches
                timings[kind].append(elapsed)
                events[kind] += read
    figures: dict[str, Any] = {}
    for kind, values in timings.items():
        cuts = statistics.quantiles(values, n=100, method="inclusive")
        figures[kind] = {
            "n": len(values),
            "p50": cuts[49],
            "p95": cuts[94],
            "p99": cuts[98],
            "events": events[kind] / len(values),
        }
    print(json.dumps(figures))


# -- the driver ----------------------------------------------------------------------


def machine() -> str:
    """Cores, CPU, Python, SQLite and library versions."""
    cpu = platform.processor() or platform.machine()
    info = Path("/proc/cpuinfo")
    if info.exists():
        names = [ln for ln in info.read_text().splitlines() if ln.startswith("model name")]
        cpu = names[0].split(":", 1)[1].strip() if names else cpu
    return (
        f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"eventsourcing {version('eventsourcing')}, pydantic {version('pydantic')}"
    )


def ingest_row(label: str, figures: dict[str, Any], db: Path) -> str:
    """One line of the ingest table."""
    rate = figures["events"] / figures["seconds"]
    cpu = 100 * figures["cpu_seconds"] / figures["seconds"]
    return (
        f"{label:<38}{figures['events']:>11,}{figures['seconds']:>9.1f}{cpu:>6.0f}"
        f"{rate:>11,.0f}{figures['rss_peak_mb']:>9.0f}{figures['rss_start_mb']:>8.0f}"
        f"{size_mb(db):>9.1f}"
    )


def lookup_rows(label: str, figures: dict[str, Any]) -> list[str]:
    """The latency lines of one log size."""
    names = {
        "case": "case(on)",
        "case_known_at": "case(on, known_at=date)",
        "timeline": "timeline",
    }
    return [
        f"{label:<12}{shown:<26}{row['n']:>5}{row['p50']:>8.2f}{row['p95']:>8.2f}"
        f"{row['p99']:>8.2f}{row['events']:>8.1f}"
        for key, shown in names.items()
        for row in [figures[key]]
    ]


def rate(figures: dict[str, Any]) -> float:
    """Events per second of one step."""
    return float(figures["events"] / figures["seconds"])


def run(workdir: Path, events: int, seed: int, lookups: int, repeat: int) -> None:
    """Generate, ingest three ways, time the lookups and print the report."""
    me, baselines = Path(__file__).resolve(), HERE / "baselines.py"
    load_at_start = os.getloadavg()[0]
    say(f"work directory {workdir}; generating {events:,} events")
    big = generate_input(workdir, events, seed)
    say(f"generated {big.events:,} events in {big.seconds:.1f} s")
    dbs = {k: workdir / f"{k}.db" for k in ("caselog", "floor", "eventsourcing", "small")}
    pairs = []  # (a) and (b) alternate, so both see the same spells of machine noise
    for turn in range(1, repeat + 1):
        say(f"(a) caselog ingest, run {turn} of {repeat}")
        a = run_step(workdir, me, "--step", "caselog", fresh(dbs["caselog"]), big.path)
        say(f"(b) floor: pydantic + sqlite3 executemany, run {turn} of {repeat}")
        b = run_step(workdir, baselines, "floor", fresh(dbs["floor"]), big.path)
        pairs.append((rate(a) / rate(b), a, b))
    ratio, a, b = sorted(pairs, key=lambda pair: pair[0])[(repeat - 1) // 2]  # the median
    say("(a') caselog ingest with encryption off (personal fields in clear)")
    a_clear = run_step(
        workdir, me, "--step", "caselog-clear", fresh(workdir / "clear.db"), big.path
    )
    say("(c) plain eventsourcing Application")
    c_db = fresh(dbs["eventsourcing"])
    c = run_step(workdir, baselines, "eventsourcing", c_db, big.path, big.index)
    logs = [(big, dbs["caselog"])]
    extra: list[str] = []
    if big.events > SMALL:
        small = generate_input(workdir, SMALL, seed)
        say(f"(a) caselog ingest of the {small.events:,}-event log")
        a_small = run_step(workdir, me, "--step", "caselog", fresh(dbs["small"]), small.path)
        logs.insert(0, (small, dbs["small"]))
        extra.append(ingest_row(f"    caselog, {small.events:,} events", a_small, dbs["small"]))
    latency: list[str] = []
    for source, db in logs:
        say(f"as-of lookups on the {source.events:,}-event log")
        figures = run_step(
            workdir, me, "--step", "lookup", db, source.index, str(lookups), str(seed)
        )
        latency.extend(lookup_rows(f"{source.events:,}", figures))
    verdict = "met" if ratio >= FLOOR_TARGET else "NOT met"
    each = ", ".join(f"{pair[0]:.2f}" for pair in pairs)
    megabytes = big.path.stat().st_size / 1e6
    lines = [
        "caselog ingest benchmark (DESIGN.md D11)",
        f"machine: {machine()}",
        (
            f"date:    {time.strftime('%Y-%m-%d %H:%M %Z')}; 1-min load average "
            f"{load_at_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end "
            f"(above {os.cpu_count()} the figures are noisy)"
        ),
        (
            f"input:   {big.events:,} events in {big.streams:,} streams "
            f"({big.children:,} children), {megabytes:.0f} MB JSON Lines; generated in "
            f"{big.seconds:.1f} s ({big.events / big.seconds:,.0f} ev/s, not timed below)"
        ),
        "",
        (
            f"{'ingest (fresh process, fresh db)':<38}{'events':>11}{'s':>9}{'cpu%':>6}"
            f"{'events/s':>11}{'peakMB':>9}{'baseMB':>8}{'dbMB':>9}"
        ),
        ingest_row("(a) caselog CaseLog.ingest", a, dbs["caselog"]),
        ingest_row("(a') the same, encryption off", a_clear, workdir / "clear.db"),
        ingest_row("(b) floor: pydantic + sqlite3", b, dbs["floor"]),
        ingest_row("(c) eventsourcing Application.save", c, dbs["eventsourcing"]),
        *extra,
        "",
        f"a/b = {ratio:.2f} (target >= {FLOOR_TARGET:.2f}: {verdict}); each run: {each}",
        f"a/c = {rate(a) / rate(c):.2f}",
        f"encryption (a vs a'): {rate(a_clear) / rate(a) - 1:+.1%} time per event",
        "cpu%: the step's CPU time / wall time (well below 100: waits on I/O or other load)",
        "peakMB: peak RSS of the step's process; baseMB: its RSS after imports",
        "",
        (
            f"as-of lookups in ms, n random children per log "
            f"(target p95 <= {LATENCY_TARGET_MS:.0f} ms, flat in log size)"
        ),
        f"{'log':<12}{'query':<26}{'n':>5}{'p50':>8}{'p95':>8}{'p99':>8}{'events':>8}",
        *latency,
        "events: mean events per case file read. The log was ingested in one go just now,",
        "so a past known_at sees none of it: that row times the read and the filter only.",
    ]
    print("\n".join(lines), flush=True)


def main() -> None:
    """Parse the arguments and run the benchmark (or one step of it)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, help="default: a temporary directory")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--lookups", type=int, default=500)
    parser.add_argument(
        "--repeat", type=int, default=1, help="run (a) and (b) this many times; median shown"
    )
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("step_args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step in {"caselog", "caselog-clear"}:
        step_caselog(
            Path(args.step_args[0]),
            Path(args.step_args[1]),
            encrypted=args.step == "caselog",
        )
        return
    if args.step == "lookup":
        db, index, lookups, seed = args.step_args
        step_lookup(Path(db), Path(index), int(lookups), int(seed))
        return
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="caselog-bench-", dir=args.workdir))
    started = time.perf_counter()
    try:
        run(workdir.resolve(), args.events, args.seed, args.lookups, max(1, args.repeat))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    say(f"done in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
