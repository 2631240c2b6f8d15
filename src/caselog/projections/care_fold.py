"""The care half of the case fold: decisions, placements, follow-up and LVU.

Folds the facts of out-of-home care (vård utanför hemmet) — care decisions (vårdbeslut),
consent (medgivande), placements (placeringar), reviews (övervägande, prövning), visits
and private talks, immediate custody (omedelbart omhändertagande), contact restrictions
(umgängesbegränsningar), interventions (insatser) and purges (gallring) — into drafts
that `fold_case_state` freezes. Two passes, as in `intake_fold`.
"""

from __future__ import annotations

from pydantic import ConfigDict

from caselog.events import (
    CareApplicationFiled,
    CareDecided,
    CareReviewed,
    ConsentGranted,
    ContactRestrictionDecided,
    ContactRestrictionLifted,
    ContactRestrictionReviewed,
    CourtDecided,
    CourtExtendedDeadline,
    CustodyTransferConsidered,
    EmergencyHomeStayExtended,
    FactEvent,
    ImmediateCustodyDecided,
    ImmediateCustodyEnded,
    ImmediateCustodyExecuted,
    InterventionDecided,
    InterventionKind,
    InterventionStarted,
    NonExecutionReported,
    PlacementEnded,
    PlacementStarted,
    PrivateTalkHeld,
    RecordsPurged,
    ReportedToCommittee,
    RetentionClass,
    SubmittedToCourt,
    VisitMade,
)
from caselog.projections.case_parts import (
    CareDecision,
    Consent,
    ContactRestriction,
    CourtDecision,
    CustodyTransferConsideration,
    ImmediateCustody,
    Intervention,
    Placement,
    PrivateTalk,
    Review,
    Visit,
)
from caselog.projections.intake_fold import Orphans, first_on


class DecisionDraft(CareDecision):
    """A care decision being folded."""

    model_config = ConfigDict(frozen=False)


class PlacementDraft(Placement):
    """A placement being folded."""

    model_config = ConfigDict(frozen=False)


class CustodyDraft(ImmediateCustody):
    """An immediate custody being folded."""

    model_config = ConfigDict(frozen=False)


class RestrictionDraft(ContactRestriction):
    """A contact restriction being folded."""

    model_config = ConfigDict(frozen=False)


class InterventionDraft(Intervention):
    """An intervention being folded."""

    model_config = ConfigDict(frozen=False)


def _ruling(event: CourtDecided) -> CourtDecision:
    """The court decision (dom, beslut) an event records."""
    return CourtDecision(
        event_id=event.event_id, decided_on=event.occurred_on, outcome=event.outcome
    )


