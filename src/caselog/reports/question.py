"""What a report is asked: the day, the two moments of the log, the cases and the language.

A report is read on two time axes (docs/time.md): its body judges every duty on `on` as
the log showed it at `known_at`, and its comparison judges the same day at two moments,
`then` and `now`, to show what the records of an earlier day lacked. Kept in one frozen
value so that the report, the bundle and their tests ask exactly the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Final

from caselog.api import resolve_known_at
from caselog.reports.catalogue import Lang

if TYPE_CHECKING:
    from caselog.api import CaseLog

MAX_CASES: Final = 500
"""How many case files get a timeline by default (`--max-cases`)."""

TREND_MONTHS: Final = 12
"""How many month ends the trend shows when no period is given."""


@dataclass(frozen=True, slots=True)
class ReportQuestion:
    """One report's question; every moment is an aware UTC timestamp, never "now" unresolved.

    `first`/`last` limit the findings to the duties triggered in that period (as
    `caselog compliance --from/--to`) and set the months of the trend. `case_ids` limits
    everything to those children's case files (personakter); None means the whole log.
    """

    on: date
    known_at: datetime
    then: datetime
    now: datetime
    first: date | None = None
    last: date | None = None
    case_ids: tuple[str, ...] | None = None
    max_cases: int = MAX_CASES
    lang: Lang = Lang.EN

    def month_ends(self) -> list[date]:
        """The days the trend counts findings on: each month's last day, `on` for the last.

        >>> q = ReportQuestion(date(2019, 3, 10), *[datetime(2020, 1, 1)] * 3,
        ...                    first=date(2019, 1, 15))
        >>> [str(d) for d in q.month_ends()]
        ['2019-01-31', '2019-02-28', '2019-03-10']
        """
        last = min(self.last or self.on, self.on)
        if self.first is not None:
            start = self.first.replace(day=1)
        else:
            months_back = last.year * 12 + last.month - TREND_MONTHS
            start = date(months_back // 12, months_back % 12 + 1, 1)
        ends: list[date] = []
        month = start
        while month <= last:
            following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
            ends.append(min(following - timedelta(days=1), last))
            month = following
        return ends


def ask(
    log: CaseLog,
    *,
    on: date,
    known_at: date | datetime | None,
    first: date | None = None,
    last: date | None = None,
    case_ids: tuple[str, ...] | None = None,
    max_cases: int = MAX_CASES,
    lang: Lang = Lang.EN,
    fixed: bool = False,
) -> ReportQuestion:
    """The question of a report (`fixed=False`) or of a bundle (`fixed=True`), resolved.

    A report reads the log now: its body at `known_at` (default now), its comparison
    between `known_at` (default the end of `on`: what the records showed that day) and now.
    A bundle never reads the wall clock: its "now" is `known_at`, by default the moment of
    the last event recorded, and its comparison runs from the end of `on` (or `known_at`
    when earlier) to that moment, so that the same log gives the same bundle.
    """
    last_recorded = log.store.last_recorded_at()
    if fixed:
        now = resolve_known_at(known_at, log.clock) if known_at is not None else last_recorded
        now = now or resolve_known_at(on, log.clock)  # an empty log: the end of `on`
        then = min(resolve_known_at(on, log.clock), now)
        body = now
    else:
        now = max(log.clock(), last_recorded) if last_recorded else log.clock()
        then = resolve_known_at(known_at if known_at is not None else on, log.clock)
        body = now if known_at is None else then
    return ReportQuestion(on, body, then, now, first, last, case_ids, max_cases, lang)
