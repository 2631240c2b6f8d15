"""`CaseLog.cases` from the read models: the listed case files, their findings, their states.

Three questions instead of judging the whole log: which child streams are listed on `on`
as known at `known_at` (`caselog_rm_listed`, through its index), how many findings each
has by status (counted in the segments' columns, `caselog.storage.read_model_segments`),
and — only when the frame is asked for — each case state holding there. Where the answer
lives in the domain: `caselog.rules.listing` (when a case file is listed) and
`caselog.rules.spans`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import and_, select

from caselog.rules.model import Status
from caselog.storage.read_model_schema import (
    day,
    holding,
    instant,
    listed,
    states,
)

if TYPE_CHECKING:
    from datetime import date, datetime

    from sqlalchemy import Engine

_CHILD = "child:"


@dataclass(frozen=True)
class StoredCases:
    """The listed child streams with their findings; their states are read when asked."""

    engine: Engine
    on: date
    known_at: datetime
    streams: frozenset[str]
    """The child streams listed (`child:<id>`)."""
    findings: dict[str, dict[Status, int]]
    """Per listed stream, how many rows of each status of `FINDINGS` hold (none: absent)."""

    def states(self) -> dict[str, str]:
        """Each listed stream's case state holding at (`on`, `known_at`), as stored JSON."""
        query = select(states.c.stream, states.c.state).where(
            states.c.stream.startswith(_CHILD, autoescape=True),
            holding(states, self.on, self.known_at),
        )
        with self.engine.connect() as conn:
            return {s: str(state) for s, state in conn.execute(query) if s in self.streams}


def stored_cases(engine: Engine, *, on: date, known_at: datetime) -> StoredCases:
    """The listing and the findings of every child's case file at (`on`, `known_at`)."""
    moment = instant(known_at)
    listing = select(listed.c.stream).where(
        and_(
            listed.c.known_from <= moment,
            listed.c.known_to > moment,
            listed.c.first_on <= day(on),
        )
    )
    from caselog.storage.read_model_segments import findings_by_stream  # noqa: PLC0415
    from caselog.storage.read_models import snapshot  # noqa: PLC0415

    with snapshot(engine) as conn:
        streams = frozenset(name for (name,) in conn.execute(listing))
        counted = findings_by_stream(conn, on=on, known_at=known_at, prefix=_CHILD)
    findings = {stream: n for stream, n in counted.items() if stream in streams}
    return StoredCases(engine, on, known_at, streams, findings)
