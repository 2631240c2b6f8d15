"""Structural invariants (DESIGN.md D5) through `check_batch` and the aggregate classes.

Aggregates guard structure only: every referenced id exists in the stream (earlier events
plus the whole batch, in any order), corrections fit their targets, retractions never form
a cycle, a placement does not end before it began and a class is purged once. A legally
non-compliant fact is always accepted.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

import pytest

from caselog.aggregates import (
    ChildCase,
    Committee,
    FamilyHome,
    Matter,
    aggregate_for,
    check_batch,
)
from caselog.errors import (
    InvalidCorrectionError,
    PlacementEndsBeforeStartError,
    PurgedSubjectError,
    UnknownReferenceError,
)
from caselog.events import Event, event_adapter
from caselog.events.examples import example

STREAM: Final = "child:c-1001"


def ev(tag: str, event_id: str, **changes: Any) -> Event:  # noqa: ANN401 - JSON values
    """The example event of `tag` with its id and some fields changed (None removes one)."""
    data = {**example(tag), "event_id": event_id, **changes}
    return event_adapter.validate_python({k: v for k, v in data.items() if v is not None})


def report(event_id: str = "r1", **changes: Any) -> Event:  # noqa: ANN401
    """A report of concern about child c-1001."""
    return ev("report_received", event_id, **changes)


def placement(event_id: str = "p1", day: str = "2019-05-10", **changes: Any) -> Event:  # noqa: ANN401
    """Child c-1001 placed in family home home-7 (no care decision recorded)."""
    changes = {"care_decision_id": None, **changes}
    return ev("placement_started", event_id, occurred_on=day, **changes)


def ended(event_id: str = "e1", day: str = "2019-06-10") -> Event:
    """The placement pl-1 of child c-1001 ended."""
    return ev("placement_ended", event_id, occurred_on=day)


def correction(target: Event, event_id: str, **changes: Any) -> Event:  # noqa: ANN401
    """A correction of `target` with some fields of its payload changed."""
    replacement = target.model_dump(mode="json", exclude={"event_id"}) | changes
    subjects = {k: replacement.get(k) for k in ("child_id", "matter_id", "home_id")}
    return ev(
        "event_corrected",
        event_id,
        target_event_id=target.event_id,
        replacement=replacement,
        **subjects,
    )


def retraction(target_event_id: str, event_id: str, stream: str = STREAM) -> Event:
    """A retraction of the event `target_event_id` in `stream`."""
    kind, _, subject = stream.partition(":")
    subjects = {"child_id": None, f"{kind}_id": subject}
    return ev("event_retracted", event_id, target_event_id=target_event_id, **subjects)


def flagged(
    stored: list[Event], batch: list[Event], stream: str = STREAM
) -> list[tuple[int, str, type[Exception]]]:
    """(batch index, field, error class) of every violation `check_batch` finds."""
    return [(i, v.field, v.error) for i, v in check_batch(stream, stored, batch)]


def test_each_kind_of_stream_has_its_aggregate() -> None:
    """`aggregate_for` picks the aggregate class from the stream's prefix."""
    assert type(aggregate_for("child:c1")) is ChildCase
    assert type(aggregate_for("home:h1")) is FamilyHome
    assert type(aggregate_for("matter:m1")) is Matter
    assert type(aggregate_for("committee:sn")) is Committee
    assert aggregate_for("child:c1").stream == "child:c1"


MISSING: Final = [
    ("guardians_informed", "investigation_id"),
    ("investigation_concluded", "investigation_id"),
    ("risk_assessment_documented", "investigation_id"),
    ("placement_ended", "placement_id"),
    ("emergency_home_stay_extended", "placement_id"),
    ("care_reviewed", "care_decision_id"),
    ("immediate_custody_executed", "custody_id"),
    ("reported_to_committee", "custody_id"),
    ("submitted_to_court", "custody_id"),
    ("court_decided", "custody_id"),
    ("care_application_filed", "custody_id"),
    ("contact_restriction_reviewed", "restriction_id"),
    ("contact_restriction_lifted", "restriction_id"),
    ("intervention_started", "intervention_id"),
    ("non_execution_reported", "intervention_id"),
    ("protection_assessment_documented", "report_event_id"),
    ("feedback_given", "report_event_id"),
    ("investigation_opened", "report_event_ids[0]"),
    ("investigation_not_opened", "report_event_ids[0]"),
]


@pytest.mark.parametrize(("tag", "field"), MISSING, ids=[t for t, _ in MISSING])
def test_a_reference_to_a_missing_id_is_flagged_on_its_field(tag: str, field: str) -> None:
    """An event naming an id that is not in its stream is flagged on that exact field."""
    [(index, violation)] = check_batch(STREAM, [], [ev(tag, "x1")])
    assert (index, violation.field, violation.error) == (0, field, UnknownReferenceError)
    assert "does not exist in child:c-1001" in violation.reason


