"""docs/rules.md is generated from the registry and lists every rule of the catalogue."""

from __future__ import annotations

import itertools
from pathlib import Path

from caselog.reference import rules_markdown
from caselog.rules.registry import ALL_RULES

RULES_MD = Path(__file__).parents[2] / "docs" / "rules.md"

CATALOGUE = {
    "R01", "R02", "R03", "R03b", "R04", "R05", "R06", "R07", "R08", "R09", "R10", "R11",
    "R12", "R13", "R14", "R15", "R16a", "R16b", "R16c", "R17", "R18", "R19a", "R19b",
    "R19c", "R19d", "R20", "R21", "R22", "R23", "R24",
}  # fmt: skip
"""Every rule of RULES.md §3–4: the whole catalogue, R01–R24 (R19e is R19c's overdue)."""


def test_rules_md_is_generated_from_the_registry() -> None:
    """docs/rules.md equals what the registry renders (run `python -m caselog.reference`)."""
    assert RULES_MD.read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is stale: run `python -m caselog.reference docs/`"
    )


def test_every_catalogue_rule_is_registered_and_documented() -> None:
    """R01–R22 and R24 (with their sub-ids) are all in the registry and on the page."""
    assert {rule.rule_id for rule in ALL_RULES} == CATALOGUE
    page = rules_markdown()
    for rule in ALL_RULES:
        assert f"## {rule.rule_id} · `{rule.name}`" in page, rule.rule_id
        assert rule.duty.law.versions, rule.rule_id


def test_every_rule_cites_a_law_for_every_day_it_judges() -> None:
    """Every rule's law versions follow each other without gaps or overlaps."""
    for rule in ALL_RULES:
        versions = rule.duty.law.versions
        for earlier, later in itertools.pairwise(versions):
            assert earlier.valid_to is not None, rule.rule_id
            assert later.valid_from is not None, rule.rule_id
            assert (later.valid_from - earlier.valid_to).days == 1, (rule.rule_id, earlier, later)
