"""Read models beside the reference replay, on a whole demo municipality.

Run: `.venv/bin/python benchmarks/projections.py [--db PATH | --children 3000]
[--on 2026-06-30] [--postgres URL] [--cases 200] [--batch 1000]`. On a copy of the log
(`--db` is only read), each step in a fresh process, every figure beside its baseline of
the same run; `--postgres URL` measures the same in fresh schemas there (dropped at the
end). The read models' answers are compared with the reference's: the run fails unless
they are identical. Progress goes to stderr. Compare the figures of one run only.
"""

from __future__ import annotations

import argparse
import calendar
import importlib
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
import warnings
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import orjson

from caselog.api import CaseLog, open_log
from caselog.api.read_model import ReferenceNotice
from caselog.rules.model import FINDINGS

T = TypeVar("T")
Figures = dict[str, Any]
DATES, SEED = 20, 2019  # section 6: dates, every 3 months back; random choices
ROWS = (  # (label, figure, format: s seconds, ms, n count, x ratio, "" heading)
    ("1 raw read floor: SELECT + orjson.loads, s", "floor_s", "s"),
    ("  events/s", "floor_eps", "n"),
    ("2 rebuild(), s", "rebuild_s", "s"),
    ("  events/s", "rebuild_eps", "n"),
    ("  rebuild / raw floor", "rebuild_x", "x"),
    ("  peak MB, main process", "rebuild_mb", "n"),
    ("  peak MB, largest worker (- when none)", "rebuild_workers_mb", "n"),
    ("3 findings on {on}, known then, as Arrow", "", ""),
    ("  read models, s", "rm_s", "s"),
    ("  reference replay, s", "ref_s", "s"),
    ("  reference / read models", "findings_x", "x"),
    ("  rows, read models", "rm_rows", "n"),
    ("  rows, reference", "ref_rows", "n"),
    ("  peak MB, read models", "rm_mb", "n"),
    ("  peak MB, reference", "ref_mb", "n"),
    ("4 rule x status summary, read models, s", "summary_s", "s"),
    ("  (rule, status) groups", "groups", "n"),
    ("  reference, the same rows, s", "ref_all_s", "s"),
    ("  reference / read models", "summary_x", "x"),
    ("5 all obligations as Arrow, read models, s", "all_s", "s"),
    ("  rows", "all_rows", "n"),
    ("  reference, as Arrow, s", "slide_ref1_s", "s"),
    ("  reference / read models", "all_x", "x"),
    (f"6 {DATES} dates, every 3 months back: read models, s", "slide_s", "s"),
    ("  reference, first date (5), s", "slide_ref1_s", "s"),
    (f"  reference, {DATES} x that (extrapolated), s", "slide_ref_s", "s"),
    ("  reference / read models", "slide_x", "x"),
    ("7 one case, read models, {cases} children", "", ""),
    ("  obligations(case_id=) p50, ms", "case_obl_p50", "ms"),
    ("  obligations(case_id=) p95, ms", "case_obl_p95", "ms"),
    ("  case() p50, ms", "case_p50", "ms"),
    ("  case() p95, ms", "case_p95", "ms"),
    ("  reference, {ref_cases} children: obligations p95", "ref_obl_p95", "ms"),
    ("  reference: case() p95", "ref_case_p95", "ms"),
    ("8 cases() on {on}, known then: read models, s", "cases_s", "s"),
    ("  the same as a frame (case states read), s", "cases_frame_s", "s"),
    ("  reference replay, as a frame, s", "ref_cases_s", "s"),
    ("  reference / read models (frame)", "cases_x", "x"),
    ("9 ingest {batch} new events, upkeep off, s", "ingest_off_s", "s"),
    ("  upkeep on (ingest + catch-up), s", "ingest_on_s", "s"),
    ("  on / off", "ingest_x", "x"),
)


