"""The standard figures of RULES.md §8, one pure function each, per month, quarter or year.

The new SoL makes following up the work a duty of the nämnd ("systematiskt och
fortlöpande följa upp", SoL (2025:400) 5 kap. 2 §); these are the figures IVO, Umeå and
Socialstyrelsen publish, computed from what caselog already judges:

* from the judged duties (`Obligation` rows, D7): förhandsbedömningar (pre-assessments of
  a report of concern, orosanmälan) within 14 days (R02), investigations (utredningar)
  within four months (R05), days from report to decision and from opening to conclusion,
  placed children's care reviewed on time (överväganden and prövningar, R11/R12);
* from the facts as known (`Viewed`, D4): conversion of reports to investigations, visits
  and private talks per placed child per year (R14), documentation lag (R21).

Each figure is a `Figure` row per period: `value`, and where the value is a share or a
rate its `numerator` and `denominator`, so that periods and municipalities can be added
up again. A period is named by its first day; an item falls in the period of the day
that starts its clock (`trigger_on`; a fact's `occurred_on`). No I/O and no clock: the
service (`caselog.api.statistics`) reads, this module counts.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo

from caselog.events import (
    InvestigationOpened,
    PlacementEnded,
    PlacementStarted,
    PrivateTalkHeld,
    ReportReceived,
    VisitMade,
)
from caselog.rules.model import Status

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from caselog.projections.as_of import Viewed
    from caselog.rules.model import Obligation

SWEDEN: Final = ZoneInfo("Europe/Stockholm")
LATE_REGISTRATION_DAYS: Final = 30
"""R21: a fact registered more than this many days after it happened is late (RULES.md)."""
DAYS_PER_YEAR: Final = 365.25


class By(StrEnum):
    """The length of a period: a calendar month, quarter or year."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class FigureName(StrEnum):
    """Every figure, by its stable name (the `figure` column)."""

    PRE_ASSESSMENTS_WITHIN_14_DAYS = "pre_assessments_within_14_days"
    INVESTIGATIONS_WITHIN_FOUR_MONTHS = "investigations_within_four_months"
    DAYS_REPORT_TO_DECISION_MEDIAN = "days_report_to_decision_median"
    DAYS_REPORT_TO_DECISION_P90 = "days_report_to_decision_p90"
    DAYS_OPENED_TO_CONCLUDED_MEDIAN = "days_opened_to_concluded_median"
    DAYS_OPENED_TO_CONCLUDED_P90 = "days_opened_to_concluded_p90"
    REPORTS_LEADING_TO_INVESTIGATION = "reports_leading_to_investigation"
    REVIEWS_ON_TIME = "reviews_on_time"
    VISITS_PER_PLACED_CHILD_YEAR = "visits_per_placed_child_year"
    DOCUMENTATION_LAG_MEDIAN_DAYS = "documentation_lag_median_days"
    DOCUMENTATION_LATE_SHARE = "documentation_late_share"


