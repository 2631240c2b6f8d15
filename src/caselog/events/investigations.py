"""Investigations of a child's need for protection or support (barnavårdsutredning).

Statutes: SoL (2001:453) 11 kap. 1–2 §§; SoL (2025:400) 14 kap. 2 §, 20 kap. 2–4 §§.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar, Literal

from pydantic import Field

from caselog.events.base import ChildEvent, Day, Decider, Id, Text
from caselog.events.personal import Personal


class InvestigationOutcome(StrEnum):
    """How an investigation ended."""

    INTERVENTION = "intervention"
    """A decision on an intervention (beslut om insats)."""
    NO_INTERVENTION = "no_intervention"
    """Closed without intervention (avslut utan insats)."""
    LVU_APPLICATION = "lvu_application"
    """A decision to apply for care under LVU 4 § (counted as a conclusion, ✘)."""


class InvestigationOpened(ChildEvent):
    """A decision to open an investigation (inleda utredning).

    Satisfies the initial assessment of the reports it names and starts the four-month
    clock (SoL (2001:453) 11 kap. 1, 2 §§; SoL (2025:400) 20 kap. 2–3 §§).
    """

    type: Literal["investigation_opened"] = "investigation_opened"
    investigation_id: Id
    report_event_ids: list[Id] = Field(default_factory=list)
    application_event_id: Id | None = None
    decided_by: Decider


class InvestigationNotOpened(ChildEvent, Personal):
    """A decision not to open an investigation (beslut att inte inleda utredning)."""

    type: Literal["investigation_not_opened"] = "investigation_not_opened"
    report_event_ids: list[Id] = Field(min_length=1)
    decided_by: Decider
    reasons: Text

    personal: ClassVar[tuple[str, ...]] = ("reasons",)


class GuardiansInformed(ChildEvent):
    """Those concerned were told an investigation started (SoL (2025:400) 20 kap. 4 §)."""

    type: Literal["guardians_informed"] = "guardians_informed"
    investigation_id: Id


class InformationDeferred(ChildEvent, Personal):
    """Informing those concerned was deferred for special reasons (särskilda skäl)."""

    type: Literal["information_deferred"] = "information_deferred"
    investigation_id: Id
    reasons: Text

    personal: ClassVar[tuple[str, ...]] = ("reasons",)


class InvestigationExtended(ChildEvent, Personal):
    """A decision to extend the investigation for a set time (förlängning av utredningstid).

    SoL (2001:453) 11 kap. 2 § 2 st.; SoL (2025:400) 20 kap. 3 §. Recorded even without
    `new_due_on` or `reasons`; the rule then judges it an invalid extension.
    """

    type: Literal["investigation_extended"] = "investigation_extended"
    investigation_id: Id
    new_due_on: Day | None = None
    reasons: Text | None = None

    personal: ClassVar[tuple[str, ...]] = ("reasons",)
    decided_by: Decider


class InvestigationConcluded(ChildEvent):
    """The decision that ended an investigation (utredningen avslutad)."""

    type: Literal["investigation_concluded"] = "investigation_concluded"
    investigation_id: Id
    outcome: InvestigationOutcome
    decided_by: Decider


class RiskAssessmentDocumented(ChildEvent):
    """A risk assessment of further violence was documented (SOSFS 2014:4; R03b)."""

    type: Literal["risk_assessment_documented"] = "risk_assessment_documented"
    investigation_id: Id
