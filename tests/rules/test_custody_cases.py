"""Worked case TC15 (RULES.md §11) and focused cases of immediate custody: R16a–c."""

from __future__ import annotations

import pytest

from caselog.dates import SundayRule
from caselog.events import Body, CourtOutcome, DecidedBy
from caselog.rules.model import Flag, Severity, Status
from caselog.rules.settings import Settings
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
    custody_ruled,
    custody_submitted,
    final_verdicts_changed,
    only,
)


def tc15() -> History:
    """TC15: a chair's immediate custody over Christmas 2024, submitted to court too late."""
    return History().record(
        custody_decided("d1", "2024-12-20"),
        custody_executed("x1", "2024-12-20"),
        custody_submitted("s1", "2024-12-30"),
        committee_met("m1", "2025-01-14"),
        custody_reported("rc1", "2025-01-14"),
        care_applied_for("a1", "2025-01-15"),
    )


class TestTC15ImmediateCustodyOverChristmas:
    """R16a met; R16b breached, the custody lapsed on 27 December; R16c met."""

    def test_reported_at_the_next_meeting(self) -> None:
        """The chair's decision was reported at the meeting of 14 January: met."""
        found = only(tc15(), "R16a", "2025-02-01")
        assert (found.due_on, found.status, found.satisfied_by_event_id) == (
            day("2025-01-14"),
            Status.MET,
            "rc1",
        )
        assert found.citation == "LVU (1990:52) 6 §"

    def test_submission_after_a_week_is_breached(self) -> None:
        """Due Friday 27 December, submitted Monday 30: breached, 3 days without legal basis."""
        found = only(tc15(), "R16b", "2025-02-01")
        assert (found.due_on, found.effective_due_on, found.status) == (
            day("2024-12-27"),
            day("2024-12-27"),
            Status.BREACHED,
        )
        assert (found.days_overdue, found.days_late, found.satisfied_on) == (
            3,
            None,
            day("2024-12-30"),
        )
        assert (found.severity, found.is_final) == (Severity.CRITICAL, True)
        assert "omhändertagandet upphörde" in found.explanation_sv
        assert found.citation == "LVU (1990:52) 7 §"

    def test_care_application_within_four_weeks(self) -> None:
        """Executed 20 December, due Friday 17 January, filed 15 January: met."""
        found = only(tc15(), "R16c", "2025-02-01")
        assert (found.due_on, found.status) == (day("2025-01-17"), Status.MET)

    def test_submission_pending_on_the_due_date(self) -> None:
        """As of 27 December nothing is submitted yet, and nothing is late yet."""
        assert only(tc15(), "R16b", "2024-12-27").status is Status.PENDING

    def test_overdue_while_the_custody_goes_on_unsubmitted(self) -> None:
        """As of 29 December the custody has lapsed and lacked a legal basis for two days."""
        found = only(tc15(), "R16b", "2024-12-29")
        assert (found.status, found.days_overdue) == (Status.OVERDUE, 2)
        assert "omhändertagandet upphörde" in found.explanation_sv

    def test_report_pending_while_no_meeting_is_recorded(self) -> None:
        """As of 10 January no meeting has been held since the decision: pending, no due date."""
        found = only(tc15(), "R16a", "2025-01-10")
        assert (found.status, found.due_on) == (Status.PENDING, None)


class TestR16aReportToTheCommittee:
    """Who decided, and which body's next meeting counts."""

    def history(self, by: DecidedBy, *, reported: str | None = None) -> History:
        """A custody decided on 4 March 2024; an utskott meets on 6 March, the nämnd on 12."""
        history = History().record(
            custody_decided("d1", "2024-03-04", by=by),
            committee_met("m1", "2024-03-06", body=Body.SUBCOMMITTEE),
            committee_met("m2", "2024-03-12"),
        )
        return history.record(custody_reported("rc1", reported)) if reported else history

    def test_member_reported_at_a_later_meeting_is_met_late(self) -> None:
        """A member's decision reported on 9 April instead of 12 March: met late by 28 days."""
        found = only(self.history(DecidedBy.MEMBER, reported="2024-04-09"), "R16a", "2024-05-01")
        assert (found.due_on, found.status, found.days_late) == (
            day("2024-03-12"),
            Status.MET_LATE,
            28,
        )

    def test_committee_decision_needs_no_report(self) -> None:
        """The nämnd's own decision is not reported to itself: not applicable."""
        found = only(self.history(DecidedBy.COMMITTEE), "R16a", "2024-05-01")
        assert found.status is Status.NOT_APPLICABLE

    def test_overdue_after_the_meeting_without_a_report(self) -> None:
        """The nämnd met on 12 March and heard nothing: overdue by 8 days on 20 March."""
        found = only(self.history(DecidedBy.CHAIR), "R16a", "2024-03-20")
        assert (found.status, found.days_overdue) == (Status.OVERDUE, 8)

    def test_the_configured_body_decides_the_meeting(self) -> None:
        """With `custody_report_body = subcommittee` the utskott's 6 March meeting is due."""
        settings = Settings(custody_report_body="subcommittee")
        found = only(self.history(DecidedBy.CHAIR), "R16a", "2024-03-20", settings=settings)
        assert (found.due_on, found.status) == (day("2024-03-06"), Status.OVERDUE)

    def test_a_report_is_not_a_meeting(self) -> None:
        """Reported on 8 March: due at the nämnd's meeting of 12 March, not on 8 March; met."""
        history = self.history(DecidedBy.CHAIR, reported="2024-03-08")
        found = only(history, "R16a", "2024-05-01")
        assert (found.due_on, found.status, found.satisfied_by_event_id) == (
            day("2024-03-12"),
            Status.MET,
            "rc1",
        )
        before = only(history, "R16a", "2024-03-10")
        assert (before.due_on, before.status, before.satisfied_on) == (None, Status.PENDING, None)

    def test_an_official_cannot_decide_custody(self) -> None:
        """An official's custody decision is judged like a chair's and flagged."""
        found = only(self.history(DecidedBy.OFFICIAL, reported="2024-03-12"), "R16a", "2024-05-01")
        assert found.status is Status.MET
        assert Flag.INVALID_DELEGATION in found.flags


