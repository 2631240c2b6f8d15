"""Obligations, their statuses and flags, and the law versions rules cite (DESIGN.md D7).

An obligation is one legal duty of one case at `on`: what triggered it, when it was due,
what satisfied it, and its status — with the law in force when it arose and on the day
that decided it. Statuses and flags are the stable vocabulary of compliance reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict


class Status(StrEnum):
    """Where a duty stands on `on` (DESIGN.md D7)."""

    PENDING = "pending"
    """Not satisfied, and `on` is on or before the effective due date."""
    MET = "met"
    """Satisfied on or before the effective due date."""
    MET_LATE = "met_late"
    """Satisfied after the effective due date."""
    OVERDUE = "overdue"
    """Not satisfied, and `on` is after the effective due date."""
    WAIVED = "waived"
    """A documented, valid exception applies (e.g. särskilda skäl)."""
    BREACHED = "breached"
    """Broken by a recorded act, or a window that closed unmet."""
    NOT_APPLICABLE = "not_applicable"
    """The duty did not apply (not yet in force, a statutory exception)."""


FINDINGS: Final = frozenset(Status) - {Status.MET, Status.NOT_APPLICABLE}
"""The statuses `caselog compliance` lists by default (D10)."""


class Flag(StrEnum):
    """Remarks on how an obligation was judged (DESIGN.md D7)."""

    EXTENDED = "extended"
    EXTENSION_AFTER_EXPIRY = "extension_after_expiry"
    INVALID_EXTENSION = "invalid_extension"
    INVALID_DELEGATION = "invalid_delegation"
    TRANSITION_INTERPRETATION = "transition_interpretation"
    LATE_REGISTRATION = "late_registration"
    ORPHAN = "orphan"
    MANUAL_REVIEW = "manual_review"
    WINDOW_CLOSED = "window_closed"
    CITATION_UNVERIFIED = "citation_unverified"


class Severity(StrEnum):
    """How grave a breach of the duty is (RULES.md §3, a proposal ✘)."""

    CRITICAL = "critical"
    """Child safety or liberty: a child left unprotected, custody without legal basis."""
    HIGH = "high"
    """A core statutory deadline."""
    MEDIUM = "medium"
    """A planning or follow-up duty."""
    LOW = "low"
    """An information or documentation duty."""


@dataclass(frozen=True, slots=True)
class LawVersion:
    """One paragraph of one statute, in force from `valid_from` to `valid_to` (inclusive).

    `verified=False` marks a paragraph RULES.md gives as ✘: it is cited without the
    paragraph and the obligation is flagged `citation_unverified` (D7).
    """

    statute: str
    paragraph: str
    valid_from: date | None = None
    valid_to: date | None = None
    verified: bool = True

    def in_force(self, day: date) -> bool:
        """Whether this version was law on `day`."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def cite(self) -> str:
        """`SoL (2001:453) 11 kap. 1 a §`, or the statute alone when unverified."""
        return f"{self.statute} {self.paragraph}" if self.verified else self.statute


@dataclass(frozen=True, slots=True)
class Law:
    """The versions of the law behind one duty, in order of time."""

    versions: tuple[LawVersion, ...]

    def at(self, day: date) -> LawVersion | None:
        """The version in force on `day` (the first one listed, if several overlap)."""
        return next((v for v in self.versions if v.in_force(day)), None)

    def citation(self, trigger_on: date, decisive_on: date) -> tuple[str, str, str, bool]:
        """(law at trigger, law decisive, citation to show, unverified?) per D7.

        The version in force on the decisive day is cited; when the version at the trigger
        differs it is added: "SoL (2025:400) 20 kap. 2 § (motsv. SoL (2001:453) 11 kap. 1 a §)".
        """
        at_trigger = self.at(trigger_on) or self.versions[0]
        decisive = self.at(decisive_on) or at_trigger
        citation = decisive.cite()
        if decisive != at_trigger:
            citation += f" (motsv. {at_trigger.cite()})"
        unverified = not (decisive.verified and at_trigger.verified)
        return at_trigger.cite(), decisive.cite(), citation, unverified


class Obligation(BaseModel):
    """One duty of one case, as it stands on `on` (DESIGN.md D7; stable JSON field names)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule_id: str
    case_id: str
    trigger_event_id: str | None
    part: str | None = None
    period: int | None = None
    trigger_on: date
    due_on: date | None
    effective_due_on: date | None
    satisfied_by_event_id: str | None = None
    satisfied_on: date | None = None
    status: Status
    days_late: int | None = None
    days_overdue: int | None = None
    severity: Severity
    flags: tuple[Flag, ...] = ()
    law_at_trigger: str
    law_decisive: str
    citation: str
    explanation_sv: str
    explanation_en: str

    @property
    def is_final(self) -> bool:
        """Whether the status can no longer change as `on` moves forward (D7)."""
        if self.status is Status.BREACHED:
            return Flag.WINDOW_CLOSED in self.flags or self.rule_id not in {"R07", "R08"}
        return self.status in {
            Status.MET,
            Status.MET_LATE,
            Status.WAIVED,
            Status.NOT_APPLICABLE,
        }
