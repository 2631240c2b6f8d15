"""The reference semantics of DESIGN.md D4, case by case."""

from __future__ import annotations

from datetime import date, timedelta

from caselog.events import (
    Event,
    ReporterCategory,
    ReportReceived,
    ViolenceExposure,
    VisitMade,
    VisitPlace,
)
from caselog.projections import as_of, retracted_ids
from tests.strategies import (
    CASE_ID,
    EPOCH,
    appended,
    correction,
    history_of,
    retraction,
)

DAY = date(2024, 3, 4)
LATER = EPOCH + timedelta(days=365)


def report(event_id: str, on: date = DAY) -> ReportReceived:
    """A report of concern from the police, received on `on`."""
    return ReportReceived(
        event_id=event_id,
        occurred_on=on,
        actor="u1",
        child_id=CASE_ID,
        reporter_category=ReporterCategory.POLICE,
        mandatory_reporter=True,
    )


def visit(event_id: str, on: date = DAY) -> VisitMade:
    """A visit in the placement home on `on`."""
    return VisitMade(
        event_id=event_id,
        occurred_on=on,
        actor="u1",
        child_id=CASE_ID,
        place=VisitPlace.PLACEMENT_HOME,
    )


def ids_in_view(events: list[Event], on: date = DAY) -> list[str]:
    """The event ids in the view on `on`, known a year after the first record."""
    return [v.event.event_id for v in as_of(history_of(events), on=on, known_at=LATER)]


def test_a_retraction_removes_its_target() -> None:
    """A retracted fact is not in the view, and neither is the retraction itself."""
    r1 = report("r1")
    assert ids_in_view([r1, report("r2"), retraction(r1, "x1")]) == ["r2"]


def test_retracting_a_retraction_restores_its_target() -> None:
    """Retracting the retraction brings the original fact back (D4 step 2)."""
    r1 = report("r1")
    x1 = retraction(r1, "x1")
    assert ids_in_view([r1, x1, retraction(x1, "x2")]) == ["r1"]


def test_a_third_retraction_removes_the_target_again() -> None:
    """A retraction of the retraction of a retraction leaves the original removed."""
    r1 = report("r1")
    x1 = retraction(r1, "x1")
    x2 = retraction(x1, "x2")
    events: list[Event] = [r1, x1, x2, retraction(x2, "x3")]
    assert ids_in_view(events) == []
    assert retracted_ids(history_of(events)) == {"r1", "x2"}


def test_a_correction_replaces_the_payload_keeping_identity_and_position() -> None:
    """The corrected fact keeps its event id and log position, with the new fields."""
    r1 = report("r1")
    fixed = correction(r1, "c1", violence_exposure=ViolenceExposure.WITNESSED)
    history = history_of([r1, report("r2"), fixed])
    view = as_of(history, on=DAY, known_at=LATER)
    assert [(v.event.event_id, v.position) for v in view] == [("r1", 1), ("r2", 2)]
    assert isinstance(view[0].event, ReportReceived)
    assert view[0].event.violence_exposure is ViolenceExposure.WITNESSED
    assert view[0].corrected_by == "c1"
    assert view[0].corrected_at == history[2].recorded_at
    assert view[0].recorded_at == history[0].recorded_at


def test_the_last_correction_in_log_order_wins() -> None:
    """Of several standing corrections of one fact, the last recorded wins."""
    r1 = report("r1")
    events: list[Event] = [
        r1,
        correction(r1, "c1", violence_exposure=ViolenceExposure.WITNESSED),
        correction(r1, "c2", violence_exposure=ViolenceExposure.SUBJECTED),
    ]
    (viewed,) = as_of(history_of(events), on=DAY, known_at=LATER)
    assert isinstance(viewed.event, ReportReceived)
    assert viewed.event.violence_exposure is ViolenceExposure.SUBJECTED
    assert viewed.corrected_by == "c2"


def test_retracting_the_winning_correction_restores_the_previous_one() -> None:
    """When the last correction is retracted, the one before it wins again."""
    r1 = report("r1")
    c2 = correction(r1, "c2", violence_exposure=ViolenceExposure.SUBJECTED)
    events: list[Event] = [
        r1,
        correction(r1, "c1", violence_exposure=ViolenceExposure.WITNESSED),
        c2,
        retraction(c2, "x1"),
    ]
    (viewed,) = as_of(history_of(events), on=DAY, known_at=LATER)
    assert isinstance(viewed.event, ReportReceived)
    assert viewed.event.violence_exposure is ViolenceExposure.WITNESSED
    assert viewed.corrected_by == "c1"


