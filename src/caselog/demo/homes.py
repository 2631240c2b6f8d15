"""The municipality's homes: a pool of emergency homes and the institutions it buys from.

Emergency homes (jourhem) take child after child, so they are recruited and investigated
once and shared by every story (SoL 2001:453 6 kap. 6 § 3 st.: investigated before use).
Residential homes (HVB), supported housing (stödboende) and secure youth homes (SiS) are
licensed by IVO, not investigated by the committee, so they have ids but no stream.
Family and kinship homes (familjehem, nätverkshem) are recruited for one child and
investigated (familjehemsutredning) in that child's story, normally before the care
decision and the move-in (SoL 2001:453 6 kap. 6 §, R07), but not always.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta
from typing import TYPE_CHECKING, Final

from caselog.demo.casefile import draw_below
from caselog.events import (
    HomeInvestigationCompleted,
    HomeType,
    OtherMunicipalityConsulted,
    PlacementBasis,
)

if TYPE_CHECKING:
    from random import Random

    from caselog.demo.casefile import CaseFile
    from caselog.demo.config import DemoConfig
    from caselog.demo.ledger import Ledger

_CHILDREN_PER_EMERGENCY_HOME: Final = 200
_CHILDREN_PER_RESIDENTIAL_HOME: Final = 300
_MINIMUM_POOL: Final = 3

FAMILY_TYPES: Final = frozenset({HomeType.FAMILY_HOME, HomeType.KINSHIP_HOME})
"""The homes R07 and R13 judge (nätverkshem are family homes too)."""
_RECRUITED: Final = FAMILY_TYPES | {HomeType.PRIVATE_HOME}
_HOME_PREFIX: Final = {
    HomeType.FAMILY_HOME: "fh",
    HomeType.KINSHIP_HOME: "nh",
    HomeType.PRIVATE_HOME: "ph",
}
_PRIVATE_SHARE: Final = 0.05
_NEIGHBOUR_SHARE: Final = 0.15
_TEEN: Final = 13
_OLDER_TEEN: Final = 16
RECRUITER: Final = "sw-fh-1"
"""The family-home secretary (familjehemssekreterare) who investigates homes."""


class HomeRegistry:
    """The shared homes, and which emergency homes were investigated by when."""

    def __init__(self, config: DemoConfig, ledger: Ledger, rng: Random) -> None:
        """Recruit the emergency-home pool and write its investigations."""
        count = max(_MINIMUM_POOL, config.children // _CHILDREN_PER_EMERGENCY_HOME)
        span = max(1, (config.end - config.start).days)
        recruited: list[tuple[date, str]] = []
        for number in range(1, count + 1):
            home_id = f"jh-{number:03d}"
            if number <= max(_MINIMUM_POOL, count // 3):
                day = config.start
            else:
                day = config.start + timedelta(days=rng.randrange(span))
            day = ledger.clock.next_open(day)
            recruited.append((day, home_id))
            if day > config.end:
                continue
            ledger.add(
                HomeInvestigationCompleted(
                    event_id=ledger.next_id(),
                    occurred_on=day,
                    actor=RECRUITER,
                    home_id=home_id,
                    home_type=HomeType.EMERGENCY_HOME,
                    by_municipality=config.municipality,
                )
            )
        recruited.sort()
        self._emergency = [home_id for _, home_id in recruited]
        self._emergency_from = [day.toordinal() for day, _ in recruited]
        institutions = max(_MINIMUM_POOL, config.children // _CHILDREN_PER_RESIDENTIAL_HOME)
        self._residential = [f"hvb-{n:02d}" for n in range(1, institutions + 1)]
        self._supported = [f"sb-{n:02d}" for n in range(1, _MINIMUM_POOL + 1)]
        self._secure = [f"sis-{n:02d}" for n in range(1, _MINIMUM_POOL + 1)]

    def emergency_home(self, rng: Random, on: date) -> str:
        """Pick an emergency home already investigated on `on` (R08 check 1).

        Before the first investigation (only on the demo's very first days) the earliest
        recruited home is used anyway, as a real municipality in a hurry would.
        """
        available = max(1, bisect_right(self._emergency_from, on.toordinal()))
        return self._emergency[draw_below(rng, available)]

    def institution(self, rng: Random, home_type: HomeType) -> str:
        """Pick a licensed home of `home_type` (HVB, stödboende or SiS)."""
        match home_type:
            case HomeType.SUPPORTED_HOUSING:
                homes = self._supported
            case HomeType.SECURE_YOUTH_HOME:
                homes = self._secure
            case _:
                homes = self._residential
        return homes[draw_below(rng, len(homes))]


def choose_home(case: CaseFile, age: int, basis: PlacementBasis) -> HomeType:
    """Choose a kind of home: family homes for the young, HVB and SiS for LVU 3 §."""
    choose = case.rng.choices
    if basis is PlacementBasis.LVU_3:
        return choose((HomeType.RESIDENTIAL_HOME, HomeType.SECURE_YOUTH_HOME), (55, 45))[0]
    if basis is PlacementBasis.SOL and case.chance(_PRIVATE_SHARE):
        return HomeType.PRIVATE_HOME
    family = (HomeType.FAMILY_HOME, HomeType.KINSHIP_HOME, HomeType.RESIDENTIAL_HOME)
    if age < _TEEN:
        return choose(family, (60, 30, 10))[0]
    if age < _OLDER_TEEN:
        return choose(family, (45, 20, 35))[0]
    return choose((*family, HomeType.SUPPORTED_HOUSING), (25, 10, 35, 30))[0]


def recruit_home(
    case: CaseFile, home_type: HomeType, move_in: date, decided_on: date, earliest: date
) -> tuple[str, HomeInvestigationCompleted | None]:
    """Find a home; recruit and investigate a family home (R07), usually in time."""
    if home_type is HomeType.EMERGENCY_HOME:
        return case.town.homes.emergency_home(case.rng, move_in), None
    if home_type not in _RECRUITED:
        return case.town.homes.institution(case.rng, home_type), None
    config = case.config
    home_id = case.new_id(_HOME_PREFIX[home_type])
    draw = case.rng.random()
    day: date | None
    if home_type in FAMILY_TYPES and draw < config.uninvestigated_home_rate:
        day = None
    elif home_type in FAMILY_TYPES and draw < (
        config.uninvestigated_home_rate + config.late_home_investigation_rate
    ):
        day = case.workday(case.later(move_in, 10, 90), move_in + timedelta(days=1))
    else:
        before = min(decided_on, move_in)
        day = case.workday(
            max(earliest, before - timedelta(days=case.rng.randint(5, 45))), earliest
        )
        day = min(day, before)
    neighbour = case.chance(_NEIGHBOUR_SHARE)
    investigation = None
    if day is not None:
        investigation = case.ledger.add(
            HomeInvestigationCompleted(
                event_id=case.ledger.next_id(),
                occurred_on=day,
                actor=RECRUITER,
                home_id=home_id,
                home_type=home_type,
                by_municipality=config.neighbour if neighbour else config.municipality,
            )
        )
    if neighbour:
        case.ledger.add(
            OtherMunicipalityConsulted(
                event_id=case.ledger.next_id(),
                occurred_on=max(earliest, decided_on - timedelta(days=case.rng.randint(1, 10))),
                actor=case.caseworker,
                child_id=case.child_id,
                home_id=home_id,
            )
        )
    return home_id, investigation
