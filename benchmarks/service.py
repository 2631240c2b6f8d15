"""Throughput and latency of `caselog serve` beside `caselog ingest` of the same events.

    .venv/bin/python benchmarks/service.py [--children 200] [--writers 4] [--seconds 30]
        [--batch 1] [--db postgresql://…] [--workdir DIR] [--keep]

1. Generates the demo municipality (`--children`) as JSON Lines, in registration order.
2. Baseline: `caselog ingest FILE` in a fresh process into a fresh log: events/s of the
   batch path (one transaction, read models caught up once at the end, as the command does).
3. The service: `caselog serve` on a free loopback port over another fresh log; `--writers`
   threads post the events, split by stream (each stream's events in order), `--batch`
   events per request (1: a live integration posting each event as it is registered), for
   at most `--seconds`. A 409 or 503 is posted again (`event_id` makes that safe).
4. Times a read after the last write (it waits for the read models to be caught up, as
   `caselog ingest` builds them before it ends), checks that the log holds exactly the
   acknowledged events, each once, and that both hash chains verify; prints events/s and
   p50/p95/max latency per request beside (2).

SQLite by default (files in a fresh work directory, removed at the end unless `--keep`);
`--db` names a PostgreSQL database in which schemas `bench_service_*` are made afresh for
the run and dropped at the end. Progress goes to stderr, the report to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import psycopg
from psycopg import sql

from caselog.api import open_log
from caselog.api.integrity import verify
from caselog.demo import DemoConfig, generate
from caselog.interchange import to_line
from caselog.service import Role, TokenFile
from caselog.service.load import Writer, shares

CASELOG = Path(sys.executable).parent / "caselog"


def say(message: str) -> None:
    """A progress line on stderr."""
    print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def post(url: str, token: str, writer: Writer, batch: int, until: float) -> None:
    """Post the writer's events, `batch` per request, until they or the time run out."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"}
    with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
        for start in range(0, len(writer.lines), batch):
            if time.monotonic() > until:
                return
            chunk = writer.lines[start : start + batch]
            body = ("\n".join(chunk) + "\n").encode()
            while True:
                started = time.perf_counter()
                response = client.post("/events", content=body)
                if response.status_code not in {409, 503}:
                    break
                writer.retries += 1
            writer.latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                msg = f"POST /events: {response.status_code} {response.text[:500]}"
                raise RuntimeError(msg)
            writer.acknowledged.extend(json.loads(line)["event_id"] for line in chunk)


def free_port() -> int:
    """A TCP port free on the loopback interface now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def serve(db: str, tokens: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start `caselog serve` and wait until `/health` answers."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [CASELOG, "serve", "--db", db, "--port", str(port), "--tokens", str(tokens)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{url}/health").status_code == 200:
                return process, url
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    msg = f"caselog serve did not start: {log.read_text()}"
    raise RuntimeError(msg)


def drop_schemas(postgres: str) -> None:
    """Drop the run's PostgreSQL schemas."""
    with psycopg.connect(postgres, autocommit=True) as conn:
        for name in ("ingest", "served"):
            schema = sql.Identifier(f"bench_service_{name}")
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(schema))


def fresh_db(workdir: Path, name: str, postgres: str | None) -> str:
    """A fresh log's URL: an SQLite file, or a new schema of the PostgreSQL database."""
    if postgres is None:
        return f"sqlite:///{workdir / name}.db"
    schema = f"bench_service_{name}"
    with psycopg.connect(postgres, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    return f"{postgres}?schema={schema}"


def baseline(source: Path, db: str) -> float:
    """`caselog ingest FILE`, timed in a fresh process: seconds."""
    started = time.perf_counter()
    subprocess.run(
        [CASELOG, "ingest", source, "--db", db],
        check=True,
        capture_output=True,
        env={**os.environ, "CASELOG_ACTOR": "bench"},
    )
    return time.perf_counter() - started


def drive(
    url: str, tokens: TokenFile, token: str, lines: list[str], args: argparse.Namespace
) -> tuple[list[Writer], float, float]:
    """The writers' run: what each saw, its seconds, and the seconds until a read answers.

    The read after the last write waits for the read models to be caught up (the keeper's
    work, or the read's own), so that the service's figure can stand beside
    `caselog ingest`, which builds them before it ends.
    """
    writers = shares(lines, args.writers)
    started = time.monotonic()
    threads = [
        threading.Thread(target=post, args=(url, token, w, args.batch, started + args.seconds))
        for w in writers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    reader = tokens.add("bench-reader", Role.READER)
    httpx.get(f"{url}/stats", headers={"Authorization": f"Bearer {reader}"}, timeout=600)
    return writers, elapsed, time.monotonic() - started


def main() -> None:
    """Run the benchmark; print the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=200)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--db", help="a PostgreSQL URL (default: SQLite files)")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="caselog-service-", dir=args.workdir))
    if args.db:  # the service's keys must be reachable from both processes
        os.environ.setdefault("CASELOG_KEY_STORE", str(workdir / "keys"))

    source = workdir / "events.jsonl"
    lines = [to_line(e) for b in generate(DemoConfig(children=args.children)) for e in b.events]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    say(f"{len(lines):,} events of {args.children} children in {source}")

    say("baseline: caselog ingest")
    ingest_seconds = baseline(source, fresh_db(workdir, "ingest", args.db))

    tokens = TokenFile(workdir / "tokens")
    token = tokens.add("bench", Role.WRITER)  # before the service starts: it needs the file
    db = fresh_db(workdir, "served", args.db)
    process, url = serve(db, tokens.path, workdir / "serve.log")
    say(f"service: {args.writers} writers, {args.batch} event(s) per request, ≤ {args.seconds} s")
    writers, elapsed, current = drive(url, tokens, token, lines, args)
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=120)

    acknowledged = [e for w in writers for e in w.acknowledged]
    with open_log(db, actor="bench") as log:
        stored = Counter(r.event.event_id for r in log.events())
        chains = verify(log.store)
    lost = sum((Counter(acknowledged) - stored).values())
    extra = sum((stored - Counter(acknowledged)).values())
    latencies = sorted(t * 1000 for w in writers for t in w.latencies)
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    load = os.getloadavg()[0]
    print(f"caselog serve benchmark ({'PostgreSQL' if args.db else 'SQLite'}, load {load:.1f})")
    print(f"  events: {len(lines):,} generated, {len(acknowledged):,} posted in {elapsed:.1f} s")
    print(
        f"  service: {len(acknowledged) / elapsed:,.0f} events/s by {args.writers} writers, "
        f"{args.batch} per request; latency p50 {cuts[49]:.0f} ms, p95 {cuts[94]:.0f} ms, "
        f"max {latencies[-1]:.0f} ms; {sum(w.retries for w in writers)} retries"
    )
    print(
        f"  with the read models caught up: {current:.1f} s, "
        f"{len(acknowledged) / current:,.0f} events/s"
    )
    print(
        f"  caselog ingest of all {len(lines):,}: {ingest_seconds:.1f} s, "
        f"{len(lines) / ingest_seconds:,.0f} events/s (one batch, read models built once)"
    )
    print(
        f"  lost {lost}, duplicated {sum(n - 1 for n in stored.values() if n > 1)}, "
        f"unacknowledged {extra}; chains {'verify' if chains.ok else 'BROKEN'}"
    )
    if args.db:
        drop_schemas(args.db)
    if not args.keep:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
