"""Matter duties: lex Sarah (R19a–d) and deviation reports, avvikelser (R20).

Lex Sarah: SoL (2001:453) 14 kap. 3, 6, 7 §§ (for individ- och familjeomsorgen from
2011-07-01, Lag 2010:429) until 2025-06-30; SoL (2025:400) 27 kap. 2, 5, 6 §§ from
2025-07-01; SOSFS 2011:5. Deviations: the nämnd's own routine under SoL (2001:453)
3 kap. 3 § / SoL (2025:400) 5 kap. 2 § and SOSFS 2011:9 (paragraphs ✘).

Every rule here runs once per matter stream (`matter:<id>`, `Scope.MATTER`): `ctx.case_id`
is the matter id and `ctx.facts` the matter's facts. The law gives no numbers ("genast",
"utan dröjsmål", "snarast"); the deadlines are the routine parameters of RULES.md §4.26.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Final

from caselog.dates import add_days
from caselog.events import (
    DeviationClosed,
    DeviationReported,
    DeviationTriaged,
    LexSarahConcluded,
    LexSarahInvestigationStarted,
    LexSarahReported,
    LexSarahReportedToIVO,
)
from caselog.rules.context import Rule, Scope
from caselog.rules.judging import DEADLINE_STATUSES, Duty, judge, not_applicable
from caselog.rules.law import SOL01, SOL01_END, SOL01_START, SOL25, SOL25_START, sol, version
from caselog.rules.model import Flag, Law, Obligation, Severity, Status

if TYPE_CHECKING:
    from collections.abc import Iterator

    from caselog.events import EventModel
    from caselog.rules.context import RuleContext

LEX_SARAH_IFO: Final = date(2011, 7, 1)
"""Lag (2010:429): lex Sarah extended to individ- och familjeomsorgen; SOSFS 2011:5."""

_ALL: Final = (*DEADLINE_STATUSES, Status.NOT_APPLICABLE)

R19A = Duty(
    "R19a",
    Law(sol("14 kap. 3 §", "27 kap. 2 §", since=LEX_SARAH_IFO)),
    Severity.HIGH,
    "Lex Sarah report (rapport) made at once after the impropriety was noticed, by {due}",
    "Lex Sarah-rapport lämnad genast efter att missförhållandet uppmärksammats, senast {due}",
    parameters=("lex_sarah_report_days",),
    statuses=_ALL,
)
R19B = Duty(
    "R19b",
    Law(sol("14 kap. 6 §", "27 kap. 5 §", since=LEX_SARAH_IFO)),
    Severity.HIGH,
    "Lex Sarah investigation started without delay after the report, by {due}",
    "Utredning av lex Sarah-rapporten påbörjad utan dröjsmål, senast {due}",
    parameters=("lex_sarah_investigation_start_days",),
    statuses=_ALL,
)
R19C = Duty(
    "R19c",
    Law(sol("14 kap. 6 §", "27 kap. 5 §", since=LEX_SARAH_IFO)),
    Severity.HIGH,
    "Lex Sarah investigation concluded (ställningstagande), by {due}",
    "Utredningen av lex Sarah-rapporten avslutad med ställningstagande, senast {due}",
    parameters=("lex_sarah_conclusion_days",),
    statuses=_ALL,
)
R19D = Duty(
    "R19d",
    Law(sol("14 kap. 7 §", "27 kap. 6 §", since=LEX_SARAH_IFO)),
    Severity.CRITICAL,
    "Serious impropriety (allvarligt missförhållande) reported to IVO snarast, by {due}",
    "Allvarligt missförhållande anmält till IVO snarast, senast {due}",
    parameters=("lex_sarah_ivo_days",),
    statuses=_ALL,
)
_DEVIATION_LAW: Final = Law(
    (
        version(SOL01, "3 kap. 3 §", SOL01_START, SOL01_END, verified=False),
        version(SOL25, "5 kap. 2 §", SOL25_START),
    )
)
R20_TRIAGE = Duty(
    "R20",
    _DEVIATION_LAW,
    Severity.MEDIUM,
    "Deviation (avvikelse) triaged — is it a lex Sarah matter? — by {due}",
    "Avvikelsen bedömd (är den ett lex Sarah-ärende?) senast {due}",
    parameters=("deviation_triage_days",),
)
R20_CLOSE = Duty(
    "R20",
    _DEVIATION_LAW,
    Severity.MEDIUM,
    "Deviation (avvikelse) closed after its actions were taken, by {due}",
    "Avvikelsen avslutad efter vidtagna åtgärder, senast {due}",
    parameters=("deviation_close_days",),
    statuses=_ALL,
)


def _deadline(
    duty: Duty,
    ctx: RuleContext,
    *,
    trigger: EventModel,
    trigger_on: date,
    due: date,
    done: tuple[str, date] | None,
    flags: tuple[Flag, ...],
    part: str | None = None,
) -> Obligation:
    """A deadline due on `due`, satisfied by `done` (id, date), under the duty's Sunday rule."""
    return duty.obligation(
        case_id=ctx.case_id,
        trigger_event_id=trigger.event_id,
        trigger_on=trigger_on,
        due_on=due,
        judgement=judge(
            due, done[1] if done else None, ctx.on, ctx.settings.sunday_rule_for(duty.rule_id)
        ),
        satisfied_by=done[0] if done else None,
        satisfied_on=done[1] if done else None,
        part=part,
        flags=flags,
    )


