"""The two first duties on a report: the skyddsbedömning and the förhandsbedömning.

SoL (2001:453) 11 kap. 1 a § / SoL (2025:400) 20 kap. 1–2 §§: on a report about a child
the committee at once assesses whether the child needs immediate protection and
documents it (R01: same day or the next, per IVO), and within fourteen days decides
whether to open an investigation (R02); only exceptional reasons (synnerliga skäl, such
as a pending police interview) extend that time. Mandatory reporters may ask what came
of their report (återkoppling, R06).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Final

from caselog.demo.casefile import LAW_2013, PRE_ASSESSMENT_DAYS
from caselog.demo.summary import Pattern
from caselog.events import (
    FeedbackGiven,
    FeedbackRefused,
    FeedbackRequested,
    InvestigationNotOpened,
    InvestigationOpened,
    PreAssessmentExtended,
    PreAssessmentReason,
    ProtectionAssessmentDocumented,
    ProtectionOutcome,
    ReportReceived,
    ViolenceExposure,
)

if TYPE_CHECKING:
    from caselog.demo.casefile import CaseFile

_EXTENSION_SHARE: Final = 0.03
_FEEDBACK_SHARE: Final = 0.06
_FEEDBACK_REFUSED: Final = 0.1
_UNDOCUMENTED_BEFORE_2013: Final = 0.35
_IMMEDIATE_NEED_IF_VIOLENT: Final = 0.1
_EXTENSION_REASONS: Final = {
    PreAssessmentReason.POLICE_INTERVIEW_PENDING: "Polisförhör med barnet väntar.",
    PreAssessmentReason.FAMILY_UNREACHABLE: "Familjen har inte gått att nå trots försök.",
}


def is_violent(report: ReportReceived) -> bool:
    """Say whether R03 applies: violence by or against a närstående."""
    return report.violence_exposure is not ViolenceExposure.NONE and report.close_relative


def assess(case: CaseFile, report: ReportReceived, *, urgent: bool) -> None:
    """Document the immediate protection assessment (skyddsbedömning, R01)."""
    day = report.occurred_on
    if day < LAW_2013 and not urgent and case.chance(_UNDOCUMENTED_BEFORE_2013):
        return
    if urgent:
        assessed = day
    elif case.chance(case.config.late_protection_assessment_rate):
        assessed = case.later(day, 2, 12)
    else:
        assessed = case.later(day, 0, 1) if case.chance(0.3) else day
    immediate = urgent or (is_violent(report) and case.chance(_IMMEDIATE_NEED_IF_VIOLENT))
    assessment = case.ledger.add(
        ProtectionAssessmentDocumented(
            event_id=case.ledger.next_id(),
            occurred_on=assessed,
            actor=case.intake_worker,
            child_id=case.child_id,
            report_event_id=report.event_id,
            outcome=ProtectionOutcome.IMMEDIATE_NEED
            if immediate
            else ProtectionOutcome.NO_IMMEDIATE_NEED,
        )
    )
    if day >= LAW_2013 and (assessed - day).days > 1:
        case.ledger.flag(Pattern.LATE_PROTECTION_ASSESSMENT, report, assessment)


def pre_assess(
    case: CaseFile, reports: list[ReportReceived], *, urgent: bool
) -> tuple[date, PreAssessmentExtended | None]:
    """Choose the förhandsbedömning's day, extended now and then for synnerliga skäl."""
    received = reports[0].occurred_on
    if urgent:
        return received, None
    if case.chance(_EXTENSION_SHARE):
        reason = (
            PreAssessmentReason.POLICE_INTERVIEW_PENDING
            if is_violent(reports[0])
            else PreAssessmentReason.FAMILY_UNREACHABLE
        )
        extension = case.ledger.add(
            PreAssessmentExtended(
                event_id=case.ledger.next_id(),
                occurred_on=case.workday(case.later(received, 7, 13), received),
                actor=case.intake_worker,
                child_id=case.child_id,
                report_event_id=reports[0].event_id,
                until_on=case.later(received, 21, 35),
                reason_code=reason,
                reasons=_EXTENSION_REASONS[reason],
            )
        )
        decided = case.later(received, PRE_ASSESSMENT_DAYS + 1, 21)
        return case.workday(decided, received), extension
    if case.chance(case.config.late_pre_assessment_rate):
        decided = case.later(received, PRE_ASSESSMENT_DAYS + 3, 60)
        return case.workday(decided, received), None
    decided = case.later(received, 1, PRE_ASSESSMENT_DAYS)
    return case.workday(decided, received), None


def flag_late_decision(
    case: CaseFile,
    report: ReportReceived,
    decision: InvestigationOpened | InvestigationNotOpened,
    extension: PreAssessmentExtended | None,
) -> None:
    """Flag R02 when the decision came after 14 days without a valid extension."""
    received = report.occurred_on
    due = received + timedelta(days=PRE_ASSESSMENT_DAYS)
    if received < LAW_2013 or decision.occurred_on <= due:
        return
    if (
        extension is not None
        and extension.report_event_id == report.event_id
        and extension.occurred_on <= due
        and decision.occurred_on <= max(due, extension.until_on)
    ):
        return
    case.ledger.flag(Pattern.LATE_INITIAL_ASSESSMENT, report, decision)


def feedback(case: CaseFile, report: ReportReceived, decided: date) -> None:
    """Now and then a mandatory reporter asks what came of the report (R06)."""
    if not report.mandatory_reporter or not case.chance(_FEEDBACK_SHARE):
        return
    ledger = case.ledger
    ledger.add(
        FeedbackRequested(
            event_id=ledger.next_id(),
            occurred_on=min(case.later(report.occurred_on, 0, 3), decided),
            actor=case.intake_worker,
            child_id=case.child_id,
            report_event_id=report.event_id,
        )
    )
    answered = case.workday(case.later(decided, 0, 7), decided)
    if case.chance(_FEEDBACK_REFUSED):
        ledger.add(
            FeedbackRefused(
                event_id=ledger.next_id(),
                occurred_on=answered,
                actor=case.intake_worker,
                child_id=case.child_id,
                report_event_id=report.event_id,
                reasons="Återkoppling bedöms olämplig med hänsyn till barnet.",
            )
        )
    else:
        ledger.add(
            FeedbackGiven(
                event_id=ledger.next_id(),
                occurred_on=answered,
                actor=case.intake_worker,
                child_id=case.child_id,
                report_event_id=report.event_id,
            )
        )
