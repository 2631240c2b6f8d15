"""What a demo run produced: counts, and which events carry which IVO pattern.

The patterns are the failures IVO reported in its supervision of child-welfare services
(DESIGN.md, RULES.md §3–4). Each is listed by the id of the one event that carries it,
so a demo, a test or an inspector can open exactly those cases and see the rules fire.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Pattern(StrEnum):
    """A non-compliant pattern the demo injects, named by what went wrong."""

    VIOLENCE_NOT_INVESTIGATED = "violence_not_investigated"
    """(1) R03: a `ReportReceived` (subjected/witnessed, close relative, from
    2014-10-01) that an `InvestigationNotOpened` closed."""
    INVESTIGATION_OVERDUE = "investigation_overdue"
    """(2) R05: an `InvestigationOpened` concluded after four months, never extended."""
    EXTENSION_AFTER_EXPIRY = "extension_after_expiry"
    """(2) R05: an `InvestigationOpened` whose only extension came after the due date."""
    PLACEMENT_NEVER_REVIEWED = "placement_never_reviewed"
    """(3) R11/R12: the first `PlacementStarted` of a care episode that ran past six
    months without any `CareReviewed`."""
    REVIEWED_BY_OFFICIAL_ONLY = "reviewed_by_official_only"
    """(3) R11/R12: the same, where every `CareReviewed` was decided by an official."""
    HOME_NEVER_INVESTIGATED = "home_never_investigated"
    """(4) R07: a family- or kinship-home `PlacementStarted` whose home has no
    `HomeInvestigationCompleted` at all."""
    HOME_INVESTIGATED_AFTER_MOVE_IN = "home_investigated_after_move_in"
    """(4) R07: the same, where the home was investigated only after the move-in."""
    REGISTERED_YEARS_LATE = "registered_years_late"
    """(5) R21: a `ReportReceived` from the box of old papers, registered years after
    it came in."""
    CORRECTED = "corrected"
    """(6) An `EventCorrected` (rättelse) with a full replacement of its target."""
    RETRACTED = "retracted"
    """(6) An `EventRetracted` (makulering) of a double registration."""
    LATE_INITIAL_ASSESSMENT = "late_initial_assessment"
    """(7) R02: a `ReportReceived` from 2013 whose open/not-open decision came after
    14 days without a valid extension."""
    LATE_PROTECTION_ASSESSMENT = "late_protection_assessment"
    """(7) R01: a `ReportReceived` from 2013 whose skyddsbedömning came after the next
    day."""
    LATE_COURT_SUBMISSION = "late_court_submission"
    """(8) R16b: an `ImmediateCustodyDecided` submitted to the court after a week."""
    EMERGENCY_HOME_OVERSTAY = "emergency_home_overstay"
    """(9) R08: an emergency-home `PlacementStarted` that lasted beyond two months after
    the investigation ended, with no `EmergencyHomeStayExtended`."""
    RECORDS_NOT_PURGED = "records_not_purged"
    """(10) R23: the `CaseFileOpened` of a personakt whose gallring fell due (five years
    after its last entry, finished by the end of the next year) before the demo's end
    and that was never purged."""


def _no_patterns() -> dict[str, list[str]]:
    return {pattern.value: [] for pattern in Pattern}


@dataclass(slots=True)
class DemoSummary:
    """Counts collected while generating; complete once the batches are exhausted.

    Pass one to `generate(config, summary=...)` (the CLI prints it afterwards) or call
    `summarise(config)` for a fresh run.
    """

    children: int = 0
    """Children generated (case files, personakter)."""
    events: int = 0
    """Events yielded, corrections and retractions included."""
    batches: int = 0
    """Batches yielded."""
    events_by_type: dict[str, int] = field(default_factory=dict)
    """Events yielded per `type` tag."""
    patterns: dict[str, list[str]] = field(default_factory=_no_patterns)
    """For each `Pattern` value, the ids of the events that carry it, sorted."""
    first_registered_at: datetime | None = None
    """The registration time of the first batch."""
    last_registered_at: datetime | None = None
    """The registration time of the last batch."""

    def pattern_counts(self) -> dict[str, int]:
        """Return how many instances of each pattern were injected."""
        return {name: len(ids) for name, ids in self.patterns.items()}
