"""Laws every rule obeys on random municipalities (issue 6): known_at, finality, purity."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from caselog.dates import STOCKHOLM
from caselog.demo import DemoConfig, generate
from caselog.events import Event, Recorded
from caselog.rules.evaluate import evaluate
from caselog.rules.model import Obligation
from caselog.testing import History

FAR = datetime(2100, 1, 1, tzinfo=UTC)


@cache
def municipality(seed: int) -> tuple[Recorded[Event], ...]:
    """A small demo municipality recorded through the testing history (cached per seed)."""
    history = History()
    for batch in generate(DemoConfig(seed=seed, children=12)):
        history.record(*batch.events, at=batch.registered_at)
    return tuple(history.records)


def key(o: Obligation) -> tuple[str, str, str | None, str | None, int | None]:
    """What identifies one obligation across dates."""
    return (o.case_id, o.rule_id, o.part, o.trigger_event_id, o.period)


seeds = st.integers(min_value=1, max_value=6)
days = st.dates(min_value=date(2012, 6, 1), max_value=date(2026, 6, 30))


@settings(max_examples=25)
@given(seeds, days, days)
def test_obligations_ignore_events_recorded_after_known_at(seed: int, on: date, cut: date) -> None:
    """The verdicts known at T are those of the history cut at T: later records change nothing."""
    history = municipality(seed)
    known_at = datetime.combine(cut, time(23, 59), tzinfo=STOCKHOLM).astimezone(UTC)
    cut_history = [r for r in history if r.recorded_at <= known_at]
    assert evaluate(history, on=on, known_at=known_at) == evaluate(
        cut_history, on=on, known_at=known_at
    )


@settings(max_examples=25)
@given(seeds, days, st.integers(min_value=1, max_value=900))
def test_a_final_status_never_changes_as_on_moves_forward(seed: int, on: date, step: int) -> None:
    """Every obligation final on `on` is identical on any later date (D7)."""
    history = municipality(seed)
    later = on + timedelta(days=step)
    before = {key(o): o for o in evaluate(history, on=on, known_at=FAR) if o.is_final}
    after = {key(o): o for o in evaluate(history, on=later, known_at=FAR)}
    for identity, obligation in before.items():
        assert identity in after, obligation
        assert verdict(after[identity]) == verdict(obligation), identity


def verdict(o: Obligation) -> tuple[object, ...]:
    """What a final status settles: the status, how late, and what satisfied it.

    (A due date may still be documented later — an extension decided in time after the
    duty was met — without changing the verdict.)
    """
    return (o.status, o.days_late, o.days_overdue, o.satisfied_by_event_id, o.satisfied_on)


@settings(max_examples=10)
@given(seeds, days)
def test_evaluation_is_pure(seed: int, on: date) -> None:
    """The same history and dates give the same obligations, every time."""
    history = municipality(seed)
    assert evaluate(history, on=on, known_at=FAR) == evaluate(list(history), on=on, known_at=FAR)
