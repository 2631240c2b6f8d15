"""Short constructors for the events of the worked cases (RULES.md §11).

Dates are ISO strings; ids are explicit so that a test can name the trigger it checks.
"""

from __future__ import annotations

from datetime import date

from caselog.events import (
    Body,
    CareApplicationFiled,
    CareBasis,
    CareDecided,
    CarePlanEstablished,
    CarePlanRevised,
    CareReviewed,
    CaseFileOpened,
    CommitteeMeetingHeld,
    ConsentGranted,
    ContactRestrictionDecided,
    ContactRestrictionLifted,
    ContactRestrictionReviewed,
    CourtDecided,
    CourtExtendedDeadline,
    CourtOutcome,
    CustodyTransferConsidered,
    DecidedBy,
    EmergencyHomeStayExtended,
    EndOfCareRequested,
    FeedbackGiven,
    FeedbackRefused,
    FeedbackRequested,
    FosterContractSigned,
    HealthExaminationNotNeeded,
    HomeInvestigationCompleted,
    HomeType,
    ImmediateCustodyDecided,
    ImmediateCustodyEnded,
    ImmediateCustodyExecuted,
    ImplementationPlanEstablished,
    InvestigationConcluded,
    InvestigationExtended,
    InvestigationNotOpened,
    InvestigationOpened,
    InvestigationOutcome,
    MovingBanConsidered,
    PlacementBasis,
    PlacementEnded,
    PlacementStarted,
    PrivateTalkHeld,
    ProtectionAssessmentDocumented,
    ProtectionOutcome,
    RegionNotified,
    ReportedToCommittee,
    ReporterCategory,
    ReportReceived,
    Requester,
    ReviewKind,
    SubmittedToCourt,
    ViolenceExposure,
    VisitMade,
    VisitPlace,
)

CHILD = "c1"
BY = {"actor": "sw-1", "child_id": CHILD}


def day(text: str) -> date:
    """An ISO date."""
    return date.fromisoformat(text)


def report(
    event_id: str, received: str, *, violence: ViolenceExposure = ViolenceExposure.NONE
) -> ReportReceived:
    """A report of concern from the police, with or without violence by a close relative."""
    return ReportReceived(
        event_id=event_id,
        occurred_on=day(received),
        reporter_category=ReporterCategory.POLICE,
        mandatory_reporter=True,
        violence_exposure=violence,
        close_relative=violence is not ViolenceExposure.NONE,
        **BY,
    )


def assessed(event_id: str, on: str, report_id: str) -> ProtectionAssessmentDocumented:
    """A protection assessment of one report."""
    return ProtectionAssessmentDocumented(
        event_id=event_id,
        occurred_on=day(on),
        report_event_id=report_id,
        outcome=ProtectionOutcome.NO_IMMEDIATE_NEED,
        **BY,
    )


def opened(
    event_id: str, on: str, *report_ids: str, investigation: str = "inv-1"
) -> InvestigationOpened:
    """A decision to open an investigation on the given reports."""
    return InvestigationOpened(
        event_id=event_id,
        occurred_on=day(on),
        investigation_id=investigation,
        report_event_ids=list(report_ids),
        decided_by=DecidedBy.OFFICIAL,
        **BY,
    )


def not_opened(event_id: str, on: str, *report_ids: str) -> InvestigationNotOpened:
    """A decision not to open an investigation."""
    return InvestigationNotOpened(
        event_id=event_id,
        occurred_on=day(on),
        report_event_ids=list(report_ids),
        decided_by=DecidedBy.OFFICIAL,
        reasons="Inga skäl för utredning.",
        **BY,
    )


def extended(
    event_id: str, on: str, new_due: str | None, *, investigation: str = "inv-1"
) -> InvestigationExtended:
    """A decision to extend an investigation to `new_due`."""
    return InvestigationExtended(
        event_id=event_id,
        occurred_on=day(on),
        investigation_id=investigation,
        new_due_on=day(new_due) if new_due else None,
        reasons="Väntar på BUP-bedömning." if new_due else None,
        decided_by=DecidedBy.SUBCOMMITTEE,
        **BY,
    )


