"""A seeded, deterministic demo municipality: the child-welfare log of *Exempelby*.

`generate(config)` yields the log of a realistic Swedish municipality's child-welfare
casework (individ- och familjeomsorgen, barn och unga) from 2012 to mid-2026, as batches
in registration order: reports of concern, assessments, investigations, interventions,
placements, LVU custody, reviews, visits, family homes, committee meetings, deviations
and lex Sarah matters. It deliberately contains the failures IVO found (see `Pattern`),
at configurable rates, so that the rules have something to find.

The generator is pure (events only: no I/O, no wall clock, no global random state); the
CLI wires it to the API by setting the log's injectable clock to each batch's
`registered_at` (DESIGN.md D3, D10).

>>> from caselog.demo import DemoConfig, generate
>>> batch = next(generate(DemoConfig(children=5)))
>>> batch.registered_at.tzinfo
datetime.timezone.utc
"""

from __future__ import annotations

from caselog.demo.config import DemoConfig
from caselog.demo.generator import DemoBatch, generate, summarise
from caselog.demo.summary import DemoSummary, Pattern

__all__ = ["DemoBatch", "DemoConfig", "DemoSummary", "Pattern", "generate", "summarise"]
