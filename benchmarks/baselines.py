"""The two baselines of the ingest benchmark (DESIGN.md D11), each run in a fresh process.

* `floor`: pydantic validation of every line plus raw `sqlite3` `executemany` into a table
  with the log's real columns and indexes (the same CREATE statements as the log's
  recorder), WAL mode as eventsourcing sets it, the whole file in one transaction.
* `eventsourcing`: the plain eventsourcing way: an `Application` on `eventsourcing.sqlite`,
  one generic `Stream` aggregate per stream, every event of a stream recorded on it and
  the aggregate saved once (one transaction per stream).

Usage (`benchmarks/ingest.py` runs these; they print one JSON line on stdout):

    python benchmarks/baselines.py floor DB INPUT.jsonl
    python benchmarks/baselines.py eventsourcing DB INPUT.jsonl STREAMS.pickle
"""

from __future__ import annotations

import json
import pickle
import resource
import sqlite3
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.sqlite import SQLiteDatastore

from caselog.events import event_adapter
from caselog.storage import canonical_payload, topic_of
from caselog.storage.sqlite import TABLE
from caselog.storage.sqlite_recorder import SQLiteLogRecorder

if TYPE_CHECKING:
    from collections.abc import Iterator

PROGRESS_EVERY = 100_000
RECORDED_AT = "2026-01-01T00:00:00.000000+00:00"


def peak_rss_mb() -> float:
    """The peak resident set size of this process so far, in MiB.

    Linux's VmHWM starts afresh at exec; ru_maxrss (the fallback elsewhere) carries the
    parent's peak over into a child process, which would hide a small step's own peak.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def say(step: str, started: float, done: int) -> None:
    """A progress line on stderr, so a long run shows life."""
    elapsed = time.perf_counter() - started
    print(f"  [{step}] {done:>10,} events  {elapsed:7.1f} s", file=sys.stderr, flush=True)


def report(events: int, started: float, cpu_started: float, rss_before: float) -> None:
    """Print the step's figures as the one JSON line the driver reads."""
    figures = {
        "events": events,
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu_started,
        "rss_start_mb": rss_before,
        "rss_peak_mb": peak_rss_mb(),
    }
    print(json.dumps(figures))


NO_HASH = bytes(32)


def log_table_statements() -> list[str]:
    """The log's own CREATE TABLE and UNIQUE INDEX statements, read from its recorder."""
    datastore = SQLiteDatastore(":memory:", originator_id_type="text")
    statements = SQLiteLogRecorder(datastore, "sqlite://").construct_create_table_statements()
    datastore.close()
    return statements


def floor(db: Path, source: Path) -> None:
    """Validate every line and insert it raw, in one transaction (the D11 floor)."""
    rss_before = peak_rss_mb()
    started, cpu_started = time.perf_counter(), time.process_time()
    versions: dict[str, int] = {}
    count = 0

    def rows() -> Iterator[tuple[str, int, str, bytes, str, str, str, bytes, int]]:
        nonlocal count
        with source.open("rb") as handle:
            for line in handle:
                parsed = event_adapter.validate_json(line)
                stream = parsed.stream
                version = versions[stream] = versions.get(stream, 0) + 1
                count += 1
                if count % PROGRESS_EVERY == 0:
                    say("floor", started, count)
                yield (
                    stream,
                    version,
                    topic_of(parsed),
                    canonical_payload(parsed),
                    parsed.event_id,
                    RECORDED_AT,
                    "bench",
                    NO_HASH,  # the floor does not chain: caselog's hashing is in its cost
                    0,
                )

    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    for statement in log_table_statements():
        connection.execute(statement)
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(f"INSERT INTO {TABLE} VALUES (?,?,?,?,?,?,?,?,?)", rows())
    connection.execute("COMMIT")
    connection.close()
    report(count, started, cpu_started, rss_before)


class Stream(Aggregate):
    """One stream of the log as a generic eventsourcing aggregate."""

    @staticmethod
    def create_id(name: str) -> UUID:
        """A stable UUID per stream name (eventsourcing ids are UUIDs)."""
        return uuid5(NAMESPACE_URL, name)

    @event("Opened")
    def __init__(self, name: str, payload: dict[str, Any]) -> None:
        """Open the stream with its first event's payload."""
        self.name = name
        self.first_type = payload["type"]

    @event("Recorded")
    def record(self, payload: dict[str, Any]) -> None:
        """Record one more event's payload (a plain dict of JSON types)."""
        self.last_type = payload["type"]


def plain_eventsourcing(db: Path, source: Path, index: Path) -> None:
    """Replay the events stream by stream: one aggregate and one `save()` per stream.

    The grouping (stream → byte offsets of its lines) was made with the input and is
    not timed; validation, the aggregates and the writes are.
    """
    with index.open("rb") as handle:
        streams = cast("dict[str, list[int]]", pickle.load(handle))  # noqa: S301
    rss_before = peak_rss_mb()
    started, cpu_started = time.perf_counter(), time.process_time()
    app: Application[UUID] = Application(
        env={
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(db),
            "IS_SNAPSHOTTING_ENABLED": "n",
        }
    )
    count = 0
    with source.open("rb") as handle:
        for name, offsets in streams.items():
            aggregate: Stream | None = None
            for offset in offsets:
                handle.seek(offset)
                payload = event_adapter.validate_json(handle.readline()).model_dump(mode="json")
                if aggregate is None:
                    aggregate = Stream(name=name, payload=payload)
                else:
                    aggregate.record(payload)
                count += 1
                if count % PROGRESS_EVERY == 0:
                    say("eventsourcing", started, count)
            app.save(aggregate)
    app.close()
    report(count, started, cpu_started, rss_before)


def main(argv: list[str]) -> None:
    """Run one baseline step, named by the first argument."""
    match argv:
        case ["floor", db, source]:
            floor(Path(db), Path(source))
        case ["eventsourcing", db, source, index]:
            plain_eventsourcing(Path(db), Path(source), Path(index))
        case _:
            sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
