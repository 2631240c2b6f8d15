"""Compulsory care of young persons (LVU 1990:52): immediate custody, courts, contact.

Statutes: LVU 6–9 §§ (immediate custody, submission to court, application), 14 § 3 st.
(contact restrictions).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, Self

from pydantic import ConfigDict, model_validator

from caselog.events.base import ChildEvent, Day, Decider, Id, present


class CourtOutcome(StrEnum):
    """What the administrative court (förvaltningsrätten) decided."""

    CONFIRMED = "confirmed"
    """Immediate custody confirmed (fastställt)."""
    REVOKED = "revoked"
    """Immediate custody revoked (upphävt)."""
    GRANTED = "granted"
    """Care granted (vård beslutad)."""
    REJECTED = "rejected"
    """The application for care rejected (avslag)."""


class _CustodyOrCareDecision(ChildEvent):
    """An event about either an immediate custody or a care decision, exactly one."""

    # `_exactly_one_reference`, stated for JSON Schema validators (caselog.events.schema).
    model_config = ConfigDict(
        json_schema_extra={"oneOf": [present("custody_id"), present("care_decision_id")]}
    )

    custody_id: Id | None = None
    care_decision_id: Id | None = None

    @model_validator(mode="after")
    def _exactly_one_reference(self) -> Self:
        if (self.custody_id is None) == (self.care_decision_id is None):
            msg = "exactly one of custody_id and care_decision_id is required"
            raise ValueError(msg)
        return self


class ImmediateCustodyDecided(ChildEvent):
    """Immediate custody (omedelbart omhändertagande) was decided, LVU 6 §."""

    type: Literal["immediate_custody_decided"] = "immediate_custody_decided"
    custody_id: Id
    decided_by: Decider


class ImmediateCustodyExecuted(ChildEvent):
    """Immediate custody was executed (verkställt); starts LVU 8 §'s four weeks."""

    type: Literal["immediate_custody_executed"] = "immediate_custody_executed"
    custody_id: Id


class ImmediateCustodyEnded(ChildEvent):
    """Immediate custody ended (upphörde)."""

    type: Literal["immediate_custody_ended"] = "immediate_custody_ended"
    custody_id: Id


class ReportedToCommittee(ChildEvent):
    """A chair's custody decision was reported at the next committee meeting (LVU 6 §)."""

    type: Literal["reported_to_committee"] = "reported_to_committee"
    custody_id: Id
    committee_id: Id


class SubmittedToCourt(_CustodyOrCareDecision):
    """The decision was submitted to the administrative court (underställning), LVU 7 §."""

    type: Literal["submitted_to_court"] = "submitted_to_court"


class CourtDecided(_CustodyOrCareDecision):
    """The administrative court decided on custody or care."""

    type: Literal["court_decided"] = "court_decided"
    outcome: CourtOutcome


class CareApplicationFiled(ChildEvent):
    """An application for care under LVU was filed (ansökan om vård), LVU 8 §."""

    type: Literal["care_application_filed"] = "care_application_filed"
    custody_id: Id


class CourtExtendedDeadline(ChildEvent):
    """The court extended the time to apply for care (LVU 8 §)."""

    type: Literal["court_extended_deadline"] = "court_extended_deadline"
    custody_id: Id
    until_on: Day


class ContactRestrictionDecided(ChildEvent):
    """Contact restricted or whereabouts withheld (umgängesbegränsning), LVU 14 §."""

    type: Literal["contact_restriction_decided"] = "contact_restriction_decided"
    restriction_id: Id
    decided_by: Decider


class ContactRestrictionReviewed(ChildEvent):
    """A contact restriction was reconsidered (LVU 14 § 3 st.: every three months)."""

    type: Literal["contact_restriction_reviewed"] = "contact_restriction_reviewed"
    restriction_id: Id
    decided_by: Decider


class ContactRestrictionLifted(ChildEvent):
    """A contact restriction was lifted (upphävd)."""

    type: Literal["contact_restriction_lifted"] = "contact_restriction_lifted"
    restriction_id: Id
    decided_by: Decider