def test_a_placement_referring_to_a_missing_care_decision_is_flagged() -> None:
    """A placement naming a care decision that was never recorded is flagged."""
    assert flagged([], [placement(care_decision_id="cd-9")]) == [
        (0, "care_decision_id", UnknownReferenceError)
    ]
    court = ev("submitted_to_court", "s1", custody_id=None, care_decision_id="cd-9")
    assert flagged([], [court]) == [(0, "care_decision_id", UnknownReferenceError)]


def test_each_missing_report_of_a_list_is_named_by_its_index() -> None:
    """A decision naming two reports, the second missing, is flagged on `report_event_ids[1]`."""
    opened = ev("investigation_opened", "i1", report_event_ids=["r1", "r2"])
    [(index, violation)] = check_batch(STREAM, [report("r1")], [opened])
    assert (index, violation.field) == (0, "report_event_ids[1]")
    assert violation.reason == "'r2' does not exist in child:c-1001"


def test_a_reference_to_an_event_of_the_wrong_type_is_flagged() -> None:
    """A report reference naming an application, or the reverse, is flagged with both types."""
    application = ev("application_received", "a1")
    assessed = ev("protection_assessment_documented", "pa", report_event_id="a1")
    opened = ev("investigation_opened", "i1", report_event_ids=[], application_event_id="r1")
    found = check_batch(STREAM, [application, report("r1")], [assessed, opened])
    assert [(i, v.field, v.error) for i, v in found] == [
        (0, "report_event_id", UnknownReferenceError),
        (1, "application_event_id", UnknownReferenceError),
    ]
    assert (
        found[0][1].reason
        == "'a1' is a application_received, not a report_received, in child:c-1001"
    )


def test_an_id_of_another_namespace_does_not_resolve() -> None:
    """A placement id is not a care decision id, even when the strings are equal."""
    started = placement(placement_id="cd-1")
    assert flagged([started], [ev("care_reviewed", "cr", care_decision_id="cd-1")]) == [
        (0, "care_decision_id", UnknownReferenceError)
    ]


def test_the_order_within_a_batch_does_not_matter() -> None:
    """Follow-ups may precede what they refer to in one batch; references resolve."""
    batch = [
        ev("investigation_concluded", "c1"),
        ev("guardians_informed", "g1"),
        ev("investigation_opened", "i1", report_event_ids=["r1"]),
        ended(),
        placement(care_decision_id="cd-1"),
        ev("care_decided", "cd"),
        report("r1"),
    ]
    assert flagged([], batch) == []
    assert flagged([], list(reversed(batch))) == []


def test_references_resolve_against_stored_events() -> None:
    """A batch may refer to ids declared by events already stored, whatever their dates."""
    stored = [report("r1"), ev("investigation_opened", "i1", occurred_on="2030-01-01")]
    assert flagged(stored, [ev("investigation_concluded", "c1", occurred_on="2019-01-01")]) == []


def test_a_matter_follow_up_needs_its_opening_report() -> None:
    """A deviation triaged in a matter nobody reported is flagged on `matter_id`."""
    triaged = ev("deviation_triaged", "t1")
    [(index, violation)] = check_batch("matter:m-1", [], [triaged])
    assert (index, violation.field, violation.error) == (0, "matter_id", UnknownReferenceError)
    assert violation.reason == "matter:m-1 has no deviation_reported or lex_sarah_reported"


@pytest.mark.parametrize("opening", ["deviation_reported", "lex_sarah_reported"])
def test_a_matter_follow_up_after_its_report_is_accepted(opening: str) -> None:
    """With a deviation or lex Sarah report in the stream or the batch, follow-ups fit."""
    follow_ups = [ev(tag, f"f{i}") for i, tag in enumerate(sorted(Matter.FOLLOW_UPS))]
    assert flagged([ev(opening, "o1")], follow_ups, "matter:m-1") == []
    assert flagged([], [*follow_ups, ev(opening, "o1")], "matter:m-1") == []


def test_a_correction_needs_an_existing_target() -> None:
    """A correction of an event not in the stream is flagged on `target_event_id`."""
    assert flagged([], [correction(report("r-gone"), "k1")]) == [
        (0, "target_event_id", UnknownReferenceError)
    ]


