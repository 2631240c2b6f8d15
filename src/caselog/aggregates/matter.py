"""A deviation or Lex Sarah matter: stream `matter:<matter_id>`.

A matter opens with a report: a deviation (`deviation_reported`) or a lex Sarah report
(`lex_sarah_reported`). Triage, investigation, conclusion and reporting to IVO refer to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from caselog.aggregates.stream import Pending, StreamAggregate, Violation
from caselog.errors import UnknownReferenceError


@dataclass
class Matter(StreamAggregate):
    """A deviation (avvikelse) or lex Sarah matter. Guards structure only."""

    CHECKS_EVERY_EVENT: ClassVar[bool] = True  # a follow-up needs the matter's report
    OPENINGS: ClassVar[frozenset[str]] = frozenset({"deviation_reported", "lex_sarah_reported"})
    FOLLOW_UPS: ClassVar[frozenset[str]] = frozenset(
        {
            "deviation_triaged",
            "deviation_closed",
            "lex_sarah_investigation_started",
            "lex_sarah_concluded",
            "lex_sarah_reported_to_ivo",
        }
    )

    def check(self, pending: Pending) -> list[Violation]:
        """Also: a follow-up needs the matter to have been reported."""
        found = super().check(pending)
        if pending.type in self.FOLLOW_UPS and not self.OPENINGS & set(self.types.values()):
            found.append(
                Violation(
                    "matter_id",
                    f"{self.stream} has no deviation_reported or lex_sarah_reported",
                    UnknownReferenceError,
                )
            )
        return found
