"""The statutes caselog cites, and the days they came into force (RULES.md §1, §5).

SoL (2001:453) governs until 2025-06-30 and SoL (2025:400) from 2025-07-01; LVU (1990:52)
runs throughout. Rules list one `LawVersion` per period; the citation follows D7.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from caselog.rules.model import LawVersion

SOL01: Final = "SoL (2001:453)"
"""Socialtjänstlag (2001:453), in force 2002-01-01 to 2025-06-30."""
SOL25: Final = "SoL (2025:400)"
"""Socialtjänstlag (2025:400), in force from 2025-07-01."""
LVU: Final = "LVU (1990:52)"
"""Lag (1990:52) med särskilda bestämmelser om vård av unga."""
SOF: Final = "SoF (2001:937)"
"""Socialtjänstförordning (2001:937)."""

SOL01_START: Final = date(2002, 1, 1)
SOL01_END: Final = date(2025, 6, 30)
SOL25_START: Final = date(2025, 7, 1)


def version(
    statute: str,
    paragraph: str,
    valid_from: date | None = None,
    valid_to: date | None = None,
    *,
    verified: bool = True,
) -> LawVersion:
    """One period of one paragraph (shorthand for the rule tables)."""
    return LawVersion(statute, paragraph, valid_from, valid_to, verified)


def sol(
    paragraph_01: str, paragraph_25: str, *, since: date = SOL01_START
) -> tuple[LawVersion, ...]:
    """A duty in both Social Services Acts: the old paragraph until 2025-06-30, then the new."""
    return (
        version(SOL01, paragraph_01, since, SOL01_END),
        version(SOL25, paragraph_25, SOL25_START),
    )


def statutes_in_force(day: date) -> tuple[str, ...]:
    """The statutes caselog judges `day` by: the SoL of the day, LVU and SoF.

    What an export's provenance names as its law versions.

    >>> statutes_in_force(date(2019, 11, 25))
    ('SoL (2001:453)', 'LVU (1990:52)', 'SoF (2001:937)')
    """
    return (SOL25 if day >= SOL25_START else SOL01, LVU, SOF)
