"""The demo municipality: its calendar, staff, homes and the span of its log.

One `Municipality` is built per run and shared, read-only, by every child's story; it
holds nothing that depends on the children, so each child can be generated on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from random import Random
from typing import TYPE_CHECKING, Final

from caselog.dates import STOCKHOLM
from caselog.demo.casefile import draw_below
from caselog.demo.clock import RegistrationClock
from caselog.demo.committee import CommitteeCalendar, write_committee
from caselog.demo.homes import HomeRegistry
from caselog.demo.ledger import Ledger
from caselog.demo.matters import write_matters

if TYPE_CHECKING:
    from caselog.demo.config import DemoConfig

EARLIEST_PAPERS: Final = date(2004, 1, 1)
"""The calendar reaches back to the oldest papers in the box (R21)."""
_CALENDAR_MARGIN: Final = timedelta(days=200)
_CHILDREN_PER_INTAKE_WORKER: Final = 250
_CHILDREN_PER_INVESTIGATOR: Final = 120
_CHILDREN_PER_CASEWORKER: Final = 400
_MINIMUM_TEAM: Final = 3

COMMITTEE_ORDER: Final = -3
"""Tie-break order of the committee stream among stories registered at one instant."""
HOMES_ORDER: Final = -2
"""Tie-break order of the emergency-home pool."""
MATTERS_ORDER: Final = -1
"""Tie-break order of the deviation and lex Sarah matters."""


def stream_rng(seed: int, name: str) -> Random:
    """Return the random stream `name` derived from `seed`, independent of all others.

    String seeds are hashed with SHA-512 by `random`, so the stream is the same on every
    platform and Python run (no dependence on hash randomisation).
    """
    return Random(f"{seed}:{name}")  # noqa: S311  (a demo, not cryptography)


@dataclass(frozen=True, slots=True)
class Staff:
    """The social workers, as actor ids (`sw-17`), in three teams.

    Intake workers (mottagning) register reports and assessments; investigators
    (utredare) run investigations; caseworkers for placed children (familjehemsvård)
    follow the care.
    """

    intake: int
    investigators: int
    caseworkers: int

    def intake_worker(self, rng: Random) -> str:
        """Return a random intake worker's actor id."""
        return f"sw-{1 + draw_below(rng, self.intake)}"

    def investigator(self, rng: Random) -> str:
        """Return a random investigator's actor id."""
        return f"sw-{self.intake + 1 + draw_below(rng, self.investigators)}"

    def caseworker(self, rng: Random) -> str:
        """Return a random caseworker's actor id."""
        first = self.intake + self.investigators + 1
        return f"sw-{first + draw_below(rng, self.caseworkers)}"


@dataclass(frozen=True, slots=True)
class Municipality:
    """Everything shared by the stories of one demo run."""

    config: DemoConfig
    clock: RegistrationClock
    calendar: CommitteeCalendar
    homes: HomeRegistry
    staff: Staff
    cutoff: datetime
    """The last instant of `config.end` in Swedish time: nothing is registered later."""
    shared: tuple[Ledger, ...]
    """The committee stream, the emergency homes and the matters, already written."""

    def ledger(self, *, order: int, prefix: str, rng: Random) -> Ledger:
        """Return an empty ledger for a new story of this municipality."""
        return Ledger(order=order, prefix=prefix, clock=self.clock, rng=rng, cutoff=self.cutoff)


def build_municipality(config: DemoConfig) -> Municipality:
    """Build the shared calendar, staff and homes, and write the committee stream."""
    first = min(config.start, EARLIEST_PAPERS) - _CALENDAR_MARGIN
    clock = RegistrationClock(first, config.end + _CALENDAR_MARGIN)
    cutoff = datetime.combine(config.end, time.max, tzinfo=STOCKHOLM).astimezone(UTC)
    calendar = CommitteeCalendar(config, clock, stream_rng(config.seed, "calendar"))
    committee = Ledger(
        order=COMMITTEE_ORDER,
        prefix="ev-sn",
        clock=clock,
        rng=stream_rng(config.seed, "committee"),
        cutoff=cutoff,
    )
    write_committee(committee, config, calendar, stream_rng(config.seed, "lists"))
    pool = Ledger(
        order=HOMES_ORDER,
        prefix="ev-jh",
        clock=clock,
        rng=stream_rng(config.seed, "homes"),
        cutoff=cutoff,
    )
    homes = HomeRegistry(config, pool, stream_rng(config.seed, "recruitment"))
    matters = Ledger(
        order=MATTERS_ORDER,
        prefix="ev-m",
        clock=clock,
        rng=stream_rng(config.seed, "matter-registration"),
        cutoff=cutoff,
        sequential=True,
    )
    write_matters(matters, config, stream_rng(config.seed, "matters"))
    staff = Staff(
        intake=max(_MINIMUM_TEAM, config.children // _CHILDREN_PER_INTAKE_WORKER),
        investigators=max(_MINIMUM_TEAM, config.children // _CHILDREN_PER_INVESTIGATOR),
        caseworkers=max(_MINIMUM_TEAM, config.children // _CHILDREN_PER_CASEWORKER),
    )
    return Municipality(
        config=config,
        clock=clock,
        calendar=calendar,
        homes=homes,
        staff=staff,
        cutoff=cutoff,
        shared=(committee, pool, matters),
    )
