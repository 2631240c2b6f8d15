"""R09: the contract with the family home, and consultation with the home's municipality.

SoL (2001:453) 6 kap. 6 a och 6 b §§ until 2025-06-30; SoL (2025:400) 22 kap. 3 och 6 §§
from 2025-07-01. Both run per placement (RULES.md §4.27: parts `contract` and
`consultation`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from caselog.dates import SundayRule
from caselog.events import (
    FosterContractSigned,
    OtherMunicipalityConsulted,
    PlacementBasis,
    PlacementStarted,
)
from caselog.rules.context import Rule
from caselog.rules.judging import DEADLINE_STATUSES, Duty, judge, judge_window, obligation_for
from caselog.rules.law import sol
from caselog.rules.model import Law, Obligation, Severity, Status
from caselog.rules.placements import FAMILY_HOMES, placements_into

if TYPE_CHECKING:
    from collections.abc import Iterator

    from caselog.rules.context import RuleContext

R09_CONTRACT = Duty(
    "R09",
    Law(sol("6 kap. 6 b §", "22 kap. 3 §")),
    Severity.MEDIUM,
    "Contract with the family home signed at the placement, by {due}",
    "Avtal med familjehemmet tecknat vid placeringen, senast {due}",
    parameters=("sunday_rule",),
    statuses=(*DEADLINE_STATUSES, Status.BREACHED, Status.NOT_APPLICABLE),
)
R09_CONSULTATION = Duty(
    "R09",
    Law(sol("6 kap. 6 a §", "22 kap. 6 §")),
    Severity.MEDIUM,
    "The municipality where the home lies informed and consulted before the decision, by {due}",
    "Kommunen där hemmet ligger informerad och hörd före beslutet, senast {due}",
    parameters=("municipality_code",),
)


def foster_contract_signed_at_placement(ctx: RuleContext) -> Iterator[Obligation]:
    """R09 `contract`: a contract (avtal) with the family home at the placement.

    SoL (2001:453) 6 kap. 6 b § / SoL (2025:400) 22 kap. 3 § ("i samband med beslut om
    placering"): due on the move-in day, with no tolerance (✘). Any contract with that home
    in the case file, signed before the child left, counts. Private placements have none.
    A placement that ended on its first day without one never fell due: not applicable.
    """
    sunday = ctx.settings.sunday_rule_for("R09")
    for viewed, placement in placements_into(ctx, FAMILY_HOMES):
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


def other_municipality_consulted_before_decision(ctx: RuleContext) -> Iterator[Obligation]:
    """R09 `consultation`: the home's municipality is informed and consulted (samråd) first.

    SoL (2001:453) 6 kap. 6 a § / SoL (2025:400) 22 kap. 6 §: before deciding on care in a
    home in another municipality, the committee informs and consults that municipality.
    RULES.md §4.28: for a placement whose `home_municipality_code` differs from the setting
    `municipality_code`, due on the day of the care decision the placement names (its start
    when it names none); met by an OtherMunicipalityConsulted for that home by then, met
    late after it. No row when either code is missing, nor while the decision the placement
    names is not in the view (taken after `on`): its day fixes the due date, and guessing
    the start instead could turn a final `met_late` into `met` later (D7). "Before the
    decision" counts no period, so no Sunday rule applies.
    """
    own = ctx.settings.municipality_code
    if own is None or ctx.state is None:
        return
    decided = {d.care_decision_id: d.decided_on for d in ctx.state.decisions}
    for viewed, placement in placements_into(ctx):
        event = viewed.event
        if not isinstance(event, PlacementStarted) or event.home_municipality_code in {None, own}:
            continue
        named = placement.care_decision_id
        due = decided.get(named) if named else placement.started_on
        if due is None:
            continue  # the decision it names is not in the view: its day is not yet known
        done = ctx.find(OtherMunicipalityConsulted, home_id=placement.home_id)
        judgement = judge(due, done[1] if done else None, ctx.on, SundayRule.STRICT)
        yield obligation_for(
            R09_CONSULTATION, ctx, viewed, due, judgement, done, part="consultation"
        )


RULES: Final[tuple[Rule, ...]] = (
    Rule(foster_contract_signed_at_placement, R09_CONTRACT),
    Rule(other_municipality_consulted_before_decision, R09_CONSULTATION),
)
"""The rules of this module, in catalogue order."""
