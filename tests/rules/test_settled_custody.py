"""RULES.md §4.28 for immediate custody, R16a–c: each settled point, judged on several dates.

Every test states one bullet of §4.28 (it wins over §3–4.27; DESIGN.md D7 wins over it) and
checks it at several `on` and `known_at`, as the two compared implementations must agree on
every date. TC15 (RULES.md §11) is checked exactly as stated.
"""

from __future__ import annotations

from datetime import date

import pytest

from caselog.events import Body
from caselog.rules.model import Flag, Obligation, Severity, Status
from caselog.testing import History
from tests.rules.builders import day
from tests.rules.lvu_builders import (
    application_time_extended,
    care_applied_for,
    committee_met,
    custody_decided,
    custody_ended,
    custody_executed,
    custody_reported,
    only,
)
from tests.rules.test_custody_cases import tc15

EMPTY_DUE = (None, None, None, None)


def due_fields(o: Obligation) -> tuple[date | None, date | None, int | None, int | None]:
    """The fields a not-applicable row leaves empty (§4.28 "Not applicable rows")."""
    return (o.due_on, o.effective_due_on, o.days_late, o.days_overdue)


# 1. R16a: only a meeting of the configured body is a meeting.


def test_r16a_only_a_meeting_of_the_configured_body_fixes_the_due_date() -> None:
    """Decided 4 March; utskott 6 March; reported 8 March; nämnd 12 March: due 12, met.

    Neither the utskott's meeting (not the configured body) nor the report itself is the
    meeting: until 12 March the row is pending with no due date and nothing satisfying it.
    """
    history = History().record(
        custody_decided("d1", "2024-03-04"),
        committee_met("m1", "2024-03-06", body=Body.SUBCOMMITTEE),
        custody_reported("rc1", "2024-03-08"),
        committee_met("m2", "2024-03-12"),
    )
    for on in ("2024-03-07", "2024-03-10", "2024-03-11"):
        found = only(history, "R16a", on)
        assert (found.status, found.due_on, found.satisfied_by_event_id) == (
            Status.PENDING,
            None,
            None,
        )
    for on in ("2024-03-12", "2024-06-01"):
        found = only(history, "R16a", on)
        assert (found.status, found.due_on, found.satisfied_by_event_id, found.days_late) == (
            Status.MET,
            day("2024-03-12"),
            "rc1",
            None,
        )
    then = only(history, "R16a", "2024-06-01", known_at=day("2024-03-11"))
    assert (then.status, then.due_on) == (Status.PENDING, None)


def test_r16a_a_report_without_a_recorded_meeting_stays_pending() -> None:
    """Reported 8 March but no meeting of the nämnd recorded: pending, however late `on`."""
    history = History().record(
        custody_decided("d1", "2024-03-04"), custody_reported("rc1", "2024-03-08")
    )
    for on in ("2024-03-08", "2024-12-31"):
        found = only(history, "R16a", on)
        assert (found.status, found.due_on, found.satisfied_on) == (Status.PENDING, None, None)


@pytest.mark.parametrize(
    ("reported", "on", "status", "days_late", "days_overdue"),
    [
        ("2024-03-12", "2024-03-12", Status.MET, None, None),
        ("2024-03-14", "2024-03-13", Status.OVERDUE, None, 1),
        ("2024-03-14", "2024-03-14", Status.MET_LATE, 2, None),
        ("2024-03-14", "2024-09-01", Status.MET_LATE, 2, None),
    ],
)
def test_r16a_met_on_or_before_the_meeting_met_late_after(
    reported: str, on: str, status: Status, days_late: int | None, days_overdue: int | None
) -> None:
    """Due at the nämnd's meeting of 12 March: met that day, met late by 2 on 14 March."""
    history = History().record(
        custody_decided("d1", "2024-03-04"),
        committee_met("m2", "2024-03-12"),
        custody_reported("rc1", reported),
    )
    found = only(history, "R16a", on)
    assert (found.due_on, found.status, found.days_late, found.days_overdue) == (
        day("2024-03-12"),
        status,
        days_late,
        days_overdue,
    )


# 2. R16b/R16c before any act: overdue while the custody runs, breached when it stops.


def test_r16b_overdue_while_the_custody_runs_then_breached_frozen_at_the_late_act() -> None:
    """TC15: due 27 December, submitted 30: overdue on 29, then breached with 3 days for good."""
    history = tc15()
    found = only(history, "R16b", "2024-12-29")
    assert (found.status, found.days_overdue, found.days_late) == (Status.OVERDUE, 2, None)
    for on in ("2024-12-30", "2025-02-01", "2026-06-01"):
        found = only(history, "R16b", on)
        assert (found.status, found.days_overdue, found.days_late, found.satisfied_by_event_id) == (
            Status.BREACHED,
            3,
            None,
            "s1",
        )
    # What the records showed on 29 December, asked on a later `on`: still running unsubmitted.
    then = only(history, "R16b", "2025-02-01", known_at=day("2024-12-29"))
    assert (then.status, then.days_overdue) == (Status.OVERDUE, 36)


def test_r16b_breached_frozen_at_the_end_of_an_unsubmitted_custody() -> None:
    """Decided Monday 4 March, due 11 March, ended 15 March unsubmitted: breached, 4 days."""
    history = History().record(
        custody_decided("d1", "2024-03-04"), custody_ended("e1", "2024-03-15")
    )
    assert only(history, "R16b", "2024-03-11").status is Status.PENDING
    found = only(history, "R16b", "2024-03-13")
    assert (found.status, found.days_overdue) == (Status.OVERDUE, 2)
    for on in ("2024-03-15", "2025-03-15"):
        found = only(history, "R16b", on)
        assert (found.status, found.days_overdue, found.days_late, found.satisfied_on) == (
            Status.BREACHED,
            4,
            None,
            None,
        )
        assert found.is_final


