"""What a report shows, asked of the log: counts, trend, findings and the two-moment comparison.

Every number comes from the same questions `caselog compliance` asks (`summary`,
`obligations`), so an inspector (IVO, tillsyn) can check any figure of the report against
the command line. Large answers stay Arrow tables, cut into batches only when a page is
written, so that a municipality of 100,000 children fits in bounded memory.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import pyarrow as pa
import pyarrow.compute as pc

from caselog.api.frames import OBLIGATION_SCHEMA
from caselog.rules.model import FINDINGS, Status

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime

    from caselog.api import CaseLog
    from caselog.reports.question import ReportQuestion

KEY: Final = ("rule_id", "case_id", "trigger_event_id", "part", "period")
"""The stable key of an obligation across every `on` and `known_at` (RULES.md §4.28)."""

COMPARED: Final = ("status", "due_on", "effective_due_on", "satisfied_on")
"""What the comparison looks at beside the key: the status and the dates."""

_BATCH: Final = 2000


@dataclass(frozen=True, slots=True)
class Trend:
    """Findings at each month end: per rule (for its sparkline) and per status (the chart)."""

    days: tuple[Any, ...]
    by_rule: dict[str, list[int]]
    by_status: dict[Status, list[int]]


@dataclass(frozen=True, slots=True)
class Comparison:
    """The same day judged at two moments, keyed by the stable key (RULES.md §4.28).

    `only_then` holds the keys the records at `then` had and those at `now` lack (a duty
    whose trigger was corrected or retracted since), `only_now` the keys known only now
    (a fact registered late), `changed` the keys on both sides whose status or dates
    differ. Each is a table of the key, `trigger_on` and the compared fields of both
    sides (suffixed `_then`, `_now`).
    """

    only_then: pa.Table
    only_now: pa.Table
    changed: pa.Table

    @property
    def empty(self) -> bool:
        """Whether both moments gave the same answer."""
        return not (self.only_then.num_rows or self.only_now.num_rows or self.changed.num_rows)


def summary_counts(log: CaseLog, q: ReportQuestion) -> dict[str, dict[Status, int]]:
    """How many obligations of each rule have each status on `on`, rules in catalogue order.

    Ids sort in catalogue order as text (R03 < R03b < R04 < R16a), so a sort suffices.
    """
    counted: Counter[tuple[str, Status]] = Counter()
    for case_id in q.case_ids or (None,):
        counted.update(log.summary(on=q.on, known_at=q.known_at, case_id=case_id))
    counts: dict[str, dict[Status, int]] = {}
    for (rule_id, status), count in sorted(counted.items()):
        counts.setdefault(rule_id, {})[status] = count
    return counts


def trend(log: CaseLog, q: ReportQuestion) -> Trend:
    """The findings at each month end of the period, as the log showed them at `known_at`."""
    days = q.month_ends()
    by_rule: dict[str, list[int]] = {}
    by_status: dict[Status, list[int]] = {s: [0] * len(days) for s in Status if s in FINDINGS}
    for index, day in enumerate(days):
        for case_id in q.case_ids or (None,):
            counted = log.summary(on=day, known_at=q.known_at, case_id=case_id, status=FINDINGS)
            for (rule_id, status), count in counted.items():
                by_rule.setdefault(rule_id, [0] * len(days))[index] += count
                by_status[status][index] += count
    return Trend(tuple(days), dict(sorted(by_rule.items())), by_status)


def obligations_table(
    log: CaseLog,
    q: ReportQuestion,
    *,
    known_at: datetime | None = None,
    only_findings: bool = True,
) -> pa.Table:
    """The obligations on `on` (findings only by default) as one Arrow table.

    `known_at` overrides the question's (the comparison asks at two moments).
    """
    moment = q.known_at if known_at is None else known_at
    wanted = FINDINGS if only_findings else None
    tables = [
        log.obligations(on=q.on, known_at=moment, case_id=case_id, status=wanted).to_arrow()
        for case_id in q.case_ids or (None,)
    ]
    return pa.concat_tables(tables) if tables else OBLIGATION_SCHEMA.empty_table()


def findings(log: CaseLog, q: ReportQuestion) -> pa.Table:
    """The findings on `on`, triggered in the period when one is given, by rule then case."""
    table = obligations_table(log, q)
    if q.first is not None:
        table = table.filter(pc.greater_equal(table["trigger_on"], pa.scalar(q.first)))
    if q.last is not None:
        table = table.filter(pc.less_equal(table["trigger_on"], pa.scalar(q.last)))
    return table.sort_by(
        [("rule_id", "ascending"), ("case_id", "ascending"), ("trigger_on", "ascending")]
    )


def compare(log: CaseLog, q: ReportQuestion) -> Comparison:
    """(`on`, `then`) against (`on`, `now`): keys on one side only, and rows that differ."""
    then = _keyed(obligations_table(log, q, known_at=q.then, only_findings=False))
    now = _keyed(obligations_table(log, q, known_at=q.now, only_findings=False))
    joined = then.join(
        now, keys=list(KEY), join_type="full outer", left_suffix="_then", right_suffix="_now"
    ).sort_by([(name, "ascending") for name in KEY])
    on_then = pc.is_valid(joined["status_then"])
    on_now = pc.is_valid(joined["status_now"])
    differs = None
    for name in COMPARED:
        left, right = joined[f"{name}_then"], joined[f"{name}_now"]
        # null-aware: an empty date on one side only is a difference too
        unequal = pc.fill_null(
            pc.not_equal(left, right), pc.xor(pc.is_null(left), pc.is_null(right))
        )
        differs = unequal if differs is None else pc.or_(differs, unequal)
    return Comparison(
        only_then=joined.filter(pc.and_(on_then, pc.invert(on_now))),
        only_now=joined.filter(pc.and_(on_now, pc.invert(on_then))),
        changed=joined.filter(pc.and_(pc.and_(on_then, on_now), differs)),
    )


def _keyed(table: pa.Table) -> pa.Table:
    """The key (nulls filled, since a join never matches a null) and the compared fields."""
    columns = {
        "rule_id": table["rule_id"],
        "case_id": table["case_id"],
        "trigger_event_id": pc.fill_null(table["trigger_event_id"], ""),
        "part": pc.fill_null(table["part"], ""),
        "period": pc.fill_null(table["period"], 0),
        "trigger_on": table["trigger_on"],
        "status": table["status"].cast(pa.string()),
        **{name: table[name] for name in COMPARED[1:]},
    }
    return pa.table(columns)


def rows(table: pa.Table) -> Iterator[dict[str, Any]]:
    """The rows of a table as dicts, a batch at a time (never the whole table as objects)."""
    for batch in table.to_batches(max_chunksize=_BATCH):
        yield from batch.to_pylist()
