"""Placement duties: the home, the jourhem, the contract with the family home (R07–R09).

SoL (2001:453) 6 kap. 6, 6 b §§ until 2025-06-30; SoL (2025:400) 22 kap. 2–4 §§ from
2025-07-01; SOSFS 2012:11 4 kap. 1 § (what a home investigation covers). They run per
placement; the planning duties of the care episode are in `caselog.rules.plans`.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Final

from caselog.dates import SundayRule, add_months, days_between, effective_due
from caselog.events import (
    DecidedBy,
    EmergencyHomeStayExtended,
    FosterContractSigned,
    HomeInvestigationCompleted,
    HomeType,
    InvestigationConcluded,
    PlacementBasis,
    PlacementEnded,
    PlacementStarted,
)
from caselog.rules.context import Rule
from caselog.rules.judging import DEADLINE_STATUSES, Duty, Judgement, judge, judge_window
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
R09_CONTRACT = Duty(
    "R09",
    Law(sol("6 kap. 6 b §", "22 kap. 3 §")),
    Severity.MEDIUM,
    "Contract with the family home signed at the placement, by {due}",
    "Avtal med familjehemmet tecknat vid placeringen, senast {due}",
    parameters=("sunday_rule",),
    statuses=(*DEADLINE_STATUSES, Status.BREACHED, Status.NOT_APPLICABLE),
)

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


def _placements(
    ctx: RuleContext, home_types: Iterable[HomeType]
) -> Iterator[tuple[Viewed, Placement]]:
    """The placements into homes of the given types, with the fact that started each."""
    if ctx.state is None:
        return
    started = {event.event_id: viewed for viewed, event in ctx.of_type(PlacementStarted)}
    for placement in ctx.state.placements:
        if placement.home_type in home_types:
            yield started[placement.event_id], placement


def _home_investigated(ctx: RuleContext, home_id: str) -> Found | None:
    """The first investigation of a home, by any municipality ("av en socialnämnd")."""
    for viewed in ctx.homes.get(home_id, ()):
        if isinstance(viewed.event, HomeInvestigationCompleted):
            return viewed.event.event_id, viewed.event.occurred_on
    return None


def _decided(state: CaseState, placement: Placement) -> tuple[Found | None, tuple[Flag, ...]]:
    """The care decision or consent behind a placement, and `invalid_delegation` if needed.

    A private placement needs consent (medgivande) for that home; a committee placement the
    care decision it names, or else the first care decision naming its home (✘). Only a
    committee or sub-committee decides; an earlier decision by anyone else is flagged.
    """
    if placement.legal_basis is PlacementBasis.PRIVATE:
        acts = [
            (c.event_id, c.decided_on, c.decided_by)
            for c in state.consents
            if c.home_id == placement.home_id
        ]
    else:
        wanted = placement.care_decision_id
        acts = [
            (d.event_id, d.decided_on, d.decided_by)
            for d in state.decisions
            if (d.care_decision_id == wanted if wanted else d.home_id == placement.home_id)
        ]
    lawful = min(((i, on) for i, on, by in acts if by in LAWFUL), key=lambda a: a[1], default=None)
    unlawful = any(by not in LAWFUL and (lawful is None or on < lawful[1]) for _, on, by in acts)
    return lawful, (Flag.INVALID_DELEGATION,) if unlawful else ()


def _before_move_in(
    placement: Placement, acts: Iterable[Found | None], on: date
) -> tuple[Judgement, Found | None]:
    """Met if every act came by the move-in day, met late once all are there, else breached.

    While one is missing the child is in a home the law forbids ("får inte tas emot"): the
    breach is the move-in itself, so no Sunday rule applies. `days_overdue` counts the days
    of exposure so far, frozen when the child left.
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
    beslut om vård, medgivande). For family, kinship and private homes. An immediate custody
    (LVU 6 §) is judged by R16, so only its home must be investigated here (✘).
    """
    if ctx.state is None:
        return
    for viewed, placement in _placements(ctx, {*FAMILY_HOMES, HomeType.PRIVATE_HOME}):
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
    for viewed, placement in _placements(ctx, {HomeType.EMERGENCY_HOME}):
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

    SoL (2001:453) 6 kap. 6 § 4 st. / SoL (2025:400) 22 kap. 4 §. The first conclusion of an
    investigation while the child is in the jourhem starts the clock; the placement ending
    meets it. A decision on special reasons (särskilda skäl) by the due date waives it; one
    taken later does not cure it, and one by an official is invalid (10 kap. 4 §, ✘).
    """
    sunday = ctx.settings.sunday_rule_for("R08")
    conclusions = list(ctx.of_type(InvestigationConcluded))
    emergency = [placement for _, placement in _placements(ctx, {HomeType.EMERGENCY_HOME})]
    continued: set[str] = set()
    for _, placement in _placements(ctx, {HomeType.EMERGENCY_HOME}):
        if placement.placement_id in continued:
            continue
        stay = _jourhem_stay(placement, emergency)
        stay_ids = {p.placement_id for p in stay}
        continued |= stay_ids
        last = stay[-1]
        trigger = next(
            (
                v
                for v, c in conclusions
                if placement.started_on <= c.occurred_on
                and (last.ended_on is None or c.occurred_on < last.ended_on)
            ),
            None,
        )
        if trigger is None:
            continue
        due = add_months(trigger.event.occurred_on, 2)
        done = ctx.find(PlacementEnded, placement_id=last.placement_id)
        judgement = judge(due, done[1] if done else None, ctx.on, sunday)
        flags: list[Flag] = []
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