def test_retracting_the_only_correction_restores_the_original() -> None:
    """Retracting the one correction of a fact shows the fact as first recorded."""
    r1 = report("r1")
    c1 = correction(r1, "c1", violence_exposure=ViolenceExposure.WITNESSED)
    (viewed,) = as_of(history_of([r1, c1, retraction(c1, "x1")]), on=DAY, known_at=LATER)
    assert viewed.event == r1
    assert viewed.corrected_by is None


def test_a_correction_moving_occurred_on_past_on_hides_the_fact() -> None:
    """A fact corrected to a date after `on` is not in the view for `on`."""
    r1 = report("r1")
    moved = correction(r1, "c1", occurred_on=DAY + timedelta(days=1))
    assert ids_in_view([r1, moved]) == []
    assert ids_in_view([r1, moved], on=DAY + timedelta(days=1)) == ["r1"]


def test_a_correction_moving_occurred_on_back_reveals_the_fact() -> None:
    """A fact corrected to an earlier date is in the view for that date."""
    r1 = report("r1", on=DAY + timedelta(days=10))
    assert ids_in_view([r1, correction(r1, "c1", occurred_on=DAY)]) == ["r1"]


def test_a_corrections_own_date_does_not_filter_it() -> None:
    """A correction decided after `on` still applies to a fact dated on or before it."""
    r1 = report("r1")
    fixed = correction(
        r1,
        "c1",
        on=DAY + timedelta(days=30),
        violence_exposure=ViolenceExposure.WITNESSED,
    )
    (viewed,) = as_of(history_of([r1, fixed]), on=DAY, known_at=LATER)
    assert viewed.corrected_by == "c1"


def test_on_includes_the_facts_of_that_day() -> None:
    """A fact that occurred on `on` is in the view; one the day after is not."""
    events: list[Event] = [report("r1"), report("r2", on=DAY + timedelta(days=1))]
    assert ids_in_view(events) == ["r1"]


def test_facts_fold_in_occurred_on_then_position_order() -> None:
    """The view is sorted by valid date, ties broken by log position, not log order."""
    events: list[Event] = [
        visit("v1", DAY),
        report("r1", DAY - timedelta(days=5)),
        visit("v2", DAY - timedelta(days=5)),
        report("r2", DAY),
    ]
    assert ids_in_view(events) == ["r1", "v2", "v1", "r2"]


def test_known_at_keeps_only_what_was_recorded_by_then() -> None:
    """A fact, correction or retraction recorded after `known_at` has no effect yet."""
    r1, r2 = report("r1"), report("r2")
    history = history_of([r1, r2])
    later = appended(
        history,
        retraction(r1, "x1"),
        correction(r2, "c1", occurred_on=DAY + timedelta(days=1)),
    )
    at_first = history[0].recorded_at
    assert [v.event.event_id for v in as_of(later, on=DAY, known_at=at_first)] == ["r1"]
    before_edits = later[-1].recorded_at - timedelta(microseconds=1)
    assert [v.event.event_id for v in as_of(later, on=DAY, known_at=before_edits)] == [
        "r1",
        "r2",
    ]
    assert as_of(later, on=DAY, known_at=later[-1].recorded_at) == []


def test_a_batch_is_known_all_at_once() -> None:
    """Events sharing one `recorded_at` are all in the view at exactly that time."""
    history = appended(history_of([report("r1")]), report("r2"), report("r3"))
    view = as_of(history, on=DAY, known_at=history[-1].recorded_at)
    assert [v.event.event_id for v in view] == ["r1", "r2", "r3"]


def test_a_retraction_cycle_is_broken_in_favour_of_the_earlier_retraction() -> None:
    """Two retractions of each other (refused on write) leave the earlier standing."""
    r1 = report("r1")
    x1 = retraction(r1, "x1")
    x2 = retraction(x1, "x2")
    cyclic = x1.model_copy(update={"target_event_id": "x2"})
    assert retracted_ids(history_of([r1, cyclic, x2])) == {"x2"}