class TestR16bSundayRule:
    """Decided Tuesday 17 December 2024: the week ends on julafton, a closed day."""

    history = History().record(
        custody_decided("d1", "2024-12-17"), custody_submitted("s1", "2024-12-27")
    )

    def test_extend_by_default_moves_the_due_date_past_christmas(self) -> None:
        """Extend (the default for R16b): due 24 December moves to Friday 27: met."""
        found = only(self.history, "R16b", "2025-01-10")
        assert (found.due_on, found.effective_due_on, found.status) == (
            day("2024-12-24"),
            day("2024-12-27"),
            Status.MET,
        )

    def test_strict_keeps_julafton_and_the_custody_lapsed(self) -> None:
        """Strict: due 24 December, submitted 27: breached, 3 days without legal basis."""
        settings = Settings(sunday_rules={"R16b": SundayRule.STRICT})
        found = only(self.history, "R16b", "2025-01-10", settings=settings)
        assert (found.effective_due_on, found.status, found.days_overdue) == (
            day("2024-12-24"),
            Status.BREACHED,
            3,
        )

    def test_custody_ended_within_the_week_needs_no_submission(self) -> None:
        """A custody that ended on 19 December, unsubmitted, is not applicable."""
        history = History().record(
            custody_decided("d1", "2024-12-17"), custody_ended("e1", "2024-12-19")
        )
        assert only(history, "R16b", "2025-01-10").status is Status.NOT_APPLICABLE


class TestR16cCareApplication:
    """Four weeks from the execution, extended by the court, or moot."""

    def test_records_before_the_filing_was_registered_show_it_overdue(self) -> None:
        """Filed 15 January but registered 20 January: as known on 18 January, overdue."""
        history = (
            History()
            .record(custody_decided("d1", "2024-12-20"), custody_executed("x1", "2024-12-20"))
            .record(care_applied_for("a1", "2025-01-15"), at=day("2025-01-20"))
        )
        then = only(history, "R16c", "2025-01-18", known_at=day("2025-01-18"))
        assert (then.status, then.days_overdue) == (Status.OVERDUE, 1)
        now = only(history, "R16c", "2025-01-18")
        assert (now.status, now.satisfied_on) == (Status.MET, day("2025-01-15"))

    def test_court_extension_moves_the_due_date(self) -> None:
        """The court extended the time to 7 February; filed 3 February: met, extended."""
        history = History().record(
            custody_executed("x1", "2024-12-20"),
            application_time_extended("t1", "2025-01-10", "2025-02-07"),
            care_applied_for("a1", "2025-02-03"),
        )
        found = only(history, "R16c", "2025-03-01")
        assert (found.due_on, found.status) == (day("2025-02-07"), Status.MET)
        assert Flag.EXTENDED in found.flags

    def test_days_without_legal_basis_freeze_when_the_custody_ends(self) -> None:
        """Never filed; the custody ended 25 January: breached, 8 days, however late `on`."""
        history = History().record(
            custody_executed("x1", "2024-12-20"),
            custody_ended("e1", "2025-01-25"),
            care_applied_for("a1", "2025-01-27"),
        )
        before = only(history, "R16c", "2025-01-20")
        assert (before.status, before.days_overdue) == (Status.OVERDUE, 3)
        for on in ("2025-01-25", "2025-06-01"):
            found = only(history, "R16c", on)
            assert (found.status, found.days_overdue, found.satisfied_on) == (
                Status.BREACHED,
                8,
                None,
            )
        assert "omhändertagandet upphörde" in found.explanation_sv

    def test_revoked_custody_needs_no_application(self) -> None:
        """The court revoked the custody on 27 December: not applicable."""
        history = History().record(
            custody_executed("x1", "2024-12-20"),
            custody_ruled("k1", "2024-12-27", CourtOutcome.REVOKED),
        )
        assert only(history, "R16c", "2025-03-01").status is Status.NOT_APPLICABLE


@pytest.mark.parametrize(
    "history",
    [
        tc15(),
        TestR16bSundayRule.history,
        History().record(
            custody_executed("x1", "2024-12-20"),
            custody_ended("e1", "2025-01-25"),
            care_applied_for("a1", "2025-01-27"),
        ),
    ],
)
def test_a_final_verdict_never_changes_as_on_moves_forward(history: History) -> None:
    """Every final R16–R18 obligation is identical on every later date (D7)."""
    assert final_verdicts_changed(history) == []
