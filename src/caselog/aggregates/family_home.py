"""A home's stream `home:<home_id>`: its investigations (familjehemsutredning).

A home needs no prior event: the first investigation opens the stream. The checks are those
every stream shares (corrections and retractions name an event of the stream).
"""

from __future__ import annotations

from dataclasses import dataclass

from caselog.aggregates.stream import StreamAggregate


@dataclass
class FamilyHome(StreamAggregate):
    """A family home, emergency home or other home. Guards structure only."""
