"""Reading stored spans back at one (`on`, `known_at`): the test oracle's counterpart.

Deliberately naive: scan every span, keep those whose rectangle holds the point, order
them as the reference does (streams by name, then each stream's rows by rule and row
index), and fill in the two things stored as labels only — a `days_overdue` that grows
with `on` (`on − overdue_since`), and a case state's `on` and `known_at`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import date, datetime

    from caselog.projections import CaseState
    from caselog.rules.model import Obligation
    from caselog.rules.spans import Area, RowSpan, StreamSpans


def covers(area: Area, on: date, known_at: datetime) -> bool:
    """Whether the half-open rectangle `area` holds the point (`on`, `known_at`)."""
    return (
        area.on_from <= on < area.on_to
        and area.known_from <= known_at
        and (area.known_to is None or known_at < area.known_to)
    )


def row_at(span: RowSpan, on: date) -> Obligation:
    """The stored row as it reads on `on`."""
    if span.overdue_since is None:
        return span.row
    return replace(span.row, days_overdue=(on - span.overdue_since).days)


def rows_at(spans: Iterable[StreamSpans], on: date, known_at: datetime) -> list[Obligation]:
    """Every stream's rows on `on` as known at `known_at`, in the reference's order."""
    found: list[Obligation] = []
    for stream in sorted(spans, key=lambda s: s.stream):
        here = sorted(
            (span for span in stream.rows if covers(span.area, on, known_at)),
            key=lambda span: (span.rule, span.index),
        )
        found.extend(row_at(span, on) for span in here)
    return found


def state_at(spans: StreamSpans, on: date, known_at: datetime) -> CaseState | None:
    """The stream's case state on `on` as known at `known_at`; None where none is stored.

    Raises:
        AssertionError: two stored states overlap at the point.
    """
    here = [span.state for span in spans.states if covers(span.area, on, known_at)]
    assert len(here) <= 1, f"{len(here)} case states overlap at ({on}, {known_at})"
    return here[0].model_copy(update={"on": on, "known_at": known_at}) if here else None