SHARES: Final = frozenset(
    {
        FigureName.PRE_ASSESSMENTS_WITHIN_14_DAYS,
        FigureName.INVESTIGATIONS_WITHIN_FOUR_MONTHS,
        FigureName.REPORTS_LEADING_TO_INVESTIGATION,
        FigureName.REVIEWS_ON_TIME,
        FigureName.DOCUMENTATION_LATE_SHARE,
    }
)
"""The figures that are shares (0–1): `numerator / denominator`."""


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure for one period: its value, and the counts a share or rate is made of."""

    period: date
    """The first day of the period."""
    name: FigureName
    value: float
    numerator: int | None = None
    denominator: int | None = None


def period_start(day: date, by: By) -> date:
    """The first day of the month, quarter or year that holds `day`.

    >>> period_start(date(2019, 11, 25), By.QUARTER)
    datetime.date(2019, 10, 1)
    """
    if by is By.YEAR:
        return date(day.year, 1, 1)
    if by is By.QUARTER:
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, day.month, 1)


def next_period(start: date, by: By) -> date:
    """The first day of the period after the one starting on `start`."""
    months = {By.MONTH: 1, By.QUARTER: 3, By.YEAR: 12}[by]
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def median(values: Sequence[int]) -> float:
    """The median: the middle value, or the mean of the two middle ones.

    >>> median([3, 1, 10, 4])
    3.5
    """
    return float(statistics.median(values))


def p90(values: Sequence[int]) -> float:
    """The 90th percentile by nearest rank: the smallest value ≥ 90 % of the values.

    >>> p90(list(range(1, 11)))
    9.0
    """
    ordered = sorted(values)
    return float(ordered[math.ceil(0.9 * len(ordered)) - 1])


# -- from the judged duties ---------------------------------------------------------------

_DECIDED: Final = frozenset({Status.MET, Status.MET_LATE, Status.OVERDUE, Status.WAIVED})
"""Duties whose outcome is known: decided, or past due. `pending` (not yet due) and
`not_applicable` (no duty) are not counted."""
_REVIEWED: Final = frozenset({Status.MET, Status.MET_LATE, Status.OVERDUE, Status.BREACHED})


def _share(
    name: FigureName,
    rows: Iterable[Obligation],
    by: By,
    *,
    counted: frozenset[Status],
    day: Callable[[Obligation], date | None] = lambda o: o.trigger_on,
) -> list[Figure]:
    """Per period: of the rows whose status is `counted`, the share that is `met`."""
    met: dict[date, int] = defaultdict(int)
    total: dict[date, int] = defaultdict(int)
    for o in rows:
        when = day(o)
        if o.status in counted and when is not None:
            start = period_start(when, by)
            total[start] += 1
            met[start] += o.status is Status.MET
    return [Figure(p, name, met[p] / total[p], met[p], total[p]) for p in sorted(total)]


def pre_assessments_within_14_days(rows: Iterable[Obligation], by: By) -> list[Figure]:
    """Share of reports of concern whose förhandsbedömning was decided in time (R02).

    Per month of receipt: R02 duties `met` (decided by the due day, received + 14 days
    after the Sunday rule) among those decided or past due (`met`, `met_late`, `overdue`,
    `waived` by an extension for synnerliga skäl). IVO 2015: 24 % late.
    """
    return _share(
        FigureName.PRE_ASSESSMENTS_WITHIN_14_DAYS,
        (o for o in rows if o.rule_id == "R02"),
        by,
        counted=_DECIDED,
    )


def investigations_within_four_months(rows: Iterable[Obligation], by: By) -> list[Figure]:
    """Share of investigations (utredningar) concluded in time (R05).

    Per month of opening: R05 duties `met` — concluded within four months, or within a
    valid extension (SoL 11 kap. 2 § / 20 kap. 3 §) — among those concluded or past due.
    IVO 2015: 86 % on time.
    """
    return _share(
        FigureName.INVESTIGATIONS_WITHIN_FOUR_MONTHS,
        (o for o in rows if o.rule_id == "R05"),
        by,
        counted=_DECIDED,
    )


def reviews_on_time(rows: Iterable[Obligation], by: By) -> list[Figure]:
    """Share of due överväganden and prövningar of placed children made on time (R11, R12).

    Per month of the due day: periods `met` among those reviewed, overdue or whose
    window closed unmet (`breached`). Umeå 2020: 74 %.
    """
    return _share(
        FigureName.REVIEWS_ON_TIME,
        (o for o in rows if o.rule_id in {"R11", "R12"}),
        by,
        counted=_REVIEWED,
        day=lambda o: o.effective_due_on or o.due_on,
    )


def _durations(
    names: tuple[FigureName, FigureName], rows: Iterable[Obligation], by: By
) -> list[Figure]:
    """Per period of `trigger_on`: median and P90 of days to `satisfied_on`, with n."""
    days: dict[date, list[int]] = defaultdict(list)
    for o in rows:
        if o.satisfied_on is not None:
            days[period_start(o.trigger_on, by)].append((o.satisfied_on - o.trigger_on).days)
    found = []
    for start in sorted(days):
        found.append(Figure(start, names[0], median(days[start]), None, len(days[start])))
        found.append(Figure(start, names[1], p90(days[start]), None, len(days[start])))
    return found


def days_report_to_decision(rows: Iterable[Obligation], by: By) -> list[Figure]:
    """Median and P90 days from a report of concern to its förhandsbedömning decision (R02).

    Per month of receipt, over the reports decided (to open an investigation or not).
    """
    names = (FigureName.DAYS_REPORT_TO_DECISION_MEDIAN, FigureName.DAYS_REPORT_TO_DECISION_P90)
    return _durations(names, (o for o in rows if o.rule_id == "R02"), by)


def days_opened_to_concluded(rows: Iterable[Obligation], by: By) -> list[Figure]:
    """Median and P90 days from opening an investigation to concluding it (R05).

    Per month of opening, over the investigations concluded (utredningstid; Kolada's
    KKiK measure is a mean).
    """
    names = (FigureName.DAYS_OPENED_TO_CONCLUDED_MEDIAN, FigureName.DAYS_OPENED_TO_CONCLUDED_P90)
    return _durations(names, (o for o in rows if o.rule_id == "R05"), by)


# -- from the facts as known --------------------------------------------------------------


def reports_leading_to_investigation(facts: Iterable[Viewed], by: By) -> list[Figure]:
    """Share of reports of concern that led to an investigation (conversion).

    Per month of receipt: reports named by an `investigation_opened` (its
    `report_event_ids`) among all reports received. Nationally 2018: 38 %.
    """
    received: dict[str, date] = {}
    opened: set[str] = set()
    for fact in facts:
        event = fact.event
        if isinstance(event, ReportReceived):
            received[event.event_id] = event.occurred_on
        elif isinstance(event, InvestigationOpened):
            opened.update(event.report_event_ids)
    led: dict[date, int] = defaultdict(int)
    total: dict[date, int] = defaultdict(int)
    for event_id, day in received.items():
        start = period_start(day, by)
        total[start] += 1
        led[start] += event_id in opened
    name = FigureName.REPORTS_LEADING_TO_INVESTIGATION
    return [Figure(p, name, led[p] / total[p], led[p], total[p]) for p in sorted(total)]


def _care_days(facts: Iterable[Viewed], on: date) -> dict[str, list[tuple[date, date]]]:
    """Each child's days in out-of-home care up to `on`, as merged [first, last] runs."""
    starts: dict[tuple[str, str], date] = {}
    ends: dict[tuple[str, str], date] = {}
    for fact in facts:
        event = fact.event
        if isinstance(event, PlacementStarted):
            starts[event.child_id, event.placement_id] = event.occurred_on
        elif isinstance(event, PlacementEnded):
            ends[event.child_id, event.placement_id] = event.occurred_on
    runs: dict[str, list[tuple[date, date]]] = defaultdict(list)
    for key, first in sorted(starts.items(), key=lambda item: item[1]):
        # The day of moving out is not a day in care; an open placement runs to `on`.
        last = min(on, ends[key] - timedelta(days=1)) if key in ends else on
        if last < first:
            continue
        merged = runs[key[0]]
        if merged and first <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return runs


