"""The vocabulary of caselog: one frozen pydantic model per fact (RULES.md §4.25).

The models are at once the JSON Lines interchange format, the stored events and what
aggregates, projections and rules consume (DESIGN.md D1). The `type` tags are permanent.
"""

from __future__ import annotations

from typing import Annotated, Final, TypeAlias

from pydantic import Field, TypeAdapter

from caselog.events.base import (
    ID_PATTERN,
    SUBJECT_FIELDS,
    ChildEvent,
    CommitteeEvent,
    DecidedBy,
    EventModel,
    HomeEvent,
    HomeType,
    MatterEvent,
    Recorded,
    new_event_id,
    type_tag,
)
from caselog.events.committee import Body, CommitteeMeetingHeld, FosterHomeListSentToIVO
from caselog.events.corrections import EventCorrected, EventRetracted
from caselog.events.facts import FACT_CLASSES, FactEvent
from caselog.events.follow_up import (
    InterventionDecided,
    InterventionKind,
    InterventionStarted,
    NonExecutionReported,
    PrivateTalkHeld,
    SocialWorkerAssigned,
    VisitMade,
    VisitPlace,
)
from caselog.events.homes import HomeInvestigationCompleted
from caselog.events.intake import (
    Applicant,
    ApplicationReceived,
    CaseFileOpened,
    FeedbackGiven,
    FeedbackRefused,
    FeedbackRequested,
    PreAssessmentExtended,
    PreAssessmentReason,
    ProtectionAssessmentDocumented,
    ProtectionOutcome,
    ReporterCategory,
    ReportReceived,
    ViolenceExposure,
)
from caselog.events.investigations import (
    GuardiansInformed,
    InformationDeferred,
    InvestigationConcluded,
    InvestigationExtended,
    InvestigationNotOpened,
    InvestigationOpened,
    InvestigationOutcome,
    RiskAssessmentDocumented,
)
from caselog.events.lvu import (
    CareApplicationFiled,
    ContactRestrictionDecided,
    ContactRestrictionLifted,
    ContactRestrictionReviewed,
    CourtDecided,
    CourtExtendedDeadline,
    CourtOutcome,
    ImmediateCustodyDecided,
    ImmediateCustodyEnded,
    ImmediateCustodyExecuted,
    ReportedToCommittee,
    SubmittedToCourt,
)
from caselog.events.matters import (
    DeviationClosed,
    DeviationReported,
    DeviationTriaged,
    LexSarahConcluded,
    LexSarahInvestigationStarted,
    LexSarahReported,
    LexSarahReportedToIVO,
)
from caselog.events.placements import (
    CareBasis,
    CareDecided,
    CarePlanEstablished,
    CarePlanRevised,
    CareReviewed,
    ConsentGranted,
    CustodyTransferConsidered,
    EmergencyHomeStayExtended,
    EndOfCareRequested,
    FosterContractSigned,
    HealthExaminationNotNeeded,
    ImplementationPlanEstablished,
    MovingBanConsidered,
    OtherMunicipalityConsulted,
    PlacementBasis,
    PlacementEnded,
    PlacementEndReason,
    PlacementStarted,
    RegionNotified,
    Requester,
    ReviewKind,
)
from caselog.events.records import RecordsPurged, RetentionClass

Event: TypeAlias = FactEvent | EventCorrected | EventRetracted
"""Any event of the vocabulary."""

EVENT_CLASSES: Final[tuple[type[Event], ...]] = (
    *FACT_CLASSES,
    EventCorrected,
    EventRetracted,
)
"""Every event class, in vocabulary order."""

EVENT_TYPES: Final[dict[str, type[Event]]] = {
    cls.model_fields["type"].default: cls for cls in EVENT_CLASSES
}
"""The permanent `type` tag of every event class."""

event_adapter: Final[TypeAdapter[Event]] = TypeAdapter(
    Annotated[Event, Field(discriminator="type")]
)
"""Validates any event from a dict or JSON, discriminated on `type`."""

__all__ = [
    "EVENT_CLASSES",
    "EVENT_TYPES",
    "FACT_CLASSES",
    "ID_PATTERN",
    "SUBJECT_FIELDS",
    "Applicant",
    "ApplicationReceived",
    "Body",
    "CareApplicationFiled",
    "CareBasis",
    "CareDecided",
    "CarePlanEstablished",
    "CarePlanRevised",
    "CareReviewed",
    "CaseFileOpened",
    "ChildEvent",
    "CommitteeEvent",
    "CommitteeMeetingHeld",
    "ConsentGranted",
    "ContactRestrictionDecided",
    "ContactRestrictionLifted",
    "ContactRestrictionReviewed",
    "CourtDecided",
    "CourtExtendedDeadline",
    "CourtOutcome",
    "CustodyTransferConsidered",
    "DecidedBy",
    "DeviationClosed",
    "DeviationReported",
    "DeviationTriaged",
    "EmergencyHomeStayExtended",
    "EndOfCareRequested",
    "Event",
    "EventCorrected",
    "EventModel",
    "EventRetracted",
    "FactEvent",
    "FeedbackGiven",
    "FeedbackRefused",
    "FeedbackRequested",
    "FosterContractSigned",
    "FosterHomeListSentToIVO",
    "GuardiansInformed",
    "HealthExaminationNotNeeded",
    "HomeEvent",
    "HomeInvestigationCompleted",
    "HomeType",
    "ImmediateCustodyDecided",
    "ImmediateCustodyEnded",
    "ImmediateCustodyExecuted",
    "ImplementationPlanEstablished",
    "InformationDeferred",
    "InterventionDecided",
    "InterventionKind",
    "InterventionStarted",
    "InvestigationConcluded",
    "InvestigationExtended",
    "InvestigationNotOpened",
    "InvestigationOpened",
    "InvestigationOutcome",
    "LexSarahConcluded",
    "LexSarahInvestigationStarted",
    "LexSarahReported",
    "LexSarahReportedToIVO",
    "MatterEvent",
    "MovingBanConsidered",
    "NonExecutionReported",
    "OtherMunicipalityConsulted",
    "PlacementBasis",
    "PlacementEndReason",
    "PlacementEnded",
    "PlacementStarted",
    "PreAssessmentExtended",
    "PreAssessmentReason",
    "PrivateTalkHeld",
    "ProtectionAssessmentDocumented",
    "ProtectionOutcome",
    "Recorded",
    "RecordsPurged",
    "RegionNotified",
    "ReportReceived",
    "ReportedToCommittee",
    "ReporterCategory",
    "Requester",
    "RetentionClass",
    "ReviewKind",
    "RiskAssessmentDocumented",
    "SocialWorkerAssigned",
    "SubmittedToCourt",
    "ViolenceExposure",
    "VisitMade",
    "VisitPlace",
    "event_adapter",
    "new_event_id",
    "type_tag",
]
