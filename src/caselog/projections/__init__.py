"""Read models: pure folds over the as-of view of the log (no I/O, no clock).

`as_of` is the reference semantics of DESIGN.md D4; `fold_case_state` turns its view of a
child's case file (personakt) into a `CaseState`, and `timeline_of` lists the log of a
stream on both time axes. Every faster path must give the same answers (STYLE.md G6).
"""

from __future__ import annotations

from caselog.projections.as_of import (
    Viewed,
    as_of,
    corrected_facts,
    known,
    retracted_ids,
)
from caselog.projections.care_episodes import (
    EPISODE_KIND,
    CareEpisode,
    EpisodeKind,
    care_episodes_of,
)
from caselog.projections.case_parts import (
    Application,
    CareDecision,
    CasePart,
    Consent,
    ContactRestriction,
    CourtDecision,
    CustodyTransferConsideration,
    ImmediateCustody,
    Intervention,
    Investigation,
    InvestigationExtension,
    Placement,
    PrivateTalk,
    ReportDecision,
    ReportOfConcern,
    Review,
    Visit,
)
from caselog.projections.case_state import CaseState, fold_case_state
from caselog.projections.timeline import (
    LATE_AFTER_DAYS,
    TimelineEntry,
    matters_about,
    summary_of,
    timeline_of,
)

__all__ = [
    "EPISODE_KIND",
    "LATE_AFTER_DAYS",
    "Application",
    "CareDecision",
    "CareEpisode",
    "CasePart",
    "CaseState",
    "Consent",
    "ContactRestriction",
    "CourtDecision",
    "CustodyTransferConsideration",
    "EpisodeKind",
    "ImmediateCustody",
    "Intervention",
    "Investigation",
    "InvestigationExtension",
    "Placement",
    "PrivateTalk",
    "ReportDecision",
    "ReportOfConcern",
    "Review",
    "TimelineEntry",
    "Viewed",
    "Visit",
    "as_of",
    "care_episodes_of",
    "corrected_facts",
    "fold_case_state",
    "known",
    "matters_about",
    "retracted_ids",
    "summary_of",
    "timeline_of",
]
