"""Profile `CaseLog.ingest` of a JSON Lines file with cProfile (where the time goes).

    .venv/bin/python benchmarks/profile_ingest.py EVENTS.jsonl [--top 30] [--lines N]

`--lines N` takes the first N lines (a prefix of a demo file is structurally whole).
Keep a file from `benchmarks/ingest.py --keep --workdir DIR` to profile its input. The
database and the ingest spool go to a temporary directory, removed at the end.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

from caselog.api.log import open_log


def main() -> None:
    """Ingest the file under cProfile and print the top functions two ways."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--lines", type=int, help="ingest only the first N lines")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="caselog-profile-") as workdir:
        os.environ["TMPDIR"] = workdir
        tempfile.tempdir = workdir  # the ingest spool
        source = args.source
        if args.lines is not None:
            source = Path(workdir) / "input.jsonl"
            with args.source.open("rb") as whole, source.open("wb") as part:
                part.writelines(islice(whole, args.lines))
        log = open_log(f"sqlite:///{workdir}/profile.db", actor="bench")
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        result = log.ingest(source)
        profiler.disable()
        seconds = time.perf_counter() - started
        log.close()
    print(
        f"{result.written:,} events in {seconds:.1f} s under cProfile "
        f"({result.written / seconds:,.0f} events/s; cProfile roughly doubles the time)",
        file=sys.stderr,
    )
    stats = pstats.Stats(profiler)
    stats.strip_dirs().sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
