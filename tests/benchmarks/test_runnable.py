"""The benchmarks stay runnable: a tiny run of each finishes and prints its table.

Timings are never asserted here (they belong to the benchmark's own output).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).parents[2] / "benchmarks"


def run(script: str, *args: str) -> str:
    """Run a benchmark script and return what it printed."""
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_ingest_benchmark_runs() -> None:
    """A 2,000-event ingest benchmark prints the three ingests and the ratios."""
    printed = run("ingest.py", "--events", "2000", "--lookups", "20")
    assert "(a) caselog" in printed
    assert "a/b = " in printed


def test_the_compliance_benchmark_runs() -> None:
    """A 20-child compliance benchmark prints the floor and the public call."""
    printed = run("compliance.py", "--children", "20")
    assert "obligations(), this checkout" in printed
    assert "raw read floor" in printed


def test_the_projections_benchmark_runs() -> None:
    """A 30-child projections benchmark prints every section and identical answers."""
    printed = run("projections.py", "--children", "30", "--cases", "10", "--batch", "100")
    for section in (
        "1 raw read floor",
        "2 rebuild()",
        "3 findings on 2026-06-30",
        "4 rule x status summary",
        "5 all obligations as Arrow",
        "6 20 dates",
        "7 one case",
        "8 cases() on 2026-06-30",
        "9 ingest 100 new events",
    ):
        assert section in printed
    assert "identical: yes" in printed
