"""Through `CaseLog`, on SQLite and PostgreSQL, the read models answer as the replay (issue 10).

Asserted, for random case files (tests/strategies.py) ingested with their own recording
instants (`registered_at`, `historical=True`) into a fresh store per example:

* `obligations(on=, known_at=)` — alone, for the child (`case_id=`), by `status=`, by
  `rule=`, and all three at once — gives the rows `reference=True` gives: every field
  (explanations too, via `as_record`) and the order; `case(...)` gives the same state;
  no query falls back to the replay (a `ReferenceNotice` would fail the test);
* ingested in two or three calls, the later ones correcting and retracting events of the
  earlier ones, the read models are kept current after each call: their position is the
  log's last, and they answer as the replay at points before and after the new records;
* read models built with other settings are not used: the replay answers, with a notice
  saying "other settings"; and read models stamped by another caselog version (the
  `rules` fingerprint deleted or changed behind caselog's back) are not used either
  ("another caselog version") until the next `record` rebuilds them;
* `reference=True` never warns.
"""

from __future__ import annotations

import sqlite3
import uuid
import warnings
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, LiteralString

import psycopg
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from psycopg import sql

from caselog.aggregates import check_batch
from caselog.api import CaseLog, ManualClock, open_log
from caselog.api.query import RULE_ARGUMENTS
from caselog.api.read_model import ReferenceNotice, rules_fingerprint
from caselog.events import EventCorrected, EventRetracted, ViolenceExposure
from caselog.interchange import to_line
from caselog.rules.model import Status
from caselog.rules.settings import Settings
from caselog.storage import read_model_segments
from tests.readmodel.test_spans_equivalence import Built, pairs
from tests.rules.builders import assessed, concluded, opened, report
from tests.strategies import CASE_ID, EPOCH, batches, histories

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from caselog.events import Event, Recorded

Pair = tuple[date, datetime]

CASE_ID_STREAM: Final = f"child:{CASE_ID}"

CLOCK_START: Final = EPOCH
"""The clock of every log here: the read models' horizon follows the records, not today."""

EXAMPLES: Final = 25
"""Examples per backend of each property."""

PROPERTY: Final = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

RULES: Final = sorted(RULE_ARGUMENTS)
STATUS_FILTERS: Final = st.sets(st.sampled_from(list(Status)), min_size=1, max_size=3)


@dataclass(frozen=True)
class Stores:
    """Makes a fresh, empty store per example: an SQLite file, or a PostgreSQL schema."""

    folder: Path
    postgres: str | None
    """The PostgreSQL URL (without `?schema=`), or None for SQLite files."""

    @contextmanager
    def fresh(self) -> Iterator[str]:
        """The URL of a store nobody has written to; dropped afterwards (PostgreSQL)."""
        name = f"e_{uuid.uuid4().hex[:12]}"
        if self.postgres is None:
            yield f"sqlite:///{self.folder / f'{name}.db'}"
            return
        with psycopg.connect(self.postgres, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
        try:
            yield f"{self.postgres}?schema={name}"
        finally:
            with psycopg.connect(self.postgres, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(name)))


@pytest.fixture(autouse=True)
def small_segments(monkeypatch: pytest.MonkeyPatch) -> None:
    """A few rows per segment and few dirty rows: histories split and compact segments.

    And questions merge the rows of dirty streams not yet compacted.
    """
    monkeypatch.setattr(read_model_segments, "SEGMENT_ROWS", 4)
    monkeypatch.setattr(read_model_segments, "DIRTY_ROWS", 40)


@pytest.fixture(params=["sqlite-file", pytest.param("postgres", marks=pytest.mark.postgres)])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Stores:
    """Fresh stores on each backend in turn: SQLite files, PostgreSQL schemas."""
    if request.param == "sqlite-file":
        return Stores(tmp_path, None)
    url = str(request.getfixturevalue("postgres_url"))
    return Stores(tmp_path, url.partition("?")[0])


def lines(history: Sequence[Recorded[Event]]) -> list[str]:
    """The records as historical input lines: each with its `recorded_at` as `registered_at`."""
    return [to_line(r.event, registered_at=r.recorded_at) for r in history]