def _jourhem_stay(first: Placement, emergency: list[Placement]) -> list[Placement]:
    """The run of emergency-home placements that follow `first` without a day between.

    A move from one jourhem to another is still a stay in a jourhem: the two months run
    until the child leaves emergency care, not until the first home changes.
    """
    stay = [first]
    while stay[-1].ended_on is not None:
        end = stay[-1].ended_on
        following = next(
            (p for p in emergency if p not in stay and stay[-1].started_on <= p.started_on <= end),
            None,
        )
        if following is None:
            break
        stay.append(following)
    return stay


def foster_contract_signed_at_placement(ctx: RuleContext) -> Iterator[Obligation]:
    """R09 `contract`: a contract (avtal) with the family home at the placement.

    SoL (2001:453) 6 kap. 6 b § / SoL (2025:400) 22 kap. 3 § ("i samband med beslut om
    placering"): due on the move-in day, with no tolerance (✘). Any contract with that home
    in the case file, signed before the child left, counts. Private placements have none.
    The `consultation` part (6 kap. 6 a § / 22 kap. 6 §) needs the log's own municipality
    to tell which homes lie elsewhere, which the rule context does not yet hold.
    """
    sunday = ctx.settings.sunday_rule_for("R09")
    for viewed, placement in _placements(ctx, FAMILY_HOMES):
        if placement.legal_basis is PlacementBasis.PRIVATE:
            continue
        end = placement.ended_on
        done = next(
            (
                (e.event_id, e.occurred_on)
                for _, e in ctx.of_type(FosterContractSigned)
                if e.home_id == placement.home_id and (end is None or e.occurred_on <= end)
            ),
            None,
        )
        judgement, flags = judge_window(
            placement.started_on, done[1] if done else None, ctx.on, sunday, end
        )
        yield obligation_for(
            R09_CONTRACT,
            ctx,
            viewed,
            placement.started_on,
            judgement,
            done,
            part="contract",
            flags=flags,
        )


RULES: Final[tuple[Rule, ...]] = (
    Rule(family_home_approved_before_move_in, R07),
    Rule(emergency_home_investigated_before_move_in, R08_INVESTIGATED),
    Rule(emergency_home_left_within_two_months, R08_TWO_MONTHS),
    Rule(foster_contract_signed_at_placement, R09_CONTRACT),
)
"""The rules of this module, in catalogue order (R10 and R15: `caselog.rules.plans`)."""
