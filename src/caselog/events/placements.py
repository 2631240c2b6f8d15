"""Out-of-home care: care decisions, consent, placements, plans and reviews.

Statutes: SoL (2001:453) 6 kap. 6–8 b §§, 11 kap. 3, 3 a §§; SoL (2025:400) 9 kap.
12–13 §§, 22 kap. 2–16 §§; LVU (1990:52) 13 §.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar, Literal, Self

from pydantic import ConfigDict, model_validator

from caselog.events.base import (
    ChildEvent,
    DecidedBy,
    Decider,
    HomeType,
    Id,
    MunicipalityCode,
    Text,
)
from caselog.events.personal import Personal


class CareBasis(StrEnum):
    """The legal basis of a care decision."""

    SOL = "sol"
    """Voluntary care under the Social Services Act (SoL)."""
    LVU_2 = "lvu_2"
    """Compulsory care because of the home environment (LVU 2 §)."""
    LVU_3 = "lvu_3"
    """Compulsory care because of the young person's own behaviour (LVU 3 §)."""


class PlacementBasis(StrEnum):
    """The legal basis a placement runs under."""

    SOL = "sol"
    LVU_2 = "lvu_2"
    LVU_3 = "lvu_3"
    LVU_6 = "lvu_6"
    """Immediate custody (omedelbart omhändertagande, LVU 6 §)."""
    PRIVATE = "private"
    """A private placement approved by consent (medgivande)."""


class ReviewKind(StrEnum):
    """The kind of periodic review of care."""

    SOL_REVIEW = "sol_review"
    """Six-monthly review (övervägande), SoL (2001:453) 6 kap. 8 §."""
    LVU_REVIEW = "lvu_review"
    """Six-monthly review of LVU 2 § care (övervägande), LVU 13 § 1 st."""
    LVU_EXAMINATION = "lvu_examination"
    """Six-monthly examination of LVU 3 § care (prövning), LVU 13 § 2 st."""


class PlacementEndReason(StrEnum):
    """Why a placement ended (RULES.md §4.28)."""

    RETURNED_HOME = "returned_home"
    """The child went home to a parent or guardian."""
    MOVED_TO_OTHER_PLACEMENT = "moved_to_other_placement"
    """The child moved to another home; the care goes on."""
    CAME_OF_AGE = "came_of_age"
    """The child turned 18 (LVU: 21) and the care ended by law."""
    CARE_ENDED_BY_DECISION = "care_ended_by_decision"
    """The committee or a court decided that the care ends (vården upphör)."""
    CUSTODY_TRANSFERRED = "custody_transferred"
    """Custody moved to the family home parents (vårdnadsöverflyttning)."""
    OTHER = "other"


class Requester(StrEnum):
    """Who asked for the care to end."""

    GUARDIAN = "guardian"
    CHILD = "child"


class CareDecided(ChildEvent):
    """A decision on care (beslut om vård) by the committee or a court."""

    # `_court_only_for_lvu`, stated for JSON Schema validators (caselog.events.schema).
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"required": ["decided_by"], "properties": {"decided_by": {"const": "court"}}},
            "then": {"properties": {"legal_basis": {"enum": ["lvu_2", "lvu_3"]}}},
        }
    )

    type: Literal["care_decided"] = "care_decided"
    care_decision_id: Id
    legal_basis: CareBasis
    home_id: Id | None = None
    decided_by: DecidedBy
    """A court (förvaltningsrätten) decides LVU 2 § and 3 § care (LVU 4 §), nothing else."""

    @model_validator(mode="after")
    def _court_only_for_lvu(self) -> Self:
        if self.decided_by is DecidedBy.COURT and self.legal_basis is CareBasis.SOL:
            msg = "decided_by court is valid only for care under LVU 2 § or 3 § (lvu_2, lvu_3)"
            raise ValueError(msg)
        return self


class ConsentGranted(ChildEvent):
    """Consent (medgivande) to receive the child in a private home (SoL 2001:453 6:6)."""

    type: Literal["consent_granted"] = "consent_granted"
    home_id: Id
    decided_by: Decider