class CareFold:
    """Folds the care facts of one case file."""

    def __init__(self, orphans: Orphans) -> None:
        """Start empty, naming orphans in the log shared with the intake half."""
        self.orphans = orphans
        self.decisions: dict[str, DecisionDraft] = {}
        self.consents: list[Consent] = []
        self.placements: dict[str, PlacementDraft] = {}
        self.reviews: list[Review] = []
        self.considerations: list[CustodyTransferConsideration] = []
        self.visits: list[Visit] = []
        self.talks: list[PrivateTalk] = []
        self.custodies: dict[str, CustodyDraft] = {}
        self.restrictions: dict[str, RestrictionDraft] = {}
        self.interventions: dict[str, InterventionDraft] = {}
        self.purged: list[RetentionClass] = []

    def define(self, event: FactEvent) -> None:
        """First pass: create the decisions, placements, custodies and restrictions."""
        match event:
            case CareDecided():
                self.decisions.setdefault(
                    event.care_decision_id,
                    DecisionDraft(
                        care_decision_id=event.care_decision_id,
                        event_id=event.event_id,
                        legal_basis=event.legal_basis,
                        decided_on=event.occurred_on,
                        decided_by=event.decided_by,
                        home_id=event.home_id,
                    ),
                )
            case PlacementStarted():
                self.placements.setdefault(
                    event.placement_id,
                    PlacementDraft(
                        placement_id=event.placement_id,
                        event_id=event.event_id,
                        home_id=event.home_id,
                        home_type=event.home_type,
                        legal_basis=event.legal_basis,
                        started_on=event.occurred_on,
                        care_decision_id=event.care_decision_id,
                    ),
                )
            case ImmediateCustodyDecided():
                self.custodies.setdefault(
                    event.custody_id,
                    CustodyDraft(
                        custody_id=event.custody_id,
                        decided_event_id=event.event_id,
                        decided_on=event.occurred_on,
                        decided_by=event.decided_by,
                    ),
                )
            case ContactRestrictionDecided():
                self.restrictions.setdefault(
                    event.restriction_id,
                    RestrictionDraft(
                        restriction_id=event.restriction_id,
                        decided_on=event.occurred_on,
                        decided_by=event.decided_by,
                    ),
                )
            case _:
                pass  # applied in the second pass, or not part of care

    def _decision(self, event: FactEvent, care_decision_id: str) -> DecisionDraft | None:
        """The care decision a fact refers to, or None (and an orphan) when missing."""
        return self.orphans.referent(event, self.decisions, care_decision_id)

    def _placement(self, event: FactEvent, placement_id: str) -> PlacementDraft | None:
        """The placement a fact refers to, or None (and an orphan) when not started."""
        return self.orphans.referent(event, self.placements, placement_id)

    def _custody(self, event: FactEvent, custody_id: str) -> CustodyDraft:
        """The custody a fact refers to, created as an orphan when not decided."""
        stand_in = CustodyDraft(custody_id=custody_id, orphan=True)
        return self.orphans.referent_or_stand_in(event, self.custodies, custody_id, stand_in)

    def _restriction(self, event: FactEvent, restriction_id: str) -> RestrictionDraft:
        """The contact restriction a fact refers to, created as an orphan when missing."""
        stand_in = RestrictionDraft(restriction_id=restriction_id, orphan=True)
        return self.orphans.referent_or_stand_in(event, self.restrictions, restriction_id, stand_in)

    def _intervention(self, intervention_id: str, kind: InterventionKind) -> InterventionDraft:
        """The intervention a fact refers to, created on its first mention."""
        return self.interventions.setdefault(
            intervention_id,
            InterventionDraft(intervention_id=intervention_id, kind=kind),
        )

    def apply(self, event: FactEvent) -> None:  # noqa: PLR0915  (one case per fact)
        """Second pass: apply one care fact to what it refers to."""
        day = event.occurred_on
        match event:
            case ConsentGranted():
                self.consents.append(
                    Consent(
                        event_id=event.event_id,
                        home_id=event.home_id,
                        decided_on=day,
                        decided_by=event.decided_by,
                    )
                )
            case PlacementStarted(care_decision_id=str(decision_id)):
                self._decision(event, decision_id)
            case PlacementEnded():
                if placement := self._placement(event, event.placement_id):
                    placement.ended_on = first_on(placement.ended_on, day)
            case EmergencyHomeStayExtended():
                if placement := self._placement(event, event.placement_id):
                    placement.emergency_stay_extended_on = (
                        *placement.emergency_stay_extended_on,
                        day,
                    )
            case CareReviewed():
                if event.care_decision_id is not None:
                    self._decision(event, event.care_decision_id)
                self.reviews.append(
                    Review(
                        event_id=event.event_id,
                        reviewed_on=day,
                        kind=event.kind,
                        decided_by=event.decided_by,
                        care_decision_id=event.care_decision_id,
                    )
                )
            case CustodyTransferConsidered():
                self.considerations.append(
                    CustodyTransferConsideration(
                        event_id=event.event_id,
                        considered_on=day,
                        home_id=event.home_id,
                        decided_by=event.decided_by,
                    )
                )
            case VisitMade():
                self.visits.append(
                    Visit(event_id=event.event_id, visited_on=day, place=event.place)
                )
            case PrivateTalkHeld():
                self.talks.append(PrivateTalk(event_id=event.event_id, held_on=day))
            case ImmediateCustodyExecuted():
                custody = self._custody(event, event.custody_id)
                custody.executed_on = first_on(custody.executed_on, day)
            case ImmediateCustodyEnded():
                custody = self._custody(event, event.custody_id)
                custody.ended_on = first_on(custody.ended_on, day)
            case ReportedToCommittee():
                custody = self._custody(event, event.custody_id)
                custody.reported_to_committee_on = first_on(custody.reported_to_committee_on, day)
            case CareApplicationFiled():
                custody = self._custody(event, event.custody_id)
                custody.care_application_filed_on = first_on(custody.care_application_filed_on, day)
            case CourtExtendedDeadline():
                custody = self._custody(event, event.custody_id)
                until = custody.deadline_extended_until or event.until_on
                custody.deadline_extended_until = max(until, event.until_on)
            case SubmittedToCourt(custody_id=str(custody_id)):
                custody = self._custody(event, custody_id)
                custody.submitted_to_court_on = first_on(custody.submitted_to_court_on, day)
            case SubmittedToCourt(care_decision_id=str(decision_id)):
                if decision := self._decision(event, decision_id):
                    decision.submitted_to_court_on = first_on(decision.submitted_to_court_on, day)
            case CourtDecided(custody_id=str(custody_id)):
                custody = self._custody(event, custody_id)
                custody.court_decisions = (*custody.court_decisions, _ruling(event))
            case CourtDecided(care_decision_id=str(decision_id)):
                if decision := self._decision(event, decision_id):
                    decision.court_decisions = (
                        *decision.court_decisions,
                        _ruling(event),
                    )
            case ContactRestrictionReviewed():
                restriction = self._restriction(event, event.restriction_id)
                restriction.reviewed_on = (*restriction.reviewed_on, day)
            case ContactRestrictionLifted():
                restriction = self._restriction(event, event.restriction_id)
                restriction.lifted_on = first_on(restriction.lifted_on, day)
            case InterventionDecided():
                intervention = self._intervention(event.intervention_id, event.kind)
                intervention.decided_on = first_on(intervention.decided_on, day)
            case InterventionStarted():
                intervention = self._intervention(event.intervention_id, event.kind)
                intervention.started_on = first_on(intervention.started_on, day)
            case NonExecutionReported():
                intervention = self._intervention(event.intervention_id, event.kind)
                intervention.non_execution_quarters = (
                    *intervention.non_execution_quarters,
                    event.quarter,
                )
            case RecordsPurged():
                if event.retention_class not in self.purged:
                    self.purged.append(event.retention_class)
            case _:
                pass  # not a care fact: intake, plans, homes, matters, committee …
