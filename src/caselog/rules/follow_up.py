"""Following the care closely: visits and private talks with the child (R14).

SoL (2001:453) 6 kap. 7 b § until 2025-06-30; SoL (2025:400) 22 kap. 11 § from 2025-07-01;
LVU (1990:52) 13 a § for LVU care. The law asks for "regelbundna personliga besök" and
"enskilda samtal" but sets no frequency: the routine parameters `visits_max_gap_days` and
`visits_min_per_year` do (RULES.md §4.26, ✘). The gaps are recurring periods, judged by
`caselog.rules.reviews.periods`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Final

from caselog.dates import add_days, add_years
from caselog.events import VisitPlace
from caselog.projections import EpisodeKind
from caselog.rules.context import Rule
from caselog.rules.judging import Duty, Judgement
from caselog.rules.law import LVU, sol, version
from caselog.rules.model import Flag, Law, Obligation, Severity, Status
from caselog.rules.reviews import Act, Window, obligation_of, periodic, periods

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
    contact meets it, on time or late. An interval still open when care ended is
    `breached` (`window_closed`) if it was already past due.
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
            due=lambda _number, started_on, _as_of: (add_days(started_on, gap), ()),
            on=ctx.on,
            sunday=sunday,
        ):
            yield obligation_of(duty, ctx, period, part="gap")


def _year(
    reached: Act | None, ends: date, ended_on: date | None, on: date
) -> tuple[Judgement, tuple[Flag, ...]]:
    """One care year: met when the count was reached, else not applicable, pending or breached."""
    if reached is not None:
        return Judgement(Status.MET, ends, decisive_on=reached.on), ()
    if ended_on is not None and ended_on < ends:
        return Judgement(Status.NOT_APPLICABLE, ends, decisive_on=ended_on), ()
    if on <= ends:
        return Judgement(Status.PENDING, ends, decisive_on=on), ()
    judgement = Judgement(Status.BREACHED, ends, decisive_on=ends + timedelta(days=1))
    return judgement, (Flag.WINDOW_CLOSED,)


def care_visited_every_year(ctx: RuleContext) -> Iterator[Obligation]:
    """R14 `year`: at least `visits_min_per_year` visits or private talks per care year.

    Care year k of an episode runs to `add_years(start, k)` (Lag 1930:173 1 §), the first
    from the episode's start day, the others from the day after the previous anniversary.
    A year that ends short is `breached` (`window_closed`, final); a year cut short by the
    end of the episode without the count reached is `not_applicable`.
    """
    if ctx.state is None:
        return
    needed = ctx.settings.visits_min_per_year
    for episode, window, found in _windows(ctx.state):
        duty = R14_YEAR if episode.kind is EpisodeKind.SOL else R14_YEAR_LVU
        last_day = min(ctx.on, window.ended_on or ctx.on)
        year, begins = 1, window.started_on
        while begins <= last_day:
            anniversary = add_years(window.started_on, year - 1)
            ends = add_years(window.started_on, year)
            inside = [a for a in found if begins <= a.on <= ends]
            reached = inside[needed - 1] if 0 < needed <= len(inside) else None
            if needed == 0:
                reached = Act(window.event_id, begins)
            judgement, flags = _year(reached, ends, window.ended_on, ctx.on)
            yield duty.obligation(
                case_id=ctx.case_id,
                trigger_event_id=window.event_id,
                trigger_on=anniversary,
                due_on=ends,
                judgement=judgement,
                satisfied_by=reached.event_id if reached and needed else None,
                satisfied_on=reached.on if reached else None,
                part="year",
                period=year,
                flags=flags,
            )
            year, begins = year + 1, ends + timedelta(days=1)


RULES: Final[tuple[Rule, ...]] = (
    Rule(care_visited_without_long_gaps, R14_GAP),
    Rule(care_visited_every_year, R14_YEAR),
)
"""The rules of this module, in catalogue order."""