class PlacementStarted(ChildEvent):
    """The child moved into a home (placering verkställd); `occurred_on` is the move-in day.

    `care_decision_id` is absent when no decision was recorded; R07 then judges.
    """

    type: Literal["placement_started"] = "placement_started"
    placement_id: Id
    home_id: Id
    home_type: HomeType
    legal_basis: PlacementBasis
    care_decision_id: Id | None = None
    home_municipality_code: MunicipalityCode | None = None
    """The municipality the home lies in (SCB's kommunkod); R09 consultation when it is not
    the log's own (`municipality_code`)."""

    added_fields: ClassVar[frozenset[str]] = frozenset({"home_municipality_code"})


class PlacementEnded(ChildEvent):
    """The child left the home (placeringen upphörde)."""

    type: Literal["placement_ended"] = "placement_ended"
    placement_id: Id
    reason: PlacementEndReason | None = None

    added_fields: ClassVar[frozenset[str]] = frozenset({"reason"})


class EmergencyHomeStayExtended(ChildEvent, Personal):
    """Special reasons (särskilda skäl) to keep a child in an emergency home (jourhem).

    SoL (2001:453) 6 kap. 6 § 4 st.; SoL (2025:400) 22 kap. 4 §.
    """

    type: Literal["emergency_home_stay_extended"] = "emergency_home_stay_extended"
    placement_id: Id
    reasons: Text

    personal: ClassVar[tuple[str, ...]] = ("reasons",)
    decided_by: Decider


class FosterContractSigned(ChildEvent):
    """A contract (avtal) with the family home (SoL (2025:400) 22 kap. 3 §)."""

    type: Literal["foster_contract_signed"] = "foster_contract_signed"
    home_id: Id


class OtherMunicipalityConsulted(ChildEvent):
    """The municipality where the home lies was consulted (SoL (2025:400) 22 kap. 6 §)."""

    type: Literal["other_municipality_consulted"] = "other_municipality_consulted"
    home_id: Id


class CarePlanEstablished(ChildEvent):
    """A care plan (vårdplan) was drawn up (SoL (2025:400) 9 kap. 12 §)."""

    type: Literal["care_plan_established"] = "care_plan_established"


class CarePlanRevised(ChildEvent):
    """The care plan was revised (SoL (2025:400) 9 kap. 13 §: by two years of placement)."""

    type: Literal["care_plan_revised"] = "care_plan_revised"


class ImplementationPlanEstablished(ChildEvent):
    """An implementation plan (genomförandeplan) was drawn up."""

    type: Literal["implementation_plan_established"] = "implementation_plan_established"


class CareReviewed(ChildEvent):
    """A periodic review of care (övervägande / prövning) was decided.

    Counts for the care episode current on its date whose kind matches (DESIGN.md D9).
    Only a committee or sub-committee may decide it (SoL (2001:453) 10 kap. 4 §).
    """

    type: Literal["care_reviewed"] = "care_reviewed"
    kind: ReviewKind
    decided_by: Decider
    care_decision_id: Id | None = None


class CustodyTransferConsidered(ChildEvent):
    """Transfer of custody (vårdnadsöverflyttning) was considered (SoL 2025:400 22:14)."""

    type: Literal["custody_transfer_considered"] = "custody_transfer_considered"
    home_id: Id
    decided_by: Decider


class EndOfCareRequested(ChildEvent):
    """A guardian or the child asked for the care to end (SoL (2025:400) 22 kap. 16 §)."""

    type: Literal["end_of_care_requested"] = "end_of_care_requested"
    requested_by: Requester
    placement_id: Id | None = None
    """The placement the request is about (R18), when the case system knows it."""

    added_fields: ClassVar[frozenset[str]] = frozenset({"placement_id"})


class MovingBanConsidered(ChildEvent):
    """A prohibition on removal (flyttningsförbud, LVU 24 §) was considered."""

    type: Literal["moving_ban_considered"] = "moving_ban_considered"
    decided_by: Decider


class RegionNotified(ChildEvent):
    """The region was told to offer a health examination (SoL (2025:400) 22 kap. 7 §)."""

    type: Literal["region_notified"] = "region_notified"


class HealthExaminationNotNeeded(ChildEvent, Personal):
    """A health examination notice was judged unnecessary (obehövligt)."""

    type: Literal["health_examination_not_needed"] = "health_examination_not_needed"
    reasons: Text

    personal: ClassVar[tuple[str, ...]] = ("reasons",)
