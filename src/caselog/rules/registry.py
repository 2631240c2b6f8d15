"""The explicit registry of every rule (STYLE.md G5): no discovery, no import side effects.

Order follows the catalogue (RULES.md §3). Rule ids are permanent once published.
"""

from __future__ import annotations

from typing import Final

from caselog.rules import (
    contracts,
    custody,
    feedback,
    follow_up,
    intake,
    investigations,
    lvu,
    matters,
    placements,
    plans,
    records,
    retention,
    reviews,
    violence,
)
from caselog.rules.context import Rule

ALL_RULES: Final[tuple[Rule, ...]] = (
    Rule(intake.immediate_protection_assessment_documented, intake.R01),
    Rule(intake.initial_assessment_decided_within_14_days, intake.R02),
    Rule(violence.violence_report_investigated, violence.R03),
    Rule(violence.violence_risk_assessed, violence.R03B),
    Rule(intake.investigation_opened_without_delay, intake.R04),
    Rule(intake.guardians_informed_at_once, intake.R04_INFORMED),
    Rule(investigations.investigation_concluded_within_4_months, investigations.R05),
    *feedback.RULES,
    *placements.RULES,
    *contracts.RULES,
    Rule(plans.care_plan_established_at_placement, plans.R10_CARE_PLAN),
    Rule(plans.implementation_plan_established_in_time, plans.R10_IMPLEMENTATION_PLAN),
    Rule(plans.care_plan_revised_within_two_years, plans.R10_REVISION),
    *reviews.RULES,
    *follow_up.RULES,
    Rule(plans.region_notified_of_health_examination, plans.R15),
    *custody.RULES,
    *lvu.RULES,
    *matters.RULES,
    *records.RULES,
    *retention.RULES,
    Rule(records.non_execution_reported, records.R24),
)
"""Every rule caselog evaluates, in catalogue order."""

RULES_BY_ID: Final[dict[str, tuple[Rule, ...]]] = {
    rule_id: tuple(r for r in ALL_RULES if r.rule_id == rule_id)
    for rule_id in dict.fromkeys(r.rule_id for r in ALL_RULES)
}
"""Rule id (R01, R03b …) → the rules that report under it (R04 has two parts)."""
