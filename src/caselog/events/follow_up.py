"""Following the care closely and executing interventions.

Statutes: SoL (2001:453) 6 kap. 7 b–c §§, 16 kap. 6 f §; SoL (2025:400) 22 kap. 11–12 §§,
34 kap. 1 §; LVU 13 a §.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar, Literal

from pydantic import StringConstraints

from caselog.events.base import ChildEvent, Id, Text
from caselog.events.personal import Personal


class VisitPlace(StrEnum):
    """Where a visit took place."""

    PLACEMENT_HOME = "placement_home"
    """In the home where the child is placed (besök i familjehemmet)."""
    OTHER = "other"


class InterventionKind(StrEnum):
    """A needs-assessed intervention (bistånd) for a child in open care."""

    CONTACT_PERSON = "contact_person"
    """Kontaktperson."""
    CONTACT_FAMILY = "contact_family"
    """Kontaktfamilj."""
    OPEN_CARE = "open_care"
    """Öppenvård."""
    OTHER = "other"


Quarter = Annotated[str, StringConstraints(strict=True, pattern=r"^[0-9]{4}-Q[1-4]$")]
"""A calendar quarter, `2024-Q1`."""


class SocialWorkerAssigned(ChildEvent, Personal):
    """A designated social worker (särskilt utsedd socialsekreterare) was assigned."""

    type: Literal["social_worker_assigned"] = "social_worker_assigned"
    social_worker: Text

    personal: ClassVar[tuple[str, ...]] = ("social_worker",)


class VisitMade(ChildEvent):
    """A personal visit (personligt besök), SoL (2025:400) 22 kap. 11 §."""

    type: Literal["visit_made"] = "visit_made"
    place: VisitPlace


class PrivateTalkHeld(ChildEvent):
    """A private talk with the child (enskilt samtal), SoL (2025:400) 22 kap. 11 §."""

    type: Literal["private_talk_held"] = "private_talk_held"


class InterventionDecided(ChildEvent):
    """A favourable decision on an intervention (gynnande biståndsbeslut)."""

    type: Literal["intervention_decided"] = "intervention_decided"
    intervention_id: Id
    kind: InterventionKind


class InterventionStarted(ChildEvent):
    """The intervention was executed (verkställt)."""

    type: Literal["intervention_started"] = "intervention_started"
    intervention_id: Id
    kind: InterventionKind


class NonExecutionReported(ChildEvent):
    """A decision not executed within 3 months was reported (SoL (2025:400) 34 kap. 1 §)."""

    type: Literal["non_execution_reported"] = "non_execution_reported"
    intervention_id: Id
    kind: InterventionKind
    quarter: Quarter
