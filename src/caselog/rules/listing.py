"""When a child's case file (personakt) is listed: the read models' copy of `cases()`'s test.

`CaseLog.cases(on=, known_at=)` lists a case file once a fact of it, as recorded by
`known_at`, occurred on or before `on`. Over recorded time that is a step function: the
earliest `occurred_on` among the events recorded so far only ever moves back (a report
registered years late moves it back at once). Each step is stored as a span of
`known_at` with its earliest day, so the listing of a whole municipality is one indexed
query. Pure: records in, steps out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import date, datetime

    from caselog.events import Event, Recorded


@dataclass(frozen=True, slots=True)
class ListedSpan:
    """From `known_from` until `known_to` (None: on), the earliest day a fact occurred."""

    first_on: date
    known_from: datetime
    known_to: datetime | None


def listed_spans(records: Iterable[Recorded[Event]]) -> tuple[ListedSpan, ...]:
    """The steps of a stream's earliest `occurred_on` over recorded time (D3 order).

    Every event counts, corrections and retractions too, as `cases()` counts them.

    >>> from datetime import UTC, date, datetime
    >>> from caselog.events import Recorded, ReportReceived
    >>> def at(day: int, occurred: str) -> Recorded[ReportReceived]:
    ...     event = ReportReceived(child_id="c1", occurred_on=date.fromisoformat(occurred),
    ...                            actor="u1", reporter_category="school",
    ...                            mandatory_reporter=True)
    ...     when = datetime(2024, 1, day, tzinfo=UTC)
    ...     return Recorded(event, "child:c1", day, day, when, "u1")
    >>> [(s.first_on.isoformat(), s.known_from.day, s.known_to and s.known_to.day)
    ...  for s in listed_spans([at(2, "2024-01-02"), at(3, "2024-01-03"), at(5, "2019-05-01")])]
    [('2024-01-02', 2, 5), ('2019-05-01', 5, None)]
    """
    steps: list[tuple[datetime, date]] = []
    for record in sorted(records, key=lambda r: r.position):
        day = record.event.occurred_on
        if steps and day >= steps[-1][1]:
            continue
        if steps and steps[-1][0] == record.recorded_at:
            steps[-1] = (record.recorded_at, day)
        else:
            steps.append((record.recorded_at, day))
    ends = [known for known, _ in steps[1:]] + [None]
    return tuple(
        ListedSpan(first_on, known_from, known_to)
        for (known_from, first_on), known_to in zip(steps, ends, strict=True)
    )