def accepted(history: Sequence[Recorded[Event]], starts: Sequence[int]) -> bool:
    """Whether the log takes the history in calls beginning at `starts` (D5 structure).

    `histories()` now and then draws one the log refuses — say, a correction moving a
    placement's start past its end — which no log can hold, so there is nothing to compare.
    """
    ends = [*starts[1:], len(history)]
    return all(
        not check_batch(
            CASE_ID_STREAM,
            [r.event for r in history[:start]],
            [r.event for r in history[start:end]],
        )
        for start, end in zip(starts, ends, strict=True)
    )


def horizon_of(log: CaseLog) -> date:
    """The first `on` the log's read models no longer answer for."""
    return date.fromisoformat(log.read_models.tables.stamp()["horizon"])


def assert_current(log: CaseLog) -> None:
    """The read models reflect the log up to its last event."""
    assert log.read_models.tables.stamp()["position"] == str(log.store.last_position())


def records(
    log: CaseLog,
    pair: Pair,
    *,
    case_id: str | None = None,
    rule: str | None = None,
    status: set[Status] | None = None,
) -> int:
    """The read models' rows at `pair` are the replay's, every field, in order; how many."""
    on, known_at = pair
    question: dict[str, Any] = {
        "on": on,
        "known_at": known_at,
        "case_id": case_id,
        "rule": rule,
        "status": status,
    }
    fast = log.obligations(**question)
    # Before any row is made: the columns straight from the read models.
    fast_table, fast_counts, fast_len = fast.to_arrow(), fast.by_status(), len(fast)
    slow = log.obligations(**question, reference=True)
    where = f"on={on}, known_at={known_at.isoformat()}, {case_id=}, {rule=}, {status=}"
    assert [o.as_record() for o in fast] == [o.as_record() for o in slow], where
    assert fast.rows == slow.rows, where
    assert fast_table.equals(slow.to_arrow()), where
    assert (fast_counts, fast_len) == (slow.by_status(), len(slow)), where
    assert log.summary(**question) == Counter((o.rule_id, o.status) for o in slow), where
    return len(fast)


def assert_answers_as_reference(log: CaseLog, pair: Pair, rule: str, status: set[Status]) -> None:
    """At `pair`, every kind of question gets the replay's answer."""
    event("rows to compare" if records(log, pair) else "no rows at the point")
    records(log, pair, case_id=CASE_ID)
    records(log, pair, status=status)
    records(log, pair, rule=rule)
    records(log, pair, case_id=CASE_ID, rule=rule, status=status)
    on, known_at = pair
    state = log.case(CASE_ID, on=on, known_at=known_at)
    assert state == log.case(CASE_ID, on=on, known_at=known_at, reference=True), pair
    cases = log.cases(on=on, known_at=known_at)
    replayed = log.cases(on=on, known_at=known_at, reference=True)
    assert list(cases.items()) == list(replayed.items()), pair
    assert cases.rows == replayed.rows, pair


def questions(
    data: st.DataObject,
    horizon: date,
    label: str,
    *histories: Sequence[Recorded[Event]],
    most: int = 4,
) -> list[tuple[Pair, str, set[Status]]]:
    """A few points near one of the histories (or later, before `horizon`), with filters."""
    near = st.one_of(*(pairs(Built(tuple(h), (), horizon)) for h in histories))
    return data.draw(
        st.lists(
            st.tuples(near, st.sampled_from(RULES), STATUS_FILTERS), min_size=1, max_size=most
        ),
        label=label,
    )


def _edited_later(history: Sequence[Recorded[Event]]) -> list[tuple[int, int]]:
    """(target's batch, edit's batch) for each correction or retraction in a later batch."""
    batch_of = {
        history[i].event.event_id: k for k, span in enumerate(batches(history)) for i in span
    }
    return [
        (batch_of[r.event.target_event_id], batch_of[r.event.event_id])
        for r in history
        if isinstance(r.event, EventCorrected | EventRetracted)
        and batch_of[r.event.target_event_id] < batch_of[r.event.event_id]
    ]


