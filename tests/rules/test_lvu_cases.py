"""Worked case TC15 (RULES.md §11) and focused cases: R06, R16a–c, R17, R18."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest

from caselog.dates import SundayRule
from caselog.events import Body, CourtOutcome, DecidedBy, HomeType, PlacementBasis, Requester
from caselog.rules import feedback
from caselog.rules.evaluate import evaluate
from caselog.rules.model import Flag, Obligation, Severity, Status
from caselog.rules.settings import DEFAULT_SETTINGS, Settings
from caselog.testing import History
from tests.rules.builders import (
    application_time_extended,
    care_applied_for,
    committee_met,
    custody_decided,
    custody_ended,
    custody_executed,
    custody_reported,
    custody_ruled,
    custody_submitted,
    day,
    end_of_care_requested,
    feedback_given,
    feedback_refused,
    feedback_requested,
    file_opened,
    moved_out,
    moving_ban_considered,
    not_opened,
    opened,
    placed,
    report,
    restriction_decided,
    restriction_lifted,
    restriction_reviewed,
)

NOW = datetime(2100, 1, 1, tzinfo=UTC)


def only(history: History, rule: str, on: str, **kwargs: object) -> Obligation:
    """The one obligation of `rule` on `on`."""
    found = history.obligations(on=day(on), rule=rule, **kwargs)  # type: ignore[arg-type]
    assert len(found) == 1, found
    return found[0]


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

    def test_a_report_marks_a_meeting_not_otherwise_recorded(self) -> None:
        """Reported on 8 March, before the recorded nämnd meeting of 12 March: met that day."""
        found = only(self.history(DecidedBy.CHAIR, reported="2024-03-08"), "R16a", "2024-05-01")
        assert (found.due_on, found.status) == (day("2024-03-08"), Status.MET)

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


def r17(history: History, on: str) -> list[Obligation]:
    """The R17 periods on `on`, in order."""
    return history.obligations(on=day(on), rule="R17")


class TestR17ContactRestriction:
    """Three-month periods from the decision, then from each reconsideration."""

    history = History().record(
        restriction_decided("u1", "2024-01-31"),
        restriction_reviewed("v1", "2024-04-29"),
        restriction_reviewed("v2", "2024-08-05"),
    )

    def test_periods_met_met_late_then_overdue(self) -> None:
        """Due 30 April (clamped), 29 July, 5 November: met, met late 7, overdue 5."""
        periods = r17(self.history, "2024-11-10")
        assert [(o.period, o.due_on, o.status) for o in periods] == [
            (1, day("2024-04-30"), Status.MET),
            (2, day("2024-07-29"), Status.MET_LATE),
            (3, day("2024-11-05"), Status.OVERDUE),
        ]
        assert (periods[1].days_late, periods[2].days_overdue) == (7, 5)
        assert periods[2].trigger_event_id == "v2"

    def test_pending_before_the_due_date(self) -> None:
        """As of 1 November the third period is still pending."""
        assert r17(self.history, "2024-11-01")[-1].status is Status.PENDING

    def test_lifting_before_the_due_date_ends_the_duty(self) -> None:
        """Lifted 10 June, before the second period fell due: not applicable."""
        history = History().record(
            restriction_decided("u1", "2024-01-31"),
            restriction_reviewed("v1", "2024-04-29"),
            restriction_lifted("l1", "2024-06-10"),
        )
        assert [o.status for o in r17(history, "2024-12-31")] == [
            Status.MET,
            Status.NOT_APPLICABLE,
        ]

    def test_lifting_an_overdue_restriction_closes_the_window(self) -> None:
        """Never reconsidered and lifted 15 May: overdue until then, then breached (final)."""
        history = History().record(
            restriction_decided("u1", "2024-01-31"), restriction_lifted("l1", "2024-05-15")
        )
        (before,) = r17(history, "2024-05-10")
        assert (before.status, before.days_overdue) == (Status.OVERDUE, 10)
        (after,) = r17(history, "2024-12-31")
        assert (after.status, after.days_overdue) == (Status.BREACHED, 15)
        assert Flag.WINDOW_CLOSED in after.flags
        assert after.is_final


class TestR18MovingBanConsidered:
    """A request to end family-home care must be met by considering a flyttningsförbud."""

    @staticmethod
    def history(
        *,
        home_type: HomeType = HomeType.FAMILY_HOME,
        basis: PlacementBasis = PlacementBasis.SOL,
        by: Requester = Requester.GUARDIAN,
    ) -> History:
        """A child born 1 March 2009 placed in January 2023; care asked to end 1 March 2024."""
        return History().record(
            file_opened("f1", "2023-01-02", "2009-03-01"),
            placed("p1", "2023-01-10", home_type=home_type, basis=basis),
            end_of_care_requested("q1", "2024-03-01", by=by),
        )

    def test_considered_before_the_placement_ends(self) -> None:
        """Considered 5 March, placement ended 1 April: met."""
        history = self.history().record(
            moving_ban_considered("b1", "2024-03-05"), moved_out("e1", "2024-04-01")
        )
        for on in ("2024-03-20", "2024-05-01"):
            found = only(history, "R18", on)
            assert (found.status, found.due_on, found.satisfied_by_event_id) == (
                Status.MET,
                None,
                "b1",
            )
        assert found.citation == "SoL (2001:453) 6 kap. 8 a §"

    def test_pending_while_the_placement_runs(self) -> None:
        """Nothing considered yet and the child is still in the home: pending."""
        assert only(self.history(), "R18", "2024-03-20").status is Status.PENDING

    @pytest.mark.parametrize("considered_on", [None, "2024-04-05"])
    def test_placement_ended_without_consideration_is_breached(
        self, considered_on: str | None
    ) -> None:
        """The child left on 1 April with no consideration by then: breached, window closed."""
        history = self.history().record(moved_out("e1", "2024-04-01"))
        if considered_on:
            history.record(moving_ban_considered("b1", considered_on))
        found = only(history, "R18", "2024-06-01")
        assert (found.status, found.due_on, found.severity, found.is_final) == (
            Status.BREACHED,
            day("2024-04-01"),
            Severity.HIGH,
            True,
        )
        assert Flag.WINDOW_CLOSED in found.flags
        assert found.satisfied_on is None

    def test_child_of_fifteen_may_ask(self) -> None:
        """The child turned 15 on the day of the request: the duty applies."""
        found = only(self.history(by=Requester.CHILD), "R18", "2024-03-20")
        assert found.status is Status.PENDING

    def test_younger_child_request_does_not_trigger(self) -> None:
        """A request by a child of 14 is not applicable."""
        history = History().record(
            file_opened("f1", "2023-01-02", "2009-03-02"),
            placed("p1", "2023-01-10"),
            end_of_care_requested("q1", "2024-03-01", by=Requester.CHILD),
        )
        assert only(history, "R18", "2024-03-20").status is Status.NOT_APPLICABLE

    def test_residential_home_is_not_applicable(self) -> None:
        """A child in an HVB is not in a family home or other private home."""
        history = self.history(home_type=HomeType.RESIDENTIAL_HOME)
        assert only(history, "R18", "2024-03-20").status is Status.NOT_APPLICABLE

    def test_lvu_care_cites_lvu_13_b(self) -> None:
        """For LVU care in a family home the duty is LVU 13 b §."""
        found = only(self.history(basis=PlacementBasis.LVU_2), "R18", "2024-03-20")
        assert found.citation == "LVU (1990:52) 13 b §"


def r06(history: History, on: str, settings: Settings = DEFAULT_SETTINGS) -> Obligation:
    """The one R06 obligation on `on`, from the feedback module's own rules."""
    found = evaluate(
        history.records, on=day(on), known_at=NOW, settings=settings, rules=feedback.RULES
    )
    assert len(found) == 1, found
    return found[0]


