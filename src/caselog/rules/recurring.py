"""Recurring duties: periods that a valid act meets and that the act starts anew (D9).

The six-monthly övervägande and prövning (R11, R12), the custody-transfer consideration
(vårdnadsöverflyttning, R13) and the interval between visits (R14 `gap`) are one duty
repeated: a valid act meets the period running, on time or late, and the next period
counts from that act. `periods` judges that chain once for all of them.

Every period of a chain is reported under one stable key (RULES.md §4.28 "One row per
trigger, one stable key"): the `trigger_event_id` of period 1 (the opening placement),
the period's number, and — for period k > 1 — the day it began as `trigger_on`. The act
that met period k − 1 shows only as that period's `satisfied_by_event_id`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Final

from caselog.rules.judging import Duty, Judgement, judge, judge_window
from caselog.rules.model import Flag, Law, LawVersion, Obligation, Severity, Status

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from caselog.dates import SundayRule
    from caselog.rules.context import RuleContext

PERIODIC: Final = tuple(s for s in Status if s is not Status.WAIVED)
"""The statuses of a recurring duty: `breached` when care ended with the period overdue."""


def periodic(
    rule_id: str,
    law: tuple[LawVersion, ...],
    explain_en: str,
    explain_sv: str,
    severity: Severity = Severity.HIGH,
    parameters: tuple[str, ...] = ("sunday_rule",),
) -> Duty:
    """The duty of a recurring decision or visit, with the statuses of `PERIODIC`."""
    return Duty(rule_id, Law(law), severity, explain_en, explain_sv, parameters, PERIODIC)


@dataclass(frozen=True, slots=True)
class Act:
    """A dated act that can satisfy a recurring duty: a review, a consideration, a visit."""

    event_id: str
    on: date
    valid: bool = True
    """False when taken by someone the law does not allow (flagged `invalid_delegation`)."""


@dataclass(frozen=True, slots=True)
class Window:
    """Where a recurring duty runs: a care episode or a family-home stay, from its opening event."""

    event_id: str
    started_on: date
    ended_on: date | None

    def covers(self, day: date) -> bool:
        """Whether `day` falls in the window, its first and last day included."""
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)


Due = tuple[date, tuple[Flag, ...]] | None
"""A period's due date and its flags, or None when no law in force sets one."""
DueRule = Callable[[int, date, date | None], Due]
"""(period number, the day its clock started, the act judged — None for the period still
open) → its due date. None for period 1 means no duty at all; for a later period, that
the act meets no period of its own but restarts the clock (R13 before 2021-03-01)."""


@dataclass(frozen=True, slots=True)
class Period:
    """One period of a recurring duty, judged on `on`."""

    number: int
    trigger_event_id: str
    """Period 1's trigger, the window's opening event, for every period (§4.28)."""
    trigger_on: date
    """The day the period began: the window's start, then the act that met the last."""
    due_on: date
    judgement: Judgement
    started_by: str
    """The event that began the period (whose late registration the row reports, R21)."""
    satisfied_by: str | None = None
    satisfied_on: date | None = None
    flags: tuple[Flag, ...] = ()


def periods(
    window: Window, acts: Iterable[Act], *, due: DueRule, on: date, sunday: SundayRule
) -> Iterator[Period]:
    """Judge the periods of a recurring duty in `window`, numbered from 1 (D9).

    Each valid act in the window meets the period running (on time or late) and starts the
    next; a second one the same day adds nothing. An act for which `due` gives no date
    meets nothing: before period 1 it is ignored, later it only restarts the clock. An
    invalid act flags its period. The open period is pending or overdue; once the window
    closed, `breached` (`window_closed`, days frozen at the end) if past due, else
    `not_applicable` (✘).
    """
    inside = sorted((a for a in acts if window.covers(a.on)), key=lambda a: a.on)
    invalid = [a.on for a in inside if not a.valid]
    began_by, began_on, since, number = window.event_id, window.started_on, None, 1
    for act in inside:
        if not act.valid or act.on == since:
            continue
        owed = due(number, began_on, act.on)
        if owed is None and number == 1:
            continue  # no duty in force yet: the act does not start the clock
        if owed is not None:
            yield Period(
                number,
                window.event_id,
                began_on,
                owed[0],
                judge(owed[0], act.on, on, sunday),
                began_by,
                act.event_id,
                act.on,
                (*owed[1], *_delegation(invalid, since, act.on)),
            )
            number += 1
        began_by, began_on, since = act.event_id, act.on, act.on
    if (owed := due(number, began_on, None)) is not None:
        judgement, closing = judge_window(owed[0], None, on, sunday, window.ended_on)
        flags = (*owed[1], *_delegation(invalid, since, None), *closing)
        yield Period(number, window.event_id, began_on, owed[0], judgement, began_by, flags=flags)


def _delegation(invalid: list[date], since: date | None, until: date | None) -> tuple[Flag, ...]:
    """`invalid_delegation` when an invalid act falls in the period (since, until]."""
    meant = any((since is None or d > since) and (until is None or d <= until) for d in invalid)
    return (Flag.INVALID_DELEGATION,) if meant else ()


def obligation_of(
    duty: Duty, ctx: RuleContext, period: Period, *, part: str | None = None
) -> Obligation:
    """The obligation reporting one period.

    It carries the registration flags (R21) of the event that began the period: the
    opening placement for period 1, the act that met the last period after that.
    """
    began = next((v for v in ctx.facts if v.event.event_id == period.started_by), None)
    return duty.obligation(
        case_id=ctx.case_id,
        trigger_event_id=period.trigger_event_id,
        trigger_on=period.trigger_on,
        due_on=period.due_on,
        judgement=period.judgement,
        satisfied_by=period.satisfied_by,
        satisfied_on=period.satisfied_on,
        part=part,
        period=period.number,
        flags=(*period.flags, *(ctx.registration_flags(began) if began else ())),
    )
