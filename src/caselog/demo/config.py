"""The settings of a demo municipality: its size, its period and how badly it works.

The rates are the share of eligible cases that show one of the patterns IVO found in
its supervision of Swedish child-welfare services (RULES.md §3–4): violence reports
closed without an investigation, investigations past four months, placements never
considered by the committee, uninvestigated family homes, papers registered years late,
late assessments, late LVU submissions, overlong jourhem stays and files never purged
(gallring). Setting a rate to 0 removes the pattern; the defaults give at least a
handful of each at the default size.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Final, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from caselog.events.base import ID_PATTERN

_FIRST_YEAR: Final = 2000
_LAST_YEAR: Final = 2090

Rate = Annotated[float, Field(ge=0.0, le=1.0)]
"""A share of eligible cases, between 0 and 1."""


class DemoConfig(BaseModel):
    """What to generate: a seeded, deterministic municipality (DESIGN.md D10).

    The same config always yields the same log. Each child is generated from its own
    random stream derived from `seed` and its index, so raising `children` adds children
    without changing the ones already there.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    seed: int = 2019
    """The seed every random stream of the demo is derived from."""
    children: int = Field(default=3000, ge=0, le=10_000_000)
    """How many children (personakter) the municipality has case files for."""
    start: date = date(2012, 1, 1)
    """The first day of ordinary activity (valid time)."""
    end: date = date(2026, 6, 30)
    """The last day: nothing occurs or is registered after it (Swedish time)."""
    municipality: Annotated[str, StringConstraints(min_length=1, max_length=128)] = (
        "Exempelby kommun"
    )
    """The municipality's name, as it appears on its own home investigations."""
    neighbour: Annotated[str, StringConstraints(min_length=1, max_length=128)] = "Grannby kommun"
    """Another municipality, where some family homes lie (SoL 2025:400 22 kap. 6 §)."""
    committee_id: Annotated[str, StringConstraints(pattern=ID_PATTERN)] = "socialnamnden"
    """The one committee (socialnämnd) whose meetings and annual lists form a stream."""
    box_registered_on: date = date(2019, 10, 2)
    """The day a box of old papers was found and registered (R21, TC16)."""

    violence_not_investigated_rate: Rate = 0.06
    """(1) Violence reports by or against a närstående closed without investigation."""
    overdue_investigation_rate: Rate = 0.07
    """(2) Investigations concluded past four months with no extension decided."""
    late_extension_rate: Rate = 0.025
    """(2) Investigations extended only after the four months had run out."""
    unreviewed_placement_rate: Rate = 0.06
    """(3) Care episodes never considered (övervägande) by the committee."""
    official_review_rate: Rate = 0.06
    """(3) Care episodes 'reviewed' only by an official, which does not count."""
    uninvestigated_home_rate: Rate = 0.08
    """(4) Family-home placements in homes that were never investigated."""
    late_home_investigation_rate: Rate = 0.10
    """(4) Family-home placements investigated only after the child moved in."""
    boxed_papers_rate: Rate = 0.004
    """(5) Children whose old papers lay in a box until `box_registered_on`."""
    correction_rate: Rate = 0.03
    """(6) Children with a correction (rättelse) of a registered event."""
    retraction_rate: Rate = 0.015
    """(6) Children with a double registration that was retracted (makulerad)."""
    late_pre_assessment_rate: Rate = 0.08
    """(7) Reports whose initial assessment (förhandsbedömning) took over 14 days."""
    late_protection_assessment_rate: Rate = 0.06
    """(7) Reports whose protection assessment (skyddsbedömning) came days late."""
    late_court_submission_rate: Rate = 0.15
    """(8) Immediate custodies submitted to the court (underställning) after a week."""
    emergency_overstay_rate: Rate = 0.25
    """(9) Jourhem stays kept beyond two months after the investigation ended."""
    overdue_purge_rate: Rate = 0.01
    """(10) Personakter due for gallring by the demo's end that were never purged."""

    @model_validator(mode="after")
    def _period_is_ordered(self) -> Self:
        if self.end < self.start:
            msg = f"end {self.end} is before start {self.start}"
            raise ValueError(msg)
        if self.start.year < _FIRST_YEAR or self.end.year > _LAST_YEAR:
            msg = f"the demo covers {_FIRST_YEAR}–{_LAST_YEAR} (the holiday calendar's reach)"
            raise ValueError(msg)
        return self