def main() -> None:
    """Measure on SQLite (and PostgreSQL), then print the table."""
    if sys.argv[1:2] == ["--job"]:  # one step, in its fresh process (see `_run`)
        print(json.dumps(_job(*sys.argv[2:])))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    given = parser.add_mutually_exclusive_group()
    given.add_argument("--db", help="a demo log to copy: a path or a sqlite:/// URL")
    given.add_argument("--children", type=int, default=3000, help="else build a demo")
    parser.add_argument("--on", type=date.fromisoformat, default=date(2026, 6, 30))
    parser.add_argument("--postgres", help="also measure on PostgreSQL (fresh schemas)")
    parser.add_argument("--cases", type=int, default=200, help="children timed in 7")
    parser.add_argument("--batch", type=int, default=1000, help="events ingested in 8")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="caselog-projections-") as tmp:
        work = Path(tmp)
        db = work / "log.db"
        if args.db:
            if not (source := Path(args.db.removeprefix("sqlite:///"))).is_file():
                parser.error(f"no SQLite file at {source}")
            _copies(source, db)
            for suffix in (".key", ".keys"):  # its master key and key store, if any
                if (keys := source.with_name(source.name + suffix)).is_file():
                    shutil.copyfile(keys, db.with_name(db.name + suffix))
        else:
            _demo(db, args.children)
        copies = partial(_copies, db, work / "off.db", work / "on.db")
        floor = partial(_floor, db, None)
        columns = {"SQLite": _figures(f"sqlite:///{db}", args, work, floor=floor, copies=copies)}
        if args.postgres:
            columns["PostgreSQL"] = _postgres(args, work, db)
    _report(args, columns, load)


def _figures(
    url: str,
    args: argparse.Namespace,
    work: Path,
    *,
    floor: Callable[[], tuple[float, int]],
    copies: Callable[[], tuple[str, ...]],
) -> Figures:
    """Every figure of the table for the log at `url`."""
    on = args.on.isoformat()
    _say(f"{url}: raw read floor")
    floor_s, events = floor()
    f: Figures = {"floor_s": floor_s, "events": events, "floor_eps": events / floor_s}
    f |= {f"rebuild_{k}": v for k, v in _run("rebuild", url, on).items()}
    f["rebuild_x"] = f["rebuild_s"] / floor_s
    f["rebuild_workers_mb"] = f["rebuild_workers_mb"] or "-"
    answers = {mode: work / f"{mode}.json" for mode in ("rm", "ref")}
    for mode, path in answers.items():
        f |= {f"{mode}_{k}": v for k, v in _run("findings", url, on, mode, path).items()}
    rm, ref = (orjson.loads(path.read_bytes()) for path in answers.values())
    problems = _diff(rm, ref, f"findings on {on}")
    f["findings_x"] = f["ref_s"] / f["rm_s"]
    f |= _run("queries", url, on, args.cases, SEED)
    f["problems"] = problems + f["problems"]
    f["summary_x"], f["all_x"] = f["ref_all_s"] / f["summary_s"], f["slide_ref1_s"] / f["all_s"]
    f["slide_ref_s"] = DATES * f["slide_ref1_s"]
    f["slide_x"] = f["slide_ref_s"] / f["slide_s"]
    if not (batch := work / "batch.jsonl").exists():  # from SQLite: the same log everywhere
        _write_batch(url, batch, args.batch, SEED)
    off, upkept = copies()
    f["ingest_off_s"] = _run("ingest", off, on, batch, "off")["s"]
    f["ingest_on_s"] = _run("ingest", upkept, on, batch, "on")["s"]
    f["ingest_x"] = f["ingest_on_s"] / f["ingest_off_s"]
    return f


