"""The care half of the case fold: decisions, follow-up, LVU, interventions, purges."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, TypeVar

from caselog.events import (
    CareApplicationFiled,
    CareDecided,
    CareReviewed,
    ChildEvent,
    ConsentGranted,
    ContactRestrictionDecided,
    ContactRestrictionLifted,
    ContactRestrictionReviewed,
    CourtDecided,
    CourtExtendedDeadline,
    CustodyTransferConsidered,
    EmergencyHomeStayExtended,
    Event,
    ImmediateCustodyDecided,
    ImmediateCustodyEnded,
    ImmediateCustodyExecuted,
    InterventionDecided,
    InterventionStarted,
    NonExecutionReported,
    PlacementStarted,
    PrivateTalkHeld,
    RecordsPurged,
    ReportedToCommittee,
    SubmittedToCourt,
)
from caselog.projections import CaseState, EpisodeKind, as_of, fold_case_state
from tests.strategies import CASE_ID, EPOCH, history_of
from tests.strategies import fact as child_fact

E = TypeVar("E", bound=ChildEvent)
KNOWN_AT = EPOCH + timedelta(days=3650)


def day(n: int) -> date:
    """The `n`th day after the first of January 2024."""
    return date(2024, 1, 1) + timedelta(days=n)


def fact(cls: type[E], event_id: str, on: int, **fields: Any) -> E:  # noqa: ANN401
    """A fact of the case file `c1` that occurred on `day(on)`."""
    return child_fact(cls, event_id, day(on), **fields)


def state(events: list[Event], on: int = 400) -> CaseState:
    """The case state on `day(on)`, known ten years on."""
    view = as_of(history_of(events), on=day(on), known_at=KNOWN_AT)
    return fold_case_state(CASE_ID, view, on=day(on), known_at=KNOWN_AT)


def test_a_care_decision_collects_its_court_path() -> None:
    """Submission to court and the court's decisions land on the care decision."""
    ids = {"care_decision_id": "d1"}
    events: list[Event] = [
        fact(CareDecided, "d", 0, legal_basis="lvu_2", decided_by="committee", **ids),
        fact(SubmittedToCourt, "s1", 3, **ids),
        fact(SubmittedToCourt, "s2", 4, **ids),
        fact(CourtDecided, "c1", 20, outcome="granted", **ids),
    ]
    (decision,) = state(events).decisions
    assert (decision.legal_basis, decision.submitted_to_court_on) == ("lvu_2", day(3))
    assert [(c.decided_on, c.outcome) for c in decision.court_decisions] == [(day(20), "granted")]


def test_an_immediate_custody_collects_its_deadlines() -> None:
    """Execution, reporting, court, application and end land on the custody (R16)."""
    ids = {"custody_id": "k1"}
    events: list[Event] = [
        fact(ImmediateCustodyDecided, "u1", 0, decided_by="chair", **ids),
        fact(ImmediateCustodyExecuted, "u2", 0, **ids),
        fact(ReportedToCommittee, "u3", 6, committee_id="sn", **ids),
        fact(SubmittedToCourt, "u4", 5, **ids),
        fact(CourtDecided, "u5", 9, outcome="confirmed", **ids),
        fact(CourtExtendedDeadline, "u6", 20, until_on=day(40), **ids),
        fact(CourtExtendedDeadline, "u7", 21, until_on=day(35), **ids),
        fact(CareApplicationFiled, "u8", 33, **ids),
        fact(ImmediateCustodyEnded, "u9", 50, **ids),
    ]
    (custody,) = state(events).immediate_custodies
    assert (custody.decided_on, custody.executed_on) == (day(0), day(0))
    assert custody.reported_to_committee_on == day(6)
    assert custody.submitted_to_court_on == day(5)
    assert [c.outcome for c in custody.court_decisions] == ["confirmed"]
    assert custody.deadline_extended_until == day(40)
    assert (custody.care_application_filed_on, custody.ended_on) == (day(33), day(50))
    assert not custody.orphan


def test_follow_up_facts_are_listed_in_fold_order() -> None:
    """Consents, reviews, custody considerations and talks are listed by date."""
    events: list[Event] = [
        fact(PrivateTalkHeld, "t2", 30),
        fact(ConsentGranted, "m1", 1, home_id="h1", decided_by="subcommittee"),
        fact(CareReviewed, "r1", 180, kind="sol_review", decided_by="committee"),
        fact(CustodyTransferConsidered, "v1", 300, home_id="h1", decided_by="committee"),
        fact(PrivateTalkHeld, "t1", 20),
    ]
    result = state(events)
    assert [(c.home_id, c.decided_on) for c in result.consents] == [("h1", day(1))]
    assert [(r.kind, r.reviewed_on) for r in result.reviews] == [("sol_review", day(180))]
    assert [c.considered_on for c in result.custody_transfer_considerations] == [day(300)]
    assert [t.held_on for t in result.private_talks] == [day(20), day(30)]
    assert result.orphans == ()


def test_an_emergency_home_stay_extension_lands_on_its_placement() -> None:
    """Special reasons to stay in an emergency home (jourhem) are dated on it (R08)."""
    events: list[Event] = [
        fact(
            PlacementStarted,
            "s1",
            0,
            placement_id="p1",
            home_id="h1",
            home_type="emergency_home",
            legal_basis="sol",
        ),
        fact(
            EmergencyHomeStayExtended,
            "x1",
            60,
            placement_id="p1",
            reasons="no family home found yet",
            decided_by="subcommittee",
        ),
    ]
    (placement,) = state(events).placements
    assert placement.emergency_stay_extended_on == (day(60),)


