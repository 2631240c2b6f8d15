"""Properties that pin RULES.md §4.28 on random histories (issue 9, item 4).

Two implementations of the catalogue can only be compared row by row if a row keeps one
identity — `(rule_id, case_id, trigger_event_id, part, period)` — across every `on` and
`known_at`, and if what a row says once it is final never moves. These laws check that on
random one-case histories (`tests.strategies.histories`) and on small demo municipalities.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import TYPE_CHECKING, Final

from hypothesis import given, settings
from hypothesis import strategies as st

from caselog.dates import STOCKHOLM
from caselog.events import DecidedBy, EventCorrected, EventRetracted, HomeType
from caselog.projections import fold_case_state
from caselog.rules.evaluate import evaluate, views_by_stream
from caselog.rules.model import Flag, Obligation, Status
from tests.properties.test_obligation_laws import municipality
from tests.rules.builders import concluded, opened
from tests.rules.lvu_builders import (
    care_applied_for,
    custody_decided,
    custody_ended,
    custody_executed,
    custody_submitted,
    restriction_decided,
    restriction_lifted,
    restriction_reviewed,
)
from tests.rules.placement_builders import care_decided, home_investigated, moved_in, moved_out
from tests.strategies import histories, history_of

if TYPE_CHECKING:
    from collections.abc import Sequence

    from caselog.events import Event, Recorded

FAR: Final = datetime(2100, 1, 1, tzinfo=UTC)
Key = tuple[str, str, str | None, str | None, int | None]

FROZEN_RULES: Final = frozenset({"R07", "R08", "R16b", "R16c"})
"""Rules whose breach is counted to the end of a placement or custody (§4.28 "Frozen days")."""


def key(o: Obligation) -> Key:
    """The stable key of §4.28 "One row per trigger, one stable key"."""
    return (o.rule_id, o.case_id, o.trigger_event_id, o.part, o.period)


def in_date_order(events: Sequence[Event]) -> list[Recorded[Event]]:
    """Record facts in the order they happened, each day's facts on that day (10:00 UTC).

    Every event recorded later is then dated after every event recorded earlier: nothing
    is registered late, corrected or retracted — the histories §4.28's stability law is
    about.
    """
    facts = sorted(
        (e for e in events if not isinstance(e, EventCorrected | EventRetracted)),
        key=lambda e: e.occurred_on,
    )
    stamps = [datetime.combine(e.occurred_on, time(10), tzinfo=UTC) for e in facts]
    return history_of(facts, recorded_at=stamps)


@cache
def ordered_municipality(seed: int) -> tuple[Recorded[Event], ...]:
    """The demo municipality of `seed`, re-recorded in date order."""
    return tuple(in_date_order([r.event for r in municipality(seed)]))


def at_end_of(day: date) -> datetime:
    """A bare date as `known_at`: the end of that day in Stockholm."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=STOCKHOLM).astimezone(UTC)


def check_growth(history: Sequence[Recorded[Event]], on: date, t1: date, t2: date) -> None:
    """Keys known at t1 are still there at t2; final rows at t1 are identical at t2.

    Two duties are closed or opened by time alone, and are left out:
    * R23 `general`: the duty arises five years after the last entry, and any new entry
      restarts that clock for the whole personakt (SoL (2025:400) 16 kap. 1 §), so a later
      entry rightly takes back a duty that seemed to have arisen;
    * R14 `year`: a care year ends by the calendar (D7 counts a year short of visits as a
      window that closed), and rules judge the view and `on` only (D8), so as of an `on`
      past what the records reach, a year the records left empty reads as breached and
      years beyond them as begun, until later records fill them or end the care.
    """
    before = {
        key(o): o
        for o in evaluate(history, on=on, known_at=at_end_of(t1))
        if (o.rule_id, o.part) not in {("R23", "general"), ("R14", "year")}
    }
    after = {key(o): o for o in evaluate(history, on=on, known_at=at_end_of(t2))}
    assert before.keys() <= after.keys(), sorted(before.keys() - after.keys(), key=str)
    for identity, row in before.items():
        if row.is_final:
            assert after[identity] == row, identity


seeds = st.integers(min_value=1, max_value=6)
days = st.dates(min_value=date(2012, 6, 1), max_value=date(2026, 6, 30))
steps = st.integers(min_value=1, max_value=1200)


@settings(max_examples=30)
@given(histories(max_edits=0), st.dates(date(2023, 12, 1), date(2026, 6, 1)), steps, steps)
def test_what_was_known_stays_known_in_a_case(
    case: list[Recorded[Event]], on: date, first: int, second: int
) -> None:
    """Recorded in date order: knowing more adds rows and never changes a final one."""
    history = in_date_order([r.event for r in case])
    t1 = date(2023, 12, 1) + timedelta(days=first)
    check_growth(history, on, t1, t1 + timedelta(days=second))


