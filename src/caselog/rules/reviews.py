"""Recurring decisions on care: övervägande, prövning, vårdnadsöverflyttning (R11–R13).

SoL (2001:453) 6 kap. 8, 8 b §§ until 2025-06-30; SoL (2025:400) 22 kap. 13–14 §§ from
2025-07-01; LVU (1990:52) 13, 13 c §§. Only the committee or a sub-committee (utskott) may
take these decisions (SoL (2001:453) 10 kap. 4 §; SoL (2025:400) 30 kap. 6–7 §§).

Each duty recurs in periods (D9): a valid decision meets the period running and starts the
next (`caselog.rules.recurring.periods`, shared with R14's `gap`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Final

from caselog.dates import add_months, add_years
from caselog.events import DecidedBy, HomeType, PlacementBasis, ReviewKind
from caselog.projections import EpisodeKind
from caselog.rules.context import Rule
from caselog.rules.law import LVU, SOL01, SOL01_END, SOL25, SOL25_START, sol, version
from caselog.rules.model import Flag
from caselog.rules.recurring import Act, Window, obligation_of, periodic, periods

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from caselog.projections import Placement
    from caselog.rules.context import RuleContext
    from caselog.rules.judging import Duty
    from caselog.rules.model import Obligation
    from caselog.rules.recurring import Due, DueRule

DECIDING_BODIES: Final = frozenset({DecidedBy.COMMITTEE, DecidedBy.SUBCOMMITTEE})
"""Who may decide a review or a custody-transfer consideration (SoL (2001:453) 10 kap. 4 §)."""
FAMILY_HOMES: Final = frozenset({HomeType.FAMILY_HOME, HomeType.KINSHIP_HOME})
"""The homes R13 runs in (RULES.md §4.27): family homes, kinship homes included."""
THREE_YEAR_RULE: Final = date(2003, 7, 1)
"""Vårdnadsöverflyttning considered after three years (prop. 2002/03:53); the day is ✘."""
ANNUAL_RULE: Final = date(2021, 3, 1)
"""SFS 2020:1260: after the first consideration, the question is considered annually."""
TWO_YEAR_RULE: Final = date(2022, 7, 1)
"""SFS 2022:665 / 2022:664: considered after two years in the same family home."""


R11 = periodic(
    "R11",
    sol("6 kap. 8 §", "22 kap. 13 §"),
    "SoL care reviewed (övervägande) by the committee or a sub-committee, by {due}",
    "Vården enligt SoL övervägd av nämnden eller ett utskott, senast {due}",
)
R12 = periodic(
    "R12",
    (version(LVU, "13 § 1 st."),),
    "LVU 2 § care reviewed (övervägande) by the committee or a sub-committee, by {due}",
    "Vården enligt 2 § LVU övervägd av nämnden eller ett utskott, senast {due}",
)
R12_EXAMINATION = periodic(
    "R12",
    (version(LVU, "13 § 2 st."),),
    "Whether LVU 3 § care should end examined (prövning) by the committee, by {due}",
    "Prövat av nämnden eller ett utskott om vården enligt 3 § LVU ska upphöra, senast {due}",
)
_CUSTODY_EN = "Transfer of custody considered by the committee or a sub-committee, by {due}"
_CUSTODY_SV = "Vårdnadsöverflyttning övervägd av nämnden eller ett utskott, senast {due}"
R13 = periodic(
    "R13",
    (
        version(SOL01, "6 kap. 8 § 2 st.", THREE_YEAR_RULE, date(2021, 2, 28), verified=False),
        version(SOL01, "6 kap. 8 § 2 st.", ANNUAL_RULE, date(2022, 6, 30)),
        version(SOL01, "6 kap. 8 b §", TWO_YEAR_RULE, SOL01_END),
        version(SOL25, "22 kap. 14 §", SOL25_START),
    ),
    _CUSTODY_EN,
    _CUSTODY_SV,
)
R13_LVU = periodic(
    "R13",
    (
        version(LVU, "13 § 3 st.", THREE_YEAR_RULE, date(2021, 2, 28), verified=False),
        version(LVU, "13 § 3 st.", ANNUAL_RULE, date(2024, 12, 31)),
        version(LVU, "13 c §", date(2025, 1, 1)),
    ),
    _CUSTODY_EN,
    _CUSTODY_SV,
)
"""R13 for care under LVU (LVU 13 § 3 st., from 2025-01-01 13 c §)."""


def _six_months(_number: int, started_on: date, _act_on: date | None) -> Due:
    """Six months from the day the period began (Lag 1930:173 1 §: month-end clamping)."""
    return add_months(started_on, 6), ()


def _reviewed(
    ctx: RuleContext,
    duty: Duty,
    kind: EpisodeKind,
    review: ReviewKind,
    clock: PlacementBasis | None = None,
) -> Iterator[Obligation]:
    """Six-monthly periods per episode of `kind`, from its start or its first `clock` placement.

    Every period is keyed on that placement (RULES.md §4.28): a review that meets period
    k − 1 is its `satisfied_by_event_id` and the day period k began, never its trigger.
    """
    if ctx.state is None:
        return
    placements = {p.placement_id: p for p in ctx.state.placements}
    acts = [
        Act(r.event_id, r.reviewed_on, r.decided_by in DECIDING_BODIES)
        for r in ctx.state.reviews
        if r.kind is review
    ]
    sunday = ctx.settings.sunday_rule_for(duty.rule_id)
    for episode in ctx.state.care_episodes:
        if episode.kind is not kind:
            continue
        start = next(
            placements[pid]
            for pid in episode.placement_ids
            if clock is None or placements[pid].legal_basis is clock
        )
        for period in periods(
            Window(start.event_id, start.started_on, episode.ended_on),
            acts,
            due=_six_months,
            on=ctx.on,
            sunday=sunday,
        ):
            yield obligation_of(duty, ctx, period)


def care_reviewed_every_six_months(ctx: RuleContext) -> Iterator[Obligation]:
    """R11: SoL care is reconsidered (övervägande) at least every six months.

    SoL (2001:453) 6 kap. 8 § 1 st.; SoL (2025:400) 22 kap. 13 §. Per care episode of
    kind `sol`, private placements (medgivande) included: first due six months after the
    episode's first placement started (✘: from the placement, not the decision), then six
    months after each review by the committee or a sub-committee. A review by an official
    does not count (SoL (2001:453) 10 kap. 4 §): `invalid_delegation`.
    """
    yield from _reviewed(ctx, R11, EpisodeKind.SOL, ReviewKind.SOL_REVIEW)


def lvu_care_reviewed_every_six_months(ctx: RuleContext) -> Iterator[Obligation]:
    """R12: LVU 2 § care is reconsidered (övervägande) at least every six months.

    LVU 13 § 1 st. The clock starts when care began (LVU 10 §), an immediate custody
    (omedelbart omhändertagande) that led into the care included (RULES.md §4.27, ✘).
    """
    yield from _reviewed(ctx, R12, EpisodeKind.LVU_2, ReviewKind.LVU_REVIEW)


def lvu_care_examined_every_six_months(ctx: RuleContext) -> Iterator[Obligation]:
    """R12: whether LVU 3 § care should end is examined (prövning) every six months.

    LVU 13 § 2 st.: within six months of the day the care decision was executed
    (verkställighet: the first `lvu_3` placement), then within six months of the last
    prövning.
    """
    yield from _reviewed(
        ctx, R12_EXAMINATION, EpisodeKind.LVU_3, ReviewKind.LVU_EXAMINATION, PlacementBasis.LVU_3
    )


@dataclass(frozen=True, slots=True)
class Stay:
    """A continuous placement in one family home (R13): a move to another home ends it."""

    home_id: str
    placements: tuple[Placement, ...]
    ended_on: date | None


def family_home_stays(placements: Iterable[Placement]) -> tuple[Stay, ...]:
    """Group placements into stays in one family or kinship home, in order of start.

    A placement in the same home that starts on or before the day the stay ended
    continues it, whatever its legal basis (RULES.md §4.28 "in the same home R13's chain
    continues"); a placement anywhere else ends it. A placement under another basis
    replaces one whose end was never recorded (care runs under one basis at a time), so
    the stay then ends when the new placement does.
    """
    stays: list[Stay] = []
    for placement in sorted(placements, key=lambda p: p.started_on):
        last = stays[-1] if stays else None
        if last is not None and (last.ended_on is None or placement.started_on <= last.ended_on):
            if placement.home_id == last.home_id and placement.home_type in FAMILY_HOMES:
                stays[-1] = Stay(
                    last.home_id, (*last.placements, placement), _stay_end(last, placement)
                )
                continue
            if last.ended_on is None or last.ended_on > placement.started_on:
                stays[-1] = replace(last, ended_on=placement.started_on)  # a move
        if placement.home_type in FAMILY_HOMES:
            stays.append(Stay(placement.home_id, (placement,), placement.ended_on))
    return tuple(stays)


def _stay_end(stay: Stay, placement: Placement) -> date | None:
    """When `stay` ends once `placement` in the same home continues it."""
    if placement.ended_on is None:
        return None
    if stay.ended_on is None:
        replaced = placement.legal_basis is not stay.placements[-1].legal_basis
        return placement.ended_on if replaced else None
    return max(placement.ended_on, stay.ended_on)


def _floored(due: date, in_force: date) -> tuple[date, tuple[Flag, ...]]:
    """A due date no earlier than the rule that sets it, flagged when the floor applies (✘)."""
    if due < in_force:
        return in_force, (Flag.TRANSITION_INTERPRETATION,)
    return due, ()


def first_consideration_due(started_on: date, on: date) -> Due:
    """R13's first due date by the law in force on `on` (RULES.md R13, §4.28; TC13, TC14).

    Never by the date of a consideration: the three-year mark (SoL (2001:453) 6 kap. 8 §)
    if it fell on or before 2022-06-30 or `on` is before 2022-07-01; otherwise the
    two-year mark (6 kap. 8 b §) but no earlier than 2022-07-01 (`transition_interpretation`,
    ✘). None before the duty existed (2003-07-01 ✘).

    >>> first_consideration_due(date(2020, 9, 1), date(2022, 6, 30))
    (datetime.date(2023, 9, 1), ())
    >>> first_consideration_due(date(2020, 9, 1), date(2022, 7, 1))
    (datetime.date(2022, 9, 1), ())
    """
    if on < THREE_YEAR_RULE:
        return None
    three = add_years(started_on, 3)
    if three < TWO_YEAR_RULE or on < TWO_YEAR_RULE:
        return _floored(three, THREE_YEAR_RULE)
    return _floored(add_years(started_on, 2), TWO_YEAR_RULE)


def consideration_due(on: date) -> DueRule:
    """R13's due dates as of `on` (RULES.md §4.28 "R13 law by on").

    Period 1: `first_consideration_due`. After it, "Därefter ska frågan övervägas
    årligen" (SFS 2020:1260) exists only from 2021-03-01: as of an earlier `on` there is
    no later period. A consideration made before that day meets no period of its own; the
    last one, c, starts the first annual period, due `max(add_years(c, 1), 2021-03-01)` and
    flagged `transition_interpretation` (✘). Later ones fall a year after the last
    consideration.
    """

    def due(number: int, started_on: date, act_on: date | None) -> Due:
        if number == 1:
            return first_consideration_due(started_on, on)
        if on < ANNUAL_RULE or (act_on is not None and act_on < ANNUAL_RULE):
            return None
        if started_on < ANNUAL_RULE:
            return max(add_years(started_on, 1), ANNUAL_RULE), (Flag.TRANSITION_INTERPRETATION,)
        return add_years(started_on, 1), ()

    return due


def _custody_duty(stay: Stay, day: date) -> Duty:
    """R13 under the act the stay's care runs under on `day` (LVU 13 c § for LVU care)."""
    current = next((p for p in reversed(stay.placements) if p.started_on <= day), None)
    current = current or stay.placements[0]
    return R13 if current.legal_basis in {PlacementBasis.SOL, PlacementBasis.PRIVATE} else R13_LVU


def custody_transfer_considered(ctx: RuleContext) -> Iterator[Obligation]:
    """R13: transfer of custody (vårdnadsöverflyttning) is considered in time, then annually.

    SoL (2001:453) 6 kap. 8 § 2 st. (three years; from 2021-03-01 annually after that),
    6 kap. 8 b § (two years, from 2022-07-01); SoL (2025:400) 22 kap. 14 §; LVU 13 § 3 st. /
    13 c § for LVU care. Per stay in one family or kinship home (not a private home); a move
    restarts it, a change of basis in the same home does not. Satisfied by a consideration
    for that home by the committee or a sub-committee; one before the due date counts and
    restarts the year (✘). Every period is keyed on the stay's first placement (§4.28).
    """
    if ctx.state is None:
        return
    sunday = ctx.settings.sunday_rule_for("R13")
    due = consideration_due(ctx.on)
    for stay in family_home_stays(ctx.state.placements):
        first = stay.placements[0]
        acts = [
            Act(c.event_id, c.considered_on, c.decided_by in DECIDING_BODIES)
            for c in ctx.state.custody_transfer_considerations
            if c.home_id == stay.home_id
        ]
        for period in periods(
            Window(first.event_id, first.started_on, stay.ended_on),
            acts,
            due=due,
            on=ctx.on,
            sunday=sunday,
        ):
            yield obligation_of(_custody_duty(stay, period.due_on), ctx, period)


RULES: Final[tuple[Rule, ...]] = (
    Rule(care_reviewed_every_six_months, R11),
    Rule(lvu_care_reviewed_every_six_months, R12),
    Rule(lvu_care_examined_every_six_months, R12_EXAMINATION),
    Rule(custody_transfer_considered, R13),
)
"""The rules of this module, in catalogue order."""
