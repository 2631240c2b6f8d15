"""Care planning duties: care plan, implementation plan, revision, health notice (R10, R15).

SoL (2001:453) 11 kap. 3, 3 a §§ until 2025-06-30; SoL (2025:400) 9 kap. 12–13 §§ and
22 kap. 7 § from 2025-07-01; Lag (2017:209). Each runs per care episode (DESIGN.md D9): a
child who moves from home to home under the same care keeps one plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Final

from caselog.dates import add_days, add_years, effective_due
from caselog.events import (
    CarePlanEstablished,
    CarePlanRevised,
    HealthExaminationNotNeeded,
    ImplementationPlanEstablished,
    PlacementBasis,
    PlacementStarted,
    RegionNotified,
)
from caselog.rules.context import Rule
from caselog.rules.judging import (
    DEADLINE_STATUSES,
    Duty,
    Found,
    Judgement,
    judge_window,
    obligation_for,
)
from caselog.rules.law import sol
from caselog.rules.model import Flag, Law, Obligation, Severity, Status

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from caselog.events import ChildEvent
    from caselog.projections import CareEpisode, Viewed
    from caselog.rules.context import RuleContext

REVISION_RULE: Final = date(2021, 3, 1)
"""SFS 2020:1260: a child's care plan is revised by two years of placement."""
HEALTH_EXAMINATION_RULE: Final = date(2017, 4, 15)
"""Lag (2017:209) and SoL (2001:453) 11 kap. 3 a § in force (◐: municipal pages, not RULES.md)."""
CARE_BASES: Final = frozenset({PlacementBasis.SOL, PlacementBasis.LVU_2, PlacementBasis.LVU_3})
"""Care the committee arranges; a private placement is the family's (medgivande only)."""
_STATUSES: Final = (
    *DEADLINE_STATUSES,
    Status.BREACHED,
    Status.NOT_APPLICABLE,
)

R10_CARE_PLAN = Duty(
    "R10",
    Law(sol("11 kap. 3 §", "9 kap. 12 §")),
    Severity.MEDIUM,
    "Care plan drawn up by {due}",
    "Vårdplan upprättad senast {due}",
    parameters=("care_plan_days", "sunday_rule"),
    statuses=_STATUSES,
)
R10_IMPLEMENTATION_PLAN = Duty(
    "R10",
    Law(sol("11 kap. 3 §", "9 kap. 12 §")),
    Severity.MEDIUM,
    "Implementation plan drawn up by {due}",
    "Genomförandeplan upprättad senast {due}",
    parameters=("implementation_plan_days", "sunday_rule"),
    statuses=_STATUSES,
)
R10_REVISION = Duty(
    "R10",
    Law(sol("11 kap. 3 § 2 st.", "9 kap. 13 §", since=REVISION_RULE)),
    Severity.MEDIUM,
    "Care plan revised by two years of placement, by {due}",
    "Vårdplanen reviderad senast när barnet varit placerat i två år, {due}",
    parameters=("sunday_rule",),
    statuses=_STATUSES,
)
R15 = Duty(
    "R15",
    Law(sol("11 kap. 3 a §", "22 kap. 7 §", since=HEALTH_EXAMINATION_RULE)),
    Severity.LOW,
    "Region told to offer a health examination by {due}",
    "Regionen underrättad om hälsoundersökning senast {due}",
    parameters=("region_notice_days", "sunday_rule"),
    statuses=(*_STATUSES, Status.WAIVED),
)


@dataclass(frozen=True, slots=True)
class _Care:
    """A care episode as the planning duties see it: when the committee's care began."""

    episode: CareEpisode
    trigger: Viewed
    """The fact that started the episode's first placement on a basis the duty covers."""
    after: date | None
    """The end of the previous episode: earlier plans belong to earlier care."""

    def first(self, ctx: RuleContext, kind: type[ChildEvent], *, before: bool) -> Found | None:
        """The first fact of a kind for this care, optionally from before it started."""
        start, end = self.episode.started_on, self.episode.ended_on
        for _, event in ctx.of_type(kind):
            day = event.occurred_on
            begun = day >= start or (before and (self.after is None or day > self.after))
            if begun and (end is None or day <= end):
                return event.event_id, day
        return None


def _care(ctx: RuleContext, bases: Iterable[PlacementBasis]) -> Iterator[_Care]:
    """Each care episode with a placement on one of `bases`, from the first such one."""
    if ctx.state is None:
        return
    started = {event.event_id: viewed for viewed, event in ctx.of_type(PlacementStarted)}
    placements = {p.placement_id: p for p in ctx.state.placements}
    previous: date | None = None
    for episode in ctx.state.care_episodes:
        care = [placements[i] for i in episode.placement_ids if placements[i].legal_basis in bases]
        if care:
            yield _Care(episode, started[care[0].event_id], previous)
        previous = episode.ended_on