def concluded(event_id: str, on: str, *, investigation: str = "inv-1") -> InvestigationConcluded:
    """The decision that ends an investigation."""
    return InvestigationConcluded(
        event_id=event_id,
        occurred_on=day(on),
        investigation_id=investigation,
        outcome=InvestigationOutcome.INTERVENTION,
        decided_by=DecidedBy.SUBCOMMITTEE,
        **BY,
    )


def placed(
    event_id: str,
    on: str,
    *,
    home: str = "H",
    home_type: HomeType = HomeType.FAMILY_HOME,
    basis: PlacementBasis = PlacementBasis.SOL,
    placement: str = "pl-1",
) -> PlacementStarted:
    """A placement starting on `on`."""
    return PlacementStarted(
        event_id=event_id,
        occurred_on=day(on),
        placement_id=placement,
        home_id=home,
        home_type=home_type,
        legal_basis=basis,
        **BY,
    )


def reviewed(
    event_id: str,
    on: str,
    *,
    kind: ReviewKind = ReviewKind.SOL_REVIEW,
    by: DecidedBy = DecidedBy.SUBCOMMITTEE,
) -> CareReviewed:
    """A periodic review of care (övervägande / prövning)."""
    return CareReviewed(event_id=event_id, occurred_on=day(on), kind=kind, decided_by=by, **BY)


def home_investigated(
    event_id: str,
    on: str,
    *,
    home: str = "H",
    home_type: HomeType = HomeType.FAMILY_HOME,
    municipality: str = "Orsa",
) -> HomeInvestigationCompleted:
    """A completed investigation of a home (familjehemsutredning), in the home's stream."""
    return HomeInvestigationCompleted(
        event_id=event_id,
        occurred_on=day(on),
        actor="sw-1",
        home_id=home,
        home_type=home_type,
        by_municipality=municipality,
    )


def care_decided(
    event_id: str,
    on: str,
    *,
    decision: str = "cd-1",
    home: str | None = None,
    basis: CareBasis = CareBasis.SOL,
    by: DecidedBy = DecidedBy.COMMITTEE,
) -> CareDecided:
    """A decision on care (beslut om vård), optionally naming the home."""
    return CareDecided(
        event_id=event_id,
        occurred_on=day(on),
        care_decision_id=decision,
        legal_basis=basis,
        home_id=home,
        decided_by=by,
        **BY,
    )


def consent_granted(
    event_id: str, on: str, *, home: str = "H", by: DecidedBy = DecidedBy.SUBCOMMITTEE
) -> ConsentGranted:
    """Consent (medgivande) to receive the child in a private home."""
    return ConsentGranted(event_id=event_id, occurred_on=day(on), home_id=home, decided_by=by, **BY)


def moved_in(
    event_id: str,
    on: str,
    *,
    home: str = "H",
    home_type: HomeType = HomeType.FAMILY_HOME,
    basis: PlacementBasis = PlacementBasis.SOL,
    placement: str = "pl-1",
    decision: str | None = None,
) -> PlacementStarted:
    """A placement starting on `on`, under the care decision `decision` if given."""
    return PlacementStarted(
        event_id=event_id,
        occurred_on=day(on),
        placement_id=placement,
        home_id=home,
        home_type=home_type,
        legal_basis=basis,
        care_decision_id=decision,
        **BY,
    )


def moved_out(event_id: str, on: str, *, placement: str = "pl-1") -> PlacementEnded:
    """The end of a placement."""
    return PlacementEnded(event_id=event_id, occurred_on=day(on), placement_id=placement, **BY)


def jourhem_stay_extended(
    event_id: str, on: str, *, placement: str = "pl-1", by: DecidedBy = DecidedBy.SUBCOMMITTEE
) -> EmergencyHomeStayExtended:
    """A decision on special reasons (särskilda skäl) to stay longer in a jourhem."""
    return EmergencyHomeStayExtended(
        event_id=event_id,
        occurred_on=day(on),
        placement_id=placement,
        reasons="Familjehemmet kan ta emot barnet först i maj.",
        decided_by=by,
        **BY,
    )


