"""The materialised spans read back exactly as the reference evaluation (issue 10).

For random case files (tests/strategies.py) and for a small demo municipality the spans
of every stream (`caselog.rules.spans.stream_spans`), read at one (`on`, `known_at`) by
the naive reader in `spans_query`, must give:

* the rows of `caselog.rules.evaluate.evaluate` at that point — the same rows in the
  same order, `days_overdue` included;
* for each child stream, `fold_case_state` of the as-of view at that point, once
  anything of the stream is known (before that, no state at all);
* no row and no state while `known_at` is before the first record;

at points near the histories' dates and recording instants, at Swedish midnights (the
records reaching a new day), on both sides of the law changes of 2013-01-01, 2014-10-01,
2021-03-01, 2022-07-01 and 2025-07-01, and far in the future — always before the
horizon the spans were built for, where they are valid.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import cache, cached_property
from typing import TYPE_CHECKING, Final

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caselog.dates import add_years, start_of_day_utc, swedish_date
from caselog.demo import DemoConfig, generate
from caselog.events import Event, Recorded, event_adapter
from caselog.projections import as_of, fold_case_state
from caselog.rules.evaluate import evaluate
from caselog.rules.referred import Referred
from caselog.rules.settings import DEFAULT_SETTINGS
from caselog.rules.spans import StreamSpans, stream_spans
from caselog.testing import History
from tests.readmodel.spans_query import rows_at, state_at
from tests.strategies import EPOCH, FIRST_DAY, ONE_DAY, as_of_pairs, histories

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

LAW_DATES: Final = (
    date(2013, 1, 1),
    date(2014, 10, 1),
    date(2021, 3, 1),
    date(2022, 7, 1),
    date(2025, 7, 1),
)
"""The days a new law applies from (RULES.md §1)."""

INSTANT: Final = timedelta(microseconds=1)

Pair = tuple[date, datetime]


@dataclass(frozen=True)
class Built:
    """A history and the spans of each of its streams, valid before `horizon`."""

    history: tuple[Recorded[Event], ...]
    spans: tuple[StreamSpans, ...]
    horizon: date

    @property
    def end(self) -> datetime:
        """The first `known_at` the spans no longer answer for."""
        return start_of_day_utc(self.horizon)

    @cached_property
    def stamps(self) -> list[datetime]:
        """The distinct recording instants, in order."""
        return sorted({r.recorded_at for r in self.history})

    @cached_property
    def latest(self) -> date:
        """The latest date the history names: of a fact, a field, or a recording."""
        return latest_day(self.history)


def _dates_in(value: object) -> Iterator[date]:
    """Every date in an event's dumped fields, nested ones (a correction's) included."""
    if isinstance(value, date):
        yield value.date() if isinstance(value, datetime) else value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _dates_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _dates_in(item)


def latest_day(history: Sequence[Recorded[Event]]) -> date:
    """The latest date in the history's events and recording instants."""
    days = [day for r in history for day in _dates_in(r.event.model_dump())]
    days += [swedish_date(r.recorded_at) for r in history]
    return max(days, default=FIRST_DAY)


def build(history: Sequence[Recorded[Event]]) -> Built:
    """Spans for every stream, up to a horizon two to three years after the latest date."""
    horizon = date(latest_day(history).year + 3, 1, 1)
    streams: dict[str, list[Recorded[Event]]] = defaultdict(list)
    for record in history:
        streams[record.stream].append(record)
    referred = Referred.of(streams)
    spans = tuple(
        stream_spans(name, records, referred=referred, settings=DEFAULT_SETTINGS, horizon=horizon)
        for name, records in streams.items()
    )
    return Built(tuple(history), spans, horizon)


