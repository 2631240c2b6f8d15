"""A log written by an earlier caselog reads back unchanged (STYLE.md G2, RULES.md §4.28).

`tests/fixtures/log-v0.1.sql` is a `sqlite3 .dump` of a small demo log (12 children, seed
7) made before the §4.28 vocabulary additions (`DecidedBy.court`, `PlacementEnded.reason`,
`PlacementStarted.home_municipality_code`, `EndOfCareRequested.placement_id`, matters'
`child_ids`); `log-v0.1.case-states.json` holds the case states that code folded from it.
Optional fields added later must not change what old bytes mean, nor how they compare.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Final

import orjson
import pytest

import caselog
from caselog.api.integrity import verify
from caselog.api.read_model import ReferenceNotice
from caselog.errors import NeedsUpgradeError
from caselog.interchange import to_line
from caselog.storage.mapping import canonical_payload, decode

if TYPE_CHECKING:
    from caselog.api import CaseLog

FIXTURES: Final = Path(__file__).parent.parent / "fixtures"
DATES: Final = (date(2016, 6, 30), date(2020, 12, 31), date(2026, 6, 30))


@pytest.fixture(scope="module")
def old_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture dump loaded into a SQLite file, as an old caselog left it."""
    path = tmp_path_factory.mktemp("old") / "old.db"
    with sqlite3.connect(path) as connection:
        connection.executescript((FIXTURES / "log-v0.1.sql").read_text(encoding="utf-8"))
    return path


def _open(path: Path) -> CaseLog:
    return caselog.open(f"sqlite:///{path}", actor="reader")


def test_every_stored_payload_is_still_canonical(old_db: Path) -> None:
    """Each stored row decodes, and re-encodes to exactly the bytes stored (D6)."""
    with sqlite3.connect(old_db) as connection:
        rows = connection.execute("SELECT topic, state FROM caselog_events").fetchall()
    assert len(rows) > 500
    for topic, state in rows:
        assert canonical_payload(decode(topic, state)) == state, topic


def test_case_states_are_those_the_old_code_folded(old_db: Path) -> None:
    """Every child's state on three dates equals the snapshot the old code wrote.

    (`known_at` is left out: both were asked "as known now", at different moments.)
    """
    expected = orjson.loads((FIXTURES / "log-v0.1.case-states.json").read_bytes())
    for state in expected.values():
        del state["known_at"]
    with _open(old_db) as log, pytest.warns(ReferenceNotice, match="no read models for this log"):
        found = {
            key: log.case(key.partition("@")[0], on=date.fromisoformat(key.partition("@")[2]))
            for key in expected
        }
    assert {
        key: state.model_dump(mode="json", exclude={"known_at"}) for key, state in found.items()
    } == expected


def test_read_models_built_from_old_bytes_answer_the_same(old_db: Path, tmp_path: Path) -> None:
    """`caselog rebuild` on an old log: its read models give the states the old code folded."""
    copy = tmp_path / "old.db"
    shutil.copy(old_db, copy)
    expected = orjson.loads((FIXTURES / "log-v0.1.case-states.json").read_bytes())
    with _open(copy) as log:
        assert log.read_models.rebuild() > 0
        for key, state in expected.items():
            case_id, _, on = key.partition("@")
            found = log.case(case_id, on=date.fromisoformat(on))
            assert found.model_dump(mode="json", exclude={"known_at"}) == {
                k: v for k, v in state.items() if k != "known_at"
            }
        for on in DATES:
            assert [o.as_record() for o in log.obligations(on=on)] == [
                o.as_record() for o in log.obligations(on=on, reference=True)
            ]


def test_an_old_log_is_chained_by_upgrade_and_then_takes_writes(
    old_db: Path, tmp_path: Path
) -> None:
    """Writing to a log made before the hash chain is refused until `upgrade` chains it.

    The upgrade links what is there without changing it; afterwards the log verifies, and
    idempotency still recognises every old event byte for byte: nothing new is written.
    """
    copy = tmp_path / "copy.db"
    copy.write_bytes(old_db.read_bytes())
    with _open(copy) as log:
        events = [record.event for record in log.events()]
        with pytest.raises(
            NeedsUpgradeError, match=r"before the hash chain: run `caselog upgrade`"
        ):
            log.ingest(events)
        position, head = log.store.upgrade()
        assert position == len(events)
        found = verify(log.store)
        assert (found.ok, found.position, found.head) == (True, position, head)
        assert [record.event for record in log.events()] == events
        result = log.ingest(events)
        assert (result.written, result.already_stored) == (0, len(events))


def test_old_bytes_and_new_bytes_give_the_same_answers(old_db: Path, tmp_path: Path) -> None:
    """The old log and the same facts written today give the same obligations and states."""
    with _open(old_db) as old:
        records = list(old.events())
        lines = tmp_path / "events.jsonl"
        lines.write_text(
            "\n".join(to_line(r.event, registered_at=r.recorded_at) for r in records) + "\n",
            encoding="utf-8",
        )
        with _open(tmp_path / "new.db") as new:
            new.ingest(lines, historical=True)
            assert [(r.recorded_at, r.event) for r in new.events()] == [
                (r.recorded_at, r.event) for r in records
            ]
            for on in DATES:  # the new log's read models; the old log's replay (none built)
                with pytest.warns(ReferenceNotice, match="no read models for this log"):
                    replayed = list(old.obligations(on=on))
                assert list(new.obligations(on=on)) == replayed