def contract_signed(event_id: str, on: str, *, home: str = "H") -> FosterContractSigned:
    """A contract (avtal) with the family home."""
    return FosterContractSigned(event_id=event_id, occurred_on=day(on), home_id=home, **BY)


def care_plan(event_id: str, on: str) -> CarePlanEstablished:
    """A care plan (vårdplan)."""
    return CarePlanEstablished(event_id=event_id, occurred_on=day(on), **BY)


def care_plan_revised(event_id: str, on: str) -> CarePlanRevised:
    """A revision of the care plan."""
    return CarePlanRevised(event_id=event_id, occurred_on=day(on), **BY)


def implementation_plan(event_id: str, on: str) -> ImplementationPlanEstablished:
    """An implementation plan (genomförandeplan)."""
    return ImplementationPlanEstablished(event_id=event_id, occurred_on=day(on), **BY)


def region_notified(event_id: str, on: str) -> RegionNotified:
    """The region told to offer a health examination."""
    return RegionNotified(event_id=event_id, occurred_on=day(on), **BY)


def examination_not_needed(event_id: str, on: str) -> HealthExaminationNotNeeded:
    """A health examination notice judged unneeded (obehövligt)."""
    return HealthExaminationNotNeeded(
        event_id=event_id, occurred_on=day(on), reasons="Undersökt av BUP förra veckan.", **BY
    )


def considered(
    event_id: str, on: str, *, home: str = "H", by: DecidedBy = DecidedBy.SUBCOMMITTEE
) -> CustodyTransferConsidered:
    """A consideration of transfer of custody (vårdnadsöverflyttning) for one home."""
    return CustodyTransferConsidered(
        event_id=event_id, occurred_on=day(on), home_id=home, decided_by=by, **BY
    )


def visited(event_id: str, on: str, *, place: VisitPlace = VisitPlace.PLACEMENT_HOME) -> VisitMade:
    """A personal visit (personligt besök), by default in the placement home."""
    return VisitMade(event_id=event_id, occurred_on=day(on), place=place, **BY)


def talked(event_id: str, on: str) -> PrivateTalkHeld:
    """A private talk with the child (enskilt samtal)."""
    return PrivateTalkHeld(event_id=event_id, occurred_on=day(on), **BY)


def custody_decided(
    event_id: str, on: str, *, custody: str = "cu-1", by: DecidedBy = DecidedBy.CHAIR
) -> ImmediateCustodyDecided:
    """A decision on immediate custody (omedelbart omhändertagande), LVU 6 §."""
    return ImmediateCustodyDecided(
        event_id=event_id, occurred_on=day(on), custody_id=custody, decided_by=by, **BY
    )


def custody_executed(event_id: str, on: str, *, custody: str = "cu-1") -> ImmediateCustodyExecuted:
    """The execution (verkställighet) of an immediate custody."""
    return ImmediateCustodyExecuted(
        event_id=event_id, occurred_on=day(on), custody_id=custody, **BY
    )


def custody_ended(event_id: str, on: str, *, custody: str = "cu-1") -> ImmediateCustodyEnded:
    """The end of an immediate custody."""
    return ImmediateCustodyEnded(event_id=event_id, occurred_on=day(on), custody_id=custody, **BY)


def custody_reported(
    event_id: str, on: str, *, custody: str = "cu-1", committee: str = "sn"
) -> ReportedToCommittee:
    """A custody decision reported (anmält) at a committee meeting."""
    return ReportedToCommittee(
        event_id=event_id, occurred_on=day(on), custody_id=custody, committee_id=committee, **BY
    )


def custody_submitted(event_id: str, on: str, *, custody: str = "cu-1") -> SubmittedToCourt:
    """A custody decision submitted to the administrative court (underställt), LVU 7 §."""
    return SubmittedToCourt(event_id=event_id, occurred_on=day(on), custody_id=custody, **BY)


def care_applied_for(event_id: str, on: str, *, custody: str = "cu-1") -> CareApplicationFiled:
    """An application for care under LVU filed after immediate custody (LVU 8 §)."""
    return CareApplicationFiled(event_id=event_id, occurred_on=day(on), custody_id=custody, **BY)


