"""Deviation reports (avvikelser) and Lex Sarah matters, each a stream `matter:<id>`.

Statutes: SoL (2001:453) 14 kap. 3–7 §§, 3 kap. 3 a §; SoL (2025:400) 27 kap. 1–6 §§;
SOSFS 2011:5 (lex Sarah); SOSFS 2011:9 (systematic quality work).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from caselog.events.base import Day, Flag, Id, MatterEvent


class DeviationReported(MatterEvent):
    """A deviation (avvikelse) from routine or quality was reported."""

    type: Literal["deviation_reported"] = "deviation_reported"
    is_lex_sarah: Flag = False
    child_ids: list[Id] | None = None
    """The children the deviation is about, so that their timelines show it."""

    added_fields: ClassVar[frozenset[str]] = frozenset({"child_ids"})


class DeviationTriaged(MatterEvent):
    """The deviation was triaged: is it an impropriety (missförhållande) under lex Sarah?"""

    type: Literal["deviation_triaged"] = "deviation_triaged"
    is_lex_sarah: Flag


class DeviationClosed(MatterEvent):
    """The deviation was closed after its actions (åtgärder) were taken."""

    type: Literal["deviation_closed"] = "deviation_closed"


class LexSarahReported(MatterEvent):
    """A lex Sarah report (rapport) of an impropriety, SoL (2025:400) 27 kap. 2 §.

    `observed_on` is when the impropriety was noticed; `occurred_on` the report's day.
    """

    type: Literal["lex_sarah_reported"] = "lex_sarah_reported"
    observed_on: Day
    child_ids: list[Id] | None = None
    """The children the impropriety concerns, so that their timelines show it."""

    added_fields: ClassVar[frozenset[str]] = frozenset({"child_ids"})


class LexSarahInvestigationStarted(MatterEvent):
    """The lex Sarah investigation started (SoL (2025:400) 27 kap. 5 §: genast)."""

    type: Literal["lex_sarah_investigation_started"] = "lex_sarah_investigation_started"


class LexSarahConcluded(MatterEvent):
    """The lex Sarah investigation concluded; `serious` = allvarligt missförhållande."""

    type: Literal["lex_sarah_concluded"] = "lex_sarah_concluded"
    serious: Flag


class LexSarahReportedToIVO(MatterEvent):
    """A serious matter was reported to IVO (SoL (2025:400) 27 kap. 6 §: snarast)."""

    type: Literal["lex_sarah_reported_to_ivo"] = "lex_sarah_reported_to_ivo"
