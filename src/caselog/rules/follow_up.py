"""Following the care closely: social worker, visits and private talks with the child (R14).

SoL (2001:453) 6 kap. 7 b § until 2025-06-30; SoL (2025:400) 22 kap. 11 § from 2025-07-01;
LVU (1990:52) 13 a § for LVU care. The law asks for "regelbundna personliga besök" and
"enskilda samtal" but sets no frequency: the routine parameters `visits_max_gap_days` and
`visits_min_per_year` do (RULES.md §4.26, ✘). The gaps are recurring periods, judged by
`caselog.rules.recurring.periods`. SoL (2001:453) 6 kap. 7 c § / SoL (2025:400) 22 kap.
12 § give the child a designated social worker (särskilt utsedd socialsekreterare).

Each part (`gap`, `year`, `social_worker`) runs per care episode and keys every row on the
episode's first placement (RULES.md §4.28).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Final

from caselog.dates import add_days, add_years, days_between
from caselog.events import SocialWorkerAssigned, VisitPlace
from caselog.projections import EpisodeKind
from caselog.rules.context import Rule
from caselog.rules.judging import Duty, Judgement, judge_window
from caselog.rules.law import LVU, sol, version
from caselog.rules.model import Flag, Law, Obligation, Severity, Status
from caselog.rules.recurring import PERIODIC, Act, Window, obligation_of, periodic, periods

if TYPE_CHECKING:
    from collections.abc import Iterator

    from caselog.projections import CareEpisode, CaseState
    from caselog.rules.context import RuleContext
    from caselog.rules.model import LawVersion

_SOL_LAW: Final = sol("6 kap. 7 b §", "22 kap. 11 §")
_LVU_LAW: Final = (version(LVU, "13 a §"),)
_GAP_EN = "Care followed by a visit in the home or a private talk with the child, by {due}"
_GAP_SV = "Vården följd genom besök i hemmet eller enskilt samtal med barnet, senast {due}"
_YEAR_EN = "The yearly number of visits and private talks reached in the care year to {due}"
_YEAR_SV = "Årligt antal besök och enskilda samtal uppnått under vårdåret till och med {due}"
_GAP_PARAMETERS: Final = ("visits_max_gap_days", "sunday_rule")

R14_GAP = periodic("R14", _SOL_LAW, _GAP_EN, _GAP_SV, Severity.MEDIUM, _GAP_PARAMETERS)
"""R14 `gap` for SoL care."""
R14_GAP_LVU = periodic("R14", _LVU_LAW, _GAP_EN, _GAP_SV, Severity.MEDIUM, _GAP_PARAMETERS)
"""R14 `gap` for LVU care (immediate custody included)."""
R14_SOCIAL_WORKER = Duty(
    "R14",
    Law(sol("6 kap. 7 c §", "22 kap. 12 §")),
    Severity.MEDIUM,
    "Child given a designated social worker by the start of care, {due}",
    "Barnet har en särskilt utsedd socialsekreterare när vården börjar, {due}",
    parameters=("sunday_rule",),
    statuses=PERIODIC,
)
"""R14 `social_worker` for every care episode (the law names no separate LVU paragraph ✘)."""


def _year_duty(law: tuple[LawVersion, ...]) -> Duty:
    return Duty(
        "R14",
        Law(law),
        Severity.MEDIUM,
        _YEAR_EN,
        _YEAR_SV,
        parameters=("visits_min_per_year",),
        statuses=(Status.PENDING, Status.MET, Status.BREACHED, Status.NOT_APPLICABLE),
    )


R14_YEAR = _year_duty(_SOL_LAW)
"""R14 `year` for SoL care."""
R14_YEAR_LVU = _year_duty(_LVU_LAW)
"""R14 `year` for LVU care (immediate custody included)."""


def contacts(state: CaseState) -> list[Act]:
    """The contacts that count (RULES.md §4.27): visits in the placement home, private talks."""
    visits = [
        Act(v.event_id, v.visited_on) for v in state.visits if v.place is VisitPlace.PLACEMENT_HOME
    ]
    talks = [Act(t.event_id, t.held_on) for t in state.private_talks]
    return sorted((*visits, *talks), key=lambda a: a.on)


def _windows(state: CaseState) -> Iterator[tuple[CareEpisode, Window, list[Act]]]:
    """Every care episode, of every kind, with its window and the contacts that count in it.

    A contact on the day one episode ends and the next begins counts for the first only.
    """
    opening = {p.placement_id: p.event_id for p in state.placements}
    found = contacts(state)
    previous: Window | None = None
    for episode in state.care_episodes:
        window = Window(opening[episode.placement_ids[0]], episode.started_on, episode.ended_on)
        mine = [
            a for a in found if window.covers(a.on) and not (previous and previous.covers(a.on))
        ]
        yield episode, window, mine
        previous = window


def care_visited_without_long_gaps(ctx: RuleContext) -> Iterator[Obligation]:
    """R14 `gap`: no interval between visits or private talks longer than the routine allows.

    Per care episode, one obligation per interval: due `visits_max_gap_days` after the
    episode started or after the last contact (besök i hemmet, enskilt samtal); the next
    contact meets it, on time or late. Every interval is keyed on the episode's first
    placement; from the second on, `trigger_on` is the last contact's day (§4.28). An
    interval still open when care ended is `breached` (`window_closed`, days frozen at the
    end) if it was already past due.
    """
    if ctx.state is None:
        return
    gap = ctx.settings.visits_max_gap_days
    sunday = ctx.settings.sunday_rule_for("R14")
    for episode, window, found in _windows(ctx.state):
        duty = R14_GAP if episode.kind is EpisodeKind.SOL else R14_GAP_LVU
        for period in periods(
            window,
            found,
            due=lambda _number, started_on, _act_on: (add_days(started_on, gap), ()),
            on=ctx.on,
            sunday=sunday,
        ):
            yield obligation_of(duty, ctx, period, part="gap")


def _year(
    reached: Act | None, last_day: date, ended_on: date | None, on: date, known_on: date
) -> tuple[Judgement, tuple[Flag, ...]]:
    """One care year: met when the count was reached, else not applicable, pending or breached.

    A year short of the count is `breached` (`window_closed`) without `days_overdue`: the
    count was owed within the year, not by a day after it (RULES.md §4.28). Time alone
    closes this window, so the breach is final only once the records reach past the
    year's last day (`known_on`); asked about a later `on` from records that stop inside
    the year, it is `overdue`, as any deadline the records have not yet seen met.
    """
    if reached is not None:
        return Judgement(Status.MET, last_day, decisive_on=reached.on), ()
    if ended_on is not None and ended_on < last_day:
        return Judgement(Status.NOT_APPLICABLE, last_day, decisive_on=ended_on), ()
    if on <= last_day:
        return Judgement(Status.PENDING, last_day, decisive_on=on), ()
    if known_on <= last_day:
        return Judgement(
            Status.OVERDUE,
            last_day,
            days_overdue=days_between(last_day, on),
            decisive_on=add_days(last_day, 1),
        ), ()
    judgement = Judgement(Status.BREACHED, last_day, decisive_on=add_days(last_day, 1))
    return judgement, (Flag.WINDOW_CLOSED,)


def care_visited_every_year(ctx: RuleContext) -> Iterator[Obligation]:
    """R14 `year`: at least `visits_min_per_year` visits or private talks per care year.

    Care year k of an episode is the half-open interval from `add_years(start, k − 1)` up
    to `add_years(start, k)` (Lag 1930:173 1 §; RULES.md §4.28 "R14 years"): years never
    overlap, a contact on an anniversary counts for the year that begins that day, and a
    year is due on its last day, the day before the next anniversary; `trigger_on` is the
    day it began. A year that ends short is `breached` (`window_closed`, final); a year cut
    short by the end of the episode without the count reached is `not_applicable`. Years
    are counted up to `on`, and no further than the records reach (the Swedish date of
    `known_at`): a year the records have not begun has no row yet, so a later-recorded end
    of care can never take a row back.
    """
    if ctx.state is None:
        return
    needed = ctx.settings.visits_min_per_year
    for episode, window, found in _windows(ctx.state):
        duty = R14_YEAR if episode.kind is EpisodeKind.SOL else R14_YEAR_LVU
        known_on = ctx.records_reach
        ended_on = window.ended_on
        year, begins = 1, window.started_on
        # Up to min(on, end of care, known_on), asked one bound at a time (issue 10).
        while begins <= ctx.on and begins <= known_on and (ended_on is None or begins <= ended_on):
            next_year = add_years(window.started_on, year)
            last_day = add_days(next_year, -1)
            inside = [a for a in found if begins <= a.on < next_year]
            reached = inside[needed - 1] if 0 < needed <= len(inside) else None
            if needed == 0:
                reached = Act(window.event_id, begins)
            judgement, flags = _year(reached, last_day, window.ended_on, ctx.on, known_on)
            yield duty.obligation(
                case_id=ctx.case_id,
                trigger_event_id=window.event_id,
                trigger_on=begins,
                due_on=last_day,
                judgement=judgement,
                satisfied_by=reached.event_id if reached and needed else None,
                satisfied_on=reached.on if reached else None,
                part="year",
                period=year,
                flags=flags,
            )
            year, begins = year + 1, next_year


def social_worker_assigned_at_start_of_care(ctx: RuleContext) -> Iterator[Obligation]:
    """R14 `social_worker`: the child has a designated social worker when care begins.

    SoL (2001:453) 6 kap. 7 c §; SoL (2025:400) 22 kap. 12 § (särskilt utsedd
    socialsekreterare). One row per care episode, triggered by its first placement and due
    on its first day (RULES.md §4.28): a `SocialWorkerAssigned` for the child on or before
    that day meets it; one during the episode is `met_late`; while care runs without one
    it is `overdue`, and if the episode ends with none the window closed: `breached`,
    `window_closed`, its `days_overdue` frozen at the day care ended.
    """
    if ctx.state is None:
        return
    assigned = sorted((e.occurred_on, e.event_id) for _, e in ctx.of_type(SocialWorkerAssigned))
    opening = {p.placement_id: p.event_id for p in ctx.state.placements}
    sunday = ctx.settings.sunday_rule_for("R14")
    for episode in ctx.state.care_episodes:
        start = episode.started_on
        before = [a for a in assigned if a[0] <= start]
        during = [a for a in assigned if start < a[0] and episode.covers(a[0])]
        act = before[-1] if before else next(iter(during), None)
        judgement, flags = judge_window(
            start, act[0] if act else None, ctx.on, sunday, episode.ended_on
        )
        trigger = opening[episode.placement_ids[0]]
        viewed = next((v for v in ctx.facts if v.event.event_id == trigger), None)
        yield R14_SOCIAL_WORKER.obligation(
            case_id=ctx.case_id,
            trigger_event_id=trigger,
            trigger_on=start,
            due_on=start,
            judgement=judgement,
            satisfied_by=act[1] if act else None,
            satisfied_on=act[0] if act else None,
            part="social_worker",
            flags=(*flags, *(ctx.registration_flags(viewed) if viewed else ())),
        )


RULES: Final[tuple[Rule, ...]] = (
    Rule(care_visited_without_long_gaps, R14_GAP),
    Rule(care_visited_every_year, R14_YEAR),
    Rule(social_worker_assigned_at_start_of_care, R14_SOCIAL_WORKER),
)
"""The rules of this module, in catalogue order."""