@PROPERTY
@given(data=st.data())
def test_the_log_answers_as_the_reference(stores: Stores, data: st.DataObject) -> None:
    """A case file ingested at once: every question answers as the replay, on both backends."""
    history = data.draw(histories().filter(lambda h: bool(h) and accepted(h, [0])), label="history")
    with (
        stores.fresh() as url,
        open_log(url, actor="tester", clock=ManualClock(CLOCK_START)) as log,
    ):
        log.ingest(lines(history), historical=True)
        assert [(r.recorded_at, r.event) for r in log.events()] == [
            (r.recorded_at, r.event) for r in history
        ]
        assert_current(log)
        horizon = horizon_of(log)
        for pair, rule, status in questions(data, horizon, "questions", history):
            assert_answers_as_reference(log, pair, rule, status)
        last = history[-1].recorded_at
        assert log.obligations(on=last.date()).rows == (
            log.obligations(on=last.date(), reference=True).rows
        )


@PROPERTY
@given(data=st.data())
def test_upkeep_after_each_ingest_is_exact(stores: Stores, data: st.DataObject) -> None:
    """Ingested in two or three calls, later ones editing earlier events: exact after each."""
    history = data.draw(histories().filter(_edited_later), label="history")
    spans = batches(history)
    target, edit = data.draw(st.sampled_from(_edited_later(history)), label="edit")
    cuts = {data.draw(st.integers(target + 1, edit), label="cut")}
    if len(spans) > 2 and data.draw(st.booleans(), label="three calls"):
        cuts.add(data.draw(st.integers(1, len(spans) - 1), label="another cut"))
    starts = [0, *(spans[k].start for k in sorted(cuts))]
    assume(accepted(history, starts))
    starts.append(len(history))
    with (
        stores.fresh() as url,
        open_log(url, actor="tester", clock=ManualClock(CLOCK_START)) as log,
    ):
        for n, (start, end) in enumerate(pairwise(starts)):
            result = log.ingest(lines(history[start:end]), historical=True)
            assert result.written == end - start
            assert_current(log)
            horizon = horizon_of(log)
            # Near what is recorded so far, or near what is still to come.
            asked = questions(data, horizon, f"after call {n}", history[:end], history, most=3)
            for pair, rule, status in asked:
                assert_answers_as_reference(log, pair, rule, status)


# -- read models a log must not use ------------------------------------------------------

ON: Final = date(2024, 3, 1)
KNOWN_AT: Final = datetime(2024, 2, 20, 12, tzinfo=UTC)


def _worked_case(url: str) -> None:
    """A violence report assessed two days late, and an investigation opened on it."""
    clock = ManualClock(datetime(2024, 1, 12, 9, tzinfo=UTC))
    with open_log(url, actor="sw-1", clock=clock) as log:
        log.ingest(
            [
                report("r1", "2024-01-10", violence=ViolenceExposure.WITNESSED),
                assessed("a1", "2024-01-12", "r1"),
            ]
        )
        clock.set(datetime(2024, 2, 1, 9, tzinfo=UTC))
        log.ingest([opened("o1", "2024-02-01", "r1")])
        assert_current(log)


def _execute(url: str, statement: LiteralString) -> None:
    """Run one SQL statement on the store's database, behind caselog's back."""
    base, _, query = url.partition("?")
    if base.startswith("sqlite:///"):
        with sqlite3.connect(base.removeprefix("sqlite:///")) as conn:
            conn.execute(statement)
        return
    schema = query.removeprefix("schema=")
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
        conn.execute(statement)


