"""Rules not yet written (a placeholder filled in by the rule work of issue 6)."""

from __future__ import annotations

from typing import Final

from caselog.rules.context import Rule

RULES: Final[tuple[Rule, ...]] = ()
"""The rules of this module, in catalogue order."""
