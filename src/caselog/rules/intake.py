"""Intake duties: protection assessment, initial assessment, opening, informing (R01, R02, R04).

SoL (2001:453) 11 kap. 1, 1 a, 2 §§ until 2025-06-30; SoL (2025:400) 14 kap. 2 §,
20 kap. 1, 2, 4 §§ from 2025-07-01. Violence reports (R03, R03b) are in `violence`.
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
    InvestigationConcluded,
    InvestigationNotOpened,
    InvestigationOpened,
    PreAssessmentExtended,
    PreAssessmentReason,
    ProtectionAssessmentDocumented,
    ReportReceived,
)
from caselog.rules.judging import DEADLINE_STATUSES, Duty, Judgement, judge, not_applicable
from caselog.rules.law import sol
from caselog.rules.model import Flag, Law, Obligation, Severity, Status

if TYPE_CHECKING:
    from collections.abc import Iterator

    from caselog.rules.context import RuleContext

FOURTEEN_DAY_RULE: date = date(2013, 1, 1)
"""Lag (2012:776): the 14-day initial assessment and the immediate protection assessment."""

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
        flags = ctx.registration_flags(viewed)
        if received < FOURTEEN_DAY_RULE:
            yield not_applicable(R01, case_id=ctx.case_id, event=report, due_on=None, flags=flags)
            continue
        due = add_days(received, ctx.settings.protection_assessment_days)
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


def initial_assessment(
    ctx: RuleContext, report: ReportReceived, *, acted_on: date | None = None
) -> InitialAssessment:
    """R02's due date and decision for one report; R03 shares the same deadline.

    Extensions for exceptional reasons (synnerliga skäl) decided on or before the due date
    move it to the later `until_on`; `other` reasons count only when the settings accept
    them (else `manual_review`); one decided after the due date does not cure it. One
    decided after the act that met the duty — the decision, or `acted_on` when the caller
    knows an earlier act — is ignored altogether: it moves no due date and adds no flag
    (RULES.md §4.28 "Extensions after the act").
    """
    opened = ctx.find(InvestigationOpened, report_event_ids=report.event_id)
    refused = ctx.find(InvestigationNotOpened, report_event_ids=report.event_id)
    first = min((d for d in (opened, refused) if d), key=lambda d: d[1], default=None)
    acted_on = min((d for d in (acted_on, first[1] if first else None) if d), default=None)
    sunday = ctx.settings.sunday_rule_for("R02")
    due = add_days(report.occurred_on, 14)
    flags: list[Flag] = []
    for _, extension in ctx.of_type(PreAssessmentExtended):
        if extension.report_event_id != report.event_id or (
            acted_on is not None and extension.occurred_on > acted_on
        ):
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
    return InitialAssessment(
        due,
        tuple(dict.fromkeys(flags)),
        first[0] if first else None,
        first[1] if first else None,
        first is not None and first == opened,
    )


def running_investigation(ctx: RuleContext, report: ReportReceived) -> InvestigationOpened | None:
    """The opening of an investigation about the child already under way when `report` came in.

    Under way means opened on or before the day of receipt, on something other than this
    report, and not concluded by that day: an investigation concluded on the very day the
    report came in is no longer open for it, so the report gets its own initial assessment
    (RULES.md §4.28 "Same-day conclusion"). The first such opening in fold order counts.
    """
    received = report.occurred_on
    seen: set[str] = set()
    for _, opened in ctx.of_type(InvestigationOpened):
        if opened.investigation_id in seen:
            continue
        seen.add(opened.investigation_id)
        if opened.occurred_on > received or report.event_id in opened.report_event_ids:
            continue
        concluded = ctx.find(InvestigationConcluded, investigation_id=opened.investigation_id)
        if concluded is None or concluded[1] > received:
            return opened
    return None


def initial_assessment_decided_within_14_days(ctx: RuleContext) -> Iterator[Obligation]:
    """R02: decide within 14 days of receipt whether to open an investigation.

    Förhandsbedömning, SoL (2001:453) 11 kap. 1 a § 2 st. / SoL (2025:400) 20 kap. 2 §. Not
    applicable before 2013-01-01, or when an investigation about the child is already open
    on the day the report came in (20 kap. 2 § 2 men.); such rows have no due date.
    """
    for viewed, report in ctx.of_type(ReportReceived):
        flags = ctx.registration_flags(viewed)
        if report.occurred_on < FOURTEEN_DAY_RULE or running_investigation(ctx, report):
            yield not_applicable(R02, case_id=ctx.case_id, event=report, due_on=None, flags=flags)
            continue
        assessment = initial_assessment(ctx, report)
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

    SoL (2001:453) 11 kap. 2 § 3 st. / SoL (2025:400) 20 kap. 4 §: "genast", unless special
    reasons (särskilda skäl) speak against it. Applies to every investigation opened. The
    first act from the day of the opening on decides (RULES.md §4.28): being informed is
    judged against the due date; a deferral decided by the due date waives the duty, and
    one decided after it is the late act (`met_late`). What follows the first act (a
    deferral after the guardians were told) changes nothing.
    """
    sunday = ctx.settings.sunday_rule_for("R04")
    for viewed, opened in ctx.of_type(InvestigationOpened):
        due = add_days(opened.occurred_on, ctx.settings.guardians_informed_days)
        act = _first_information_act(ctx, opened)
        acted_on = act.occurred_on if act else None
        judgement = judge(due, acted_on, ctx.on, sunday)
        if isinstance(act, InformationDeferred) and act.occurred_on <= effective_due(due, sunday):
            judgement = Judgement(Status.WAIVED, judgement.effective_due_on, decisive_on=acted_on)
        yield R04_INFORMED.obligation(
            case_id=ctx.case_id,
            trigger_event_id=opened.event_id,
            trigger_on=opened.occurred_on,
            due_on=due,
            judgement=judgement,
            satisfied_by=act.event_id if act else None,
            satisfied_on=acted_on,
            part="guardians_informed",
            flags=ctx.registration_flags(viewed),
        )


def _first_information_act(
    ctx: RuleContext, opened: InvestigationOpened
) -> GuardiansInformed | InformationDeferred | None:
    """The first telling or deferral for the investigation, from the day it was opened."""
    for viewed in ctx.facts:
        act = viewed.event
        if (
            isinstance(act, GuardiansInformed | InformationDeferred)
            and act.investigation_id == opened.investigation_id
            and act.occurred_on >= opened.occurred_on
        ):
            return act
    return None
