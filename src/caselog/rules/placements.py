"""Placement duties: the home investigated and care decided, the jourhem (R07, R08).

SoL (2001:453) 6 kap. 6 § until 2025-06-30; SoL (2025:400) 22 kap. 2 och 4 §§ from
2025-07-01; SOSFS 2012:11 4 kap. 1 § (what a home investigation covers). R07 and R08
`investigated` run per placement, R08 `two_months` per stay in a jourhem. The contract and
the consultation (R09) are in `caselog.rules.contracts`, the planning duties of the care
episode in `caselog.rules.plans`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Final

from caselog.dates import SundayRule, add_months, days_between, effective_due
from caselog.events import (
    DecidedBy,
    EmergencyHomeStayExtended,
    HomeInvestigationCompleted,
    HomeType,
    InvestigationConcluded,
    PlacementBasis,
    PlacementEnded,
    PlacementStarted,
)
from caselog.rules.context import Rule
from caselog.rules.judging import DEADLINE_STATUSES, Duty, Found, Judgement, judge, obligation_for
from caselog.rules.law import sol
from caselog.rules.model import Flag, Law, Obligation, Severity, Status

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from caselog.projections import CaseState, Placement, Viewed
    from caselog.rules.context import RuleContext

LAWFUL: Final = frozenset({DecidedBy.COMMITTEE, DecidedBy.SUBCOMMITTEE})
"""Who may decide under 6 kap. 6 § (SoL (2001:453) 10 kap. 4 §; SoL (2025:400) 30 kap. 6 §)."""
FAMILY_HOMES: Final = frozenset({HomeType.FAMILY_HOME, HomeType.KINSHIP_HOME})
_MOVE_IN: Final = (Status.MET, Status.MET_LATE, Status.BREACHED)

R07 = Duty(
    "R07",
    Law(sol("6 kap. 6 § 1–2 st.", "22 kap. 2 §")),
    Severity.CRITICAL,
    "Home investigated and care decided (or consent given) by the move-in on {due}",
    "Hemmet utrett och beslut om vård (eller medgivande) senast när barnet togs emot {due}",
    statuses=_MOVE_IN,
)
R08_INVESTIGATED = Duty(
    "R08",
    Law(sol("6 kap. 6 § 3 st.", "22 kap. 4 §")),
    Severity.HIGH,
    "Emergency home investigated by the move-in on {due}",
    "Jourhemmet utrett senast när barnet togs emot {due}",
    statuses=_MOVE_IN,
)
R08_TWO_MONTHS = Duty(
    "R08",
    Law(sol("6 kap. 6 § 4 st.", "22 kap. 4 §")),
    Severity.HIGH,
    "Child out of the emergency home within two months of the investigation, by {due}",
    "Barnet har lämnat jourhemmet inom två månader efter utredningen, senast {due}",
    parameters=("sunday_rule",),
    statuses=(*DEADLINE_STATUSES, Status.WAIVED),
)


def placements_into(
    ctx: RuleContext, home_types: Iterable[HomeType] | None = None
) -> Iterator[tuple[Viewed, Placement]]:
    """The placements (into homes of the given types, or all), with the fact that started each."""
    if ctx.state is None:
        return
    wanted = None if home_types is None else frozenset(home_types)
    started = {event.event_id: viewed for viewed, event in ctx.of_type(PlacementStarted)}
    for placement in ctx.state.placements:
        if wanted is None or placement.home_type in wanted:
            yield started[placement.event_id], placement


def _home_investigated(ctx: RuleContext, home_id: str) -> Found | None:
    """The first investigation of a home, by any municipality ("av en socialnämnd")."""
    for viewed in ctx.homes.get(home_id, ()):
        if isinstance(viewed.event, HomeInvestigationCompleted):
            return viewed.event.event_id, viewed.event.occurred_on
    return None


CARE_DECIDERS: Final = LAWFUL | {DecidedBy.COURT}
"""Who may decide care: the committee or its utskott, or for LVU 2 § and 3 § care the
administrative court (LVU 4 §); `CareDecided` admits a court only for those (RULES.md §4.28)."""


_Act = tuple[str, date, DecidedBy]
"""(event_id, decided_on, decided_by) of a care decision or consent."""


def _decided(state: CaseState, placement: Placement) -> tuple[Found | None, tuple[Flag, ...]]:
    """The care decision or consent behind a placement, and `invalid_delegation` if needed.

    RULES.md §4.28 R07: a committee placement is judged against the decision it names
    (`care_decision_id`); a private placement against the consents (medgivanden) for its
    home. A valid one taken by the move-in day is the act. If it is missing, was taken by
    an official (flagged `invalid_delegation`, kept once cured) or came only after the
    move-in, a valid decision (consent) for the same child and home taken while the
    placement ran — after its start, on or before its end — is the late act. One taken
    after the child left cures nothing.
    """
    start, end = placement.started_on, placement.ended_on
    if placement.legal_basis is PlacementBasis.PRIVATE:
        same_home: list[_Act] = [
            (c.event_id, c.decided_on, c.decided_by)
            for c in state.consents
            if c.home_id == placement.home_id
        ]
        own = [a for a in same_home if end is None or a[1] <= end]
    else:
        same_home = [
            (d.event_id, d.decided_on, d.decided_by)
            for d in state.decisions
            if d.home_id == placement.home_id
        ]
        own = [
            (d.event_id, d.decided_on, d.decided_by)
            for d in state.decisions
            if placement.care_decision_id is not None
            and d.care_decision_id == placement.care_decision_id
        ]
    in_time = [(i, on) for i, on, by in own if by in CARE_DECIDERS and on <= start]
    if in_time:
        return min(in_time, key=lambda a: a[1]), ()
    unlawful = any(by not in CARE_DECIDERS for _, _, by in own)
    late = [
        (i, on)
        for i, on, by in (*own, *same_home)
        if by in CARE_DECIDERS and start < on and (end is None or on <= end)
    ]
    flags = (Flag.INVALID_DELEGATION,) if unlawful else ()
    return min(late, key=lambda a: a[1], default=None), flags


def _before_move_in(
    placement: Placement, acts: Iterable[Found | None], on: date
) -> tuple[Judgement, Found | None]:
    """Met if every act came by the move-in day, met late once all are there, else breached.

    While one is missing the child is in a home the law forbids ("får inte tas emot"): the
    breach is the move-in itself, so no Sunday rule applies. `days_overdue` counts the days
    of exposure so far; once the placement has ended it is frozen at that day, whatever
    `on` (RULES.md §4.28 "Frozen days"). Met late counts the days to the last act (D7).
    """
    found = list(acts)
    if all(found):
        last = max((a for a in found if a), key=lambda a: a[1])
        return judge(placement.started_on, last[1], on, SundayRule.STRICT), last
    until = min(on, placement.ended_on) if placement.ended_on else on
    exposure = days_between(placement.started_on, until)
    return Judgement(
        Status.BREACHED,
        placement.started_on,
        days_overdue=exposure,
        decisive_on=placement.started_on,
    ), None


def family_home_approved_before_move_in(ctx: RuleContext) -> Iterator[Obligation]:
    """R07: a family home is investigated, and care decided or consent given, before move-in.

    SoL (2001:453) 6 kap. 6 § 1–2 st. / SoL (2025:400) 22 kap. 2 § (familjehemsutredning,
    beslut om vård, medgivande). For family, kinship and private homes. The decision is the
    one the placement names, or a valid one taken while it ran (`_decided`); the home
    investigation, by any municipality, cures on its date whenever it comes (D7; TC11). An
    immediate custody (LVU 6 §) is judged by R16, so only its home must be investigated
    here (✘).
    """
    if ctx.state is None:
        return
    for viewed, placement in placements_into(ctx, {*FAMILY_HOMES, HomeType.PRIVATE_HOME}):
        acts = [_home_investigated(ctx, placement.home_id)]
        flags: tuple[Flag, ...] = ()
        if placement.legal_basis is not PlacementBasis.LVU_6:
            decided, flags = _decided(ctx.state, placement)
            acts.append(decided)
        judgement, done = _before_move_in(placement, acts, ctx.on)
        yield obligation_for(R07, ctx, viewed, placement.started_on, judgement, done, flags=flags)


def emergency_home_investigated_before_move_in(ctx: RuleContext) -> Iterator[Obligation]:
    """R08 `investigated`: a jourhem is investigated before the child is received in it.

    SoL (2001:453) 6 kap. 6 § 3 st. / SoL (2025:400) 22 kap. 4 §; judged like R07.
    """
    for viewed, placement in placements_into(ctx, {HomeType.EMERGENCY_HOME}):
        acts = [_home_investigated(ctx, placement.home_id)]
        judgement, done = _before_move_in(placement, acts, ctx.on)
        yield obligation_for(
            R08_INVESTIGATED,
            ctx,
            viewed,
            placement.started_on,
            judgement,
            done,
            part="investigated",
        )


def emergency_home_left_within_two_months(ctx: RuleContext) -> Iterator[Obligation]:
    """R08 `two_months`: at most two months in a jourhem after the investigation ends.

    SoL (2001:453) 6 kap. 6 § 4 st. / SoL (2025:400) 22 kap. 4 § ("högst två månader efter
    det att socialnämndens utredning … avslutats"). Per stay in one jourhem (RULES.md §4.28
    "R08 stays"), only the first conclusion of an investigation (InvestigationConcluded)
    while the child is there starts the clock — a second conclusion during the same stay adds
    no row — and the end of the stay meets it. A decision on special reasons (särskilda
    skäl) by the due date waives it; one taken later does not cure it, and one by an
    official is invalid (10 kap. 4 §, ✘).
    """
    sunday = ctx.settings.sunday_rule_for("R08")
    conclusions = [viewed for viewed, _ in ctx.of_type(InvestigationConcluded)]
    counted: set[str] = set()  # a conclusion starts one clock, even if stays overlap
    for stay in jourhem_stays(p for _, p in placements_into(ctx, {HomeType.EMERGENCY_HOME})):
        trigger = next((v for v in conclusions if stay.holds(v.event.occurred_on)), None)
        if trigger is None or trigger.event.event_id in counted:
            continue
        counted.add(trigger.event.event_id)
        due = add_months(trigger.event.occurred_on, 2)
        done = ctx.find(PlacementEnded, placement_id=stay.last.placement_id)
        if stay.ended_on is None:
            done = None  # another placement in the home still runs
        judgement = judge(due, done[1] if done else None, ctx.on, sunday)
        flags: list[Flag] = []
        stay_ids = {p.placement_id for p in stay.placements}
        for _, extension in ctx.of_type(EmergencyHomeStayExtended):
            if extension.placement_id not in stay_ids or judgement.status is Status.MET:
                continue
            if done is not None and extension.occurred_on > done[1]:
                break  # decided after the child left: irrelevant, and the verdict is final
            if extension.decided_by not in LAWFUL:
                flags.append(Flag.INVALID_DELEGATION)
            elif extension.occurred_on > effective_due(due, sunday):
                flags.append(Flag.EXTENSION_AFTER_EXPIRY)
            else:
                judgement = Judgement(
                    Status.WAIVED, judgement.effective_due_on, decisive_on=extension.occurred_on
                )
                done = extension.event_id, extension.occurred_on
                break
        yield obligation_for(
            R08_TWO_MONTHS, ctx, trigger, due, judgement, done, part="two_months", flags=flags
        )


@dataclass(frozen=True, slots=True)
class JourhemStay:
    """A stay in one jourhem: its placements that follow each other without a gap.

    RULES.md §4.28 "R08 stays": each starts on or before the day the stay so far ended (or
    while a placement of it still runs). A move to another jourhem starts a new stay.
    """

    placements: tuple[Placement, ...]

    @property
    def started_on(self) -> date:
        """The day the child arrived."""
        return self.placements[0].started_on

    @property
    def ended_on(self) -> date | None:
        """The day the child left, or None while a placement of the stay runs."""
        ends = [p.ended_on for p in self.placements]
        return None if None in ends else max(e for e in ends if e is not None)

    @property
    def last(self) -> Placement:
        """The placement that ends the stay (the last to end)."""
        return max(self.placements, key=lambda p: (p.ended_on is None, p.ended_on or p.started_on))

    def holds(self, day: date) -> bool:
        """Whether the child is in the jourhem on `day`; the day of leaving is not counted."""
        end = self.ended_on
        return self.started_on <= day and (end is None or day < end)


def jourhem_stays(placements: Iterable[Placement]) -> list[JourhemStay]:
    """Group jourhem placements into stays, in order of their start (RULES.md §4.28).

    >>> from caselog.events import HomeType
    >>> from caselog.projections import Placement
    >>> def placement(pid: str, home: str, start: int, end: int | None) -> Placement:
    ...     return Placement(placement_id=pid, event_id=pid, home_id=home,
    ...                      home_type=HomeType.EMERGENCY_HOME, legal_basis="sol",
    ...                      started_on=date(2025, 1, start),
    ...                      ended_on=None if end is None else date(2025, 1, end))
    >>> [[p.placement_id for p in s.placements] for s in jourhem_stays([
    ...     placement("p1", "J", 1, 10), placement("p2", "J", 10, None),
    ...     placement("p3", "K", 20, None), placement("p4", "J", 25, None)])]
    [['p1', 'p2', 'p4'], ['p3']]
    """
    stays: list[JourhemStay] = []
    latest: dict[str, int] = {}  # home_id → index of its latest stay
    for placement in sorted(placements, key=lambda p: p.started_on):
        index = latest.get(placement.home_id)
        if index is not None:
            end = stays[index].ended_on
            if end is None or placement.started_on <= end:
                stays[index] = JourhemStay((*stays[index].placements, placement))
                continue
        latest[placement.home_id] = len(stays)
        stays.append(JourhemStay((placement,)))
    return stays


RULES: Final[tuple[Rule, ...]] = (
    Rule(family_home_approved_before_move_in, R07),
    Rule(emergency_home_investigated_before_move_in, R08_INVESTIGATED),
    Rule(emergency_home_left_within_two_months, R08_TWO_MONTHS),
)
"""The rules of this module, in catalogue order (R09: `caselog.rules.contracts`; R10 and
R15: `caselog.rules.plans`)."""
