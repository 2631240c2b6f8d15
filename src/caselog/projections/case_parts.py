"""The parts of a case state: one frozen read model per thing a case file holds.

Each part is what the as-of view of a child's case file (personakt) says about one report
of concern, investigation, decision, placement, custody … on the date asked about. The
field names are a stable, documented contract: the CLI prints them as JSON columns and
notebooks read them as table columns (STYLE.md G6). Dates are valid time (`*_on`), never
transaction time. A part whose defining event is not in the view but which other facts
still refer to is kept and marked `orphan` (DESIGN.md D4: folds tolerate orphans).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from caselog.events import (
    Applicant,
    CareBasis,
    CourtOutcome,
    DecidedBy,
    HomeType,
    InterventionKind,
    InvestigationOutcome,
    PlacementBasis,
    ProtectionOutcome,
    ReporterCategory,
    ReviewKind,
    ViolenceExposure,
    VisitPlace,
)


class CasePart(BaseModel):
    """The base of every read model of a case: frozen, so a state can be shared safely."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class ReportDecision(StrEnum):
    """How the initial assessment (förhandsbedömning) of a report ended."""

    OPENED = "opened"
    """An investigation was opened (inleda utredning)."""
    NOT_OPENED = "not_opened"
    """A decision not to open one (inte inleda utredning)."""


class ReportOfConcern(CasePart):
    """A report of concern (orosanmälan) and what became of it.

    `decision` is the first decision that names the report, since that decision ends the
    initial assessment (R02); later decisions naming it show under `investigations`.
    `pre_assessment_extended_until` is the latest `until_on`, as an extension never
    shortens the deadline (RULES.md §4.27).
    """

    event_id: str
    received_on: date
    reporter_category: ReporterCategory
    mandatory_reporter: bool
    violence_exposure: ViolenceExposure
    close_relative: bool
    protection_assessed_on: date | None = None
    protection_outcome: ProtectionOutcome | None = None
    pre_assessment_extended_until: date | None = None
    decision: ReportDecision | None = None
    decided_on: date | None = None
    decision_event_id: str | None = None
    feedback_requested_on: date | None = None
    feedback_given_on: date | None = None
    feedback_refused_on: date | None = None


class Application(CasePart):
    """An application for assistance (ansökan) and the investigation opened on it."""

    event_id: str
    received_on: date
    applicant: Applicant
    investigation_id: str | None = None
    decided_on: date | None = None


class InvestigationExtension(CasePart):
    """A decision to extend an investigation (förlängning av utredningstid), R05."""

    event_id: str
    decided_on: date
    new_due_on: date | None
    reasons_given: bool
    """Whether reasons were documented. Their text is personal (issue 13) and never part
    of a case state, which read models store."""
    decided_by: DecidedBy


class Investigation(CasePart):
    """A child-welfare investigation (barnavårdsutredning), opened or only referred to.

    `orphan` is true when facts name the investigation but its opening is not in the view
    (retracted, or dated after `on`); `opened_on` is then None.
    """

    investigation_id: str
    opened_event_id: str | None = None
    opened_on: date | None = None
    opened_by: DecidedBy | None = None
    report_event_ids: tuple[str, ...] = ()
    application_event_id: str | None = None
    extensions: tuple[InvestigationExtension, ...] = ()
    guardians_informed_on: date | None = None
    information_deferred_on: date | None = None
    risk_assessed_on: date | None = None
    concluded_on: date | None = None
    concluded_event_id: str | None = None
    outcome: InvestigationOutcome | None = None
    concluded_by: DecidedBy | None = None
    orphan: bool = False


class CourtDecision(CasePart):
    """A decision of the administrative court (förvaltningsrätten) on custody or care."""

    event_id: str
    decided_on: date
    outcome: CourtOutcome


class CareDecision(CasePart):
    """A decision on care (beslut om vård) under SoL or LVU, and its way through court."""

    care_decision_id: str
    event_id: str
    legal_basis: CareBasis
    decided_on: date
    decided_by: DecidedBy
    home_id: str | None
    submitted_to_court_on: date | None = None
    court_decisions: tuple[CourtDecision, ...] = ()


class Consent(CasePart):
    """Consent (medgivande) to receive the child in a private home."""

    event_id: str
    home_id: str
    decided_on: date
    decided_by: DecidedBy


class Placement(CasePart):
    """A placement (placering): the child's stay in one home under one legal basis.

    `ended_on` is None while the child still lives there as of `on`.
    """

    placement_id: str
    event_id: str
    home_id: str
    home_type: HomeType
    legal_basis: PlacementBasis
    started_on: date
    ended_on: date | None = None
    care_decision_id: str | None = None
    emergency_stay_extended_on: tuple[date, ...] = ()


class Review(CasePart):
    """A periodic review of care (övervägande, or prövning for LVU 3 §), R11/R12."""

    event_id: str
    reviewed_on: date
    kind: ReviewKind
    decided_by: DecidedBy
    care_decision_id: str | None = None


class CustodyTransferConsideration(CasePart):
    """A consideration of transfer of custody (vårdnadsöverflyttning), R13."""

    event_id: str
    considered_on: date
    home_id: str
    decided_by: DecidedBy


class Visit(CasePart):
    """A personal visit to the child (personligt besök), R14."""

    event_id: str
    visited_on: date
    place: VisitPlace


class PrivateTalk(CasePart):
    """A private talk with the child (enskilt samtal), R14."""

    event_id: str
    held_on: date


class ImmediateCustody(CasePart):
    """An immediate custody (omedelbart omhändertagande, LVU 6 §) and its deadlines (R16).

    `orphan` is true when facts name the custody but its decision is not in the view.
    """

    custody_id: str
    decided_event_id: str | None = None
    decided_on: date | None = None
    decided_by: DecidedBy | None = None
    executed_on: date | None = None
    reported_to_committee_on: date | None = None
    submitted_to_court_on: date | None = None
    care_application_filed_on: date | None = None
    deadline_extended_until: date | None = None
    ended_on: date | None = None
    court_decisions: tuple[CourtDecision, ...] = ()
    orphan: bool = False


class ContactRestriction(CasePart):
    """A contact restriction (umgängesbegränsning, LVU 14 §) and its reviews (R17)."""

    restriction_id: str
    decided_on: date | None = None
    decided_by: DecidedBy | None = None
    reviewed_on: tuple[date, ...] = ()
    lifted_on: date | None = None
    orphan: bool = False


class Intervention(CasePart):
    """A needs-assessed intervention (bistånd, insats) in open care, R24.

    Not every municipality records the decision before the execution, so an intervention
    may appear with `decided_on` None; that is not an orphan.
    """

    intervention_id: str
    kind: InterventionKind
    decided_on: date | None = None
    started_on: date | None = None
    non_execution_quarters: tuple[str, ...] = ()
