"""A log written by an earlier caselog reads back unchanged (STYLE.md G2, RULES.md §4.28).

`tests/fixtures/log-v0.1.sql` is a `sqlite3 .dump` of a small demo log (12 children, seed
7) made before the §4.28 vocabulary additions (`DecidedBy.court`, `PlacementEnded.reason`,
`PlacementStarted.home_municipality_code`, `EndOfCareRequested.placement_id`, matters'
`child_ids`); `log-v0.1.case-states.json` holds the case states that code folded from it.
Optional fields added later must not change what old bytes mean, nor how they compare.

Such a log has no access log, and every read must be recorded (loggkontroll): it is read
once `caselog upgrade` has made one (and chained it), which leaves the old bytes as they
are.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import orjson
import pytest

import caselog
from caselog.api.integrity import verify
from caselog.api.read_model import ReferenceNotice
from caselog.errors import NeedsUpgradeError
from caselog.interchange import to_line
from caselog.storage import open_store
from caselog.storage.mapping import canonical_payload, decode

if TYPE_CHECKING:
    from caselog.api import CaseLog
    from caselog.events import Event

FIXTURES: Final = Path(__file__).parent.parent / "fixtures"
DATES: Final = (date(2016, 6, 30), date(2020, 12, 31), date(2026, 6, 30))


@pytest.fixture(scope="module")
def old_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture dump loaded into a SQLite file, as an old caselog left it."""
    path = tmp_path_factory.mktemp("old") / "old.db"
    with sqlite3.connect(path) as connection:
        connection.executescript((FIXTURES / "log-v0.1.sql").read_text(encoding="utf-8"))
    return path


@pytest.fixture(scope="module")
def upgraded(old_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the old log after `caselog upgrade`: chained, with an access log."""
    path = tmp_path_factory.mktemp("upgraded") / "old.db"
    shutil.copy(old_db, path)
    store = open_store(f"sqlite:///{path}", create=False)
    try:
        store.upgrade()
    finally:
        store.close()
    return path


def _open(path: Path) -> CaseLog:
    return caselog.open(f"sqlite:///{path}", actor="reader")


def _stored_events(path: Path) -> list[Event]:
    """The events of a log file, decoded from its rows in log order, without caselog."""
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT topic, state FROM caselog_events ORDER BY rowid")
        return [decode(topic, state) for topic, state in rows.fetchall()]


def test_every_stored_payload_is_still_canonical(old_db: Path) -> None:
    """Each stored row decodes, and re-encodes to exactly the bytes stored (D6)."""
    with sqlite3.connect(old_db) as connection:
        rows = connection.execute("SELECT topic, state FROM caselog_events").fetchall()
    assert len(rows) > 500
    for topic, state in rows:
        assert canonical_payload(decode(topic, state)) == state, topic


def test_an_old_log_is_not_read_before_it_has_an_access_log(old_db: Path, tmp_path: Path) -> None:
    """A read of a log made before the access log is refused, and leaves its content as it was."""
    copy = tmp_path / "copy.db"
    shutil.copy(old_db, copy)
    with _open(copy) as log:
        for read in (
            lambda: log.case("c-1", on=DATES[0]),
            lambda: list(log.events()),
            lambda: log.obligations(on=DATES[0]),
        ):
            with pytest.raises(
                NeedsUpgradeError, match=r"before the access log .* `caselog upgrade`"
            ):
                read()
    with sqlite3.connect(copy) as after, sqlite3.connect(old_db) as before:
        assert list(after.iterdump()) == list(before.iterdump())


def _states_as_now() -> dict[str, Any]:
    """The old code's case states, with the one change made to the state since.

    Issue 13: an investigation extension keeps only whether reasons were given
    (`reasons_given`), never their text (personal data), in a case state.
    """
    states: dict[str, Any] = orjson.loads((FIXTURES / "log-v0.1.case-states.json").read_bytes())
    changed = 0
    for state in states.values():
        for investigation in state["investigations"]:
            for extension in investigation["extensions"]:
                extension["reasons_given"] = extension.pop("reasons") is not None
                changed += 1
    assert changed, "the fixture holds extensions: the change is exercised"
    return states


def test_case_states_are_those_the_old_code_folded(upgraded: Path) -> None:
    """Every child's state on three dates equals the snapshot the old code wrote.

    (`known_at` is left out: both were asked "as known now", at different moments.)
    """
    expected = _states_as_now()
    for state in expected.values():
        del state["known_at"]
    with _open(upgraded) as log, pytest.warns(ReferenceNotice, match="no read models for this log"):
        found = {
            key: log.case(key.partition("@")[0], on=date.fromisoformat(key.partition("@")[2]))
            for key in expected
        }
    assert {
        key: state.model_dump(mode="json", exclude={"known_at"}) for key, state in found.items()
    } == expected


def test_read_models_built_from_old_bytes_answer_the_same(upgraded: Path, tmp_path: Path) -> None:
    """`caselog rebuild` on an old log: its read models give the states the old code folded."""
    copy = tmp_path / "old.db"
    shutil.copy(upgraded, copy)
    expected = _states_as_now()
    with _open(copy) as log:
        assert log.read_models.rebuild() > 0
        for key, state in expected.items():
            case_id, _, day = key.partition("@")
            found = log.case(case_id, on=date.fromisoformat(day))
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

    The upgrade links what is there without changing it and makes the access log;
    afterwards the log verifies, and idempotency still recognises every old event byte for
    byte: nothing new is written.
    """
    copy = tmp_path / "copy.db"
    copy.write_bytes(old_db.read_bytes())
    events = _stored_events(copy)
    with _open(copy) as log:
        with pytest.raises(
            NeedsUpgradeError, match=r"before the hash chain: run `caselog upgrade`"
        ):
            log.ingest(events)
        position, head = log.store.upgrade()
        assert position == len(events)
        found = verify(log.store)
        assert (found.ok, found.position, found.head) == (True, position, head)
        assert found.access is not None
        assert (found.access.ok, found.access.events) == (True, 0)
        assert [record.event for record in log.events()] == events
        result = log.ingest(events)
        assert (result.written, result.already_stored) == (0, len(events))


def test_old_bytes_and_new_bytes_give_the_same_answers(upgraded: Path, tmp_path: Path) -> None:
    """The old log and the same facts written today give the same obligations and states."""
    with _open(upgraded) as old:
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
