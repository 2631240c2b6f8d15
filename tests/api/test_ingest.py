"""Ingest (D6): all or nothing, every problem named by line, field and reason."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest

from caselog.api import CaseLog, ManualClock, open_log
from caselog.errors import IngestRejectedError, Problem
from caselog.events.examples import example

if TYPE_CHECKING:
    from pathlib import Path


def line(tag: str, **changes: Any) -> str:  # noqa: ANN401 - JSON values
    """The example line of `tag` with some fields changed (None removes a field)."""
    data = {**example(tag), **changes}
    return json.dumps({k: v for k, v in data.items() if v is not None})


def report(event_id: str = "r1", **changes: Any) -> str:  # noqa: ANN401
    """A report of concern about child c-1001."""
    return line("report_received", event_id=event_id, **changes)


def write(tmp_path: Path, *lines: str) -> Path:
    """A JSON Lines file with the given lines."""
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rejected(log: CaseLog, path: Path, *, historical: bool = False) -> list[str]:
    """Ingest a file that must be rejected; return its problems as text."""
    before = log.store.count()
    with pytest.raises(IngestRejectedError) as caught:
        log.ingest(path, historical=historical)
    assert log.store.count() == before, "a rejected batch wrote something"
    return [str(p) for p in caught.value.errors]


@pytest.fixture
def log(store_url: str, clock: ManualClock) -> CaseLog:
    """A log on every backend in turn."""
    return open_log(store_url, actor="tester", clock=clock)


def test_a_good_file_is_written_whole(log: CaseLog, tmp_path: Path) -> None:
    """Every line of a valid file is written, in one transaction, in file order."""
    opened = line("investigation_opened", event_id="i1", report_event_ids=["r1"])
    result = log.ingest(write(tmp_path, report(), "", opened))
    assert (result.read, result.written, result.already_stored) == (2, 2, 0)
    assert [r.event.event_id for r in log.events()] == ["r1", "i1"]


def test_the_order_inside_a_batch_does_not_matter(log: CaseLog, tmp_path: Path) -> None:
    """A decision may precede the report it refers to inside one batch (D5)."""
    opened = line("investigation_opened", event_id="i1", report_event_ids=["r1"])
    assert log.ingest(write(tmp_path, opened, report())).written == 2


def test_bad_lines_are_all_named(log: CaseLog, tmp_path: Path) -> None:
    """Each kind of bad line gets its exact message, and nothing is written."""
    log.ingest(write(tmp_path, report("stored")))
    path = write(
        tmp_path,
        report("ok"),
        report("bad", type="report_recieved"),
        report("r2", reporter_category=None),
        report("r3", occurred_on="2019-02-30"),
        report("r4", colour="red"),
        '{"type": "report_received", "event_id": "r5",',
        report("r6", recorded_at="2024-01-01T00:00:00Z"),
        report("stored", mandatory_reporter=False),
        line("investigation_concluded", event_id="c1", investigation_id="nope"),
        line("report_received", event_id=None),
    )
    assert rejected(log, path) == [
        "line 2, field type: unknown event type 'report_recieved'",
        "line 3, field reporter_category: Field required",
        "line 4, field occurred_on: Input should be a valid date or datetime, day value is "
        'outside expected range (got "2019-02-30")',
        "line 5, field colour: unknown field",
        "line 6: invalid JSON: Expecting property name enclosed in double quotes (column 46)",
        "line 7, field recorded_at: assigned by the log; it cannot be sent",
        "line 8, field event_id: 'stored' is already stored with another payload",
        "line 9, field investigation_id: 'nope' does not exist in child:c-1001",
        "line 10, field event_id: Field required",
    ]


def test_an_id_repeated_with_another_payload_is_refused(log: CaseLog, tmp_path: Path) -> None:
    """The same event_id twice in one file with different payloads is an error."""
    path = write(tmp_path, report("r1"), report("r1", mandatory_reporter=False))
    assert rejected(log, path) == [
        "line 2, field event_id: 'r1' is used on line 1 with a different payload"
    ]


def test_a_resent_event_is_stored_once(log: CaseLog, tmp_path: Path) -> None:
    """Re-sending a file (or a line twice) stores each event once and counts the rest."""
    path = write(tmp_path, report("r1"), report("r1"), report("r2"))
    first = log.ingest(path)
    again = log.ingest(path)
    assert (first.written, first.repeated_in_batch) == (2, 1)
    assert (again.written, again.already_stored, again.repeated_in_batch) == (0, 3, 0)
    assert log.store.count() == 2


def test_structural_errors_name_the_line(log: CaseLog, tmp_path: Path) -> None:
    """Broken structural invariants are rejected line by line (D5)."""
    path = write(
        tmp_path,
        line("placement_started", event_id="p1", care_decision_id=None),
        line("placement_ended", event_id="p2", occurred_on="2019-11-01"),
        line("event_retracted", event_id="x1", target_event_id="ghost"),
        line("protection_assessment_documented", event_id="pa", report_event_id="p1"),
    )
    assert rejected(log, path) == [
        "line 2, field occurred_on: placement 'pl-1' would end on 2019-11-01 before it "
        "began on 2019-11-11",
        "line 3, field target_event_id: 'ghost' does not exist in child:c-1001",
        "line 4, field report_event_id: 'p1' is a placement_started, not a "
        "report_received, in child:c-1001",
    ]


def test_a_correction_must_fit_its_target(log: CaseLog, tmp_path: Path) -> None:
    """A correction keeps its target's type and subject ids, and has no event_id."""
    visit = line("visit_made", event_id="v1")
    wrong_type = line("event_corrected", event_id="k1", target_event_id="v1")
    # the example replacement is a report: same child, other type than the visit
    with_id = json.loads(line("event_corrected", event_id="k2", target_event_id="r1"))
    with_id["replacement"]["event_id"] = "r1"
    assert rejected(log, write(tmp_path, report(), visit, wrong_type, json.dumps(with_id))) == [
        "line 3, field replacement.type: the replacement is a report_received but its "
        "target 'v1' is a visit_made",
        "line 4, field replacement: a replacement carries no event_id; it keeps its target's",
    ]