@contextmanager
def no_warning() -> Iterator[None]:
    """Fail on any warning at all inside the block."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    assert [str(w.message) for w in caught] == []


@pytest.fixture
def file_url(stores: Stores) -> Iterator[str]:
    """A fresh store on each backend."""
    with stores.fresh() as url:
        yield url


def test_read_models_of_other_settings_are_not_used(file_url: str) -> None:
    """Opened with other settings, the log answers by the replay and says why.

    The settings matter here (R01 is met in three days, late in one), so an answer from
    the stored rows would be wrong; `reference=True` gives the same rows without a word.
    """
    _worked_case(file_url)
    other = Settings(protection_assessment_days=3)
    with open_log(file_url, actor="reader", settings=other) as log:
        with pytest.warns(ReferenceNotice, match="other settings"):
            found = [o.as_record() for o in log.obligations(on=ON, known_at=KNOWN_AT)]
        with pytest.warns(ReferenceNotice, match="other settings"):
            state = log.case(CASE_ID, on=ON, known_at=KNOWN_AT)
        with no_warning():
            reference = log.obligations(on=ON, known_at=KNOWN_AT, reference=True)
            assert state == log.case(CASE_ID, on=ON, known_at=KNOWN_AT, reference=True)
        assert found == [o.as_record() for o in reference]
    with open_log(file_url, actor="reader") as log, no_warning():
        stored = [o.as_record() for o in log.obligations(on=ON, known_at=KNOWN_AT)]
    assert stored != found, "the other settings change no answer: a vacuous test"
    assert {(o["rule_id"], o["status"]) for o in found} >= {("R01", "met")}


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM caselog_rm_meta WHERE key = 'rules'",
        "UPDATE caselog_rm_meta SET value = 'old' WHERE key = 'rules'",
    ],
    ids=["rules-deleted", "rules-changed"],
)
def test_read_models_of_another_version_are_rebuilt(
    file_url: str, statement: LiteralString
) -> None:
    """Stamped by another caselog version: the replay answers until `record` rebuilds them."""
    _worked_case(file_url)
    _execute(file_url, statement)
    clock = ManualClock(datetime(2024, 2, 25, 9, tzinfo=UTC))
    with open_log(file_url, actor="sw-1", clock=clock) as log:
        with pytest.warns(ReferenceNotice, match="another caselog version"):
            before = [o.as_record() for o in log.obligations(on=ON, known_at=KNOWN_AT)]
        with pytest.warns(ReferenceNotice, match="another caselog version"):
            state = log.case(CASE_ID, on=ON, known_at=KNOWN_AT)
        with no_warning():
            assert before == [
                o.as_record() for o in log.obligations(on=ON, known_at=KNOWN_AT, reference=True)
            ]
            assert state == log.case(CASE_ID, on=ON, known_at=KNOWN_AT, reference=True)
            assert before, "nothing to compare: a vacuous test"
            log.record(concluded("c-1", "2024-02-25", investigation="inv-1"))
            assert_current(log)
            assert log.read_models.tables.stamp()["rules"] == rules_fingerprint()
            for known_at in (KNOWN_AT, clock()):
                fast = log.obligations(on=ON, known_at=known_at)
                assert fast.rows == log.obligations(on=ON, known_at=known_at, reference=True).rows
                assert log.case(CASE_ID, on=ON, known_at=known_at) == log.case(
                    CASE_ID, on=ON, known_at=known_at, reference=True
                )
            assert [o.as_record() for o in log.obligations(on=ON, known_at=KNOWN_AT)] == before


def test_a_table_added_later_is_made_and_everything_rebuilt(file_url: str) -> None:
    """Read models made before `caselog_rm_listed`: the next write makes it and rebuilds.

    Rows for the new table exist only after a rebuild, so a missing table must make the
    stamp stale, never leave `cases()` answering from an empty listing.
    """
    _worked_case(file_url)
    _execute(file_url, "DROP TABLE caselog_rm_listed")
    clock = ManualClock(datetime(2024, 2, 25, 9, tzinfo=UTC))
    with open_log(file_url, actor="sw-1", clock=clock) as log, no_warning():
        log.record(concluded("c-1", "2024-02-25", investigation="inv-1"))
        assert_current(log)
        assert log.read_models.tables.stamp()["rules"] == rules_fingerprint()
        cases = log.cases(on=ON, known_at=KNOWN_AT)
        assert list(cases.items()) == list(
            log.cases(on=ON, known_at=KNOWN_AT, reference=True).items()
        )
        assert CASE_ID in cases