def visits_per_placed_child_year(facts: Sequence[Viewed], on: date, by: By) -> list[Figure]:
    """Visits and private talks (enskilda samtal) per placed child and year in care (R14).

    Per period: `visit_made` and `private_talk_held` on a day the child was in care
    (numerator) over the days children spent in out-of-home care in it up to `on`
    (denominator), scaled to a year of 365.25 days. Socialstyrelsen recommends four;
    Umeå 2020: 4.2.
    """
    days: dict[date, int] = defaultdict(int)
    in_care = _care_days(facts, on)
    for runs in in_care.values():
        for first, last in runs:
            start = period_start(first, by)
            while start <= last:
                end = next_period(start, by) - timedelta(days=1)
                days[start] += (min(last, end) - max(first, start)).days + 1
                start = end + timedelta(days=1)
    visits: dict[date, int] = defaultdict(int)
    for fact in facts:
        event = fact.event
        if isinstance(event, VisitMade | PrivateTalkHeld) and any(
            first <= event.occurred_on <= last for first, last in in_care.get(event.child_id, ())
        ):
            visits[period_start(event.occurred_on, by)] += 1
    name = FigureName.VISITS_PER_PLACED_CHILD_YEAR
    return [
        Figure(p, name, visits[p] * DAYS_PER_YEAR / days[p], visits[p], days[p])
        for p in sorted(days)
    ]


def registration_lag(fact: Viewed) -> int:
    """Days from a fact to its registration: `recorded_at`'s Swedish day − `occurred_on`."""
    recorded: datetime = fact.recorded_at
    return (recorded.astimezone(SWEDEN).date() - fact.event.occurred_on).days


def documentation_lag(facts: Iterable[Viewed], by: By) -> list[Figure]:
    """Documentation lag (R21): median days to registration, and the share registered late.

    Per month of the fact: the median of `recorded_at` (its Swedish day) − `occurred_on`
    over every fact, and the share registered more than 30 days after it happened.
    """
    lags: dict[date, list[int]] = defaultdict(list)
    for fact in facts:
        lags[period_start(fact.event.occurred_on, by)].append(registration_lag(fact))
    found = []
    for start in sorted(lags):
        values = lags[start]
        late = sum(lag > LATE_REGISTRATION_DAYS for lag in values)
        found.append(
            Figure(
                start, FigureName.DOCUMENTATION_LAG_MEDIAN_DAYS, median(values), None, len(values)
            )
        )
        found.append(
            Figure(
                start, FigureName.DOCUMENTATION_LATE_SHARE, late / len(values), late, len(values)
            )
        )
    return found


def all_figures(
    obligations: Sequence[Obligation],
    facts: Sequence[Viewed],
    *,
    on: date,
    by: By,
    start: date | None = None,
    end: date | None = None,
) -> list[Figure]:
    """Every figure for the periods that hold a day in [`start`, `end`], in period order.

    `facts` are the facts as known (D4 steps 1–3); those after `on` are left out here.
    """
    facts = [f for f in facts if f.event.occurred_on <= on]
    found = [
        *pre_assessments_within_14_days(obligations, by),
        *investigations_within_four_months(obligations, by),
        *days_report_to_decision(obligations, by),
        *days_opened_to_concluded(obligations, by),
        *reports_leading_to_investigation(facts, by),
        *reviews_on_time(obligations, by),
        *visits_per_placed_child_year(facts, on, by),
        *documentation_lag(facts, by),
    ]
    first = period_start(start, by) if start else None
    last = period_start(min(end or on, on), by)
    order = {name: i for i, name in enumerate(FigureName)}
    return sorted(
        (f for f in found if (first is None or first <= f.period) and f.period <= last),
        key=lambda f: (f.period, order[f.name]),
    )