@settings(max_examples=12)
@given(seeds, days, steps, steps)
def test_what_was_known_stays_known_in_a_municipality(
    seed: int, on: date, first: int, second: int
) -> None:
    """The same law on demo municipalities (homes, committees, LVU), recorded in date order."""
    t1 = date(2012, 1, 1) + timedelta(days=first * 4)
    check_growth(ordered_municipality(seed), on, t1, t1 + timedelta(days=second * 2))


def check_rows(rows: Sequence[Obligation]) -> None:
    """No two rows share a key; a not_applicable row has no due fields."""
    counts = Counter(key(o) for o in rows)
    assert [k for k, n in counts.items() if n > 1] == []
    for row in rows:
        if row.status is Status.NOT_APPLICABLE:
            due = (row.due_on, row.effective_due_on, row.days_late, row.days_overdue)
            assert due == (None, None, None, None), row


@settings(max_examples=40)
@given(histories(), st.dates(date(2023, 12, 1), date(2026, 6, 1)), st.booleans())
def test_rows_have_one_key_and_not_applicable_rows_no_due_date(
    case: list[Recorded[Event]], on: date, everything: bool
) -> None:
    """On any history (corrections, retractions, late papers), as known now or at `on`."""
    check_rows(evaluate(case, on=on, known_at=FAR if everything else at_end_of(on)))


@settings(max_examples=12)
@given(seeds, days)
def test_municipality_rows_have_one_key_and_not_applicable_rows_no_due_date(
    seed: int, on: date
) -> None:
    """The same on demo municipalities, every stream (homes, matters, committees) included."""
    check_rows(evaluate(municipality(seed), on=on, known_at=FAR))


def running_on(history: Sequence[Recorded[Event]], on: date) -> set[str]:
    """The cases in which a placement, custody or restriction still runs on `on`."""
    running: set[str] = set()
    for stream, facts in views_by_stream(history, on=on, known_at=FAR).items():
        kind, _, case_id = stream.partition(":")
        if kind != "child":
            continue
        state = fold_case_state(case_id, facts, on=on, known_at=FAR)
        ends = [
            *(p.ended_on for p in state.placements),
            *(c.ended_on for c in state.immediate_custodies),
            *(r.lifted_on for r in state.contact_restrictions),
        ]
        if None in ends:
            running.add(case_id)
    return running


@st.composite
def care_and_custody(draw: st.DrawFn) -> list[Recorded[Event]]:
    """One child's placement, immediate custody and contact restriction, acts late or missing.

    The placement may lack a decision or be in an uninvestigated home or a jourhem; each
    may end: the histories in which breaches of ended care arise.
    """

    def at(base: date, low: int, high: int) -> str:
        return str(base + timedelta(days=draw(st.integers(low, high))))

    start = date(2024, 1, 1) + timedelta(days=draw(st.integers(0, 200)))
    home_type = draw(st.sampled_from([HomeType.FAMILY_HOME, HomeType.EMERGENCY_HOME]))
    decided_by = draw(st.sampled_from([DecidedBy.COMMITTEE, DecidedBy.OFFICIAL]))
    optional: list[Event] = [
        home_investigated("h1", at(start, -30, 120), home_type=home_type),
        care_decided("d1", at(start, -10, 60), home="H", by=decided_by),
        moved_out("p2", at(start, 0, 200)),
        opened("o1", at(start, -20, 0)),
        concluded("o2", at(start, 0, 60)),
        custody_submitted("u3", at(start, 0, 20)),
        care_applied_for("u4", at(start, 0, 60)),
        custody_ended("u5", at(start, 0, 90)),
        restriction_reviewed("r2", at(start, 0, 150)),
        restriction_lifted("r3", at(start, 0, 300)),
    ]
    events: list[Event] = [
        moved_in("p1", str(start), home_type=home_type, decision="d1"),
        custody_decided("u1", str(start)),
        custody_executed("u2", str(start)),
        restriction_decided("r1", str(start)),
        *(e for e in optional if draw(st.booleans())),
    ]
    return in_date_order(events)


@settings(max_examples=60)
@given(care_and_custody(), st.integers(0, 700), steps)
def test_a_breach_of_ended_care_keeps_its_days(
    history: list[Recorded[Event]], offset: int, step: int
) -> None:
    """A breached row of ended care or custody counts its days to the end, not to `on`."""
    on = date(2024, 1, 1) + timedelta(days=offset)
    running = running_on(history, on)
    later = {key(o): o for o in evaluate(history, on=on + timedelta(days=step), known_at=FAR)}
    for row in evaluate(history, on=on, known_at=FAR):
        if row.status is not Status.BREACHED or row.case_id in running:
            continue
        if row.rule_id not in FROZEN_RULES and Flag.WINDOW_CLOSED not in row.flags:
            continue
        assert row.days_late is None, row
        assert row.days_overdue is not None or row.part == "year", row
        if later[key(row)].status is Status.BREACHED:
            assert later[key(row)].days_overdue == row.days_overdue, row
