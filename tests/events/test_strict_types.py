"""Strict types for Python callers too (issue 12): `record()` gets what JSON would carry.

A model built in Python takes a `date` (or a `YYYY-MM-DD` string, as JSON carries it),
a `bool` and an `int`; it never reads `"yes"` as true, a timestamp as a date or a string
as a year. Enum members and their values are both accepted, as they were.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from caselog.events import (
    DeviationTriaged,
    FosterHomeListSentToIVO,
    PrivateTalkHeld,
    ReporterCategory,
    ReportReceived,
    event_adapter,
)
from caselog.events.base import FIRST_DAY, LAST_DAY
from caselog.events.examples import example

REPORT: dict[str, Any] = {
    "event_id": "r1",
    "child_id": "c-1001",
    "occurred_on": date(2019, 11, 11),
    "actor": "sw-17",
    "reporter_category": ReporterCategory.SCHOOL,
    "mandatory_reporter": True,
}


def refused(cls: type[Any], **fields: Any) -> list[tuple[str, str]]:  # noqa: ANN401
    """The (field, error type) pairs of a refused construction."""
    with pytest.raises(ValidationError) as caught:
        cls(**fields)
    return [(".".join(map(str, e["loc"])), e["type"]) for e in caught.value.errors()]


@pytest.mark.parametrize("value", ["yes", "off", "true", 1, 0, None])
def test_a_boolean_is_a_bool(value: object) -> None:
    """`mandatory_reporter="yes"` and `=1` are refused, not read as True."""
    assert refused(ReportReceived, **{**REPORT, "mandatory_reporter": value}) == [
        ("mandatory_reporter", "bool_type")
    ]


@pytest.mark.parametrize(
    "value",
    [datetime(2019, 11, 11, tzinfo=UTC), "2019-11-11T00:00:00", 1573430400, "20191111", "2019-1-1"],
)
def test_a_date_is_a_date(value: object) -> None:
    """A datetime, a timestamp string or a number is not a date."""
    assert refused(ReportReceived, **{**REPORT, "occurred_on": value}) == [
        ("occurred_on", "date_format")
    ]


def test_an_impossible_day_says_why() -> None:
    """`2019-02-30` has the shape of a date; the day is out of range."""
    errors = refused(ReportReceived, **{**REPORT, "occurred_on": "2019-02-30"})
    assert errors == [("occurred_on", "date_from_datetime_parsing")]


@pytest.mark.parametrize("value", ["2019", True, 2019.5, None])
def test_a_year_is_an_integer(value: object) -> None:
    """`year="2019"` and `year=True` are refused; 2019.5 is no year."""
    errors = refused(
        FosterHomeListSentToIVO, **{**example("foster_home_list_sent_to_ivo"), "year": value}
    )
    assert [field for field, _ in errors] == ["year"]


def test_what_python_callers_pass_is_accepted() -> None:
    """Dates, ISO date strings, enum members and enum values, bools and ints all work."""
    as_objects = ReportReceived(**REPORT)
    as_text = ReportReceived(
        **{**REPORT, "occurred_on": "2019-11-11", "reporter_category": "school"}
    )
    assert as_objects == as_text
    assert as_text.occurred_on == date(2019, 11, 11)
    assert (
        FosterHomeListSentToIVO(**{**example("foster_home_list_sent_to_ivo"), "year": 2024.0}).year
        == 2024
    )
    assert (
        DeviationTriaged(**{**example("deviation_triaged"), "is_lex_sarah": False}).is_lex_sarah
        is False
    )


def test_ids_and_texts_are_strings() -> None:
    """Bytes are not an id; a number is not an actor."""
    base = example("private_talk_held")
    assert refused(PrivateTalkHeld, **{**base, "child_id": b"c-1001"}) == [
        ("child_id", "string_type")
    ]
    assert refused(PrivateTalkHeld, **{**base, "actor": 17}) == [("actor", "string_type")]


@given(st.dates(min_value=FIRST_DAY, max_value=LAST_DAY))
def test_every_date_round_trips_through_json(day: date) -> None:
    """Any date from 1900-01-01 to 2199-12-31 (issue 11) is written and read back as itself."""
    event = PrivateTalkHeld(**{**example("private_talk_held"), "occurred_on": day})
    assert event_adapter.validate_json(event.model_dump_json()) == event
    assert event.model_dump(mode="json")["occurred_on"] == day.isoformat()
