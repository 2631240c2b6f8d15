"""Investigation duties: four months, extensions, and the risk assessment (R05, R03b).

SoL (2001:453) 11 kap. 2 § 2 st. until 2025-06-30; SoL (2025:400) 20 kap. 3 § from
2025-07-01 ("inom fyra månader från det att den inleddes"); SOSFS 2014:4 / HSLF-FS 2022:39
for the risk assessment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from caselog.dates import add_months, days_between, effective_due
from caselog.events import (
    InvestigationConcluded,
    InvestigationExtended,
    InvestigationOpened,
    ReportReceived,
    RiskAssessmentDocumented,
)
from caselog.rules.intake import R03B, VIOLENCE_RULE, is_violence
from caselog.rules.judging import Duty, Judgement, judge
from caselog.rules.law import sol
from caselog.rules.model import Flag, Law, Obligation, Severity, Status

if TYPE_CHECKING:
    from collections.abc import Iterator

    from caselog.dates import SundayRule
    from caselog.rules.context import RuleContext

R05 = Duty(
    "R05",
    Law(sol("11 kap. 2 §", "20 kap. 3 §")),
    Severity.HIGH,
    "Investigation concluded within four months (or a valid extension), by {due}",
    "Utredningen slutförd inom fyra månader (eller beslutad förlängning), senast {due}",
    parameters=("strict_extensions", "sunday_rule"),
)


@dataclass(frozen=True, slots=True)
class InvestigationDeadline:
    """Where an investigation's deadline ends up after its extension decisions.

    `accrued_late` adds up, for each extension decided after the due date then in force,
    the days between that due date and the decision (D7; TC05): the investigation was
    already late, and a later extension cannot undo that (✘ interpretation).
    """

    due_on: date
    accrued_late: int
    flags: tuple[Flag, ...]
    in_time_due_on: date
    """The due date moved only by extensions decided in time: once a deadline has passed,
    a later decision cannot make what was due by it timely again (R03b)."""


def investigation_deadline(
    ctx: RuleContext, opened: InvestigationOpened, sunday: SundayRule
) -> InvestigationDeadline:
    """The four-month due date of one investigation, moved by its extensions in fold order.

    An extension needs a new due date and documented reasons ("för viss tid", särskilda
    skäl); with `strict_extensions` one without either is disregarded (`invalid_extension`).
    """
    due = add_months(opened.occurred_on, 4)
    in_time: date | None = None
    accrued = 0
    flags: list[Flag] = []
    for _, extension in ctx.of_type(InvestigationExtended):
        if extension.investigation_id != opened.investigation_id:
            continue
        if extension.new_due_on is None or (
            ctx.settings.strict_extensions and not extension.reasons
        ):
            flags.append(Flag.INVALID_EXTENSION)
            continue
        current = effective_due(due, sunday)
        if extension.occurred_on > current:
            accrued += days_between(current, extension.occurred_on)
            flags.append(Flag.EXTENSION_AFTER_EXPIRY)
            in_time = in_time or due
        else:
            flags.append(Flag.EXTENDED)
        due = max(due, extension.new_due_on)
    return InvestigationDeadline(due, accrued, tuple(dict.fromkeys(flags)), in_time or due)


def investigation_concluded_within_4_months(ctx: RuleContext) -> Iterator[Obligation]:
    """R05: an investigation is concluded within four months of being opened.

    Met, met late, pending (extended) or overdue; an extension decided after expiry turns
    the verdict into at best `met_late` with the days it came too late.
    """
    sunday = ctx.settings.sunday_rule_for("R05")
    for viewed, opened in ctx.of_type(InvestigationOpened):
        deadline = investigation_deadline(ctx, opened, sunday)
        concluded = ctx.find(InvestigationConcluded, investigation_id=opened.investigation_id)
        judgement = _with_accrued(
            judge(deadline.due_on, concluded[1] if concluded else None, ctx.on, sunday),
            deadline.accrued_late,
        )
        yield R05.obligation(
            case_id=ctx.case_id,
            trigger_event_id=opened.event_id,
            trigger_on=opened.occurred_on,
            due_on=deadline.due_on,
            judgement=judgement,
            satisfied_by=concluded[0] if concluded else None,
            satisfied_on=concluded[1] if concluded else None,
            flags=(*deadline.flags, *ctx.registration_flags(viewed)),
        )


def _with_accrued(judgement: Judgement, accrued: int) -> Judgement:
    if not accrued or judgement.status not in {Status.MET, Status.MET_LATE}:
        return judgement
    return Judgement(
        Status.MET_LATE,
        judgement.effective_due_on,
        days_late=accrued + (judgement.days_late or 0),
        decisive_on=judgement.decisive_on,
    )


def violence_risk_assessed(ctx: RuleContext) -> Iterator[Obligation]:
    """R03b: an investigation opened on a violence report assesses the risk of more violence.

    Due by the investigation's conclusion or its R05 due date, whichever comes first
    (RULES.md §4.27); any risk assessment documented for the investigation satisfies it.
    """
    sunday = ctx.settings.sunday_rule_for("R03b")
    violence = {
        report.event_id
        for _, report in ctx.of_type(ReportReceived)
        if is_violence(report) and report.occurred_on >= VIOLENCE_RULE
    }
    for viewed, opened in ctx.of_type(InvestigationOpened):
        if not violence.intersection(opened.report_event_ids):
            continue
        due = investigation_deadline(ctx, opened, sunday).in_time_due_on
        concluded = ctx.find(InvestigationConcluded, investigation_id=opened.investigation_id)
        if concluded is not None:
            due = min(due, concluded[1])
        done = ctx.find(RiskAssessmentDocumented, investigation_id=opened.investigation_id)
        yield R03B.obligation(
            case_id=ctx.case_id,
            trigger_event_id=opened.event_id,
            trigger_on=opened.occurred_on,
            due_on=due,
            judgement=judge(due, done[1] if done else None, ctx.on, sunday),
            satisfied_by=done[0] if done else None,
            satisfied_on=done[1] if done else None,
            flags=ctx.registration_flags(viewed),
        )
