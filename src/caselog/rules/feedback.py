"""Feedback to the reporter of a concern (återkoppling till anmälaren), R06.

SoL (2001:453) 14 kap. 1 b § until 2025-06-30 (on request, no deadline); SoL (2025:400)
19 kap. 6 § from 2025-07-01, with the one-week deadline of SFS 2025:1501 from the setting
`sfs_2025_1501_in_force_on` (its in-force date was not found, ✘).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Final, TypeVar

from caselog.dates import add_days
from caselog.events import (
    FeedbackGiven,
    FeedbackRefused,
    FeedbackRequested,
    InvestigationNotOpened,
    InvestigationOpened,
    ReportReceived,
)
from caselog.rules.context import Rule
from caselog.rules.judging import Duty, Judgement, judge, not_applicable
from caselog.rules.law import sol
from caselog.rules.model import Law, Obligation, Severity, Status

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import date

    from caselog.rules.context import RuleContext

A = TypeVar("A", FeedbackGiven, FeedbackRefused)

R06 = Duty(
    "R06",
    Law(sol("14 kap. 1 b §", "19 kap. 6 §")),
    Severity.LOW,
    "Feedback to the reporter on request, a week after the decision on the report, by {due}",
    "Återkoppling till anmälaren på begäran, en vecka efter beslutet om utredning, senast {due}",
    parameters=("feedback_days", "sfs_2025_1501_in_force_on", "sunday_rule"),
    statuses=(
        Status.PENDING,
        Status.MET,
        Status.MET_LATE,
        Status.OVERDUE,
        Status.WAIVED,
        Status.NOT_APPLICABLE,
    ),
)
_R06_AWAITING = replace(
    R06,
    explain_en="Feedback to the reporter on request, due a week after the decision (not yet taken)",
    explain_sv="Återkoppling till anmälaren på begäran, en vecka efter beslutet (ännu inte fattat)",
)


def feedback_given_to_reporter(ctx: RuleContext) -> Iterator[Obligation]:
    """R06: a reporter who asks what became of a report is told in time (återkoppling).

    SoL (2025:400) 19 kap. 6 § as amended by SFS 2025:1501: "Informationen ska lämnas senast
    en vecka efter det att socialnämnden har fattat beslut om att inleda eller inte inleda
    utredning. Om begäran kommer in efter denna tidpunkt eller om en utredning redan pågår ska
    informationen lämnas genast." So the due date is max(first decision naming the report +
    `feedback_days`, request); "genast" is read as the day of the request ✘, and "en utredning
    redan pågår" as an investigation open when the report came in (the R02 exception). The
    paragraph is verified, its in-force date is not (✘): the setting
    `sfs_2025_1501_in_force_on`. A request before it is not applicable, since SoL (2001:453)
    14 kap. 1 b § set no deadline. Pending, with no due date, while the decision is not taken.
    A documented refusal (olämpligt) on or after the request waives the duty, unless feedback
    was given first (as R04 treats a deferral). Only what happened by the first answer
    (feedback or refusal) is judged, so a final verdict never changes as `on` moves.
    """
    sunday = ctx.settings.sunday_rule_for("R06")
    for viewed, request in ctx.of_type(FeedbackRequested):
        flags = ctx.registration_flags(viewed)
        if request.occurred_on < ctx.settings.sfs_2025_1501_in_force_on:
            yield not_applicable(R06, case_id=ctx.case_id, event=request, due_on=None, flags=flags)
            continue
        report_id = request.report_event_id
        done = _first_answer(ctx, FeedbackGiven, request)
        refused = _first_answer(ctx, FeedbackRefused, request)
        if refused is not None and (done is None or refused[1] < done[1]):
            done = refused
        due = _feedback_due(ctx, report_id, request.occurred_on, done[1] if done else ctx.on)
        if due is not None:
            judgement = judge(due, done[1] if done else None, ctx.on, sunday)
        else:
            status, decisive = (Status.MET, done[1]) if done else (Status.PENDING, ctx.on)
            judgement = Judgement(status, None, decisive_on=decisive)
        if done is not None and done == refused:
            judgement = Judgement(Status.WAIVED, judgement.effective_due_on, decisive_on=done[1])
        yield (R06 if due else _R06_AWAITING).obligation(
            case_id=ctx.case_id,
            trigger_event_id=request.event_id,
            trigger_on=request.occurred_on,
            due_on=due,
            judgement=judgement,
            satisfied_by=done[0] if done else None,
            satisfied_on=done[1] if done else None,
            flags=flags,
        )


def _first_answer(
    ctx: RuleContext, kind: type[A], request: FeedbackRequested
) -> tuple[str, date] | None:
    """(event_id, occurred_on) of the first answer of `kind` to `request`, on or after it."""
    return next(
        (
            (answer.event_id, answer.occurred_on)
            for _, answer in ctx.of_type(kind)
            if answer.report_event_id == request.report_event_id
            and answer.occurred_on >= request.occurred_on
        ),
        None,
    )


def _feedback_due(ctx: RuleContext, report_id: str, requested_on: date, by: date) -> date | None:
    """R06's due date: a week after the first decision naming the report (taken by `by`)."""
    decisions = [
        found[1]
        for kind in (InvestigationOpened, InvestigationNotOpened)
        if (found := ctx.find(kind, report_event_ids=report_id)) and found[1] <= by
    ]
    if decisions:
        return max(add_days(min(decisions), ctx.settings.feedback_days), requested_on)
    report = ctx.find(ReportReceived, event_id=report_id)
    investigations = ctx.state.investigations if ctx.state else ()
    running = report is not None and any(
        i.opened_on is not None
        and i.opened_on <= report[1]
        and (i.concluded_on is None or i.concluded_on > report[1])
        for i in investigations
    )
    return requested_on if running else None


RULES: Final[tuple[Rule, ...]] = (Rule(feedback_given_to_reporter, R06),)
"""The rules of this module, in catalogue order."""