def test_historical_import_keeps_registration_times(log: CaseLog, tmp_path: Path) -> None:
    """--historical: recorded_at is each line's registered_at (D3)."""
    stamp = "2006-01-20T09:00:00+00:00"
    log.ingest(write(tmp_path, report(registered_at=stamp)), historical=True)
    assert [r.recorded_at for r in log.events()] == [datetime(2006, 1, 20, 9, tzinfo=UTC)]


def test_historical_import_refuses_disorder(log: CaseLog, tmp_path: Path) -> None:
    """Historical lines must be in order, carry registered_at, and only there."""
    path = write(
        tmp_path,
        report("r1", registered_at="2006-01-20T09:00:00+00:00"),
        report("r2", registered_at="2006-01-19T09:00:00+00:00"),
        report("r3"),
        report("r4", registered_at="2006-01-21T09:00:00"),
    )
    assert rejected(log, path, historical=True) == [
        "line 2, field registered_at: 2006-01-19T09:00:00+00:00 is earlier than line 1 "
        "(2006-01-20T09:00:00+00:00); historical lines must be in non-decreasing "
        "registered_at order",
        "line 3, field registered_at: required by a historical import (D3)",
        "line 4, field registered_at: needs a time zone (e.g. +00:00 or Z)",
    ]
    assert rejected(log, write(tmp_path, report(registered_at="2006-01-20T09:00Z"))) == [
        "line 1, field registered_at: accepted only by a historical import"
    ]


def test_many_errors_are_counted_and_the_first_thousand_listed(
    log: CaseLog, tmp_path: Path
) -> None:
    """1,200 bad lines: 1,000 listed, 1,200 counted."""
    path = write(tmp_path, *(["{"] * 1200))
    with pytest.raises(IngestRejectedError) as caught:
        log.ingest(path)
    assert caught.value.total == 1200
    assert len(caught.value.errors) == 1000
    assert caught.value.errors[0] == Problem(
        1, "", "invalid JSON: Expecting property name enclosed in double quotes (column 2)"
    )


def test_events_can_be_ingested_from_python(log: CaseLog) -> None:
    """ingest() also takes dicts, JSON strings and event objects."""
    result = log.ingest([json.loads(report("r1")), report("r2")])
    assert result.written == 2