def test_only_facts_can_be_corrected() -> None:
    """Correcting a correction or a retraction is flagged: retract it instead."""
    first = correction(report("r1"), "k1", mandatory_reporter=False)
    again = ev("event_corrected", "k2", target_event_id="k1")
    undo = ev("event_corrected", "k3", target_event_id="x1")
    stored = [report("r1"), first, retraction("r1", "x1")]
    found = check_batch(STREAM, stored, [again, undo])
    assert [(i, v.field, v.error) for i, v in found] == [
        (0, "target_event_id", InvalidCorrectionError),
        (1, "target_event_id", InvalidCorrectionError),
    ]
    assert "'k1' is a event_corrected; only facts can be corrected" in found[0][1].reason


def test_a_correction_keeps_its_targets_type() -> None:
    """A replacement of another type than its target is flagged on `replacement.type`."""
    wrong = ev("event_corrected", "k1", target_event_id="v1")  # a report replacing a visit
    assert flagged([ev("visit_made", "v1")], [wrong]) == [
        (0, "replacement.type", InvalidCorrectionError)
    ]


def test_a_correction_keeps_its_targets_subject_ids() -> None:
    """A placement's replacement in another home is flagged on `replacement.home_id`."""
    moved = correction(placement(), "k1", home_id="home-8")
    [(index, violation)] = check_batch(STREAM, [placement()], [moved])
    assert (index, violation.field) == (0, "replacement.home_id")
    assert violation.error is InvalidCorrectionError
    assert violation.reason == "must equal the target's home_id 'home-7', not 'home-8'"


def test_a_replacement_may_not_add_a_subject_id() -> None:
    """A care decision recorded without a home cannot gain one by correction."""
    decided = ev("care_decided", "cd", home_id=None)
    assert flagged([decided], [correction(decided, "k1", home_id="home-9")]) == [
        (0, "replacement.home_id", InvalidCorrectionError)
    ]


def test_a_replacements_references_must_resolve() -> None:
    """A replacement naming a missing id is flagged on `replacement.<field>`."""
    stored = [report("r1"), ev("investigation_opened", "i1", report_event_ids=["r1"])]
    informed = ev("guardians_informed", "g1")
    bad_list = correction(stored[1], "k2", report_event_ids=["r1", "r9"])
    assert flagged(
        [*stored, informed], [correction(informed, "k1", investigation_id="i9"), bad_list]
    ) == [
        (0, "replacement.investigation_id", UnknownReferenceError),
        (1, "replacement.report_event_ids[1]", UnknownReferenceError),
    ]


def test_a_correction_of_a_placement_in_its_own_home_is_accepted() -> None:
    """Correcting a placement's date and type, home unchanged, is accepted."""
    fixed = correction(placement(), "k1", occurred_on="2019-05-11", home_type="kinship_home")
    assert flagged([placement()], [fixed]) == []


def test_retractions_within_one_batch_may_not_form_a_cycle() -> None:
    """A retracts B and B retracts A in one batch: both are flagged as a cycle."""
    batch = [retraction("xb", "xa"), retraction("xa", "xb")]
    found = check_batch(STREAM, [report("r1")], batch)
    assert [(i, v.field, v.error) for i, v in found] == [
        (0, "target_event_id", InvalidCorrectionError),
        (1, "target_event_id", InvalidCorrectionError),
    ]
    assert "would close a cycle of retractions" in found[0][1].reason


def test_a_retraction_of_itself_is_a_cycle() -> None:
    """A retraction naming its own id is flagged."""
    assert flagged([], [retraction("x1", "x1")]) == [(0, "target_event_id", InvalidCorrectionError)]


def test_retracting_a_retraction_is_fine() -> None:
    """Retracting a retraction (restoring its target) fits, stored or in one batch."""
    stored = [report("r1"), retraction("r1", "x1")]
    assert flagged(stored, [retraction("x1", "x2")]) == []
    assert flagged([report("r1")], [retraction("x1", "x2"), retraction("r1", "x1")]) == []


def test_corrections_and_retractions_work_in_every_stream() -> None:
    """A home's investigation can be corrected and retracted in the home's stream."""
    home = ev("home_investigation_completed", "h1")
    fixed = correction(home, "k1", by_municipality="Annanby kommun")
    batch = [fixed, retraction("h1", "x1", "home:home-7")]
    assert flagged([home], batch, "home:home-7") == []
    assert flagged([], batch, "home:home-7") == [
        (0, "target_event_id", UnknownReferenceError),
        (1, "target_event_id", UnknownReferenceError),
    ]


def test_a_placement_ending_before_it_began_is_flagged_once() -> None:
    """An end dated before its start is flagged once, on the end's `occurred_on`."""
    batch = [placement(day="2019-05-10"), ended(day="2019-05-01")]
    for order in (batch, list(reversed(batch))):
        [(index, violation)] = check_batch(STREAM, [], order)
        assert order[index].type == "placement_ended"
        assert (violation.field, violation.error) == (
            "occurred_on",
            PlacementEndsBeforeStartError,
        )
        assert violation.reason == (
            "placement 'pl-1' would end on 2019-05-01 before it began on 2019-05-10"
        )