class TestR06FeedbackToTheReporter:
    """SoL (2025:400) 19 kap. 6 §, judged from `feedback_rule_in_force_on` (default 2026)."""

    @staticmethod
    def history(*, given: str | None = None, requested: str = "2026-02-05") -> History:
        """A report on 2 February 2026, an investigation opened on 10 February."""
        history = History().record(report("r1", "2026-02-02"), opened("o1", "2026-02-10", "r1"))
        history.record(feedback_requested("fr1", requested, "r1"))
        return history.record(feedback_given("fg1", given, "r1")) if given else history

    def test_met_within_a_week_of_the_decision(self) -> None:
        """Requested 5 February, decided 10 February, told 17 February: met."""
        found = r06(self.history(given="2026-02-17"), "2026-03-01")
        assert (found.due_on, found.status, found.severity) == (
            day("2026-02-17"),
            Status.MET,
            Severity.LOW,
        )
        assert found.citation == "SoL (2025:400) 19 kap. 6 §"

    def test_met_late(self) -> None:
        """Told 19 February: met late by 2 days."""
        found = r06(self.history(given="2026-02-19"), "2026-03-01")
        assert (found.status, found.days_late) == (Status.MET_LATE, 2)

    def test_overdue(self) -> None:
        """Not told by 20 February: overdue by 3 days."""
        found = r06(self.history(), "2026-02-20")
        assert (found.status, found.days_overdue) == (Status.OVERDUE, 3)

    def test_request_after_the_week_is_due_at_once(self) -> None:
        """Asked on 2 March, after the week had run: genast, so told 3 March is a day late."""
        found = r06(self.history(requested="2026-03-02", given="2026-03-03"), "2026-04-01")
        assert (found.due_on, found.status, found.days_late) == (
            day("2026-03-02"),
            Status.MET_LATE,
            1,
        )

    def test_pending_without_a_due_date_before_the_decision(self) -> None:
        """No decision on the report yet: pending, and no due date."""
        history = History().record(
            report("r1", "2026-02-02"), feedback_requested("fr1", "2026-02-03", "r1")
        )
        found = r06(history, "2026-02-10")
        assert (found.status, found.due_on) == (Status.PENDING, None)

    def test_investigation_already_running_is_due_at_once(self) -> None:
        """A report during an open investigation: told the day it was asked, met."""
        history = History().record(
            opened("o1", "2026-01-10"),
            report("r1", "2026-02-02"),
            feedback_requested("fr1", "2026-02-04", "r1"),
            feedback_given("fg1", "2026-02-04", "r1"),
        )
        found = r06(history, "2026-03-01")
        assert (found.due_on, found.status) == (day("2026-02-04"), Status.MET)

    def test_refusal_waives(self) -> None:
        """Feedback refused as inappropriate on 12 February: waived."""
        history = self.history().record(feedback_refused("fx1", "2026-02-12", "r1"))
        found = r06(history, "2026-03-01")
        assert (found.status, found.satisfied_by_event_id) == (Status.WAIVED, "fx1")

    def test_first_answer_decides_between_refusal_and_feedback(self) -> None:
        """Refused on 12 February, told anyway on 20 February: still waived."""
        history = self.history().record(
            feedback_refused("fx1", "2026-02-12", "r1"), feedback_given("fg1", "2026-02-20", "r1")
        )
        assert r06(history, "2026-03-01").status is Status.WAIVED

    def test_feedback_before_any_decision_is_met(self) -> None:
        """Told on 3 February, before the decision of 10 February: met, no due date."""
        history = History().record(
            report("r1", "2026-02-02"),
            feedback_requested("fr1", "2026-02-03", "r1"),
            feedback_given("fg1", "2026-02-03", "r1"),
            opened("o1", "2026-02-10", "r1"),
        )
        found = r06(history, "2026-03-01")
        assert (found.status, found.due_on) == (Status.MET, None)

    def test_decision_not_to_open_also_starts_the_week(self) -> None:
        """A decision not to investigate on 10 February makes the feedback due 17 February."""
        history = History().record(
            report("r1", "2026-02-02"),
            feedback_requested("fr1", "2026-02-03", "r1"),
            not_opened("n1", "2026-02-10", "r1"),
        )
        assert r06(history, "2026-02-16").due_on == day("2026-02-17")

    @pytest.mark.parametrize(
        ("requested", "citation"),
        [
            ("2024-05-02", "SoL (2001:453) 14 kap. 1 b §"),
            ("2025-09-01", "SoL (2025:400) 19 kap. 6 §"),
        ],
    )
    def test_not_applicable_before_sfs_2025_1501(self, requested: str, citation: str) -> None:
        """Before the one-week rule there was no deadline: not applicable."""
        history = History().record(
            report("r1", requested), feedback_requested("fr1", requested, "r1")
        )
        found = r06(history, "2025-12-31")
        assert (found.status, found.citation) == (Status.NOT_APPLICABLE, citation)

    def test_in_force_date_is_a_setting(self) -> None:
        """With the rule in force from 2025-07-01, a September 2025 request is judged."""
        history = History().record(
            report("r1", "2025-09-01"),
            feedback_requested("fr1", "2025-09-01", "r1"),
            opened("o1", "2025-09-05", "r1"),
        )
        settings = Settings(feedback_rule_in_force_on=date(2025, 7, 1))
        found = r06(history, "2025-09-30", settings)
        assert (found.due_on, found.status) == (day("2025-09-12"), Status.OVERDUE)


@pytest.mark.parametrize(
    "history",
    [
        tc15(),
        TestR16bSundayRule.history,
        TestR17ContactRestriction.history,
        TestR18MovingBanConsidered.history().record(
            moving_ban_considered("b1", "2024-04-05"), moved_out("e1", "2024-04-01")
        ),
        History().record(
            custody_executed("x1", "2024-12-20"),
            custody_ended("e1", "2025-01-25"),
            care_applied_for("a1", "2025-01-27"),
        ),
    ],
)
def test_a_final_verdict_never_changes_as_on_moves_forward(history: History) -> None:
    """Every final obligation of these rules is identical on every later date (D7)."""
    rules = {"R16a", "R16b", "R16c", "R17", "R18"}
    start = date(2023, 12, 1)
    verdicts = [
        {
            (o.rule_id, o.trigger_event_id, o.period): o.model_dump()
            for o in history.obligations(on=date.fromordinal(start.toordinal() + step))
            if o.rule_id in rules
        }
        for step in range(0, 600, 3)
    ]
    for earlier, later in itertools.pairwise(verdicts):
        for key, found in earlier.items():
            if Obligation.model_validate(found).is_final:
                assert later[key] == found, key