def _step(
    duty: Duty,
    ctx: RuleContext,
    *,
    trigger: EventModel,
    trigger_on: date,
    days: int,
    done: tuple[str, date] | None,
    flags: tuple[Flag, ...],
) -> Obligation:
    """One lex Sarah step: due `days` after `trigger_on`, satisfied by `done` (id, date).

    Not applicable, with empty due fields, when this row's own trigger day is before
    2011-07-01, the day lex Sarah (SoL (2001:453) 14 kap. 3–7 §§, as amended by Lag
    2010:429) reached individ- och familjeomsorgen (RULES.md §4.28): R19a compares the day
    the impropriety was noticed, R19b–c the rapport's date, R19d the conclusion's date, so
    one matter may have some rows judged and others not.
    """
    due = add_days(trigger_on, days)
    if trigger_on < LEX_SARAH_IFO:
        return not_applicable(
            duty, case_id=ctx.case_id, event=trigger, trigger_on=trigger_on, due_on=due, flags=flags
        )
    return _deadline(
        duty, ctx, trigger=trigger, trigger_on=trigger_on, due=due, done=done, flags=flags
    )


def lex_sarah_reported_at_once(ctx: RuleContext) -> Iterator[Obligation]:
    """R19a: whoever notices an impropriety (missförhållande) reports it at once (genast).

    SoL (2001:453) 14 kap. 3 § / SoL (2025:400) 27 kap. 2 §. Triggered on `observed_on`,
    due `lex_sarah_report_days` later, satisfied by the rapport itself on its `occurred_on`
    ✘ ("genast" has no number). Not applicable when noticed before 2011-07-01 (`_step`).
    """
    for viewed, report in ctx.of_type(LexSarahReported):
        yield _step(
            R19A,
            ctx,
            trigger=report,
            trigger_on=report.observed_on,
            days=ctx.settings.lex_sarah_report_days,
            done=(report.event_id, report.occurred_on),
            flags=ctx.registration_flags(viewed),
        )


def lex_sarah_investigation_started_without_delay(ctx: RuleContext) -> Iterator[Obligation]:
    """R19b: a lex Sarah rapport is documented and investigated without delay.

    SoL (2001:453) 14 kap. 6 § ("utan dröjsmål") / SoL (2025:400) 27 kap. 5 § ("genast");
    SOSFS 2011:5 5 kap. Due `lex_sarah_investigation_start_days` after the rapport ✘.
    """
    started = ctx.find(LexSarahInvestigationStarted)
    for viewed, report in ctx.of_type(LexSarahReported):
        yield _step(
            R19B,
            ctx,
            trigger=report,
            trigger_on=report.occurred_on,
            days=ctx.settings.lex_sarah_investigation_start_days,
            done=started,
            flags=ctx.registration_flags(viewed),
        )


def lex_sarah_investigation_concluded(ctx: RuleContext) -> Iterator[Obligation]:
    """R19c: the lex Sarah investigation ends with a ställningstagande in time.

    SoL (2001:453) 14 kap. 6 § / SoL (2025:400) 27 kap. 5 §; IVO: "alla rapporter måste
    utredas". No statutory number: due `lex_sarah_conclusion_days` after the rapport ✘.
    """
    concluded = ctx.find(LexSarahConcluded)
    for viewed, report in ctx.of_type(LexSarahReported):
        yield _step(
            R19C,
            ctx,
            trigger=report,
            trigger_on=report.occurred_on,
            days=ctx.settings.lex_sarah_conclusion_days,
            done=concluded,
            flags=ctx.registration_flags(viewed),
        )


