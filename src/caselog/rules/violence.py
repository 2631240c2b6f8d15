"""Violence against a child: the investigation and the risk assessment (R03, R03b).

SOSFS 2014:4 from 2014-10-01, replaced by HSLF-FS 2022:39 from 2022-11-01: when the
committee learns that a child has been subjected to violence by a close relative
(närstående), or has witnessed violence by or against one, it must open an investigation
without delay (utan dröjsmål) and assess the risk of further violence (riskbedömning). A
child who witnessed such violence is a crime victim: SoL (2001:453) 5 kap. 11 § 4 st.,
SoL (2025:400) 18 kap. 7 §. The paragraphs of both regulations are unverified (✘).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from caselog.events import (
    InvestigationOpened,
    ReportReceived,
    RiskAssessmentDocumented,
    ViolenceExposure,
)
from caselog.rules.intake import initial_assessment, running_investigation
from caselog.rules.investigations import investigation_deadline
from caselog.rules.judging import DEADLINE_STATUSES, Duty, Judgement, judge, not_applicable
from caselog.rules.law import version
from caselog.rules.model import Law, Obligation, Severity, Status

if TYPE_CHECKING:
    from collections.abc import Iterator

    from caselog.rules.context import RuleContext

VIOLENCE_RULE: date = date(2014, 10, 1)
"""SOSFS 2014:4 in force: violence against or witnessed by a child must be investigated."""

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
    parameters=("sunday_rule",),
    statuses=(*DEADLINE_STATUSES, Status.NOT_APPLICABLE),
)


def is_violence(report: ReportReceived) -> bool:
    """A report of a child subjected to or witnessing violence by a close relative."""
    return report.close_relative and report.violence_exposure in {
        ViolenceExposure.SUBJECTED,
        ViolenceExposure.WITNESSED,
    }


def violence_report_investigated(ctx: RuleContext) -> Iterator[Obligation]:
    """R03: a child subjected to or witnessing violence by a close relative is investigated.

    Due by R02's due date with its valid extensions. An investigation already open on the
    day the report came in meets it that day; otherwise the first decision on the report
    does: an opening meets it (late if after the due date), a recorded decision not to open
    one (InvestigationNotOpened) breaches it, finally, on the decision's date (D7). Time
    alone never breaches it: with no decision it is `overdue` (RULES.md §4.28). Reports
    received before 2014-10-01 are not applicable.
    """
    sunday = ctx.settings.sunday_rule_for("R03")
    for viewed, report in ctx.of_type(ReportReceived):
        if not is_violence(report):
            continue
        flags = ctx.registration_flags(viewed)
        if report.occurred_on < VIOLENCE_RULE:
            yield not_applicable(R03, case_id=ctx.case_id, event=report, due_on=None, flags=flags)
            continue
        already = running_investigation(ctx, report)
        received = report.occurred_on
        assessment = initial_assessment(ctx, report, acted_on=received if already else None)
        satisfied: tuple[str, date] | None = None
        if already is not None:
            satisfied = already.event_id, received
        elif assessment.opened and assessment.decision_event_id and assessment.decided_on:
            satisfied = assessment.decision_event_id, assessment.decided_on
        judgement = judge(assessment.due_on, satisfied[1] if satisfied else None, ctx.on, sunday)
        if satisfied is None and assessment.decided_on is not None:
            # The first decision was not to investigate: broken by that act, not by time.
            judgement = Judgement(
                Status.BREACHED, judgement.effective_due_on, decisive_on=assessment.decided_on
            )
        yield R03.obligation(
            case_id=ctx.case_id,
            trigger_event_id=report.event_id,
            trigger_on=received,
            due_on=assessment.due_on,
            judgement=judgement,
            satisfied_by=satisfied[0] if satisfied else None,
            satisfied_on=satisfied[1] if satisfied else None,
            flags=(*assessment.flags, *flags),
        )


def violence_risk_assessed(ctx: RuleContext) -> Iterator[Obligation]:
    """R03b: the investigation handling a violence report assesses the risk of more violence.

    One row per violence report (RULES.md §4.28), triggered by the report on the day it
    came in, for the investigation that handles it: the one opened on it, else one already
    open about the child that day. Due by that investigation's conclusion or its R05 due
    date as moved by extensions decided in time, whichever is first; when that date lies
    before the report came in (the investigation was already past its four months), by the
    report's own R02 due date. Met by the investigation's first risk assessment dated on or
    after the day the report came in; what was decided after that assessment (an
    extension, the conclusion) no longer moves the date it was met against (§4.28
    "Extensions after the act"). A report nobody investigates has no row; one received
    before 2014-10-01 has a `not_applicable` row.
    """
    sunday = ctx.settings.sunday_rule_for("R03b")
    r05_sunday = ctx.settings.sunday_rule_for("R05")
    for viewed, report in ctx.of_type(ReportReceived):
        if not is_violence(report):
            continue
        flags = ctx.registration_flags(viewed)
        received = report.occurred_on
        if received < VIOLENCE_RULE:
            yield not_applicable(R03B, case_id=ctx.case_id, event=report, due_on=None, flags=flags)
            continue
        handling = _handling_investigation(ctx, report)
        if handling is None:
            continue
        done = _first_risk_assessment(ctx, handling.investigation_id, since=received)
        acted_on = done[1] if done else None
        deadline = investigation_deadline(ctx, handling, r05_sunday, until=acted_on)
        due = deadline.in_time_due_on
        if deadline.concluded is not None:
            due = min(due, deadline.concluded[1])
        if due < received:
            due = initial_assessment(ctx, report, acted_on=acted_on).due_on
        yield R03B.obligation(
            case_id=ctx.case_id,
            trigger_event_id=report.event_id,
            trigger_on=received,
            due_on=due,
            judgement=judge(due, done[1] if done else None, ctx.on, sunday),
            satisfied_by=done[0] if done else None,
            satisfied_on=done[1] if done else None,
            flags=flags,
        )


def _handling_investigation(ctx: RuleContext, report: ReportReceived) -> InvestigationOpened | None:
    """The investigation that carries R03b for a violence report, if any handles it.

    The first one opened on the report, before one already running when it came in
    (RULES.md §4.28) — unless the running one had already assessed the risk (on or after
    the day of receipt) before the other was opened: that row was final then, and a final
    row never changes (D7, which §4.28 yields to).
    """
    running = running_investigation(ctx, report)
    for _, opened in ctx.of_type(InvestigationOpened):
        if report.event_id not in opened.report_event_ids:
            continue
        if running is not None:
            done = _first_risk_assessment(ctx, running.investigation_id, since=report.occurred_on)
            if done is not None and done[1] < opened.occurred_on:
                return running
        return opened
    return running


def _first_risk_assessment(
    ctx: RuleContext, investigation_id: str, *, since: date
) -> tuple[str, date] | None:
    """(event_id, date) of the investigation's first risk assessment on or after `since`.

    An assessment made before the report came in could not weigh the violence it reports.
    """
    for _, assessed in ctx.of_type(RiskAssessmentDocumented):
        if assessed.investigation_id == investigation_id and assessed.occurred_on >= since:
            return assessed.event_id, assessed.occurred_on
    return None