def _plans_drawn_up(
    ctx: RuleContext, duty: Duty, plan: type[ChildEvent], days: int, part: str
) -> Iterator[Obligation]:
    """`duty` per care episode: a `plan` drawn up by `days` after the care began (or before)."""
    sunday = ctx.settings.sunday_rule_for(duty.rule_id)
    for care in _care(ctx, CARE_BASES):
        due = add_days(care.trigger.event.occurred_on, days)
        done = care.first(ctx, plan, before=True)
        judgement, flags = judge_window(
            due, done[1] if done else None, ctx.on, sunday, care.episode.ended_on
        )
        yield obligation_for(duty, ctx, care.trigger, due, judgement, done, part=part, flags=flags)


def care_plan_established_at_placement(ctx: RuleContext) -> Iterator[Obligation]:
    """R10 `care_plan`: a care plan (vårdplan) for each care episode the committee arranges.

    SoL (2001:453) 11 kap. 3 § / SoL (2025:400) 9 kap. 12 §: due when the care begins plus
    `care_plan_days` (✘). Care that begins with an immediate custody (LVU 6 §) counts from
    its first care placement (✘); plans made before the care began count.
    """
    return _plans_drawn_up(
        ctx, R10_CARE_PLAN, CarePlanEstablished, ctx.settings.care_plan_days, "care_plan"
    )


def implementation_plan_established_in_time(ctx: RuleContext) -> Iterator[Obligation]:
    """R10 `implementation_plan`: an implementation plan (genomförandeplan) for the child.

    SoL (2001:453) 11 kap. 3 § / SoL (2025:400) 9 kap. 12 §: due `implementation_plan_days`
    after the care begins (✘), as for the care plan.
    """
    return _plans_drawn_up(
        ctx,
        R10_IMPLEMENTATION_PLAN,
        ImplementationPlanEstablished,
        ctx.settings.implementation_plan_days,
        "implementation_plan",
    )


def care_plan_revised_within_two_years(ctx: RuleContext) -> Iterator[Obligation]:
    """R10 `revision`: the care plan is revised by two years of placement (from 2021-03-01).

    SoL (2001:453) 11 kap. 3 § 2 st. / SoL (2025:400) 9 kap. 13 §, per care episode from its
    first placement. Episodes that ended before 2021-03-01 are not applicable; for those
    running then the due date is never before 2021-03-01 (`transition_interpretation`, ✘).
    Any revision during the episode counts.
    """
    sunday = ctx.settings.sunday_rule_for("R10")
    for care in _care(ctx, CARE_BASES):
        episode = care.episode
        due = add_years(episode.started_on, 2)
        flags: tuple[Flag, ...] = ()
        if due < REVISION_RULE:
            due, flags = REVISION_RULE, (Flag.TRANSITION_INTERPRETATION,)
        done = care.first(ctx, CarePlanRevised, before=False)
        if episode.ended_on is not None and episode.ended_on < REVISION_RULE:
            judgement = Judgement(Status.NOT_APPLICABLE, due, decisive_on=episode.ended_on)
            done, flags = None, ()
        else:
            judgement, closed = judge_window(
                due, done[1] if done else None, ctx.on, sunday, episode.ended_on
            )
            flags = (*flags, *closed)
        yield obligation_for(
            R10_REVISION, ctx, care.trigger, due, judgement, done, part="revision", flags=flags
        )


def region_notified_of_health_examination(ctx: RuleContext) -> Iterator[Obligation]:
    """R15: the region is told to offer a health examination when care outside the home starts.

    SoL (2001:453) 11 kap. 3 a § / SoL (2025:400) 22 kap. 7 § (Lag 2017:209), per care
    episode, immediate custody included, within `region_notice_days` (✘). Waived when the
    notice was judged unneeded (obehövligt); judged so after the due date: `manual_review`.
    Care that began before the rule came into force is not applicable.
    """
    sunday = ctx.settings.sunday_rule_for("R15")
    for care in _care(ctx, {*CARE_BASES, PlacementBasis.LVU_6}):
        begun = care.trigger.event.occurred_on
        due = add_days(begun, ctx.settings.region_notice_days)
        done = care.first(ctx, RegionNotified, before=True)
        flags: tuple[Flag, ...] = ()
        if begun < HEALTH_EXAMINATION_RULE:
            judgement = Judgement(Status.NOT_APPLICABLE, due, decisive_on=begun)
        else:
            judgement, flags = judge_window(
                due, done[1] if done else None, ctx.on, sunday, care.episode.ended_on
            )
        unneeded = care.first(ctx, HealthExaminationNotNeeded, before=True)
        if (
            unneeded is not None
            and judgement.status not in {Status.MET, Status.NOT_APPLICABLE}
            and (done is None or unneeded[1] <= done[1])
        ):
            late = unneeded[1] > effective_due(due, sunday)
            judgement = Judgement(
                Status.WAIVED, judgement.effective_due_on, decisive_on=unneeded[1]
            )
            done, flags = unneeded, (Flag.MANUAL_REVIEW,) if late else ()
        yield obligation_for(R15, ctx, care.trigger, due, judgement, done, flags=flags)


RULES: Final[tuple[Rule, ...]] = (
    Rule(care_plan_established_at_placement, R10_CARE_PLAN),
    Rule(implementation_plan_established_in_time, R10_IMPLEMENTATION_PLAN),
    Rule(care_plan_revised_within_two_years, R10_REVISION),
    Rule(region_notified_of_health_examination, R15),
)
"""The rules of this module, in catalogue order."""