def lex_sarah_serious_reported_to_ivo(ctx: RuleContext) -> Iterator[Obligation]:
    """R19d: a serious impropriety (allvarligt missförhållande) is reported to IVO snarast.

    SoL (2001:453) 14 kap. 7 § / SoL (2025:400) 27 kap. 6 §. "snarast" is read as
    `lex_sarah_ivo_days` (default 14) counted from the conclusion that found it serious ✘;
    an anmälan sent before the conclusion meets it. Not applicable to a conclusion that
    it was not serious, or to one concluded before 2011-07-01 (`_step`). RULES.md §3
    ("high; critical if allvarligt") is read as: this duty, which only serious matters
    have, is critical; R19a–c stay high, since raising them when a later conclusion comes
    in would change verdicts already final (D7).
    """
    sent = ctx.find(LexSarahReportedToIVO)
    for viewed, concluded in ctx.of_type(LexSarahConcluded):
        flags = ctx.registration_flags(viewed)
        if not concluded.serious:
            yield not_applicable(
                R19D,
                case_id=ctx.case_id,
                event=concluded,
                due_on=add_days(concluded.occurred_on, ctx.settings.lex_sarah_ivo_days),
                flags=flags,
            )
            continue
        yield _step(
            R19D,
            ctx,
            trigger=concluded,
            trigger_on=concluded.occurred_on,
            days=ctx.settings.lex_sarah_ivo_days,
            done=sent,
            flags=flags,
        )


def deviation_triaged_in_time(ctx: RuleContext) -> Iterator[Obligation]:
    """R20 `triage`: every deviation (avvikelse) is assessed: is it a lex Sarah matter?

    SOSFS 2011:9 (routines to identify, document, analyse and remedy faults ✘ paragraphs);
    the deadline is the nämnd's routine, `deviation_triage_days` after the report ✘.
    """
    triaged = ctx.find(DeviationTriaged)
    for viewed, reported in ctx.of_type(DeviationReported):
        due = add_days(reported.occurred_on, ctx.settings.deviation_triage_days)
        yield _deadline(
            R20_TRIAGE,
            ctx,
            trigger=reported,
            trigger_on=reported.occurred_on,
            due=due,
            done=triaged,
            part="triage",
            flags=ctx.registration_flags(viewed),
        )


def deviation_closed_in_time(ctx: RuleContext) -> Iterator[Obligation]:
    """R20 `close`: a deviation is closed once its actions are taken, within the routine.

    Due `deviation_close_days` after the report ✘. Not applicable when the deviation is a
    lex Sarah matter, since §6.1 (R19a–d) then governs its handling (RULES.md §6.2 ✘):
    reported as one, or triaged as one (first triage) before it was closed. A triage after
    the closure changes nothing, so a verdict once final stays final.
    """
    triage = next((t for _, t in ctx.of_type(DeviationTriaged)), None)
    closed = ctx.find(DeviationClosed)
    triaged_lex_sarah = (
        triage is not None
        and triage.is_lex_sarah
        and (closed is None or triage.occurred_on <= closed[1])
    )
    for viewed, reported in ctx.of_type(DeviationReported):
        due = add_days(reported.occurred_on, ctx.settings.deviation_close_days)
        flags = ctx.registration_flags(viewed)
        if reported.is_lex_sarah or triaged_lex_sarah:
            yield not_applicable(
                R20_CLOSE,
                case_id=ctx.case_id,
                event=reported,
                due_on=due,
                part="close",
                decisive_on=triage.occurred_on if triage and not reported.is_lex_sarah else None,
                flags=flags,
            )
            continue
        yield _deadline(
            R20_CLOSE,
            ctx,
            trigger=reported,
            trigger_on=reported.occurred_on,
            due=due,
            done=closed,
            part="close",
            flags=flags,
        )


RULES: Final[tuple[Rule, ...]] = (
    Rule(lex_sarah_reported_at_once, R19A, Scope.MATTER),
    Rule(lex_sarah_investigation_started_without_delay, R19B, Scope.MATTER),
    Rule(lex_sarah_investigation_concluded, R19C, Scope.MATTER),
    Rule(lex_sarah_serious_reported_to_ivo, R19D, Scope.MATTER),
    Rule(deviation_triaged_in_time, R20_TRIAGE, Scope.MATTER),
    Rule(deviation_closed_in_time, R20_CLOSE, Scope.MATTER),
)
"""The rules of this module, in catalogue order."""
