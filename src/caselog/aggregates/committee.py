"""The committee's stream `committee:<committee_id>`: meetings and annual lists to IVO."""

from __future__ import annotations

from dataclasses import dataclass

from caselog.aggregates.stream import StreamAggregate


@dataclass
class Committee(StreamAggregate):
    """The social welfare committee (socialnämnd). Guards structure only."""
