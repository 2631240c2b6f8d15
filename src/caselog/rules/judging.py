"""Judging one deadline, and building the obligation that reports it (DESIGN.md D7).

Every rule reduces to the same few questions — when was it due, when (if ever) was it
satisfied, what does that make it on `on`, and which law decides — so they are answered
once, here, and every rule reads like its statute.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Final

from caselog.dates import SundayRule, days_between, effective_due
from caselog.rules.model import Flag, Obligation, Severity, Status, Wording

if TYPE_CHECKING:
    from collections.abc import Iterable

    from caselog.events import EventModel
    from caselog.projections import Viewed
    from caselog.rules.context import RuleContext
    from caselog.rules.model import Law


DEADLINE_STATUSES: Final = (Status.PENDING, Status.MET, Status.MET_LATE, Status.OVERDUE)
"""What any deadline can be on a date; rules list these plus their own (D7)."""


@dataclass(frozen=True, slots=True)
class Judgement:
    """A deadline judged on `on`: status, lateness, and the day that decides the law."""

    status: Status
    effective_due_on: date | None
    days_late: int | None = None
    days_overdue: int | None = None
    decisive_on: date | None = None


def judge(due_on: date, satisfied_on: date | None, on: date, sunday: SundayRule) -> Judgement:
    """Judge a deadline on `on` (D7): met, met late, pending or overdue.

    >>> j = judge(date(2024, 2, 14), date(2024, 2, 15), date(2024, 3, 1), SundayRule.STRICT)
    >>> j.status.value, j.days_late
    ('met_late', 1)
    """
    due = effective_due(due_on, sunday)
    if satisfied_on is not None and satisfied_on <= on:
        if satisfied_on <= due:
            return Judgement(Status.MET, due, decisive_on=satisfied_on)
        return Judgement(
            Status.MET_LATE,
            due,
            days_late=days_between(due, satisfied_on),
            decisive_on=satisfied_on,
        )
    if on <= due:
        return Judgement(Status.PENDING, due, decisive_on=on)
    return Judgement(
        Status.OVERDUE,
        due,
        days_overdue=days_between(due, on),
        decisive_on=due + timedelta(days=1),
    )


def judge_window(
    due_on: date, satisfied_on: date | None, on: date, sunday: SundayRule, closed_on: date | None
) -> tuple[Judgement, tuple[Flag, ...]]:
    """Judge a duty that can only be met while something lasts (care, a restriction).

    D7 "windows that close": if it ended (`closed_on`) by the due date the duty never fell
    due (not applicable); if it ended later unmet, the window closed: breached, flagged
    `window_closed`, with `days_overdue` frozen at the day it ended. Otherwise `judge`.

    >>> j, flags = judge_window(date(2020, 2, 29), None, date(2020, 6, 1), SundayRule.STRICT,
    ...                         date(2020, 3, 10))
    >>> j.status.value, j.days_overdue, [f.value for f in flags]
    ('breached', 10, ['window_closed'])
    """
    if satisfied_on is not None or closed_on is None:
        return judge(due_on, satisfied_on, on, sunday), ()
    due = effective_due(due_on, sunday)
    if closed_on <= due:
        return Judgement(Status.NOT_APPLICABLE, due, decisive_on=closed_on), ()
    return Judgement(
        Status.BREACHED,
        due,
        days_overdue=days_between(due, closed_on),
        decisive_on=due + timedelta(days=1),
    ), (Flag.WINDOW_CLOSED,)


Found = tuple[str, date]
"""(event_id, occurred_on) of the fact that satisfies a duty."""


def obligation_for(
    duty: Duty,
    ctx: RuleContext,
    trigger: Viewed,
    due: date,
    judgement: Judgement,
    done: Found | None,
    *,
    part: str | None = None,
    flags: Iterable[Flag] = (),
) -> Obligation:
    """The obligation of one duty triggered by one fact, flagged if that was registered late."""
    return duty.obligation(
        case_id=ctx.case_id,
        trigger_event_id=trigger.event.event_id,
        trigger_on=trigger.event.occurred_on,
        due_on=due,
        judgement=judgement,
        satisfied_by=done[0] if done else None,
        satisfied_on=done[1] if done else None,
        part=part,
        flags=(*flags, *ctx.registration_flags(trigger)),
    )


@dataclass(frozen=True, slots=True)
class Duty:
    """What a rule says about itself: its id, law, severity and one-line explanations.

    `explain_en`/`explain_sv` are sentences with `{due}` (the effective due date) filled in;
    the status is appended in the same language.
    """

    rule_id: str
    law: Law
    severity: Severity
    explain_en: str
    explain_sv: str
    parameters: tuple[str, ...] = ()
    statuses: tuple[Status, ...] = DEADLINE_STATUSES
    wording: Wording = field(init=False, repr=False, compare=False)
    """The two sentences, made once and shared by every row of the duty."""

    def __post_init__(self) -> None:
        """Make the wording every row of this duty shares."""
        object.__setattr__(self, "wording", Wording(self.explain_en, self.explain_sv))

    def obligation(
        self,
        *,
        case_id: str,
        trigger_event_id: str | None,
        trigger_on: date,
        due_on: date | None,
        judgement: Judgement,
        satisfied_by: str | None = None,
        satisfied_on: date | None = None,
        part: str | None = None,
        period: int | None = None,
        flags: Iterable[Flag] = (),
        severity: Severity | None = None,
        rule_id: str | None = None,
    ) -> Obligation:
        """Build the obligation of this duty, citing the law per D7.

        A duty that did not apply has no due date, whatever made it inapplicable (RULES.md
        §4.28 "Not applicable rows"): its due and lateness fields are left empty here, once,
        and so is what satisfied it, so that the final row never changes as `on` moves.
        """
        if judgement.status is Status.NOT_APPLICABLE:
            due_on = satisfied_on = None
            judgement = Judgement(Status.NOT_APPLICABLE, None, decisive_on=judgement.decisive_on)
        decisive = judgement.decisive_on or trigger_on
        at_trigger, decisive_law, citation, unverified = self.law.citation(trigger_on, decisive)
        flag_set = list(dict.fromkeys(flags))
        if unverified and Flag.CITATION_UNVERIFIED not in flag_set:
            flag_set.append(Flag.CITATION_UNVERIFIED)
        return Obligation(
            rule_id=rule_id or self.rule_id,
            case_id=case_id,
            trigger_event_id=trigger_event_id,
            part=part,
            period=period,
            trigger_on=trigger_on,
            due_on=due_on,
            effective_due_on=judgement.effective_due_on,
            satisfied_by_event_id=satisfied_by if satisfied_on is not None else None,
            satisfied_on=satisfied_on,
            status=judgement.status,
            days_late=judgement.days_late,
            days_overdue=judgement.days_overdue,
            severity=severity or self.severity,
            flags=tuple(flag_set),
            law_at_trigger=at_trigger,
            law_decisive=decisive_law,
            citation=citation,
            wording=self.wording,
        )


def not_applicable(
    duty: Duty,
    *,
    case_id: str,
    event: EventModel,
    due_on: date | None,
    flags: Iterable[Flag] = (),
    trigger_on: date | None = None,
    part: str | None = None,
    decisive_on: date | None = None,
) -> Obligation:
    """The obligation of a duty that did not apply to `event` (not in force, an exception).

    It is triggered on the event's date unless `trigger_on` says otherwise (a lex Sarah
    report is triggered when the impropriety was noticed); the law is the one in force on
    `decisive_on`, by default the trigger day.
    """
    triggered = trigger_on or event.occurred_on
    return duty.obligation(
        case_id=case_id,
        trigger_event_id=event.event_id,
        trigger_on=triggered,
        due_on=due_on,
        judgement=Judgement(Status.NOT_APPLICABLE, due_on, decisive_on=decisive_on or triggered),
        part=part,
        flags=flags,
    )
