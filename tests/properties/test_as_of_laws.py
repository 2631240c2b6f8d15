"""Laws of the reference semantics (DESIGN.md D4), checked on random case histories.

Each test states its law in its docstring. Equality of views compares `Viewed` records
(payload as corrected, position, `recorded_at`, winning correction); equality of states
compares whole `CaseState`s.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from caselog.events import Event, EventCorrected, EventRetracted, Recorded
from caselog.projections import Viewed, as_of, fold_case_state, timeline_of
from tests.strategies import (
    CASE_ID,
    appended,
    as_of_pairs,
    batches,
    histories,
    retraction,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

LAWS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def views_and_states_agree(
    left: Sequence[Recorded[Event]],
    right: Sequence[Recorded[Event]],
    *,
    on: date,
    known_at: datetime,
) -> None:
    """Assert that two histories give the same view and the same case state."""
    left_view = as_of(left, on=on, known_at=known_at)
    assert left_view == as_of(right, on=on, known_at=known_at)
    assert fold_case_state(CASE_ID, left_view, on=on, known_at=known_at) == fold_case_state(
        CASE_ID, as_of(right, on=on, known_at=known_at), on=on, known_at=known_at
    )


def without(history: Sequence[Recorded[Event]], event_id: str) -> list[Recorded[Event]]:
    """The history with one event deleted, the others keeping their positions."""
    return [r for r in history if r.event.event_id != event_id]


@LAWS
@given(histories(), st.data())
def test_the_answer_at_known_at_depends_only_on_what_was_recorded_by_then(
    history: list[Recorded[Event]], data: st.DataObject
) -> None:
    """Law (a): events recorded after T change neither the view, state nor timeline at T.

    The history is split at T into what was recorded by T and everything after (facts,
    corrections and retractions alike); the prefix alone gives the same answers.
    """
    on, known_at = data.draw(as_of_pairs(history))
    prefix = [r for r in history if r.recorded_at <= known_at]
    views_and_states_agree(history, prefix, on=on, known_at=known_at)
    assert timeline_of(history, known_at=known_at) == timeline_of(prefix, known_at=known_at)


@LAWS
@given(histories(), st.data())
def test_retracting_a_fact_gives_the_history_without_it(
    history: list[Recorded[Event]], data: st.DataObject
) -> None:
    """Law (b): retracting an original fact E gives the view of the history without E.

    The retraction is appended in a later batch; from then on the view, and so the case
    state, equals that of the history with E deleted (the retraction itself is not a
    fact, so it is not in the view). It holds whatever refers to E — corrections of E
    then have nothing to correct, and facts naming E are orphans in both.
    """
    facts = [r.event for r in history if not isinstance(r.event, EventCorrected | EventRetracted)]
    retracting_one_is_removing_it(history, facts, data, "law-b")


@LAWS
@given(histories(max_edits=6), st.data())
def test_retracting_a_correction_restores_the_view_without_it(
    history: list[Recorded[Event]], data: st.DataObject
) -> None:
    """Law (c): retracting a correction C gives the view of the history without C.

    So the corrected fact shows as before C: as the previous standing correction has
    it, or as first recorded when C was its only one.
    """
    corrections = [r.event for r in history if isinstance(r.event, EventCorrected)]
    retracting_one_is_removing_it(history, corrections, data, "law-c")


@LAWS
@given(histories(max_edits=6), st.data())
def test_retracting_a_retraction_gives_the_history_without_it(
    history: list[Recorded[Event]], data: st.DataObject
) -> None:
    """Law (b'): retracting a retraction R gives the view of the history without R."""
    retractions = [r.event for r in history if isinstance(r.event, EventRetracted)]
    retracting_one_is_removing_it(history, retractions, data, "law-b2")


def retracting_one_is_removing_it(
    history: list[Recorded[Event]], candidates: Sequence[Event], data: st.DataObject, tag: str
) -> None:
    """Retract one drawn candidate: the view and state equal the history without it."""
    assume(candidates)
    target = data.draw(st.sampled_from(candidates))
    retracted = appended(history, retraction(target, tag))
    on, _ = data.draw(as_of_pairs(history))
    views_and_states_agree(
        retracted,
        without(history, target.event_id),
        on=on,
        known_at=retracted[-1].recorded_at,
    )


def shuffled(
    history: Sequence[Recorded[Event]], batch: range, order: Sequence[int]
) -> list[Recorded[Event]]:
    """The history with one batch's events put in `order`, positions re-assigned."""
    moved = [history[i].event for i in order]
    return [
        *history[: batch.start],
        *(replace(history[slot], event=event) for slot, event in zip(batch, moved, strict=True)),
        *history[batch.stop :],
    ]


def corrects_one_target_twice(events: Sequence[Event]) -> bool:
    """Whether two corrections among `events` target the same event.

    Their log order decides which wins (D4), so shuffling such a batch may rightly
    change the answer; the batch laws exclude it.
    """
    targets = Counter(e.target_event_id for e in events if isinstance(e, EventCorrected))
    return any(n > 1 for n in targets.values())


def by_event_id(view: Sequence[Viewed]) -> dict[str, tuple[object, ...]]:
    """A view with positions left out: what each fact says and when it was recorded."""
    return {
        v.event.event_id: (v.event, v.recorded_at, v.corrected_by, v.corrected_at) for v in view
    }


def draw_batch_shuffle(
    history: list[Recorded[Event]], data: st.DataObject
) -> tuple[range, list[Recorded[Event]], date, datetime]:
    """A batch of two or more events, a shuffle of it, and a view taken after it."""
    candidates = [
        b
        for b in batches(history)
        if len(b) > 1 and not corrects_one_target_twice([history[i].event for i in b])
    ]
    assume(candidates)
    batch = data.draw(st.sampled_from(candidates))
    order = data.draw(st.permutations(list(batch)))
    on, _ = data.draw(as_of_pairs(history))
    stamp = history[batch.start].recorded_at
    known_at = data.draw(
        st.sampled_from(sorted({r.recorded_at for r in history if r.recorded_at >= stamp}))
    )
    return batch, shuffled(history, batch, order), on, known_at


@LAWS
@given(histories(), st.data())
def test_the_order_inside_a_batch_does_not_change_what_is_in_view(
    history: list[Recorded[Event]], data: st.DataObject
) -> None:
    """Law (d1): shuffling a batch leaves the same facts, saying the same, in view.

    For a batch (events sharing one `recorded_at`, at consecutive positions) with no two
    corrections of one target, any order of its events — positions re-assigned — gives
    a view with the same facts, each with the same corrected payload, `recorded_at` and
    winning correction. Only positions, and so the fold order of facts of the batch
    that share an `occurred_on`, may differ.
    """
    _, other, on, known_at = draw_batch_shuffle(history, data)
    assert by_event_id(as_of(history, on=on, known_at=known_at)) == by_event_id(
        as_of(other, on=on, known_at=known_at)
    )


@LAWS
@given(histories(), st.data())
def test_the_order_inside_a_batch_does_not_change_the_case_state(
    history: list[Recorded[Event]], data: st.DataObject
) -> None:
    """Law (d2): shuffling a batch whose facts in view have distinct dates keeps the state.

    D4 folds in (`occurred_on`, position) order, so position decides only between facts
    of one date; the order inside a batch is the sender's and may matter there (two
    placements starting on one day). When no two facts of the batch in the view share
    an `occurred_on` (and no two corrections in it share a target), the fold order of
    the facts is the same for every order of the batch, and so is the case state.
    """
    batch, other, on, known_at = draw_batch_shuffle(history, data)
    view = as_of(history, on=on, known_at=known_at)
    in_batch = {history[i].event.event_id for i in batch}
    dates = [v.event.occurred_on for v in view if v.event.event_id in in_batch]
    assume(len(dates) == len(set(dates)))
    other_view = as_of(other, on=on, known_at=known_at)
    assert [v.event for v in view] == [v.event for v in other_view]
    assert fold_case_state(CASE_ID, view, on=on, known_at=known_at) == fold_case_state(
        CASE_ID, other_view, on=on, known_at=known_at
    )


@LAWS
@given(histories(), st.data())
def test_on_only_filters_the_view_by_date(
    history: list[Recorded[Event]], data: st.DataObject
) -> None:
    """Law (e): the view on D is the view on a later date cut to facts up to D."""
    on, known_at = data.draw(as_of_pairs(history))
    later = on + timedelta(days=data.draw(st.integers(0, 400)))
    cut = [v for v in as_of(history, on=later, known_at=known_at) if v.event.occurred_on <= on]
    assert as_of(history, on=on, known_at=known_at) == cut
