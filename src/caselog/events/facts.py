"""The union of every fact event (all events except corrections and retractions)."""

from __future__ import annotations

from typing import Annotated, Final, TypeAlias, get_args

from pydantic import Field

from caselog.events.committee import CommitteeMeetingHeld, FosterHomeListSentToIVO
from caselog.events.follow_up import (
    InterventionDecided,
    InterventionStarted,
    NonExecutionReported,
    PrivateTalkHeld,
    SocialWorkerAssigned,
    VisitMade,
)
from caselog.events.homes import HomeInvestigationCompleted
from caselog.events.intake import (
    ApplicationReceived,
    CaseFileOpened,
    FeedbackGiven,
    FeedbackRefused,
    FeedbackRequested,
    PreAssessmentExtended,
    ProtectionAssessmentDocumented,
    ReportReceived,
)
from caselog.events.investigations import (
    GuardiansInformed,
    InformationDeferred,
    InvestigationConcluded,
    InvestigationExtended,
    InvestigationNotOpened,
    InvestigationOpened,
    RiskAssessmentDocumented,
)
from caselog.events.lvu import (
    CareApplicationFiled,
    ContactRestrictionDecided,
    ContactRestrictionLifted,
    ContactRestrictionReviewed,
    CourtDecided,
    CourtExtendedDeadline,
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
    PlacementEnded,
    PlacementStarted,
    RegionNotified,
)
from caselog.events.records import RecordsPurged

FactEvent: TypeAlias = (
    CaseFileOpened
    | ReportReceived
    | ApplicationReceived
    | ProtectionAssessmentDocumented
    | PreAssessmentExtended
    | FeedbackRequested
    | FeedbackGiven
    | FeedbackRefused
    | InvestigationOpened
    | InvestigationNotOpened
    | GuardiansInformed
    | InformationDeferred
    | InvestigationExtended
    | InvestigationConcluded
    | RiskAssessmentDocumented
    | HomeInvestigationCompleted
    | CareDecided
    | ConsentGranted
    | PlacementStarted
    | PlacementEnded
    | EmergencyHomeStayExtended
    | FosterContractSigned
    | OtherMunicipalityConsulted
    | CarePlanEstablished
    | CarePlanRevised
    | ImplementationPlanEstablished
    | CareReviewed
    | CustodyTransferConsidered
    | SocialWorkerAssigned
    | VisitMade
    | PrivateTalkHeld
    | RegionNotified
    | HealthExaminationNotNeeded
    | ImmediateCustodyDecided
    | ImmediateCustodyExecuted
    | ImmediateCustodyEnded
    | ReportedToCommittee
    | SubmittedToCourt
    | CourtDecided
    | CareApplicationFiled
    | CourtExtendedDeadline
    | ContactRestrictionDecided
    | ContactRestrictionReviewed
    | ContactRestrictionLifted
    | EndOfCareRequested
    | MovingBanConsidered
    | DeviationReported
    | DeviationTriaged
    | DeviationClosed
    | LexSarahReported
    | LexSarahInvestigationStarted
    | LexSarahConcluded
    | LexSarahReportedToIVO
    | CommitteeMeetingHeld
    | FosterHomeListSentToIVO
    | InterventionDecided
    | InterventionStarted
    | NonExecutionReported
    | RecordsPurged
)
"""Every fact event class, as a type (a union)."""

DiscriminatedFact: TypeAlias = Annotated[FactEvent, Field(discriminator="type")]
"""The fact union, validated on its `type` tag."""

FACT_CLASSES: Final[tuple[type[FactEvent], ...]] = get_args(FactEvent)
"""Every fact event class, in vocabulary order."""