def assert_reads_as_reference(built: Built, on: date, known_at: datetime) -> None:
    """The spans at (`on`, `known_at`) give the reference rows and case states."""
    assert on < built.horizon, "the spans answer only before their horizon"
    assert known_at < built.end, "the spans answer only before their horizon"
    where = f"on={on}, known_at={known_at.isoformat()}"
    expected = evaluate(built.history, on=on, known_at=known_at)
    assert rows_at(built.spans, on, known_at) == expected, where
    view = as_of(built.history, on=on, known_at=known_at)
    for spans in built.spans:
        kind, _, subject = spans.stream.partition(":")
        if kind != "child":
            assert not spans.states, spans.stream
            continue
        known = any(r.recorded_at <= known_at for r in built.history if r.stream == spans.stream)
        state = fold_case_state(subject, view, on=on, known_at=known_at) if known else None
        assert state_at(spans, on, known_at) == state, f"{spans.stream} at {where}"


def instants(low: datetime, high: datetime) -> st.SearchStrategy[datetime]:
    """Aware UTC instants from `low` to `high`, both included."""
    return st.datetimes(
        min_value=low.astimezone(UTC).replace(tzinfo=None),
        max_value=high.astimezone(UTC).replace(tzinfo=None),
        timezones=st.just(UTC),
    )


def midnights(built: Built) -> st.SearchStrategy[datetime]:
    """The first instant of a Swedish day the rules may care about, or the one before it.

    The days: a New Year, and the dates the history names, a year or two on (R14's care
    years end on anniversaries, and how far the records reach bounds them).
    """
    first = built.stamps[0] if built.stamps else EPOCH
    new_years = [date(year, 1, 1) for year in range(first.year, built.horizon.year)]
    named = sorted({r.event.occurred_on for r in built.history}) or [FIRST_DAY]
    day = st.sampled_from(new_years) | st.builds(
        add_years, st.sampled_from(named), st.integers(0, 2)
    )
    instant = day.map(start_of_day_utc).filter(lambda t: t < built.end)
    return instant | instant.map(lambda t: t - INSTANT)


def known_ats(built: Built) -> st.SearchStrategy[datetime]:
    """A `known_at` before the horizon: often a recording instant, or just before one."""
    first = built.stamps[0] if built.stamps else EPOCH
    stamps = st.sampled_from(built.stamps or [EPOCH])
    return (
        stamps
        | stamps.map(lambda t: t - INSTANT)
        | midnights(built)
        | instants(first - ONE_DAY, built.end - INSTANT)
    )


def pairs(built: Built) -> st.SearchStrategy[Pair]:
    """An (`on`, `known_at`) pair: near the history, or with `on` up to the horizon."""
    later = st.dates(built.latest, built.horizon - ONE_DAY)
    near = as_of_pairs(built.history)
    return near | st.tuples(near.map(lambda pair: pair[0]) | later, known_ats(built))


def moved(value: object, by: timedelta) -> object:
    """A dumped event with every date in it moved `by` (nested fields too)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value + by
    if isinstance(value, dict):
        return {key: moved(item, by) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [moved(item, by) for item in value]
    return value


def shifted(history: Sequence[Recorded[Event]], by: timedelta) -> list[Recorded[Event]]:
    """The same history happening, and recorded, `by` later (or earlier)."""
    return [
        replace(
            record,
            event=event_adapter.validate_python(moved(record.event.model_dump(), by)),
            recorded_at=record.recorded_at + by,
        )
        for record in history
    ]


@settings(max_examples=200)
@given(st.data())
def test_spans_read_back_as_the_reference(data: st.DataObject) -> None:
    """At points near a case file's dates and stamps, and later, rows and state agree."""
    built = build(data.draw(histories(), label="history"))
    for on, known_at in data.draw(st.lists(pairs(built), min_size=1, max_size=8), label="pairs"):
        assert_reads_as_reference(built, on, known_at)


