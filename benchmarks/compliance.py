"""Compliance throughput: obligations evaluated per second over the demo municipality.

Run: `.venv/bin/python benchmarks/compliance.py [--children 3000] [--on 2026-06-30]`.

The demo municipality is ingested once (a historical import keeps each batch's
registration time) into an SQLite file in a temporary directory; then, in the same run:

* **read**: every event read back from the log and decoded (`CaseLog.events()`), the
  baseline any evaluation has to pay;
* **evaluate**: all rules at one `on` over those events (`caselog.rules.evaluate`), timed
  apart from the read;
* **obligations()**: the public call, read + evaluate, as a user sees it.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

from caselog.api import open_log
from caselog.demo import DemoConfig, generate
from caselog.interchange import to_line
from caselog.rules.evaluate import evaluate

FAR = datetime(2100, 1, 1, tzinfo=UTC)


def main() -> None:
    """Build the demo log, then time reading it and judging it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=3000)
    parser.add_argument("--on", type=date.fromisoformat, default=date(2026, 6, 30))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="caselog-compliance-") as work:
        lines = Path(work) / "demo.jsonl"
        with lines.open("w", encoding="utf-8") as out:
            for batch in generate(DemoConfig(children=args.children)):
                for event in batch.events:
                    out.write(to_line(event, registered_at=batch.registered_at) + "\n")
        log = open_log(f"sqlite:///{work}/demo.db", actor="bench")
        started = time.perf_counter()
        written = log.ingest(lines, historical=True).written
        ingest_s = time.perf_counter() - started

        started = time.perf_counter()
        history = list(log.events())
        read_s = time.perf_counter() - started

        started = time.perf_counter()
        found = evaluate(history, on=args.on, known_at=FAR, settings=log.settings)
        evaluate_s = time.perf_counter() - started

        started = time.perf_counter()
        public = log.obligations(on=args.on)
        public_s = time.perf_counter() - started
        log.close()

    statuses = Counter(o.status.value for o in found)
    print(
        f"demo municipality: {args.children:,} children, {written:,} events "
        f"(ingested in {ingest_s:.1f} s), judged on {args.on}"
    )
    print(f"{'step':<28}{'seconds':>9}{'per second':>16}")
    print(f"{'read events from the log':<28}{read_s:>9.2f}{len(history) / read_s:>13,.0f} ev")
    print(f"{'evaluate all rules':<28}{evaluate_s:>9.2f}{len(found) / evaluate_s:>13,.0f} obl")
    print(f"{'obligations() (both)':<28}{public_s:>9.2f}{len(public) / public_s:>13,.0f} obl")
    print(
        f"{len(found):,} obligations: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(statuses.items()))
    )


if __name__ == "__main__":
    main()
