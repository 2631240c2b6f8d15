"""One child's case file (personakt) while its story is being written.

The story modules (intake, investigation, placements, care, amendments) share this
small state: the child's random stream and ledger, who works on the case, and the last
day anything can happen (the demo's end, or the day before the child turns 18, when
care under SoL and LVU 2 § normally ends).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from random import Random

    from caselog.demo.config import DemoConfig
    from caselog.demo.ledger import Ledger
    from caselog.demo.municipality import Municipality

LAW_2013: Final = date(2013, 1, 1)
"""SoL (2001:453) 11 kap. 1 a §: skyddsbedömning and the 14-day förhandsbedömning."""
VIOLENCE_RULE: Final = date(2014, 10, 1)
"""SOSFS 2014:4: violence by or against a närstående must be investigated (R03)."""
PRE_ASSESSMENT_DAYS: Final = 14
"""The förhandsbedömning's fourteen days (R02)."""


def draw_below(rng: Random, n: int) -> int:
    """Return a random index below `n`, always using exactly one draw of `rng`.

    `randrange` uses a varying number of draws depending on `n`; pools that grow with
    the municipality (staff, homes) would then shift every later draw of a child's
    story, and a bigger demo would rewrite the children a smaller one already had.
    """
    return min(n - 1, int(rng.random() * n))


class Path(Enum):
    """Where a report or application leads; drawn when the case comes in."""

    NOT_OPENED = "not_opened"
    NO_INTERVENTION = "no_intervention"
    INTERVENTION = "intervention"
    SOL_DIRECT = "sol_direct"
    """Voluntary care straight into a family home, HVB or stödboende."""
    SOL_EMERGENCY = "sol_emergency"
    """Voluntary care in a jourhem while the investigation runs."""
    LVU_CUSTODY = "lvu_custody"
    """Immediate custody (LVU 6 §) on the day of the report."""
    LVU_CARE = "lvu_care"
    """An application for LVU care when the investigation ends."""


@dataclass(slots=True)
class CaseFile:
    """The state of one child's story."""

    town: Municipality
    index: int
    rng: Random
    ledger: Ledger
    child_id: str
    born_on: date
    opened_on: date
    """The day the case file was opened: nothing about the child happens before it."""
    horizon: date
    """The last day of the story: the demo's end or the day before the 18th birthday."""
    intake_worker: str
    investigator: str
    caseworker: str
    open_until: date | None = None
    """The last day of the latest investigation (or the horizon while it runs)."""
    placed: bool = False
    """Set once the child has had a care episode; the story then ends with it."""
    _counters: dict[str, int] = field(default_factory=dict)

    @property
    def config(self) -> DemoConfig:
        """The demo's settings."""
        return self.town.config

    def chance(self, p: float) -> bool:
        """Return True with probability `p`."""
        return self.rng.random() < p

    def later(self, d: date, low: int, high: int) -> date:
        """Return `d` plus a random number of days in `[low, high]`."""
        return d + timedelta(days=self.rng.randint(low, high))

    def workday(self, d: date, not_before: date) -> date:
        """Move `d` to a working day, backwards if that stays on or after `not_before`."""
        return self.town.clock.workday(d, not_before)

    def new_id(self, kind: str) -> str:
        """Return the next id of an entity of this child: `inv-000123-1`, `pl-000123-2`."""
        number = self._counters.get(kind, 0) + 1
        self._counters[kind] = number
        return f"{kind}-{self.index:06d}-{number}"

    def age_on(self, d: date) -> int:
        """Return the child's age in whole years on `d`."""
        years = d.year - self.born_on.year
        return years - ((d.month, d.day) < (self.born_on.month, self.born_on.day))
