"""The timeline of a case file: every entry in log order, on both time axes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from caselog.events import (
    CareDecided,
    CareReviewed,
    Event,
    GuardiansInformed,
    InvestigationConcluded,
    InvestigationExtended,
    InvestigationNotOpened,
    PlacementStarted,
    PrivateTalkHeld,
    RecordsPurged,
    ReporterCategory,
    ReportReceived,
    ViolenceExposure,
    VisitMade,
)
from caselog.projections import TimelineEntry, summary_of, timeline_of
from tests.strategies import CASE_ID, correction, fact, history_of, retraction

DAY = date(2024, 3, 4)


def report(event_id: str, on: date = DAY) -> ReportReceived:
    """A report of concern from a private person, about violence witnessed."""
    return ReportReceived(
        event_id=event_id,
        occurred_on=on,
        actor="u1",
        child_id=CASE_ID,
        reporter_category=ReporterCategory.PRIVATE_PERSON,
        mandatory_reporter=False,
        violence_exposure=ViolenceExposure.WITNESSED,
    )


def at(days: int, hour: int = 10) -> datetime:
    """A UTC timestamp `days` after DAY at `hour`."""
    return datetime.combine(DAY, datetime.min.time(), UTC) + timedelta(days=days, hours=hour)


def timeline(events: list[Event], stamps: list[datetime]) -> list[TimelineEntry]:
    """The timeline known at the last stamp."""
    return timeline_of(history_of(events, recorded_at=stamps), known_at=stamps[-1])


def test_every_event_is_listed_in_log_order_with_both_time_axes() -> None:
    """Entries come in log order, each with its valid date and its recorded time."""
    r1, r2 = report("r1", DAY + timedelta(days=2)), report("r2")
    entries = timeline([r1, r2], [at(2), at(3)])
    assert [(e.position, e.event_id) for e in entries] == [(1, "r1"), (2, "r2")]
    assert [e.occurred_on for e in entries] == [DAY + timedelta(days=2), DAY]
    assert [e.recorded_at for e in entries] == [at(2), at(3)]
    assert entries[0].type == "report_received"
    assert entries[0].actor == "u1"
    assert entries[0].stream == f"child:{CASE_ID}"
    assert entries[0].summary == (
        "Report of concern received from private_person; violence: witnessed"
    )


def test_the_lag_is_counted_in_swedish_calendar_days() -> None:
    """A record at 23:30 UTC in winter (00:30 CET) falls on the next Swedish day."""
    (entry,) = timeline([report("r1")], [at(0, hour=23) + timedelta(minutes=30)])
    assert entry.recorded_on == DAY + timedelta(days=1)
    assert entry.registration_lag_days == 1


def test_a_registration_more_than_thirty_days_late_is_marked() -> None:
    """Thirty days of lag is not late; thirty-one is."""
    entries = timeline([report("r1"), report("r2")], [at(30), at(31)])
    assert [e.registration_lag_days for e in entries] == [30, 31]
    assert [e.late_registration for e in entries] == [False, True]


def test_the_late_threshold_is_a_parameter() -> None:
    """A municipality's own threshold marks entries above it."""
    history = history_of([report("r1")], recorded_at=[at(8)])
    (entry,) = timeline_of(history, known_at=at(8), late_after_days=7)
    assert entry.late_registration


def test_a_correction_marks_its_target_and_names_it() -> None:
    """The corrected entry names the winning correction; the correction its target."""
    r1 = report("r1")
    events: list[Event] = [
        r1,
        correction(r1, "c1", occurred_on=DAY - timedelta(days=1)),
        correction(r1, "c2", occurred_on=DAY - timedelta(days=2)),
    ]
    first, c1, c2 = timeline(events, [at(0), at(1), at(2)])
    assert (first.corrected, first.corrected_by) == (True, "c2")
    assert (c1.is_correction, c1.target_event_id) == (True, "r1")
    assert not c1.corrected
    assert c2.summary == "Correction of r1 (report_received)"


