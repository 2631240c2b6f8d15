"""Eight processes ingest overlapping and disjoint files into one log (issue 11).

The children of a small demo are split into eight groups; file k holds the whole case
files of groups k and k+1, so every event is in exactly two files. Eight real processes
ingest them at once into one SQLite file and into one PostgreSQL schema. Asserted: every
process ends with exit 0 or a typed caselog error (never a traceback); every event is
stored exactly once (a second ingest of all files stores nothing); `recorded_at` never
decreases along the log; the hash chain verifies.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from typing import TYPE_CHECKING, Final

import pytest

from caselog.api import open_log
from caselog.api.integrity import verify
from caselog.demo import DemoConfig, generate
from caselog.interchange import to_line

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.slow

WORKERS: Final = 8
CONFIG: Final = DemoConfig(seed=13, children=48, start=date(2022, 1, 1))
INGEST: Final = (
    "import sys; from pathlib import Path; from caselog.api import open_log\n"
    "from caselog.errors import CaselogError\n"
    "try:\n"
    "    with open_log(sys.argv[1], actor=f'w{sys.argv[3]}') as log:\n"
    "        log.upkeep = False\n"
    "        print(log.ingest(Path(sys.argv[2])).written)\n"
    "except CaselogError as error:\n"
    "    print(type(error).__name__, file=sys.stderr)\n"
    "    sys.exit(1)\n"
)


def _files(folder: Path) -> tuple[list[Path], int]:
    """Eight files of whole child case files, each child in two; how many events in all."""
    streams: dict[str, list[str]] = {}
    for batch in generate(CONFIG):
        for event in batch.events:
            if event.stream.startswith("child:"):
                streams.setdefault(event.stream, []).append(to_line(event))
    names = sorted(streams)
    groups = [names[k::WORKERS] for k in range(WORKERS)]
    paths = []
    for k in range(WORKERS):
        lines = [line for g in (k, (k + 1) % WORKERS) for s in groups[g] for line in streams[s]]
        path = folder / f"part-{k}.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths, sum(len(lines) for lines in streams.values())


@pytest.fixture(params=["sqlite-file", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """One log the processes share."""
    if request.param == "sqlite-file":
        return f"sqlite:///{tmp_path / 'shared.db'}"
    return str(request.getfixturevalue("postgres_url"))


def test_overlapping_files_are_stored_exactly_once(url: str, tmp_path: Path) -> None:
    """Eight at once: each event once, time never back, the chain whole, errors typed."""
    paths, total = _files(tmp_path)
    with open_log(url, actor="setup") as log:  # the log exists before the race
        log.store.append([], clock=log.clock, ingested_by="setup")
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", INGEST, url, str(path), str(k)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k, path in enumerate(paths)
    ]
    done = [(p.wait(timeout=300), *p.communicate()) for p in processes]
    for code, _, err in done:
        assert code == 0 or (code == 1 and err.strip().endswith("Error")), err
    with open_log(url, actor="checker") as log:
        for path in paths:  # whatever a loser did not store, a retry does, once
            log.ingest(path)
        assert log.store.count() == total
        assert sum(log.ingest(path).written for path in paths) == 0
        stamps = [r.recorded_at for r in log.events()]
        assert stamps == sorted(stamps)
        assert len({r.event.event_id for r in log.events()}) == total
        found = verify(log.store)
        assert (found.ok, found.events) == (True, total), found.problem