def test_r16c_overdue_while_the_custody_runs_then_breached_frozen_at_the_late_application() -> None:
    """Executed Monday 6 May, due 3 June, applied 10 June: overdue 2 on 5 June, then 7 days."""
    history = History().record(
        custody_executed("x1", "2024-05-06"), care_applied_for("a1", "2024-06-10")
    )
    found = only(history, "R16c", "2024-06-05")
    assert (found.status, found.days_overdue) == (Status.OVERDUE, 2)
    for on in ("2024-06-10", "2025-01-01"):
        found = only(history, "R16c", on)
        assert (found.status, found.days_overdue, found.days_late, found.satisfied_on) == (
            Status.BREACHED,
            7,
            None,
            day("2024-06-10"),
        )
    then = only(history, "R16c", "2024-06-20", known_at=day("2024-06-09"))
    assert (then.status, then.days_overdue) == (Status.OVERDUE, 17)


@pytest.mark.parametrize("ended", ["2024-12-19", "2024-12-27"])
def test_r16b_and_r16c_not_applicable_when_the_custody_ended_by_the_effective_due_date(
    ended: str,
) -> None:
    """Decided and executed Tuesday 17 December 2024; ended by Friday 27 without any act.

    R16b is due 24 December (julafton), extended to 27: an end on 27 December is on the
    effective due date, so nothing was needed: not applicable with empty due fields. R16c
    (due 14 January) likewise.
    """
    history = History().record(
        custody_decided("d1", "2024-12-17"),
        custody_executed("x1", "2024-12-17"),
        custody_ended("e1", ended),
    )
    assert only(history, "R16b", "2024-12-18").status is Status.PENDING
    for on in (ended, "2025-02-01", "2026-01-01"):
        for rule in ("R16b", "R16c"):
            found = only(history, rule, on)
            assert (found.status, *due_fields(found)) == (Status.NOT_APPLICABLE, *EMPTY_DUE)
            assert (found.satisfied_by_event_id, found.satisfied_on) == (None, None)


# 3. R16c: a court extension decided before the application moves the due date.


def test_r16c_court_extension_decided_after_the_original_due_date_moves_it() -> None:
    """Due 3 June; the court extends to 28 June on 7 June; applied 20 June: met, extended."""
    history = History().record(
        custody_executed("x1", "2024-05-06"),
        application_time_extended("t1", "2024-06-07", "2024-06-28"),
        care_applied_for("a1", "2024-06-20"),
    )
    before = only(history, "R16c", "2024-06-05")
    assert (before.status, before.due_on, before.days_overdue) == (
        Status.OVERDUE,
        day("2024-06-03"),
        2,
    )
    assert Flag.EXTENDED not in before.flags
    pending = only(history, "R16c", "2024-06-10")
    assert (pending.status, pending.due_on) == (Status.PENDING, day("2024-06-28"))
    for on in ("2024-06-20", "2024-12-01"):
        found = only(history, "R16c", on)
        assert (found.status, found.due_on, found.effective_due_on, found.days_overdue) == (
            Status.MET,
            day("2024-06-28"),
            day("2024-06-28"),
            None,
        )
        assert Flag.EXTENDED in found.flags
    then = only(history, "R16c", "2024-06-10", known_at=day("2024-06-06"))
    assert (then.status, then.due_on, then.days_overdue) == (
        Status.OVERDUE,
        day("2024-06-03"),
        7,
    )


@pytest.mark.parametrize(
    ("applied", "status", "days_overdue"),
    [("2024-05-30", Status.MET, None), ("2024-06-10", Status.BREACHED, 7)],
)
def test_r16c_court_extension_decided_after_the_application_is_ignored(
    applied: str, status: Status, days_overdue: int | None
) -> None:
    """An extension to 28 June decided on 12 June, after the application: moves nothing."""
    history = History().record(
        custody_executed("x1", "2024-05-06"),
        care_applied_for("a1", applied),
        application_time_extended("t1", "2024-06-12", "2024-06-28"),
    )
    for on in ("2024-06-11", "2024-06-12", "2024-12-01"):
        found = only(history, "R16c", on)
        assert (found.status, found.due_on, found.days_overdue) == (
            status,
            day("2024-06-03"),
            days_overdue,
        )
        assert Flag.EXTENDED not in found.flags


# TC15, exactly as RULES.md §11 states it.


@pytest.mark.parametrize("on", ["2025-01-17", "2025-02-01", "2026-12-31"])
def test_tc15_exactly_as_stated(on: str) -> None:
    """TC15: R16a met; R16b due 27 December, submitted 30: breached; R16c due 17 January: met."""
    history = tc15()
    reported = only(history, "R16a", on)
    assert (reported.due_on, reported.status) == (day("2025-01-14"), Status.MET)
    submitted = only(history, "R16b", on)
    assert (
        submitted.due_on,
        submitted.effective_due_on,
        submitted.status,
        submitted.severity,
        submitted.days_overdue,
    ) == (day("2024-12-27"), day("2024-12-27"), Status.BREACHED, Severity.CRITICAL, 3)
    applied = only(history, "R16c", on)
    assert (applied.due_on, applied.effective_due_on, applied.status) == (
        day("2025-01-17"),
        day("2025-01-17"),
        Status.MET,
    )
