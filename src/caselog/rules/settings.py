"""Routine parameters of the rules (RULES.md §4.26): one validated model, loadable from TOML.

The law leaves many numbers to practice ("genast", "regelbundet"); a municipality's own
routine fills them in. They are settings with documented defaults — never constants in
rule code — so an inspector can see, and vary, what a verdict rests on.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from caselog.dates import SundayRule
from caselog.errors import SettingsError
from caselog.events.base import MunicipalityCode

Days = int


class Settings(BaseModel):
    """Every routine parameter, with the defaults of RULES.md §4.26 (✘ = a chosen default)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    protection_assessment_days: Days = Field(1, ge=0, le=3650)
    """R01: "genast"; IVO practice is the same or the next day ◐."""
    application_decision_days: Days = Field(3, ge=0, le=3650)
    """R04: an application to an opened investigation ("utan dröjsmål") ✘."""
    pre2013_report_decision_days: Days = Field(14, ge=0, le=3650)
    """R04: reports before 2013-01-01, judged by the later 14-day norm ✘."""
    guardians_informed_days: Days = Field(1, ge=0, le=3650)
    """R04: those concerned told "genast" ✘."""
    feedback_days: Days = Field(7, ge=0, le=3650)
    """R06: feedback within one week of the decision (SFS 2025:1501)."""
    sfs_2025_1501_in_force_on: date = date(2026, 1, 1)
    """R06, R23: the in-force date of SFS 2025:1501 (one-week feedback; records of an
    investigation kept until the child turns 30) was not found (✘)."""
    care_plan_days: Days = Field(0, ge=0, le=3650)
    """R10: care plan by the placement start (+ days) ✘."""
    implementation_plan_days: Days = Field(30, ge=0, le=3650)
    """R10: implementation plan within this many days of the start ✘."""
    visits_min_per_year: int = Field(4, ge=0, le=52)
    """R14: Socialstyrelsen's recommendation of four talks a year ◐."""
    visits_max_gap_days: Days = Field(120, ge=1, le=3650)
    """R14: the longest gap between visits or private talks ✘."""
    region_notice_days: Days = Field(14, ge=0, le=3650)
    """R15: notice to the region of the health examination ✘."""
    lex_sarah_report_days: Days = Field(1, ge=0, le=3650)
    """R19a: the rapport "genast" after the impropriety was noticed ✘."""
    lex_sarah_investigation_start_days: Days = Field(1, ge=0, le=3650)
    """R19b: the investigation started "utan dröjsmål"/"genast" ✘."""
    lex_sarah_conclusion_days: Days = Field(30, ge=0, le=3650)
    """R19c: concluded within this many days of the rapport ✘."""
    lex_sarah_ivo_days: Days = Field(14, ge=0, le=3650)
    """R19d: reported to IVO "snarast" after it was concluded serious ✘."""
    deviation_triage_days: Days = Field(7, ge=0, le=3650)
    """R20: a deviation triaged within this many days ✘."""
    deviation_close_days: Days = Field(30, ge=0, le=3650)
    """R20: a deviation closed within this many days ✘."""
    registration_warn_days: Days = Field(7, ge=0, le=3650)
    """R21: registered within this many days of the fact ✘."""
    registration_flag_days: Days = Field(30, ge=0, le=3650)
    """R21: beyond this, flagged `late_registration` with high severity ✘."""
    sunday_rule: SundayRule = SundayRule.STRICT
    """Lag (1930:173) 2 § for the committee's own deadlines: strict unless set (✘)."""
    sunday_rules: dict[str, SundayRule] = Field(
        default_factory=lambda: {"R16b": SundayRule.EXTEND, "R16c": SundayRule.EXTEND}
    )
    """Per-rule overrides; LVU 7 § and 8 § court filings extend by default (✘)."""
    strict_extensions: bool = True
    """R05: an extension without a new due date or reasons is disregarded."""
    accept_other_pre_assessment_reasons: bool = False
    """R02: whether reason code `other` extends the 14 days (else manual review)."""
    custody_report_body: Literal["committee", "subcommittee"] = "committee"
    """R16a: the body whose next meeting a chair's custody decision is reported to."""
    municipality_code: MunicipalityCode | None = None
    """R09: this log's municipality (SCB's four-digit kommunkod); a placement in a home of
    another municipality is due a consultation (SoL (2025:400) 22 kap. 6 §)."""
    municipality_in_research_sample: bool = False
    """R23: the municipality keeps every personakt for research (SoF (2001:937) 7 kap. 2 §)."""
    teams: dict[str, list[str]] = Field(default_factory=dict, exclude=True)
    """The weekly self-monitoring (egenkontroll, `caselog weekly --team`): each team's
    name and the actors who hold its cases. Not a rule parameter: no rule reads it, and it
    is left out of the settings the read models are stamped with (`exclude`)."""
    research_birth_days: frozenset[Annotated[int, Field(ge=1, le=31)]] = Field(
        default_factory=lambda: frozenset({5, 15, 25}), max_length=31
    )
    """R23: people born on these days of a month are kept for research (the person sample)."""

    def sunday_rule_for(self, rule_id: str) -> SundayRule:
        """The Sunday rule that applies to `rule_id`."""
        return self.sunday_rules.get(rule_id, self.sunday_rule)

    @classmethod
    def from_toml(cls, path: str | Path) -> Settings:
        """Load settings from a TOML file of `parameter = value` lines.

        Raises:
            SettingsError: unreadable TOML, an unknown parameter or an invalid value,
                with the file and the parameter named.
        """
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            msg = f"{path}: {error}"
            raise SettingsError(msg) from error
        try:
            return cls.model_validate(data)
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
            )
            msg = f"{path}: {problems}"
            raise SettingsError(msg) from error


DEFAULT_SETTINGS = Settings()
