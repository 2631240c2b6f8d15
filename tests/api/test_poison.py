"""Poison pills (issue 11): input that used to be stored or to crash with a traceback.

Each is refused with (line, field, reason) problems, nothing is stored, and the log stays
readable: `timeline` and the whole-log compliance run afterwards.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from caselog.api import CaseLog, ManualClock, open_log
from caselog.api.read_model import ReferenceNotice
from caselog.errors import IngestRejectedError, InvalidEventError, Problem
from caselog.events import EventCorrected, PrivateTalkHeld, ReportReceived
from caselog.events.examples import example

TARGET = example("event_corrected")["target_event_id"]


@pytest.fixture
def log(clock: ManualClock) -> CaseLog:
    """A log in memory."""
    return open_log("sqlite://", actor="sw-1", clock=clock)


def poisoned() -> PrivateTalkHeld:
    """A model built without validation: every envelope field is wrong."""
    wrong: dict[str, Any] = {"event_id": "bad id", "occurred_on": "not a date", "actor": ""}
    return PrivateTalkHeld.model_construct(**wrong, child_id="c-1001")


def fields_of(problems: list[Problem] | tuple[Problem, ...]) -> set[str]:
    """The fields the problems name."""
    return {problem.field for problem in problems}


def rejected(log: CaseLog, items: list[Any]) -> list[Problem]:
    """The problems for which `items` are refused."""
    with pytest.raises(IngestRejectedError) as caught:
        log.ingest(items)
    return caught.value.errors


def still_readable(log: CaseLog) -> None:
    """Nothing stored, and the readers that used to crash run once a valid event is."""
    assert list(log.events()) == []
    log.record(ReportReceived(**example("report_received")))
    assert len(log.timeline("c-1001")) == 1
    assert list(log.obligations(on=date(2024, 1, 2)))


def test_record_validates_a_model_built_without_validation(log: CaseLog) -> None:
    """A `model_construct`ed event is judged again by `record()` and never stored."""
    with pytest.raises(InvalidEventError) as caught:
        log.record(poisoned())
    assert fields_of(caught.value.problems) == {"event_id", "occurred_on", "actor"}
    assert all(problem.line == 0 for problem in caught.value.problems)
    still_readable(log)


def test_ingest_validates_a_model_built_without_validation(log: CaseLog) -> None:
    """The same problems through `ingest()`, naming the item."""
    problems = rejected(log, [example("visit_made"), poisoned()])
    assert {(p.line, p.field) for p in problems} == {
        (2, "event_id"),
        (2, "occurred_on"),
        (2, "actor"),
    }
    still_readable(log)


def test_a_constructed_but_valid_event_is_recorded_as_validated(log: CaseLog) -> None:
    """Validation again changes nothing for a right event (nor for a correction)."""
    event = ReportReceived.model_construct(**ReportReceived(**example("report_received")).__dict__)
    recorded = log.record(event)
    assert recorded.event == event
    correction = EventCorrected(**example("event_corrected"))
    target = {**example("report_received"), "event_id": TARGET}
    assert log.ingest([target, correction]).written == 2


def test_a_wrong_replacement_built_without_validation_is_refused(log: CaseLog) -> None:
    """A replacement is judged again too, under its path."""
    log.record(ReportReceived(**{**example("report_received"), "event_id": TARGET}))
    correction = EventCorrected(**example("event_corrected"))
    bad = correction.replacement.model_construct(
        **{**correction.replacement.__dict__, "occurred_on": "2019-02-30"}
    )
    poisoned_correction = correction.model_construct(**{**correction.__dict__, "replacement": bad})
    with pytest.raises(InvalidEventError) as caught:
        log.record(poisoned_correction)
    assert caught.value.field == "replacement.occurred_on"


@pytest.mark.parametrize(
    ("item", "kind"), [(5, "an int"), (None, "None"), ([1, 2], "a list"), (b"{}", None)]
)
def test_an_item_that_is_no_input_is_a_problem_naming_its_number(
    log: CaseLog, item: object, kind: str | None
) -> None:
    """5, None, a list or bytes as an item: a problem, not a TypeError."""
    problems = rejected(log, [example("visit_made"), item])
    assert {p.line for p in problems} == {2}
    if kind is not None:
        assert problems[0].reason.startswith(f"item 2 is {kind}")
    still_readable(log)


def line_of(data: dict[str, Any]) -> str:
    """One JSON line."""
    return json.dumps(data, ensure_ascii=False)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[" * 1000 + "]" * 1000, "nested too deeply"),
        (
            line_of(example("visit_made"))[:-1] + ', "x": ' + '{"a": ' * 1000 + "1" + "}" * 1001,
            "nested too deeply",
        ),
        (
            line_of(example("foster_home_list_sent_to_ivo"))[:-1] + ', "year": ' + "9" * 5000 + "}",
            "too many digits",
        ),
        (line_of(example("visit_made"))[:-1] + ', "actor": "sw-18"}', "duplicate key 'actor'"),
        (
            line_of(example("visit_made"))[:-1] + ', "act\\u006fr": "sw-18"}',
            "duplicate key 'actor'",
        ),
        (
            line_of(example("visit_made")).replace('"type"', '"type": "visit_made", "type"', 1),
            "duplicate key 'type'",
        ),
    ],
)
def test_hostile_json_is_a_problem_not_a_traceback(log: CaseLog, text: str, reason: str) -> None:
    """Deep nesting, huge integers, repeated keys: (line, reason), no RecursionError."""
    problems = rejected(log, [line_of(example("visit_made")), text])
    assert [p.line for p in problems] == [2]
    assert reason in problems[0].reason
    still_readable(log)


def test_a_duplicate_key_inside_a_replacement_is_refused(log: CaseLog) -> None:
    """A correction repeats the envelope in its replacement: right; a repeat inside is not."""
    text = line_of(example("event_corrected"))
    assert text.endswith("}}")
    doubled = text[:-2] + ', "actor": "sw-99"}}'
    problems = rejected(log, [doubled])
    assert problems[0].reason == "duplicate key 'actor'"
    target = line_of({**example("report_received"), "event_id": TARGET})
    assert log.ingest([target, text]).written == 2


def test_a_huge_value_is_never_echoed_whole(log: CaseLog) -> None:
    """A 20 MB value is shown by its first characters and its length."""
    huge = "x" * 20_000_000
    for field in ("type", "place", "child_id"):
        problems = rejected(log, [line_of({**example("visit_made"), field: huge})])
        assert problems, field
        for problem in problems:
            assert len(problem.reason) < 300, field
        assert any("(20,000,000 characters)" in p.reason for p in problems), field


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2200-01-01", "9999-12-31"])
def test_a_date_outside_1900_to_2199_is_refused(log: CaseLog, day: str) -> None:
    """Dates that would overflow deadline arithmetic (or are typos) are refused."""
    problems = rejected(log, [line_of({**example("report_received"), "occurred_on": day})])
    assert [(p.field, p.reason) for p in problems] == [
        ("occurred_on", f"a date from 1900-01-01 to 2199-12-31 (got {day})")
    ]
    problems = rejected(log, [line_of({**example("case_file_opened"), "born_on": day})])
    assert [p.field for p in problems] == ["born_on"]
    with pytest.raises(ValidationError):
        ReportReceived(**{**example("report_received"), "occurred_on": date.fromisoformat(day)})
    still_readable(log)


def test_the_last_day_is_stored_and_compliance_runs(log: CaseLog) -> None:
    """The first and last day of the range are stored, and compliance runs over them."""
    for day in ("1900-01-01", "2199-12-31"):
        data = {**example("report_received"), "occurred_on": day, "event_id": f"r-{day}"}
        log.record(ReportReceived(**data))
    assert len(log.timeline("c-1001")) == 2
    with pytest.warns(ReferenceNotice, match="the read models answer up to 2027-01-01"):
        assert list(log.obligations(on=date(2199, 12, 31)))


def test_a_historical_time_outside_the_range_is_refused(log: CaseLog) -> None:
    """`registered_at` becomes `recorded_at`: the same range."""
    for moment in (datetime(9999, 1, 1, tzinfo=UTC), "9999-12-31T23:59:59Z"):
        data = {**example("private_talk_held"), "registered_at": moment}
        with pytest.raises(IngestRejectedError) as caught:
            log.ingest([data], historical=True)
        assert [p.field for p in caught.value.errors] == ["registered_at"]


@pytest.mark.parametrize(
    "actor", [" ", "\t", "\u00a0", "\u200b", "\ufeff", "sw-17\u0007", "\u202esw-17", "sw\n17"]
)
def test_an_invisible_actor_is_refused(log: CaseLog, actor: str) -> None:
    """Blank, zero-width, control or bidi characters are no actor."""
    problems = rejected(log, [line_of({**example("visit_made"), "actor": actor})])
    assert [p.field for p in problems] == ["actor"]
    assert "visible character" in problems[0].reason
    with pytest.raises(ValidationError):
        PrivateTalkHeld(**{**example("private_talk_held"), "actor": actor})


@pytest.mark.parametrize("actor", ["sw-17", " Anna Öberg ", "👍", "李"])
def test_a_visible_actor_is_accepted(log: CaseLog, actor: str) -> None:
    """Any visible character makes an actor."""
    assert log.ingest([line_of({**example("visit_made"), "actor": actor})]).written == 1
