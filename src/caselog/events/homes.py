"""Homes: the investigation of a family home or emergency home, stream `home:<id>`.

Statutes: SoL (2001:453) 6 kap. 6 §; SoL (2025:400) 22 kap. 2, 4 §§; SOSFS 2012:11 4 kap.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import StringConstraints

from caselog.events.base import HomeEvent, HomeType


class HomeInvestigationCompleted(HomeEvent):
    """A committee completed its investigation of a home (familjehemsutredning).

    Any municipality's investigation counts ("av en socialnämnd", SoL (2025:400) 22:2).
    """

    type: Literal["home_investigation_completed"] = "home_investigation_completed"
    home_type: HomeType
    by_municipality: Annotated[str, StringConstraints(strict=True, min_length=1, max_length=128)]