def _report(args: argparse.Namespace, columns: dict[str, Figures], load: float) -> None:
    first = columns["SQLite"]
    print("caselog read models beside the reference replay (benchmarks/projections.py)")
    print(f"log:     {first['children']:,} children, {first['events']:,} events; on {args.on}")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, ", end="")
    print(f"SQLite {sqlite3.sqlite_version}; load {load:.1f}, {os.getloadavg()[0]:.1f} at the end")
    if "PostgreSQL" in columns:
        print(f"copied to PostgreSQL in {columns['PostgreSQL']['load_s']:.1f} s")
    print(f"\n{'':<50}" + "".join(f"{name:>14}" for name in columns))
    cases = min(args.cases, first["children"])
    names = {"on": args.on, "batch": f"{args.batch:,}", "cases": cases}
    names["ref_cases"] = max(1, cases // 10)
    for label, key, kind in ROWS:
        cells = "".join(f"{_cell(f.get(key), kind):>14}" for f in columns.values())
        print(f"{label.format(**names):<50}{cells}".rstrip())
    print("\nreference: reference=True (replay and judge the log); each step a fresh")
    print("process, pyarrow loaded before the clock starts; peak MB: its ru_maxrss")
    if problems := [f"{name}: {p}" for name, f in columns.items() for p in f["problems"]]:
        print("identical: NO, the read models differ from the reference:")
        for problem in problems:
            print(textwrap.fill(problem, 79, initial_indent="  ", subsequent_indent="      "))
        sys.exit(1)
    print("identical: yes (3, 6's first date and 7's reference cases, case() too)")


def _cell(value: object, kind: str) -> str:
    if value is None or not kind or isinstance(value, str):
        return str(value or "")
    assert isinstance(value, int | float)  # noqa: S101
    formats = {"s": f"{value:.2f}", "ms": f"{value:.2f}", "n": f"{value:,.0f}"}
    return formats.get(kind, f"{value:.1f}x")


def _run(name: str, url: str, on: str, *extra: object) -> Figures:
    """Run one step in a fresh Python process; return what it measured."""
    _say(" ".join([name, *map(str, extra), "on", url]))
    argv = [sys.executable, __file__, "--job", name, url, on, *map(str, extra)]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"step {name} on {url} failed:\n{done.stderr}")
    figures: Figures = json.loads(done.stdout.splitlines()[-1])
    return figures


def _job(name: str, url: str, on: str, *extra: str) -> Figures:
    # Read models that cannot answer would answer by the replay: that must fail the run.
    warnings.simplefilter("error", ReferenceNotice)
    importlib.import_module("pyarrow").Table.from_pylist([{"w": 1}])  # lazy imports, untimed
    steps: list[Callable[..., Figures]] = [_rebuild, _findings, _queries, _ingest]
    step = next(step for step in steps if step.__name__ == f"_{name}")
    with open_log(url, actor="bench") as log:
        return step(log, date.fromisoformat(on), *extra)


def _rebuild(log: CaseLog, _on: date) -> Figures:
    seconds, _ = _timed(log.read_models.rebuild)
    events = log.store.count()
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"s": seconds, "eps": events / seconds, "mb": _peak(), "workers_mb": workers}


def _warm_up(log: CaseLog, on: date, child: str) -> None:
    """Load what a long-lived process loads once (ADBC's driver, Arrow's kernels), untimed."""
    log.obligations(on=on, known_at=on, case_id=child).to_arrow()
    log.obligations(on=on, known_at=on, rule="R01").to_arrow()


def _findings(log: CaseLog, on: date, mode: str, out: str) -> Figures:
    if mode != "ref":
        _warm_up(log, on, log.store.streams("child:")[0].removeprefix("child:"))
    started = time.perf_counter()
    found = log.obligations(on=on, known_at=on, status=FINDINGS, reference=mode == "ref")
    table = found.to_arrow()
    seconds, peak = time.perf_counter() - started, _peak()
    Path(out).write_bytes(orjson.dumps(found.records()))
    return {"s": seconds, "rows": table.num_rows, "mb": peak}


