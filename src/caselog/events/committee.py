"""Committee-level facts: meetings and the annual list to IVO, stream `committee:<id>`."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field

from caselog.events.base import CommitteeEvent, Integer


class Body(StrEnum):
    """Which body met."""

    COMMITTEE = "committee"
    """The social welfare committee (socialnämnd)."""
    SUBCOMMITTEE = "subcommittee"
    """A sub-committee (utskott)."""


class CommitteeMeetingHeld(CommitteeEvent):
    """The committee or a sub-committee met (sammanträde)."""

    type: Literal["committee_meeting_held"] = "committee_meeting_held"
    body: Body


class FosterHomeListSentToIVO(CommitteeEvent):
    """The annual list of children in family homes was sent to IVO (SoF 7 kap. 1 §)."""

    type: Literal["foster_home_list_sent_to_ivo"] = "foster_home_list_sent_to_ivo"
    year: Integer = Field(ge=1980, le=2200)