@settings(max_examples=120)
@given(st.data(), st.sampled_from(LAW_DATES), st.integers(0, 540))
def test_spans_read_back_on_both_sides_of_a_law_change(
    data: st.DataObject, law: date, into: int
) -> None:
    """A case file moved to run across a law change reads back on its eve and its day.

    The history (drawn from 2024-01-01 on) is moved so that the law applies `into` days
    after its start; `known_at` is drawn near its stamps and around the law's first day.
    """
    moved_by = law - timedelta(days=into) - FIRST_DAY
    built = build(shifted(data.draw(histories(), label="history"), moved_by))
    on_the_day = start_of_day_utc(law)
    around = st.sampled_from([on_the_day - INSTANT, on_the_day])
    for known_at in data.draw(
        st.lists(known_ats(built) | around, min_size=1, max_size=3), label="known_at"
    ):
        for on in (law - ONE_DAY, law):
            assert_reads_as_reference(built, on, known_at)


@settings(max_examples=40)
@given(st.data())
def test_nothing_is_known_before_the_first_record(data: st.DataObject) -> None:
    """While `known_at` is before the first record, no stream has a row or a state."""
    built = build(data.draw(histories().filter(bool), label="history"))
    first = built.stamps[0]
    known_at = data.draw(
        st.just(first - INSTANT) | instants(first - timedelta(days=400), first - INSTANT),
        label="known_at",
    )
    on = data.draw(st.dates(FIRST_DAY - timedelta(days=400), built.horizon - ONE_DAY), label="on")
    assert evaluate(built.history, on=on, known_at=known_at) == []
    assert rows_at(built.spans, on, known_at) == []
    assert [state_at(spans, on, known_at) for spans in built.spans] == [None] * len(built.spans)


@cache
def demo() -> Built:
    """A small demo municipality (12 children, 2012–2026), recorded and built once."""
    history = History()
    for batch in generate(DemoConfig(seed=1, children=12)):
        history.record(*batch.events, at=batch.registered_at)
    return build(history.records)


def _between(built: Built) -> Pair:
    """Halfway between two recordings in the middle of the log."""
    middle = len(built.stamps) // 2
    earlier, later = built.stamps[middle], built.stamps[middle + 1]
    known_at = earlier + (later - earlier) / 2
    assert earlier < known_at < later
    return swedish_date(known_at), known_at


def _last(built: Built) -> datetime:
    return built.stamps[-1]


def _eve_known_then(law: date) -> Callable[[Built], Pair]:
    """The day before `law`, as known at the end of that day."""
    return lambda _: (law - ONE_DAY, start_of_day_utc(law) - INSTANT)


def _day_known_later(law: date) -> Callable[[Built], Pair]:
    """The day `law` applies from, as known at the end of the log."""
    return lambda built: (law, _last(built))


DEMO_PAIRS: Final[dict[str, Callable[[Built], Pair]]] = {
    "before the first record": lambda b: (date(2012, 6, 1), b.stamps[0] - INSTANT),
    "at the first record": lambda b: (swedish_date(b.stamps[0]), b.stamps[0]),
    "between two recordings": _between,
    "just before a recording": lambda b: (
        swedish_date(b.stamps[len(b.stamps) // 3]),
        b.stamps[len(b.stamps) // 3] - INSTANT,
    ),
    "the past as known at the end": lambda b: (date(2016, 3, 15), _last(b)),
    "the future before the horizon": lambda b: (b.horizon - ONE_DAY, b.end - INSTANT),
    "the future as known long ago": lambda b: (
        b.horizon - timedelta(days=200),
        start_of_day_utc(date(2019, 6, 1)),
    ),
    **{f"eve of {law}, known then": _eve_known_then(law) for law in LAW_DATES},
    **{f"{law}, known at the end": _day_known_later(law) for law in LAW_DATES},
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(DEMO_PAIRS))
def test_demo_municipality_reads_back_as_the_reference(name: str) -> None:
    """Fixed points over a demo municipality read back as the reference.

    Its homes, committee and matters as well as its children: rows and states agree,
    and every point but the one before the first record has rows to compare.
    """
    built = demo()
    on, known_at = DEMO_PAIRS[name](built)
    assert_reads_as_reference(built, on, known_at)
    rows = rows_at(built.spans, on, known_at)
    assert (rows == []) is (name == "before the first record"), "a vacuous point"
