"""Intake duties: protection assessment, initial assessment, violence, opening (R01–R04).

SoL (2001:453) 11 kap. 1, 1 a, 2 §§ until 2025-06-30; SoL (2025:400) 14 kap. 2 §,
20 kap. 1, 2, 4 §§ from 2025-07-01; SOSFS 2014:4 / HSLF-FS 2022:39 for violence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from caselog.dates import add_days, effective_due
from caselog.events import (
    ApplicationReceived,
    GuardiansInformed,
    InformationDeferred,
    InvestigationNotOpened,
    InvestigationOpened,
    PreAssessmentExtended,
    PreAssessmentReason,
    ProtectionAssessmentDocumented,
    ReportReceived,
    ViolenceExposure,
)
from caselog.rules.judging import DEADLINE_STATUSES, Duty, Judgement, judge, not_applicable
from caselog.rules.law import sol, version
from caselog.rules.model import Flag, Law, Obligation, Severity, Status

if TYPE_CHECKING:
    from collections.abc import Iterator

    from caselog.rules.context import RuleContext

FOURTEEN_DAY_RULE: date = date(2013, 1, 1)
"""Lag (2012:776): the 14-day initial assessment and the immediate protection assessment."""
VIOLENCE_RULE: date = date(2014, 10, 1)
"""SOSFS 2014:4 in force: violence against or witnessed by a child must be investigated."""

R01 = Duty(
    "R01",
    Law(sol("11 kap. 1 a §", "20 kap. 1 §", since=FOURTEEN_DAY_RULE)),
    Severity.CRITICAL,
    "Immediate protection assessment documented by {due}",
    "Omedelbar skyddsbedömning dokumenterad senast {due}",
    parameters=("protection_assessment_days",),
    statuses=(*DEADLINE_STATUSES, Status.NOT_APPLICABLE),
)
R02 = Duty(
    "R02",
    Law(sol("11 kap. 1 a §", "20 kap. 2 §", since=FOURTEEN_DAY_RULE)),
    Severity.HIGH,
    "Decision to open or not open an investigation within 14 days, by {due}",
    "Beslut om att inleda eller inte inleda utredning inom 14 dagar, senast {due}",
    parameters=("sunday_rule", "accept_other_pre_assessment_reasons"),
    statuses=(*DEADLINE_STATUSES, Status.NOT_APPLICABLE),
)
_VIOLENCE_LAW = Law(
    (
        version("SOSFS 2014:4", "7 kap.", VIOLENCE_RULE, date(2022, 10, 31), verified=False),
        version("HSLF-FS 2022:39", "", date(2022, 11, 1), verified=False),
    )
)
R03 = Duty(
    "R03",
    _VIOLENCE_LAW,
    Severity.CRITICAL,
    "A child exposed to violence by a close relative: investigation opened by {due}",
    "Barn som utsatts för eller bevittnat våld av närstående: utredning inledd senast {due}",
    parameters=("sunday_rule",),
    statuses=tuple(Status),
)
R03B = Duty(
    "R03b",
    _VIOLENCE_LAW,
    Severity.HIGH,
    "Risk of further violence assessed in the investigation by {due}",
    "Risken för ytterligare våld bedömd i utredningen senast {due}",
)
R04 = Duty(
    "R04",
    Law(sol("11 kap. 1 §", "14 kap. 2 §")),
    Severity.HIGH,
    "Investigation opened without delay (utan dröjsmål), by {due}",
    "Utredning inledd utan dröjsmål, senast {due}",
    parameters=("application_decision_days", "pre2013_report_decision_days"),
)
R04_INFORMED = Duty(
    "R04",
    Law(sol("11 kap. 2 § 3 st.", "20 kap. 4 §")),
    Severity.LOW,
    "Those concerned told at once that an investigation started, by {due}",
    "De berörda underrättade genast om att utredning inletts, senast {due}",
    parameters=("guardians_informed_days",),
    statuses=(*DEADLINE_STATUSES, Status.WAIVED),
)


def immediate_protection_assessment_documented(ctx: RuleContext) -> Iterator[Obligation]:
    """R01: every report of concern gets an immediate protection assessment (skyddsbedömning).

    "genast" is read as `protection_assessment_days` (default 1: the same or the next day).
    Not applicable to reports received before 2013-01-01 (Lag 2012:776).
    """
    for viewed, report in ctx.of_type(ReportReceived):
        received = report.occurred_on
        due = add_days(received, ctx.settings.protection_assessment_days)
        flags = ctx.registration_flags(viewed)
        if received < FOURTEEN_DAY_RULE:
            yield not_applicable(R01, case_id=ctx.case_id, event=report, due_on=due, flags=flags)
            continue
        done = ctx.find(ProtectionAssessmentDocumented, report_event_id=report.event_id)
        yield R01.obligation(
            case_id=ctx.case_id,
            trigger_event_id=report.event_id,
            trigger_on=received,
            due_on=due,
            judgement=judge(
                due, done[1] if done else None, ctx.on, ctx.settings.sunday_rule_for("R01")
            ),
            satisfied_by=done[0] if done else None,
            satisfied_on=done[1] if done else None,
            flags=flags,
        )


@dataclass(frozen=True, slots=True)
class InitialAssessment:
    """The initial assessment (förhandsbedömning) of one report: its due date and decision."""

    due_on: date
    """The due date after valid extensions (never shorter than 14 days)."""
    flags: tuple[Flag, ...]
    decision_event_id: str | None
    decided_on: date | None
    opened: bool


def initial_assessment(ctx: RuleContext, report: ReportReceived) -> InitialAssessment:
    """R02's due date and decision for one report; R03 shares the same deadline.

    Extensions for exceptional reasons (synnerliga skäl) decided on or before the due date
    move it to the later `until_on`; `other` reasons count only when the settings accept
    them (else `manual_review`); one decided after the due date does not cure it.
    """
    sunday = ctx.settings.sunday_rule_for("R02")
    due = add_days(report.occurred_on, 14)
    flags: list[Flag] = []
    for _, extension in ctx.of_type(PreAssessmentExtended):
        if extension.report_event_id != report.event_id:
            continue
        if extension.occurred_on > effective_due(due, sunday):
            flags.append(Flag.EXTENSION_AFTER_EXPIRY)
        elif (
            extension.reason_code is PreAssessmentReason.OTHER
            and not ctx.settings.accept_other_pre_assessment_reasons
        ):
            flags.append(Flag.MANUAL_REVIEW)
        else:
            due = max(due, extension.until_on)
            flags.append(Flag.EXTENDED)
    opened = ctx.find(InvestigationOpened, report_event_ids=report.event_id)
    refused = ctx.find(InvestigationNotOpened, report_event_ids=report.event_id)
    first = min((d for d in (opened, refused) if d), key=lambda d: d[1], default=None)
    return InitialAssessment(
        due,
        tuple(dict.fromkeys(flags)),
        first[0] if first else None,
        first[1] if first else None,
        first is not None and first == opened,
    )


def initial_assessment_decided_within_14_days(ctx: RuleContext) -> Iterator[Obligation]:
    """R02: decide within 14 days of receipt whether to open an investigation.

    Not applicable before 2013-01-01, or when an investigation about the child is already
    open on the day the report came in (SoL (2025:400) 20 kap. 2 § 2 men.).
    """
    for viewed, report in ctx.of_type(ReportReceived):
        assessment = initial_assessment(ctx, report)
        flags = ctx.registration_flags(viewed)
        if report.occurred_on < FOURTEEN_DAY_RULE or _investigation_open(ctx, report):
            yield not_applicable(
                R02, case_id=ctx.case_id, event=report, due_on=assessment.due_on, flags=flags
            )
            continue
        yield R02.obligation(
            case_id=ctx.case_id,
            trigger_event_id=report.event_id,
            trigger_on=report.occurred_on,
            due_on=assessment.due_on,
            judgement=judge(
                assessment.due_on,
                assessment.decided_on,
                ctx.on,
                ctx.settings.sunday_rule_for("R02"),
            ),
            satisfied_by=assessment.decision_event_id,
            satisfied_on=assessment.decided_on,
            flags=(*assessment.flags, *flags),
        )


def violence_report_investigated(ctx: RuleContext) -> Iterator[Obligation]:
    """R03: a child subjected to or witnessing violence by a close relative is investigated.

    Breached (final) when a decision not to investigate is recorded; otherwise judged
    against R02's due date, an investigation already open counting as met.
    """
    for viewed, report in ctx.of_type(ReportReceived):
        if not is_violence(report):
            continue
        assessment = initial_assessment(ctx, report)
        flags = ctx.registration_flags(viewed)
        if report.occurred_on < VIOLENCE_RULE:
            yield not_applicable(
                R03, case_id=ctx.case_id, event=report, due_on=assessment.due_on, flags=flags
            )
            continue
        already = _investigation_open(ctx, report)
        refused = ctx.find(InvestigationNotOpened, report_event_ids=report.event_id)
        if refused is not None and not already:
            when = refused[1]
            yield R03.obligation(
                case_id=ctx.case_id,
                trigger_event_id=report.event_id,
                trigger_on=report.occurred_on,
                due_on=assessment.due_on,
                judgement=Judgement(
                    Status.BREACHED,
                    effective_due(assessment.due_on, ctx.settings.sunday_rule_for("R03")),
                    decisive_on=when,
                ),
                flags=flags,
            )
            continue
        opened = ctx.find(InvestigationOpened, report_event_ids=report.event_id)
        satisfied_by, satisfied_on = (
            (already, report.occurred_on) if already else (opened or (None, None))
        )
        yield R03.obligation(
            case_id=ctx.case_id,
            trigger_event_id=report.event_id,
            trigger_on=report.occurred_on,
            due_on=assessment.due_on,
            judgement=judge(
                assessment.due_on, satisfied_on, ctx.on, ctx.settings.sunday_rule_for("R03")
            ),
            satisfied_by=satisfied_by,
            satisfied_on=satisfied_on,
            flags=(*assessment.flags, *flags),
        )


def is_violence(report: ReportReceived) -> bool:
    """A report of a child subjected to or witnessing violence by a close relative."""
    return report.close_relative and report.violence_exposure in {
        ViolenceExposure.SUBJECTED,
        ViolenceExposure.WITNESSED,
    }


def _investigation_open(ctx: RuleContext, report: ReportReceived) -> str | None:
    """The opening event of an investigation already open when the report came in."""
    received = report.occurred_on
    for investigation in ctx.state.investigations if ctx.state else ():
        opened_on = investigation.opened_on
        if (
            opened_on is None
            or opened_on > received
            or report.event_id in investigation.report_event_ids
        ):
            continue
        if investigation.concluded_on is None or investigation.concluded_on > received:
            return investigation.opened_event_id
    return None


def investigation_opened_without_delay(ctx: RuleContext) -> Iterator[Obligation]:
    """R04 `decision`: applications, and reports before 2013, lead to a decision in time.

    "utan dröjsmål"/"genast" has no number: `application_decision_days` for applications,
    `pre2013_report_decision_days` for reports received before the 14-day rule.
    """
    sunday = ctx.settings.sunday_rule_for("R04")
    for viewed, application in ctx.of_type(ApplicationReceived):
        due = add_days(application.occurred_on, ctx.settings.application_decision_days)
        done = ctx.find(InvestigationOpened, application_event_id=application.event_id)
        yield R04.obligation(
            case_id=ctx.case_id,
            trigger_event_id=application.event_id,
            trigger_on=application.occurred_on,
            due_on=due,
            judgement=judge(due, done[1] if done else None, ctx.on, sunday),
            satisfied_by=done[0] if done else None,
            satisfied_on=done[1] if done else None,
            part="decision",
            flags=ctx.registration_flags(viewed),
        )
    for viewed, report in ctx.of_type(ReportReceived):
        if report.occurred_on >= FOURTEEN_DAY_RULE:
            continue
        due = add_days(report.occurred_on, ctx.settings.pre2013_report_decision_days)
        decision = initial_assessment(ctx, report)
        yield R04.obligation(
            case_id=ctx.case_id,
            trigger_event_id=report.event_id,
            trigger_on=report.occurred_on,
            due_on=due,
            judgement=judge(due, decision.decided_on, ctx.on, sunday),
            satisfied_by=decision.decision_event_id,
            satisfied_on=decision.decided_on,
            part="decision",
            flags=ctx.registration_flags(viewed),
        )


def guardians_informed_at_once(ctx: RuleContext) -> Iterator[Obligation]:
    """R04 `guardians_informed`: those concerned are told at once of a new investigation.

    Waived by a documented deferral (särskilda skäl, e.g. a police investigation).
    """
    sunday = ctx.settings.sunday_rule_for("R04")
    for viewed, opened in ctx.of_type(InvestigationOpened):
        due = add_days(opened.occurred_on, ctx.settings.guardians_informed_days)
        informed = ctx.find(GuardiansInformed, investigation_id=opened.investigation_id)
        deferred = ctx.find(InformationDeferred, investigation_id=opened.investigation_id)
        judgement = judge(due, informed[1] if informed else None, ctx.on, sunday)
        done = informed
        if deferred is not None and judgement.status is not Status.MET:
            judgement = Judgement(
                Status.WAIVED, judgement.effective_due_on, decisive_on=deferred[1]
            )
            done = deferred
        yield R04_INFORMED.obligation(
            case_id=ctx.case_id,
            trigger_event_id=opened.event_id,
            trigger_on=opened.occurred_on,
            due_on=due,
            judgement=judgement,
            satisfied_by=done[0] if done else None,
            satisfied_on=done[1] if done else None,
            part="guardians_informed",
            flags=ctx.registration_flags(viewed),
        )