def test_a_contact_restriction_collects_its_reviews_and_lifting() -> None:
    """Reviews every three months and the lifting land on the restriction (R17)."""
    ids = {"restriction_id": "x1", "decided_by": "committee"}
    events: list[Event] = [
        fact(ContactRestrictionDecided, "c1", 0, **ids),
        fact(ContactRestrictionReviewed, "c2", 90, **ids),
        fact(ContactRestrictionReviewed, "c3", 180, **ids),
        fact(ContactRestrictionLifted, "c4", 200, **ids),
    ]
    (restriction,) = state(events).contact_restrictions
    assert restriction.decided_on == day(0)
    assert restriction.reviewed_on == (day(90), day(180))
    assert (restriction.lifted_on, restriction.orphan) == (day(200), False)


def test_an_intervention_collects_its_decision_start_and_reports() -> None:
    """An intervention shows its decision, execution and non-execution reports (R24)."""
    ids = {"intervention_id": "n1", "kind": "contact_person"}
    events: list[Event] = [
        fact(InterventionStarted, "i2", 120, **ids),
        fact(InterventionDecided, "i1", 0, **ids),
        fact(NonExecutionReported, "i3", 95, quarter="2024-Q2", **ids),
    ]
    (intervention,) = state(events).interventions
    assert (intervention.decided_on, intervention.started_on) == (day(0), day(120))
    assert intervention.non_execution_quarters == ("2024-Q2",)


def test_purged_classes_are_listed_once_each() -> None:
    """A retention class purged twice is listed once, in order of first purge."""
    events: list[Event] = [
        fact(RecordsPurged, f"g{n}", n, retention_class=cls)
        for n, cls in enumerate(["investigation", "general", "investigation"])
    ]
    assert state(events).purged_classes == ("investigation", "general")


def test_facts_about_missing_care_referents_are_orphans() -> None:
    """Facts naming a decision, placement, custody or restriction not in view are named."""
    events: list[Event] = [
        fact(
            PlacementStarted,
            "s1",
            0,
            placement_id="p1",
            home_id="h1",
            home_type="family_home",
            legal_basis="sol",
            care_decision_id="d9",
        ),
        fact(SubmittedToCourt, "s2", 1, care_decision_id="d9"),
        fact(CourtDecided, "s3", 2, care_decision_id="d9", outcome="rejected"),
        fact(
            CareReviewed,
            "s4",
            3,
            kind="sol_review",
            decided_by="committee",
            care_decision_id="d9",
        ),
        fact(
            EmergencyHomeStayExtended,
            "s5",
            4,
            placement_id="p9",
            reasons="r",
            decided_by="official",
        ),
        fact(ImmediateCustodyExecuted, "s6", 5, custody_id="k9"),
        fact(CourtDecided, "s7", 6, custody_id="k9", outcome="revoked"),
        fact(ContactRestrictionLifted, "s8", 7, restriction_id="x9", decided_by="committee"),
    ]
    result = state(events)
    assert result.orphans == ("s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8")
    (custody,) = result.immediate_custodies
    assert (custody.orphan, custody.decided_on, custody.executed_on) == (True, None, day(5))
    assert [c.outcome for c in custody.court_decisions] == ["revoked"]
    (restriction,) = result.contact_restrictions
    assert (restriction.orphan, restriction.lifted_on) == (True, day(7))
    assert result.decisions == ()


def placed(event_id: str, on: int, basis: str, placement_id: str) -> PlacementStarted:
    """A placement in family home h1 from `day(on)` under `basis`, with no end recorded."""
    return fact(
        PlacementStarted,
        event_id,
        on,
        placement_id=placement_id,
        home_id="h1",
        home_type="family_home",
        legal_basis=basis,
    )


def test_a_change_of_basis_without_an_end_ends_the_episode_on_the_day_before() -> None:
    """SoL care from 01-15, LVU 2 § care from 03-01, no end: SoL ends 02-29 (§4.28, D9)."""
    events: list[Event] = [placed("s1", 14, "sol", "p1"), placed("s2", 60, "lvu_2", "p2")]
    assert day(60) == date(2024, 3, 1)
    assert [(e.kind, e.started_on, e.ended_on) for e in state(events).care_episodes] == [
        (EpisodeKind.SOL, day(14), date(2024, 2, 29)),
        (EpisodeKind.LVU_2, day(60), None),
    ]
    (running,) = state(events, on=59).care_episodes
    assert (running.kind, running.ended_on) == (EpisodeKind.SOL, None)


def test_immediate_custody_without_an_end_continues_into_lvu_care() -> None:
    """The exception (§4.27): lvu_6 with no end, then LVU 3 § care, is one running episode."""
    events: list[Event] = [placed("s1", 14, "lvu_6", "p1"), placed("s2", 40, "lvu_3", "p2")]
    (episode,) = state(events).care_episodes
    assert (episode.kind, episode.started_on, episode.ended_on) == (
        EpisodeKind.LVU_3,
        day(14),
        None,
    )
