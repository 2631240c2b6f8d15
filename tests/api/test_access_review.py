"""Reviewing the access log (loggkontroll, issue 13): filters, and the random sample.

The record of reads is listed by case, by reader and by Swedish days, and sampled at
random for the regular review that IVO and IMY expect: seeded and reproducible over a
closed period, without replacement, every read alike, and all of them when there are
fewer than asked for.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Final

import pytest

from caselog.api import CaseLog, ManualClock
from caselog.storage import open_store
from caselog.storage.access_log import Access, access_store
from tests.rules.builders import CHILD, report

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

READ: Final = datetime(2024, 1, 10, 9, tzinfo=UTC)
ON: Final = date(2024, 1, 20)


def recorded(log: CaseLog) -> list[Access]:
    """The access log as stored, read without recording a read."""
    return access_store(log.store).accesses()


@pytest.fixture
def clock() -> ManualClock:
    """The clock of the log, at the writes."""
    return ManualClock(datetime(2024, 1, 2, 8, tzinfo=UTC))


@pytest.fixture
def readers(clock: ManualClock, tmp_path: Path) -> Iterator[dict[str, CaseLog]]:
    """One log read by `sw-1`, `sw-2` and the inspector `ivo-3`, over two Swedish days.

    sw-1 reads the case on 2024-01-10 (09:00 UTC) and the timeline at 23:30 UTC, which is
    already 2024-01-11 in Sweden; sw-2 lists the cases on 2024-01-10.
    """
    store = open_store(f"sqlite:///{tmp_path / 'log.db'}")  # one file: read models shared
    logs = {name: CaseLog(store, actor=name, clock=clock) for name in ("sw-1", "sw-2", "ivo-3")}
    logs["sw-1"].ingest([report("r1", "2024-01-02")])
    clock.set(READ)
    logs["sw-1"].case(CHILD, on=ON)
    logs["sw-2"].cases(on=ON)
    clock.set(datetime(2024, 1, 10, 23, 30, tzinfo=UTC))
    logs["sw-1"].timeline(CHILD)
    clock.set(datetime(2024, 1, 12, 8, tzinfo=UTC))
    yield logs
    for log in logs.values():
        log.read_models.close()
    store.close()


def test_the_access_log_is_filtered_by_case_actor_and_swedish_days(
    readers: dict[str, CaseLog],
) -> None:
    """Filters combine; a period's days are Swedish days; the listing lists itself."""
    ivo = readers["ivo-3"]

    def seen(**filters: Any) -> list[tuple[int, str, str]]:  # noqa: ANN401 - the filters
        return [(r.position, r.actor, r.what) for r in ivo.access_log(**filters)]

    assert seen(actor="sw-1") == [(1, "sw-1", "case"), (3, "sw-1", "timeline")]
    assert seen(case=CHILD) == [(1, "sw-1", "case"), (3, "sw-1", "timeline"), (5, "ivo-3", "access_log")]  # fmt: skip
    assert seen(from_=date(2024, 1, 10), to=date(2024, 1, 10)) == [
        (1, "sw-1", "case"), (2, "sw-2", "cases"),
    ]  # fmt: skip
    assert seen(from_=date(2024, 1, 11), to=date(2024, 1, 11)) == [(3, "sw-1", "timeline")]
    assert seen(actor="sw-2", to=date(2024, 1, 9)) == []
    assert seen(from_=datetime(2024, 1, 10, 23, tzinfo=UTC), actor="sw-1") == [
        (3, "sw-1", "timeline")
    ]
    assert seen(actor="nobody", case="c404") == []
    listings = [r for r in ivo.access_log(actor="ivo-3") if r.what == "access_log"]
    assert len(listings) == 8  # every listing above, this one included
    assert listings[-1].parameters == {"by": "ivo-3", "from": None, "to": None}


def test_a_sample_is_seeded_reproducible_and_without_replacement(clock: ManualClock) -> None:
    """Same seed and closed period: the same reads; each read at most once; all if few."""
    store = open_store("sqlite://")
    with CaseLog(store, actor="sw-1", clock=clock) as log:
        log.ingest([report("r1", "2024-01-02")])
        clock.set(READ)
        for _ in range(20):
            log.case(CHILD, on=ON)
        clock.set(datetime(2024, 2, 1, tzinfo=UTC))
        january: dict[str, Any] = {"from_": date(2024, 1, 1), "to": date(2024, 1, 31)}
        first = log.access_sample(5, seed=42, **january)
        again = log.access_sample(5, seed=42, **january)
        assert first == again
        positions = [a.position for a in first.accesses]
        assert positions == sorted(set(positions))
        assert len(positions) == 5
        assert set(positions) <= set(range(1, 21))
        assert (first.seed, first.population, first.asked, first.whole) == (42, 20, 5, False)
        assert log.access_sample(5, seed=43, **january).accesses != first.accesses
        unseeded = log.access_sample(5, **january)
        assert log.access_sample(5, seed=unseeded.seed, **january) == unseeded
        everything = log.access_sample(50, seed=1, **january)
        assert ([a.position for a in everything.accesses], everything.whole) == (
            list(range(1, 21)), True,
        )  # fmt: skip
        own = recorded(log)[-1]
        assert (own.what, own.parameters) == (
            "access_log",
            {"by": None, "from": "2024-01-01", "sample": 50, "seed": 1, "to": "2024-01-31"},
        )
        # Over all reads, the sample's own read is recorded but never among those drawn.
        latest = log.access_sample(1000, seed=1)
        assert latest.population == len(recorded(log)) - 1
        assert recorded(log)[-1].position not in {a.position for a in latest.accesses}


def test_a_sample_draws_every_read_alike(clock: ManualClock) -> None:
    """Over many seeds, each of 10 reads is drawn about as often (3 of 10, 300 draws)."""
    store = open_store("sqlite://")
    with CaseLog(store, actor="sw-1", clock=clock) as log:
        log.ingest([report("r1", "2024-01-02")])
        clock.set(READ)
        for _ in range(10):
            log.timeline(CHILD)
        clock.set(datetime(2024, 2, 1, tzinfo=UTC))
        drawn = Counter(
            a.position
            for seed in range(300)
            for a in log.access_sample(3, seed=seed, to=date(2024, 1, 31)).accesses
        )
    assert sorted(drawn) == list(range(1, 11))
    assert all(60 <= count <= 120 for count in drawn.values()), drawn  # 90 expected
