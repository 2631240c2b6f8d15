"""Every answer is a typed frame: one schema, the same when empty; Arrow, pandas, polars agree.

Issue 14: an analyst's frames must never have their types guessed from the data. Each
frame is built on the shared demo municipality and on an empty answer of the same
question, and the two must have the same schema, concatenate in all three libraries, and
carry dates as dates, counts as nullable integers and enums as categories of every member.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from caselog.api import CaseLog, open_log
from caselog.api.answers import CASE_COLUMNS, EVENT_COLUMNS, TIMELINE_COLUMNS
from caselog.api.frames import OBLIGATION_SCHEMA
from caselog.api.tables import TypedFrame
from caselog.events import EVENT_TYPES, EventModel
from caselog.rules.model import FINDINGS, Status

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

ON = date(2026, 6, 30)
BEFORE = date(2000, 1, 1)  # before the demo's first event: every answer is empty


@pytest.fixture(scope="module")
def log(demo_log: Path) -> Iterator[CaseLog]:
    """The shared demo municipality, opened once for this module."""
    with open_log(f"sqlite:///{demo_log}", actor="analyst") as opened:
        yield opened


def _some_case(log: CaseLog) -> str:
    return max(log.cases(on=ON).items(), key=lambda item: sum(item[1].values()))[0]


FRAMES: dict[str, tuple[Callable[[CaseLog, date], TypedFrame], pa.Schema]] = {
    "obligations": (lambda log, on: log.obligations(on=on, known_at=on), OBLIGATION_SCHEMA),
    "cases": (lambda log, on: log.cases(on=on, known_at=on), CASE_COLUMNS.schema),
    "timeline": (
        lambda log, on: log.timeline(_some_case(log), known_at=on),
        TIMELINE_COLUMNS.schema,
    ),
    "events": (lambda log, on: log.events(known_at=on), EVENT_COLUMNS.schema),
}


@pytest.mark.parametrize("name", FRAMES)
def test_a_full_and_an_empty_answer_share_one_schema(log: CaseLog, name: str) -> None:
    """The schema is the model's, whatever the data: a full and an empty answer concatenate."""
    ask, schema = FRAMES[name]
    full, empty = ask(log, ON).to_arrow(), ask(log, BEFORE).to_arrow()
    assert full.num_rows > 0
    assert empty.num_rows == 0
    assert full.schema == empty.schema == schema
    assert pa.concat_tables([full, empty]).num_rows == full.num_rows


@pytest.mark.parametrize("name", FRAMES)
def test_pandas_polars_and_arrow_agree(log: CaseLog, name: str) -> None:
    """The three libraries hold the same columns with the same values."""
    ask, schema = FRAMES[name]
    table = ask(log, ON).to_arrow()
    frame, polars = ask(log, ON).to_pandas(), ask(log, ON).to_polars()
    assert list(frame.columns) == polars.columns == schema.names
    for field in schema:
        values = table.column(field.name).to_pylist()
        assert polars[field.name].to_list() == values, field.name
        if not pa.types.is_list(field.type):  # pandas holds lists as numpy arrays
            column = frame[field.name].astype(object).where(frame[field.name].notna(), None)
            assert column.tolist() == values, field.name


@pytest.mark.parametrize("name", FRAMES)
def test_types_come_from_the_models(log: CaseLog, name: str) -> None:
    """Dates are dates, counts nullable integers, enums categories of every member."""
    ask, schema = FRAMES[name]
    frame, polars = ask(log, BEFORE).to_pandas(), ask(log, BEFORE).to_polars()
    for field in schema:
        kind, dtype, pl_dtype = field.type, str(frame[field.name].dtype), polars[field.name].dtype
        if kind == pa.date32():
            assert (dtype, pl_dtype) == ("date32[day][pyarrow]", pl.Date), field.name
        elif kind == pa.int64():
            assert (dtype, pl_dtype) == ("Int64", pl.Int64), field.name
        elif kind == pa.bool_():
            assert (dtype, pl_dtype) == ("boolean", pl.Boolean), field.name
        elif pa.types.is_timestamp(kind):
            assert dtype == "datetime64[us, UTC]", field.name
            assert pl_dtype == pl.Datetime("us", "UTC"), field.name
        elif pa.types.is_dictionary(kind):
            assert dtype == "category", field.name
            assert len(frame[field.name].cat.categories) > 1, field.name  # every member
            assert pl_dtype == pl.Categorical, field.name
    both = pd.concat([ask(log, ON).to_pandas(), frame])
    assert [str(t) for t in both.dtypes] == [str(t) for t in ask(log, ON).to_pandas().dtypes], (
        "concatenating a full and an empty frame keeps every dtype"
    )
    assert pl.concat([ask(log, ON).to_polars(), polars]).schema == polars.schema


def test_the_case_frame_counts_what_the_obligations_say(log: CaseLog) -> None:
    """Each case row's findings are the obligations of that case, counted by status."""
    cases = log.cases(on=ON)
    found = Counter((o.case_id, o.status) for o in log.obligations(on=ON) if o.status in FINDINGS)
    for row in cases.rows:
        for status in FINDINGS:
            assert getattr(row, status.value) == found[row.case_id, status]
        assert cases[row.case_id] == {
            s: found[row.case_id, s] for s in Status if found[row.case_id, s]
        }


def test_the_case_frame_is_each_case_state(log: CaseLog) -> None:
    """Each case row holds its case state's scalar facts, as the reference replay folds them."""
    for row in log.cases(on=ON).rows[:8]:
        state = log.case(row.case_id, on=ON, reference=True)
        assert row.born_on == state.born_on
        assert row.open_investigation == state.open_investigation
        assert row.reports == len(state.reports)
        assert row.placements == len(state.placements)
        placed = state.current_placement
        assert row.current_placement_id == (placed.placement_id if placed else None)


def test_the_events_frame_withholds_personal_fields(log: CaseLog) -> None:
    """Every event is a row; the payload has no envelope field and no personal field."""
    table = log.events().to_arrow()
    assert table.num_rows == log.store.count()
    assert set(table.column("type").unique().to_pylist()) <= set(EVENT_TYPES)
    withheld = 0
    for row in table.select(["type", "withheld", "payload"]).to_pylist():
        payload = json.loads(row["payload"])
        personal = EVENT_TYPES[row["type"]].personal
        assert not set(payload) & set(personal), row
        assert not set(payload) & {"type", "event_id", "occurred_on", "actor"}
        withheld += bool(row["withheld"])
    assert withheld, "the demo's case files carry names and personal identity numbers"
    assert issubclass(EVENT_TYPES["case_file_opened"], EventModel)


def test_events_still_iterate_recorded_events(log: CaseLog) -> None:
    """`events()` is still an iterator; its frame holds the events not yet taken."""
    events = log.events()
    first = next(events)
    assert first.position == 1
    assert events.to_arrow().num_rows == log.store.count() - 1


def test_the_timeline_frame_is_its_entries(log: CaseLog) -> None:
    """The timeline frame is the entries, in order, under their case id."""
    case_id = _some_case(log)
    timeline = log.timeline(case_id)
    rows = timeline.to_arrow().to_pylist()
    assert [r["event_id"] for r in rows] == [e.event_id for e in timeline]
    assert {r["case_id"] for r in rows} == {case_id}
    assert [r["late_registration"] for r in rows] == [e.late_registration for e in timeline]
