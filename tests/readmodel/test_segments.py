"""The columnar segments answer a whole municipality exactly as the replay, at every stage.

A small demo municipality is recorded in two parts: the first years, then a rebuild (all
rows in segments), then the last months day by day with upkeep on, so that streams go
dirty, are merged into answers from the row table, and are compacted into segments that
split. Segments and dirty rows are made tiny so that all of that happens often. At each
stage the whole municipality's obligations (all, findings), the rule × status summary
and the case listing equal the reference replay's, at dates early and late, known then
and known now.

And a log that only reads names the texts (citations, sentences) another log's catch-up
wrote after it first read them.
"""

from __future__ import annotations

import sqlite3
import warnings
from collections import Counter
from contextlib import closing
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Final

import pytest

from caselog.api import CaseLog, ManualClock, open_log
from caselog.api.read_model import ReferenceNotice
from caselog.demo import DemoConfig, generate
from caselog.rules.model import FINDINGS
from caselog.storage import read_model_segments

from .test_kill import by_day

if TYPE_CHECKING:
    from pathlib import Path

CONFIG: Final = DemoConfig(seed=7, children=30)
SPLIT: Final = date(2025, 9, 1)
"""Days before it are recorded before the rebuild; the rest with upkeep on."""
QUESTIONS: Final = (
    (date(2021, 3, 1), date(2021, 3, 1)),
    (date(2024, 11, 25), None),
    (date(2025, 12, 31), date(2025, 12, 31)),
    (date(2026, 6, 30), None),
)


@pytest.fixture(autouse=True)
def tiny_segments(monkeypatch: pytest.MonkeyPatch) -> None:
    """Segments of about 60 rows; streams compacted once they hold 400."""
    monkeypatch.setattr(read_model_segments, "SEGMENT_ROWS", 60)
    monkeypatch.setattr(read_model_segments, "DIRTY_ROWS", 400)


def counts(path: Path) -> tuple[int, int]:
    """How many segments and dirty streams the log holds."""
    with closing(sqlite3.connect(path)) as conn:
        held = conn.execute("SELECT count(*) FROM caselog_rm_segments").fetchone()[0]
        dirty = conn.execute("SELECT count(*) FROM caselog_rm_dirty").fetchone()[0]
    return int(held), int(dirty)


def assert_as_replayed(log: CaseLog) -> None:
    """Every whole-municipality question gets the replay's answer, from the read models."""
    for on, known in QUESTIONS:
        asked = f"on={on}, known_at={known}"
        with warnings.catch_warnings():
            warnings.simplefilter("error", ReferenceNotice)
            every = log.obligations(on=on, known_at=known)
            findings = log.obligations(on=on, known_at=known, status=FINDINGS)
            summary = log.summary(on=on, known_at=known)
            listed = log.cases(on=on, known_at=known)
        replayed = log.obligations(on=on, known_at=known, reference=True)
        assert every.to_arrow().equals(replayed.to_arrow()), asked
        assert every.rows == replayed.rows, asked
        wanted = [o for o in replayed.rows if o.status in FINDINGS]
        assert findings.rows == tuple(wanted), asked
        assert summary == Counter((o.rule_id, o.status) for o in replayed.rows), asked
        listed_then = log.cases(on=on, known_at=known, reference=True)
        assert list(listed.items()) == list(listed_then.items()), asked


def test_segments_dirty_streams_and_compaction_answer_as_the_replay(tmp_path: Path) -> None:
    """Before, during and after upkeep, the segments answer as the replay does."""
    path = tmp_path / "log.db"
    days = list(by_day(generate(CONFIG)))
    clock = ManualClock(datetime(2000, 1, 1, tzinfo=UTC))
    with open_log(f"sqlite:///{path}", actor="test", clock=clock, create=True) as log:
        log.upkeep = False
        for registered_at, events in (d for d in days if d[0].date() < SPLIT):
            clock.set(registered_at)
            log.ingest(events)
        log.read_models.rebuild()
        segments, dirty = counts(path)
        assert segments > 3, "the rebuild splits its rows into many segments"
        assert dirty == 0, "a rebuild ends compacted"
        assert_as_replayed(log)
        log.upkeep = True
        seen_dirty = compacted = 0
        for registered_at, events in (d for d in days if d[0].date() >= SPLIT):
            clock.set(registered_at)
            log.ingest(events)
            now_segments, now_dirty = counts(path)
            seen_dirty += now_dirty > 0
            compacted += now_dirty < dirty
            dirty = now_dirty
            if now_dirty and seen_dirty % 10 == 1:
                assert_as_replayed(log)  # dirty rows merged into the segments' answers
        assert seen_dirty > 10, "the catch-ups left streams dirty"
        assert compacted > 0, "dirty streams were compacted"
        assert now_segments > segments, "compaction split segments"
        assert_as_replayed(log)


def texts(path: Path) -> int:
    """How many texts (citations, sentences) the read models hold."""
    with closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("SELECT count(*) FROM caselog_rm_texts").fetchone()[0])


def test_a_reader_names_the_texts_another_log_wrote(tmp_path: Path) -> None:
    """Texts written by another process's catch-up are read, not answered as missing."""
    path = tmp_path / "log.db"
    days = list(by_day(generate(CONFIG)))
    on = days[39][0].date()
    clock = ManualClock(datetime(2000, 1, 1, tzinfo=UTC))
    with open_log(f"sqlite:///{path}", actor="writer", clock=clock, create=True) as writer:
        for registered_at, events in days[:5]:
            clock.set(registered_at)
            writer.ingest(events)
        with open_log(f"sqlite:///{path}", actor="reader") as reader:
            assert len(reader.obligations(on=on)) > 0  # its texts are loaded now
            before = texts(path)
            for registered_at, events in days[5:40]:
                clock.set(registered_at)
                writer.ingest(events)
            assert texts(path) > before, "the writer's catch-ups wrote new texts"
            with warnings.catch_warnings():
                warnings.simplefilter("error", ReferenceNotice)
                answer = reader.obligations(on=on)
            assert answer.to_arrow().equals(reader.obligations(on=on, reference=True).to_arrow())