def test_a_placement_ending_on_its_first_day_is_accepted() -> None:
    """A placement may end on the day it began."""
    assert flagged([], [placement(day="2019-05-10"), ended(day="2019-05-10")]) == []


def test_a_correction_moving_a_start_after_its_end_is_flagged() -> None:
    """Correcting a placement's start to after its end is flagged on the correction."""
    stored = [placement(day="2019-05-10"), ended(day="2019-06-10")]
    late_start = correction(stored[0], "k1", occurred_on="2019-07-01")
    assert flagged(stored, [late_start]) == [(0, "occurred_on", PlacementEndsBeforeStartError)]
    early_end = correction(stored[1], "k2", occurred_on="2019-05-01")
    assert flagged(stored, [early_end]) == [(0, "occurred_on", PlacementEndsBeforeStartError)]
    assert flagged(stored, [correction(stored[0], "k3", occurred_on="2019-06-01")]) == []


def test_a_class_is_purged_once() -> None:
    """D5: events after `records_purged` are accepted; a second purge of its class is not."""
    purged = ev("records_purged", "g1")
    assert flagged([report("r1"), purged], [ev("visit_made", "v1")]) == []
    found = check_batch(STREAM, [report("r1"), purged], [ev("records_purged", "g2")])
    [(index, violation)] = found
    assert (index, violation.field, violation.error) == (0, "retention_class", PurgedSubjectError)
    assert violation.reason == (
        "the general records of child:c-1001 were already purged (records_purged 'g1'); "
        "a second purge of that class is refused"
    )
    assert flagged([], [purged, ev("records_purged", "g2")]) == [
        (1, "retention_class", PurgedSubjectError)
    ]
    assert flagged([report("r1")], [purged]) == []


def test_an_aggregate_checks_one_event_against_what_it_has_folded() -> None:
    """`ChildCase.violations` checks one event after `add`, as `record()` does."""
    case = ChildCase(STREAM)
    for event in (report("r1"), placement(day="2019-05-10")):
        case.add(event)
        assert case.violations(event) == []
    bad = ended(day="2019-05-01")
    case.add(bad)
    assert [v.error for v in case.violations(bad)] == [PlacementEndsBeforeStartError]
    assert case.placement_events == {"pl-1": {"start": "p1", "end": "e1"}}
    assert case.dates["e1"] == date(2019, 5, 1)


# -- legally non-compliant facts are always accepted (D5) ----------------------------


def test_a_placement_without_decision_in_a_never_investigated_home_is_accepted() -> None:
    """A child placed in a family home nobody investigated, with no care decision, fits."""
    assert check_batch(STREAM, [], [placement()]) == []
    assert (
        check_batch(STREAM, [], [placement(home_type="private_home", legal_basis="private")]) == []
    )


def test_an_investigation_concluded_years_late_is_accepted() -> None:
    """An investigation opened in 2015 and concluded in 2019 is recorded as it is."""
    opened = ev("investigation_opened", "i1", occurred_on="2015-02-01", report_event_ids=["r1"])
    concluded = ev("investigation_concluded", "c1", occurred_on="2019-11-11")
    assert check_batch(STREAM, [report("r1", occurred_on="2015-01-10")], [opened, concluded]) == []


def test_no_investigation_after_a_violence_report_is_accepted() -> None:
    """Deciding not to investigate a report of a child subjected to violence fits."""
    violent = report("r1", violence_exposure="subjected", close_relative=True)
    declined = ev("investigation_not_opened", "n1", report_event_ids=["r1"])
    assert check_batch(STREAM, [], [violent, declined]) == []


def test_late_and_out_of_order_decisions_are_accepted() -> None:
    """A care decision dated after the placement it refers to, and a review years late, fit."""
    decided = ev("care_decided", "cd", occurred_on="2019-06-01")
    started = placement(day="2019-05-10", care_decision_id="cd-1")
    reviewed = ev("care_reviewed", "cr", occurred_on="2023-01-01", decided_by="official")
    assert check_batch(STREAM, [], [started, decided, reviewed]) == []


def test_a_home_and_a_committee_need_no_prior_event() -> None:
    """A home's first investigation and a committee's first meeting open their streams."""
    assert check_batch("home:home-7", [], [ev("home_investigation_completed", "h1")]) == []
    assert check_batch("committee:sn", [], [ev("committee_meeting_held", "m1")]) == []
