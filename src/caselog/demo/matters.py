"""Deviation reports and lex Sarah matters, each its own stream `matter:<id>`.

Staff report deviations (avvikelser) from routine; each is triaged: is it an impropriety
(missförhållande) under lex Sarah? Most are handled under the municipality's own routine
(SOSFS 2011:9, R20) and closed. A lex Sarah report (rapport, SoL 2025:400 27 kap. 2 §)
is investigated at once and concluded; a serious one (allvarligt missförhållande) is
reported to IVO as soon as possible (27 kap. 6 §, R19).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Final

from caselog.events import (
    DeviationClosed,
    DeviationReported,
    DeviationTriaged,
    LexSarahConcluded,
    LexSarahInvestigationStarted,
    LexSarahReported,
    LexSarahReportedToIVO,
)

if TYPE_CHECKING:
    from random import Random

    from caselog.demo.config import DemoConfig
    from caselog.demo.ledger import Ledger

_CHILDREN_PER_DEVIATION: Final = 100
"""About 30 deviation reports a year for 3,000 children."""
_CHILDREN_PER_LEX_SARAH: Final = 1000
_AS_LEX_SARAH: Final = 0.08
_LATE_TRIAGE: Final = 0.15
_NEVER_CLOSED: Final = 0.05
_LATE_STEP: Final = 0.1
_SERIOUS: Final = 0.4
_LATE_TO_IVO: Final = 0.25
_QUALITY_OFFICER: Final = "kv-1"
"""The quality officer (kvalitetsutvecklare) who handles deviations and lex Sarah."""


def write_matters(ledger: Ledger, config: DemoConfig, rng: Random) -> None:
    """Write every deviation and lex Sarah matter of the demo period."""
    span = (config.end - config.start).days + 1
    years = span / 365.25
    deviations = max(1, round(years * config.children / _CHILDREN_PER_DEVIATION))
    direct = max(1, round(years * config.children / _CHILDREN_PER_LEX_SARAH))
    days = sorted(
        [(config.start + timedelta(days=rng.randrange(span)), True) for _ in range(deviations)]
        + [(config.start + timedelta(days=rng.randrange(span)), False) for _ in range(direct)]
    )
    for number, (day, deviation) in enumerate(days, start=1):
        matter_id = f"m-{day.year}-{number:05d}"
        if deviation:
            _deviation(ledger, rng, matter_id, day)
        else:
            reported = day + timedelta(days=rng.choice((0, 0, 1, 3)))
            _lex_sarah(ledger, rng, matter_id, observed=day, reported=reported)


def _deviation(ledger: Ledger, rng: Random, matter_id: str, day: date) -> None:
    actor = f"sw-{rng.randint(1, 40)}"
    ledger.add(
        DeviationReported(
            event_id=ledger.next_id(), occurred_on=day, actor=actor, matter_id=matter_id
        )
    )
    late = rng.random() < _LATE_TRIAGE
    triaged = day + timedelta(days=rng.randint(10, 40) if late else rng.randint(1, 7))
    lex_sarah = rng.random() < _AS_LEX_SARAH
    ledger.add(
        DeviationTriaged(
            event_id=ledger.next_id(),
            occurred_on=triaged,
            actor=_QUALITY_OFFICER,
            matter_id=matter_id,
            is_lex_sarah=lex_sarah,
        )
    )
    done = triaged
    if lex_sarah:
        done = _lex_sarah(ledger, rng, matter_id, observed=day, reported=triaged)
    if rng.random() >= _NEVER_CLOSED:
        ledger.add(
            DeviationClosed(
                event_id=ledger.next_id(),
                occurred_on=done + timedelta(days=rng.randint(3, 40)),
                actor=_QUALITY_OFFICER,
                matter_id=matter_id,
            )
        )


def _lex_sarah(
    ledger: Ledger, rng: Random, matter_id: str, *, observed: date, reported: date
) -> date:
    """Write a lex Sarah matter; return the day it was concluded."""
    ledger.add(
        LexSarahReported(
            event_id=ledger.next_id(),
            occurred_on=reported,
            actor=f"sw-{rng.randint(1, 40)}",
            matter_id=matter_id,
            observed_on=observed,
        )
    )
    late = rng.random() < _LATE_STEP
    started = reported + timedelta(days=rng.randint(5, 20) if late else rng.randint(0, 3))
    ledger.add(
        LexSarahInvestigationStarted(
            event_id=ledger.next_id(),
            occurred_on=started,
            actor=_QUALITY_OFFICER,
            matter_id=matter_id,
        )
    )
    late = rng.random() < _LATE_STEP
    concluded = started + timedelta(days=rng.randint(60, 150) if late else rng.randint(10, 60))
    serious = rng.random() < _SERIOUS
    ledger.add(
        LexSarahConcluded(
            event_id=ledger.next_id(),
            occurred_on=concluded,
            actor=_QUALITY_OFFICER,
            matter_id=matter_id,
            serious=serious,
        )
    )
    if serious:
        late = rng.random() < _LATE_TO_IVO
        sent = concluded + timedelta(days=rng.randint(15, 70) if late else rng.randint(2, 14))
        ledger.add(
            LexSarahReportedToIVO(
                event_id=ledger.next_id(),
                occurred_on=sent,
                actor=_QUALITY_OFFICER,
                matter_id=matter_id,
            )
        )
    return concluded
