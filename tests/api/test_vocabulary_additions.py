"""The §4.28 vocabulary additions as a caller meets them.

Matters show in a child's timeline, a court may decide only LVU care, and the optional
fields read back as sent.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Final

import pytest

from caselog.api import CaseLog, ManualClock, open_log
from caselog.errors import IngestRejectedError

REPORT = {
    "type": "report_received",
    "event_id": "r1",
    "occurred_on": "2024-03-01",
    "actor": "sw-1",
    "child_id": "c1",
    "reporter_category": "school",
    "mandatory_reporter": True,
    "violence_exposure": "none",
    "close_relative": False,
}


APRIL: Final = datetime(2024, 4, 1, 8, tzinfo=UTC)


@pytest.fixture
def log(store_url: str, clock: ManualClock) -> CaseLog:
    """A log on every backend in turn, its clock on 1 April 2024."""
    clock.set(APRIL)
    return open_log(store_url, actor="sw-1", clock=clock)


def matter(event_id: str, matter_id: str, **fields: object) -> dict[str, object]:
    """A deviation report (avvikelse) about the children in `fields`."""
    return {
        "type": "deviation_reported",
        "event_id": event_id,
        "occurred_on": "2024-03-04",
        "actor": "sw-2",
        "matter_id": matter_id,
        **fields,
    }


def test_a_childs_timeline_shows_the_matters_about_the_child(log: CaseLog) -> None:
    """A deviation naming c1 is in c1's timeline, under its own stream; others are not."""
    log.ingest(
        [
            REPORT,
            matter("d1", "m-1", child_ids=["c1", "c2"]),
            matter("d2", "m-2", child_ids=["c2"]),
            matter("d3", "m-3"),
        ]
    )
    entries = log.timeline("c1")
    assert [(e.event_id, e.stream) for e in entries] == [("r1", "child:c1"), ("d1", "matter:m-1")]


def test_a_matter_corrected_to_name_another_child_leaves_the_timeline(
    log: CaseLog, clock: ManualClock
) -> None:
    """The report as corrected decides; as known before the correction, it still showed."""
    log.ingest([REPORT, matter("d1", "m-1", child_ids=["c1"])])
    before = clock()
    clock.set(APRIL + timedelta(days=1))
    replacement = matter("x", "m-1", child_ids=["c2"])
    del replacement["event_id"]
    log.ingest(
        [
            {
                "type": "event_corrected",
                "event_id": "k1",
                "occurred_on": "2024-03-05",
                "actor": "kv-1",
                "matter_id": "m-1",
                "target_event_id": "d1",
                "replacement": replacement,
            }
        ]
    )
    assert [e.event_id for e in log.timeline("c1")] == ["r1"]
    assert [e.event_id for e in log.timeline("c1", known_at=before)] == ["r1", "d1"]


def test_a_matter_recorded_after_a_timeline_was_read_shows_in_the_next(
    log: CaseLog, clock: ManualClock
) -> None:
    """The matters read for one timeline are read again once the log has moved on."""
    log.ingest([REPORT, matter("d1", "m-1", child_ids=["c1"])])
    before = clock()
    assert [e.event_id for e in log.timeline("c1")] == ["r1", "d1"]
    clock.set(APRIL + timedelta(days=1))
    log.ingest([matter("d2", "m-2", child_ids=["c1"])])
    assert [e.event_id for e in log.timeline("c1")] == ["r1", "d1", "d2"]
    assert [e.event_id for e in log.timeline("c1", known_at=before)] == ["r1", "d1"]


def test_optional_additions_read_back_as_sent(log: CaseLog) -> None:
    """`reason`, `home_municipality_code` and `placement_id` are stored and read back."""
    placement = {
        "type": "placement_started",
        "event_id": "p1",
        "occurred_on": "2024-03-10",
        "actor": "sw-1",
        "child_id": "c1",
        "placement_id": "pl-1",
        "home_id": "H",
        "home_type": "family_home",
        "legal_basis": "sol",
        "home_municipality_code": "2083",
    }
    ended = {
        "type": "placement_ended",
        "event_id": "p2",
        "occurred_on": "2024-06-10",
        "actor": "sw-1",
        "child_id": "c1",
        "placement_id": "pl-1",
        "reason": "returned_home",
    }
    log.ingest([REPORT, placement, ended])
    stored = {r.event.event_id: r.event.model_dump(mode="json") for r in log.events()}
    assert stored["p1"]["home_municipality_code"] == "2083"
    assert stored["p2"]["reason"] == "returned_home"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (
            {"type": "care_decided", "care_decision_id": "cd-1", "legal_basis": "sol"},
            "decided_by court is valid only for care under LVU 2 § or 3 § (lvu_2, lvu_3)",
        ),
        (
            {"type": "investigation_opened", "investigation_id": "i1", "report_event_ids": []},
            "a court decides only care under LVU 2 § or 3 § (care_decided with lvu_2 or lvu_3)",
        ),
    ],
)
def test_a_court_decides_only_lvu_care(log: CaseLog, line: dict[str, object], reason: str) -> None:
    """`decided_by: court` is refused outside an LVU care decision, with the reason."""
    envelope = {"event_id": "e1", "occurred_on": "2024-03-02", "actor": "sw-1", "child_id": "c1"}
    with pytest.raises(IngestRejectedError) as raised:
        log.ingest([REPORT, {**envelope, **line, "decided_by": "court"}])
    assert reason in str(raised.value)
    assert "line 2" in str(raised.value)
    with pytest.raises(LookupError):
        log.timeline("c1")


def test_a_court_decides_lvu_care(log: CaseLog) -> None:
    """A care decision under LVU 2 § by the administrative court is accepted."""
    log.ingest(
        [
            REPORT,
            {
                "type": "care_decided",
                "event_id": "cd",
                "occurred_on": "2024-03-20",
                "actor": "sw-1",
                "child_id": "c1",
                "care_decision_id": "cd-1",
                "legal_basis": "lvu_2",
                "decided_by": "court",
            },
        ]
    )
    assert log.case("c1", on=date(2024, 4, 1)).decisions[0].decided_by == "court"