def _queries(log: CaseLog, on: date, cases: str, seed: str) -> Figures:
    """Sections 4 to 7 from the read models, and the reference where it is the baseline."""
    children = [name.removeprefix("child:") for name in log.store.streams("child:")]
    chosen = random.Random(int(seed)).sample(children, min(int(cases), len(children)))
    _warm_up(log, on, chosen[0])
    f: Figures = {"children": len(children)}
    f["summary_s"], groups = _timed(partial(log.summary, on=on, known_at=on))
    f["all_s"], found = _timed(partial(_as_arrow, log, on))
    f["groups"], f["all_rows"] = len(groups), len(found)
    slid = [_months_back(on, 3 * k) for k in range(DATES)]
    f["slide_s"] = sum(_timed(partial(_as_arrow, log, day))[0] for day in slid)
    f["ref_all_s"], ref = _timed(partial(log.obligations, on=on, known_at=on, reference=True))
    f["slide_ref1_s"] = f["ref_all_s"] + _timed(ref.to_arrow)[0]  # slid[0] is `on`
    problems = _diff(found.records(), ref.records(), f"all obligations on {on}")
    now = datetime.now(UTC)
    obl, case = partial(log.obligations, on=on, known_at=now), partial(log.case, on=on)
    ms: dict[str, list[float]] = {"case_obl": [], "case": [], "ref_obl": [], "ref_case": []}
    for i, child in enumerate(chosen):
        seconds, mine = _timed(partial(obl, case_id=child))
        ms["case_obl"].append(seconds * 1000)
        seconds, my_case = _timed(partial(case, child, known_at=now))
        ms["case"].append(seconds * 1000)
        if i >= max(1, len(chosen) // 10):
            continue
        seconds, theirs = _timed(partial(obl, case_id=child, reference=True))
        ms["ref_obl"].append(seconds * 1000)
        problems += _diff(mine.records(), theirs.records(), f"obligations of {child}")
        seconds, their_case = _timed(partial(case, child, known_at=now, reference=True))
        ms["ref_case"].append(seconds * 1000)
        ours, reference = my_case.model_dump(mode="json"), their_case.model_dump(mode="json")
        if differ := sorted(k for k in ours if ours[k] != reference[k]):
            problems.append(f"case({child}): {', '.join(differ)} differ")
    f["cases_s"], listed = _timed(partial(log.cases, on=on, known_at=on))
    f["cases_frame_s"] = f["cases_s"] + _timed(listed.to_arrow)[0]
    f["ref_cases_s"], replayed = _timed(partial(log.cases, on=on, known_at=on, reference=True))
    f["ref_cases_s"] += _timed(replayed.to_arrow)[0]
    f["cases_x"] = f["ref_cases_s"] / f["cases_frame_s"]
    if listed.to_arrow() != replayed.to_arrow():
        problems.append(f"cases() on {on} differ from the reference")
    f |= {f"{k}_p{q}": _q(ms[k], q / 100) for k in ("case_obl", "case") for q in (50, 95)}
    f |= {f"{k}_p95": _q(ms[k], 0.95) for k in ("ref_obl", "ref_case")}
    return f | {"problems": problems}


def _ingest(log: CaseLog, on: date, batch: str, upkeep: str) -> Figures:
    log.upkeep = upkeep == "on"
    if log.upkeep and (reason := log.read_models.why_not(on)):
        sys.exit(f"the read models are not current: {reason}")
    seconds, result = _timed(partial(log.ingest, Path(batch)))
    return {"s": seconds, "written": result.written}


def _as_arrow(log: CaseLog, day: date) -> Any:  # noqa: ANN401
    found = log.obligations(on=day, known_at=day)
    found.to_arrow()
    return found


def _diff(ours: list[dict[str, Any]], theirs: list[dict[str, Any]], what: str) -> list[str]:
    """How the read models' rows differ from the reference's (nothing when identical)."""
    if ours == theirs:
        return []
    parts = ("case_id", "rule_id", "trigger_event_id", "part", "period")
    mine = {"/".join(str(r[p]) for p in parts): r for r in ours}
    ref = {"/".join(str(r[p]) for p in parts): r for r in theirs}
    changed = sorted(k for k in mine.keys() & ref.keys() if mine[k] != ref[k])
    head = f"{what}: {len(ours):,} rows from the read models, {len(theirs):,} from the "
    head += f"reference; {len(mine.keys() - ref.keys())} only in the read models, "
    found = [f"{head}{len(ref.keys() - mine.keys())} only in the reference, {len(changed)} differ"]
    found += [f"read models only: {k} {mine[k]['status']}" for k in sorted(mine - ref.keys())[:3]]
    found += [f"reference only: {k} {ref[k]['status']}" for k in sorted(ref - mine.keys())[:3]]
    for k in changed[:5]:
        fields = [f"{n}={v!r} (ref {ref[k][n]!r})" for n, v in mine[k].items() if v != ref[k][n]]
        found.append(f"{k}: " + "; ".join(fields))
    if len(found) == 1:
        found.append("the same rows in another order (or repeated)")
    return found


def _timed(call: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def _q(values: list[float], q: float) -> float:
    """The q-quantile by the nearest rank."""
    return sorted(values)[round(q * (len(values) - 1))]


def _peak() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _months_back(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _say(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def _demo(db: Path, children: int) -> None:
    """A demo municipality, built by the command line (`caselog demo`)."""
    _say(f"caselog demo --children {children}")
    cli = ["-c", "from caselog.cli import main; main()", "demo", "--children", str(children)]
    done = subprocess.run(
        [sys.executable, *cli, "--db", f"sqlite:///{db}"], capture_output=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"caselog demo failed:\n{done.stderr.decode()}")


def _copies(source: Path, *targets: Path) -> tuple[str, ...]:
    """Consistent copies of an SQLite log (its WAL included)."""
    for target in targets:
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
    return tuple(f"sqlite:///{target}" for target in targets)


def _floor(db: Path | str, schema: str | None) -> tuple[float, int]:
    """Seconds to read and parse every stored payload (no validation, no replay)."""
    started, rows = time.perf_counter(), 0
    if schema is None:
        with closing(sqlite3.connect(db)) as connection:
            for (state,) in connection.execute("SELECT state FROM caselog_events"):
                orjson.loads(state)
                rows += 1
        return time.perf_counter() - started, rows
    import psycopg  # noqa: PLC0415 - only with --postgres
    from psycopg import sql  # noqa: PLC0415

    query = sql.SQL("SELECT state FROM {}.caselog_events")
    with psycopg.connect(str(db)) as conn, conn.cursor(name="floor") as cursor:
        cursor.itersize = 5000
        cursor.execute(query.format(sql.Identifier(schema)))
        for (state,) in cursor:
            orjson.loads(state)
            rows += 1
    return time.perf_counter() - started, rows


def _write_batch(url: str, out: Path, size: int, seed: int) -> None:
    """`size` new follow-ups (visits, private talks) for children not purged, after the log."""
    with open_log(url, actor="bench") as log:
        names = log.store.streams("child:")
        sample = random.Random(seed).sample(names, min(len(names), size))
        records = log.store.read_streams(sample)
        purged = {r.stream for r in records if r.event.type == "records_purged"}
        alive = [name.removeprefix("child:") for name in sample if name not in purged]
        last = log.store.last_recorded_at()
    if not alive or last is None:
        sys.exit("no case file left to write new events for")
    alive = alive[: max(1, size // 2)]
    with out.open("wb") as lines:
        for i in range(size):
            day = (last + timedelta(days=1 + i % 90)).date().isoformat()
            event = {"event_id": f"bench-{seed}-{i}", "occurred_on": day, "actor": "sw-bench"}
            event |= {"child_id": alive[i % len(alive)], "type": "private_talk_held"}
            if i // len(alive) % 2:
                event |= {"type": "visit_made", "place": "placement_home"}
            lines.write(orjson.dumps(event) + b"\n")


def _postgres(args: argparse.Namespace, work: Path, db: Path) -> Figures:
    """The same figures on PostgreSQL, on copies of the log in two fresh schemas."""
    import psycopg  # noqa: PLC0415 - only with --postgres
    from psycopg import sql  # noqa: PLC0415

    schemas = [f"caselog_bench_{os.getpid()}_{n}" for n in ("main", "copy")]
    main_url, copy_url = (_with_schema(args.postgres, s) for s in schemas)
    server = _with_schema(args.postgres, None)
    try:
        started, export = time.perf_counter(), work / "export.jsonl"
        _say(f"copying the log to PostgreSQL, schemas {', '.join(schemas)}")
        with open_log(f"sqlite:///{db}", actor="bench") as log:
            log.export(export, personal=True)  # names and numbers too, sealed again below
        # PostgreSQL has no key store of its own: the steps' processes inherit this one.
        os.environ["CASELOG_KEY_STORE"] = str(work / "postgres.keys")
        for url in (main_url, copy_url):
            with open_log(url, actor="bench") as log:
                log.upkeep = False  # the rebuild step makes the read models
                log.ingest(export, historical=True)
        load_s, floor = time.perf_counter() - started, partial(_floor, server, schemas[0])
        figures = _figures(main_url, args, work, floor=floor, copies=lambda: (copy_url, main_url))
        return figures | {"load_s": load_s}
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            for schema in schemas:
                drop = sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE")
                conn.execute(drop.format(sql.Identifier(schema)))


def _with_schema(url: str, schema: str | None) -> str:
    """`url` in `schema`; without one, as libpq takes it (no driver name, no schema)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "schema"]
    if schema is None:
        return urlunsplit(parts._replace(scheme="postgresql", query=urlencode(query)))
    return urlunsplit(parts._replace(query=urlencode([*query, ("schema", schema)])))


if __name__ == "__main__":
    main()