def application_time_extended(
    event_id: str, on: str, until: str, *, custody: str = "cu-1"
) -> CourtExtendedDeadline:
    """The court extended the time to apply for care (LVU 8 § 2 st.)."""
    return CourtExtendedDeadline(
        event_id=event_id, occurred_on=day(on), custody_id=custody, until_on=day(until), **BY
    )


def custody_ruled(
    event_id: str, on: str, outcome: CourtOutcome, *, custody: str = "cu-1"
) -> CourtDecided:
    """The administrative court's decision on an immediate custody."""
    return CourtDecided(
        event_id=event_id, occurred_on=day(on), custody_id=custody, outcome=outcome, **BY
    )


def committee_met(
    event_id: str, on: str, *, body: Body = Body.COMMITTEE, committee: str = "sn"
) -> CommitteeMeetingHeld:
    """A meeting (sammanträde) of the committee or an utskott, in the committee's stream."""
    return CommitteeMeetingHeld(
        event_id=event_id, occurred_on=day(on), actor="sekr-1", committee_id=committee, body=body
    )


def restriction_decided(
    event_id: str, on: str, *, restriction: str = "ur-1"
) -> ContactRestrictionDecided:
    """A contact restriction (umgängesbegränsning), LVU 14 § 2 st."""
    return ContactRestrictionDecided(
        event_id=event_id,
        occurred_on=day(on),
        restriction_id=restriction,
        decided_by=DecidedBy.SUBCOMMITTEE,
        **BY,
    )


def restriction_reviewed(
    event_id: str, on: str, *, restriction: str = "ur-1"
) -> ContactRestrictionReviewed:
    """A reconsideration of a contact restriction (LVU 14 § 3 st.)."""
    return ContactRestrictionReviewed(
        event_id=event_id,
        occurred_on=day(on),
        restriction_id=restriction,
        decided_by=DecidedBy.SUBCOMMITTEE,
        **BY,
    )


def restriction_lifted(
    event_id: str, on: str, *, restriction: str = "ur-1"
) -> ContactRestrictionLifted:
    """A contact restriction lifted."""
    return ContactRestrictionLifted(
        event_id=event_id,
        occurred_on=day(on),
        restriction_id=restriction,
        decided_by=DecidedBy.SUBCOMMITTEE,
        **BY,
    )


def end_of_care_requested(
    event_id: str, on: str, *, by: Requester = Requester.GUARDIAN
) -> EndOfCareRequested:
    """A guardian or the child asks for the care to end."""
    return EndOfCareRequested(event_id=event_id, occurred_on=day(on), requested_by=by, **BY)


def moving_ban_considered(event_id: str, on: str) -> MovingBanConsidered:
    """A flyttningsförbud (LVU 24 §) considered by the utskott."""
    return MovingBanConsidered(
        event_id=event_id, occurred_on=day(on), decided_by=DecidedBy.SUBCOMMITTEE, **BY
    )


def file_opened(event_id: str, on: str, born: str) -> CaseFileOpened:
    """The child's case file (personakt), with the date of birth."""
    return CaseFileOpened(event_id=event_id, occurred_on=day(on), born_on=day(born), **BY)


def feedback_requested(event_id: str, on: str, report_id: str) -> FeedbackRequested:
    """The reporter asks what became of a report."""
    return FeedbackRequested(
        event_id=event_id, occurred_on=day(on), report_event_id=report_id, **BY
    )


def feedback_given(event_id: str, on: str, report_id: str) -> FeedbackGiven:
    """Feedback given to the reporter (återkoppling)."""
    return FeedbackGiven(event_id=event_id, occurred_on=day(on), report_event_id=report_id, **BY)


def feedback_refused(event_id: str, on: str, report_id: str) -> FeedbackRefused:
    """Feedback refused as inappropriate (olämpligt)."""
    return FeedbackRefused(
        event_id=event_id,
        occurred_on=day(on),
        report_event_id=report_id,
        reasons="Anmälaren är part i en vårdnadstvist.",
        **BY,
    )