def test_a_retracted_correction_no_longer_marks_its_target() -> None:
    """Retracting the only correction leaves the target uncorrected, the fix retracted."""
    r1 = report("r1")
    c1 = correction(r1, "c1", DAY, occurred_on=DAY - timedelta(days=1))
    first, fix, undo = timeline([r1, c1, retraction(c1, "x1")], [at(0), at(1), at(2)])
    assert (first.corrected, first.corrected_by) == (False, None)
    assert (fix.retracted, fix.retracted_by) == (True, "x1")
    assert fix.marks == ("retracted", "correction")
    assert first.marks == ()
    assert (undo.is_retraction, undo.target_event_id) == (True, "c1")
    assert not undo.retracted


def test_a_retracted_retraction_restores_its_target() -> None:
    """The target of a retracted retraction is not marked retracted."""
    r1 = report("r1")
    x1 = retraction(r1, "x1")
    first, gone, back = timeline([r1, x1, retraction(x1, "x2")], [at(0)] * 3)
    assert (first.retracted, first.retracted_by) == (False, None)
    assert (gone.retracted, gone.retracted_by) == (True, "x2")
    assert not back.retracted


def test_only_what_was_recorded_by_known_at_is_listed() -> None:
    """Entries and marks recorded after `known_at` are not shown."""
    r1 = report("r1")
    history = history_of([r1, retraction(r1, "x1")], recorded_at=[at(0), at(5)])
    (entry,) = timeline_of(history, known_at=at(4))
    assert entry.event_id == "r1"
    assert not entry.retracted


def test_a_summary_names_what_the_event_refers_to() -> None:
    """Summaries name the placement, home and basis, without free text."""
    started = PlacementStarted(
        event_id="s1",
        occurred_on=DAY,
        actor="u1",
        child_id=CASE_ID,
        placement_id="p1",
        home_id="h1",
        home_type="family_home",
        legal_basis="lvu_2",
    )
    x1 = retraction(started, "x1")
    first, second = timeline([started, x1], [at(0), at(1)])
    assert first.summary == "Placement p1 started in family_home h1 (lvu_2)"
    assert second.summary == "Retraction of s1"
    assert "registered in error" not in second.summary


@pytest.mark.parametrize(
    ("event", "summary"),
    [
        (
            fact(
                ReportReceived,
                "r1",
                DAY,
                reporter_category="school",
                mandatory_reporter=True,
            ),
            "Report of concern received from school",
        ),
        (
            fact(
                InvestigationNotOpened,
                "n1",
                DAY,
                report_event_ids=["r1", "r2"],
                decided_by="official",
                reasons="sensitive",
            ),
            "Investigation not opened on r1, r2",
        ),
        (
            fact(
                InvestigationExtended,
                "x1",
                DAY,
                investigation_id="i1",
                new_due_on=date(2024, 9, 1),
                decided_by="subcommittee",
            ),
            "Investigation i1 extended to 2024-09-01",
        ),
        (
            fact(
                InvestigationExtended,
                "x2",
                DAY,
                investigation_id="i1",
                decided_by="official",
            ),
            "Investigation extended (investigation i1)",
        ),
        (
            fact(
                InvestigationConcluded,
                "k1",
                DAY,
                investigation_id="i1",
                outcome="lvu_application",
                decided_by="committee",
            ),
            "Investigation i1 concluded: lvu_application",
        ),
        (
            fact(
                CareDecided,
                "d",
                DAY,
                care_decision_id="d1",
                legal_basis="sol",
                decided_by="committee",
            ),
            "Care decided (sol, d1)",
        ),
        (
            fact(CareReviewed, "v", DAY, kind="lvu_examination", decided_by="committee"),
            "Care reviewed (lvu_examination)",
        ),
        (fact(VisitMade, "v1", DAY, place="other"), "Visit made (other)"),
        (
            fact(RecordsPurged, "p1", DAY, retention_class="general"),
            "Records purged (general)",
        ),
        (
            fact(GuardiansInformed, "g1", DAY, investigation_id="i1"),
            "Guardians informed (investigation i1)",
        ),
        (fact(PrivateTalkHeld, "t1", DAY), "Private talk held"),
    ],
)
def test_each_summary_says_what_the_event_records(event: Event, summary: str) -> None:
    """Summaries are short English lines naming the kind of fact and its ids."""
    assert summary_of(event) == summary
