"""Investigation duties: four months and their extensions (R05).

SoL (2001:453) 11 kap. 2 § 2 st. until 2025-06-30; SoL (2025:400) 20 kap. 3 § from
2025-07-01 ("inom fyra månader från det att den inleddes"). The risk assessment that a
violence case adds to the investigation (R03b) is in `violence`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from caselog.dates import add_months, days_between, effective_due
from caselog.events import InvestigationConcluded, InvestigationExtended, InvestigationOpened
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
    concluded: tuple[str, date] | None
    """(event_id, date) of the decision that ended the investigation, if in the view."""


def investigation_deadline(
    ctx: RuleContext,
    opened: InvestigationOpened,
    sunday: SundayRule,
    *,
    until: date | None = None,
) -> InvestigationDeadline:
    """The four-month due date of one investigation, moved by its extensions in fold order.

    An extension needs a new due date and documented reasons ("för viss tid", särskilda
    skäl); with `strict_extensions` one without either is disregarded (`invalid_extension`).
    One decided after the investigation was concluded is ignored altogether — it moves no
    due date and adds no flag (RULES.md §4.28 "Extensions after the act"): there was nothing
    left to extend. `until` is the act of a duty that leans on this deadline (R03b's risk
    assessment): what was decided after it — an extension, the conclusion — is ignored too,
    so that a met duty keeps the due date it was met against.
    """
    concluded = ctx.find(InvestigationConcluded, investigation_id=opened.investigation_id)
    if concluded is not None and until is not None and concluded[1] > until:
        concluded = None
    cutoff = min((d for d in (until, concluded[1] if concluded else None) if d), default=None)
    due = add_months(opened.occurred_on, 4)
    in_time: date | None = None
    accrued = 0
    flags: list[Flag] = []
    for _, extension in ctx.of_type(InvestigationExtended):
        if extension.investigation_id != opened.investigation_id or (
            cutoff is not None and extension.occurred_on > cutoff
        ):
            continue
        if extension.new_due_on is None or (
            ctx.settings.strict_extensions and not extension.has("reasons")
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
    return InvestigationDeadline(
        due, accrued, tuple(dict.fromkeys(flags)), in_time or due, concluded
    )


def investigation_concluded_within_4_months(ctx: RuleContext) -> Iterator[Obligation]:
    """R05: an investigation (barnavårdsutredning) is concluded within four months.

    Met, met late, pending (extended) or overdue; an extension decided after expiry turns
    the verdict into at best `met_late` with the days it came too late, and one decided
    after the conclusion changes nothing.
    """
    sunday = ctx.settings.sunday_rule_for("R05")
    for viewed, opened in ctx.of_type(InvestigationOpened):
        deadline = investigation_deadline(ctx, opened, sunday)
        concluded = deadline.concluded
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
