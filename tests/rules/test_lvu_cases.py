"""Focused cases of R17 and R18 (LVU 14 §, flyttningsförbud) and of R06 (feedback)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from caselog.events import HomeType, PlacementBasis, Requester
from caselog.rules import feedback
from caselog.rules.evaluate import evaluate
from caselog.rules.model import Flag, Obligation, Severity, Status
from caselog.rules.settings import DEFAULT_SETTINGS, Settings
from caselog.testing import History
from tests.rules.builders import (
    day,
    feedback_given,
    feedback_refused,
    feedback_requested,
    file_opened,
    not_opened,
    opened,
    report,
)
from tests.rules.lvu_builders import (
    end_of_care_requested,
    final_verdicts_changed,
    moving_ban_considered,
    only,
    restriction_decided,
    restriction_lifted,
    restriction_reviewed,
)
from tests.rules.placement_builders import moved_out, placed

NOW = datetime(2100, 1, 1, tzinfo=UTC)


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
        assert [(o.trigger_event_id, o.trigger_on, o.satisfied_by_event_id) for o in periods] == [
            ("u1", day("2024-01-31"), "v1"),
            ("u1", day("2024-04-29"), "v2"),
            ("u1", day("2024-08-05"), None),
        ]

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
    """SoL (2025:400) 19 kap. 6 §, judged from `sfs_2025_1501_in_force_on` (default 2026)."""

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
        settings = Settings(sfs_2025_1501_in_force_on=date(2025, 7, 1))
        found = r06(history, "2025-09-30", settings)
        assert (found.due_on, found.status) == (day("2025-09-12"), Status.OVERDUE)


@pytest.mark.parametrize(
    "history",
    [
        TestR17ContactRestriction.history,
        TestR18MovingBanConsidered.history().record(
            moving_ban_considered("b1", "2024-04-05"), moved_out("e1", "2024-04-01")
        ),
    ],
)
def test_a_final_verdict_never_changes_as_on_moves_forward(history: History) -> None:
    """Every final R16–R18 obligation is identical on every later date (D7)."""
    assert final_verdicts_changed(history) == []
