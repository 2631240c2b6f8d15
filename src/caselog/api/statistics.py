"""`CaseLog.stats`: the standard figures of RULES.md §8 as one typed frame (issue 14).

The counting is pure (`caselog.rules.statistics`, one function per figure); this module
reads what it counts — the judged duties on `on` and the facts as known — records the
read in the access log, checks the question first ("never a clean answer to a wrong
question": an unknown period length, a period that ends before it begins or after `on`)
and returns a `Statistics` frame with a fixed schema.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Final, overload

import pyarrow as pa

from caselog.api.access import read_access
from caselog.api.questions import ComplianceQuestions
from caselog.api.tables import ENUM, TypedFrame
from caselog.projections.as_of import corrected_facts
from caselog.rules.statistics import By, Figure, FigureName, all_figures

if TYPE_CHECKING:
    from datetime import date, datetime

STATISTICS_SCHEMA: Final = pa.schema(
    [
        pa.field("period", pa.date32(), nullable=False),
        pa.field("figure", ENUM, nullable=False),
        pa.field("value", pa.float64(), nullable=False),
        pa.field("numerator", pa.int64()),
        pa.field("denominator", pa.int64()),
    ]
)
"""The figures' columns: the period's first day, the figure's name (a dictionary holding
every `FigureName`, so that two answers concatenate), its value, and the counts a share
or rate is made of (null for a median or percentile's numerator)."""

_NAMES: Final = tuple(name.value for name in FigureName)


class Statistics(TypedFrame, Sequence[Figure]):
    """The figures a `stats` question found, by period and then figure."""

    __slots__ = ("by", "figures")

    def __init__(self, figures: Sequence[Figure], by: By) -> None:
        """The figures, and the length of their periods."""
        self.figures: tuple[Figure, ...] = tuple(figures)
        self.by = by

    @overload
    def __getitem__(self, index: int) -> Figure: ...
    @overload
    def __getitem__(self, index: slice) -> Statistics: ...
    def __getitem__(self, index: int | slice) -> Figure | Statistics:
        """A figure, or a slice of them."""
        if isinstance(index, slice):
            return Statistics(self.figures[index], self.by)
        return self.figures[index]

    def __len__(self) -> int:
        """How many figures."""
        return len(self.figures)

    def __iter__(self) -> Iterator[Figure]:
        """The figures in order."""
        return iter(self.figures)

    def __repr__(self) -> str:
        """How many figures, not all of them."""
        return f"<Statistics by {self.by.value}: {len(self)} figures>"

    def records(self) -> list[dict[str, Any]]:
        """The figures as JSON-ready dicts (the period as `YYYY-MM-DD`)."""
        return [
            {
                "period": f.period.isoformat(),
                "figure": f.name.value,
                "value": f.value,
                "numerator": f.numerator,
                "denominator": f.denominator,
            }
            for f in self.figures
        ]

    def to_arrow(self) -> pa.Table:
        """A pyarrow Table of `STATISTICS_SCHEMA`, the same when empty."""
        index = {name: i for i, name in enumerate(_NAMES)}
        figure = pa.DictionaryArray.from_arrays(
            pa.array([index[f.name.value] for f in self.figures], pa.int16()),
            pa.array(_NAMES, pa.string()),
        )
        return pa.Table.from_arrays(
            [
                pa.array([f.period for f in self.figures], pa.date32()),
                figure,
                pa.array([f.value for f in self.figures], pa.float64()),
                pa.array([f.numerator for f in self.figures], pa.int64()),
                pa.array([f.denominator for f in self.figures], pa.int64()),
            ],
            schema=STATISTICS_SCHEMA,
        )


def checked_period(by: By | str) -> By:
    """`month`, `quarter` or `year`, or a ValueError that lists them."""
    try:
        return By(by)
    except ValueError:
        known = ", ".join(b.value for b in By)
        msg = f"unknown period {by!r}: use one of {known}"
        raise ValueError(msg) from None


def checked_span(on: date, start: date | None, end: date | None) -> None:
    """Refuse a span that ends before it begins, or after `on` (the figures are as of it)."""
    if start is not None and end is not None and end < start:
        msg = f"the period ends ({end}) before it begins ({start})"
        raise ValueError(msg)
    if end is not None and end > on:
        msg = f"the period ends ({end}) after the day asked about ({on}): figures are as of {on}"
        raise ValueError(msg)
    if start is not None and start > on:
        msg = f"the period begins ({start}) after the day asked about ({on})"
        raise ValueError(msg)


class StatisticsQuestions(ComplianceQuestions):
    """The standard figures of the municipality's work (mixed into `CaseLog`).

    They read the judged duties, so they stand on the compliance questions.
    """

    @read_access
    def stats(
        self,
        *,
        on: date,
        from_: date | None = None,
        to: date | None = None,
        by: By | str = By.MONTH,
        known_at: date | datetime | None = None,
        actor: str | None = None,
    ) -> Statistics:
        """The standard figures (RULES.md §8) per `by` period, as known at `known_at`.

        Each figure is judged on `on` (duties not yet due are left out) for the periods
        that hold a day from `from_` to `to` (default: every period up to `on`). The
        figures and their definitions: docs/analysis.md#statistics and
        `caselog.rules.statistics`.

        Raises:
            ValueError: `by` is no period length, or the span ends before it begins or
                after `on`.
            StoreNotFoundError: nothing was ever written to the log's URL.
        """
        period = checked_period(by)
        checked_span(on, from_, to)
        moment = self._moment(known_at)
        self._accessed(
            "stats", None, actor, on=on, known_at=moment, by=period.value, start=from_, end=to
        )
        judged = list(self.obligations(on=on, known_at=moment))
        facts = corrected_facts(list(self.store.read_log(known_at=moment)))
        return Statistics(all_figures(judged, facts, on=on, by=period, start=from_, end=to), period)
