"""The placement duties R09, R10 and R15: foster contract, care plans, health notice.

Judged as in `test_placement_cases`: the placement rules on their own (`placement_builders`).
"""

from __future__ import annotations

from caselog.dates import SundayRule
from caselog.events import CareBasis, HomeType, PlacementBasis
from caselog.rules.model import Flag, Severity, Status
from caselog.rules.settings import Settings
from tests.rules.builders import day
from tests.rules.placement_builders import (
    JOURHEM,
    care_decided,
    care_plan,
    care_plan_revised,
    case,
    contract_signed,
    examination_not_needed,
    implementation_plan,
    judged,
    moved_in,
    moved_out,
    only,
    region_notified,
)


class TestFosterContract:
    """R09 `contract`: a contract with the family home by the move-in day (✘ no tolerance)."""

    def test_met_on_the_move_in_day(self) -> None:
        """Signed on the move-in day: met, medium severity."""
        history = case(moved_in("p1", "2024-03-04"), contract_signed("k1", "2024-03-04"))
        found = only(history, "R09", "2024-04-01")
        assert (found.part, found.status, found.severity) == (
            "contract",
            Status.MET,
            Severity.MEDIUM,
        )

    def test_pending_then_overdue_then_met_late(self) -> None:
        """No contract: pending that day, overdue after; signed five days on: met late."""
        history = case(moved_in("p1", "2024-03-04")).record(contract_signed("k1", "2024-03-09"))
        assert only(history, "R09", "2024-03-04").status is Status.PENDING
        assert only(history, "R09", "2024-03-06").days_overdue == 2
        found = only(history, "R09", "2024-04-01")
        assert (found.status, found.days_late) == (Status.MET_LATE, 5)

    def test_window_closes_when_the_child_leaves(self) -> None:
        """Left after ten days with no contract: breached, window closed, final."""
        history = case(moved_in("p1", "2024-03-04"), moved_out("e1", "2024-03-14"))
        found = only(history, "R09", "2025-01-01")
        assert (found.status, found.days_overdue) == (Status.BREACHED, 10)
        assert Flag.WINDOW_CLOSED in found.flags
        assert found.is_final

    def test_not_for_private_or_emergency_homes(self) -> None:
        """Private placements and jourhem placements are not judged by R09 `contract`."""
        history = case(
            moved_in(
                "p1", "2024-03-04", home_type=HomeType.PRIVATE_HOME, basis=PlacementBasis.PRIVATE
            ),
            moved_in("p2", "2024-03-04", home_type=JOURHEM, placement="pl-2"),
        )
        assert judged(history, "R09", "2024-04-01") == []


class TestCarePlans:
    """R10 `care_plan` and `implementation_plan`, per care episode."""

    def test_care_plan_before_the_start_is_met(self) -> None:
        """A care plan drawn up before the placement: met."""
        history = case(care_plan("v1", "2024-02-20"), moved_in("p1", "2024-03-04"))
        found = only(history, "R10", "2024-04-01", part="care_plan")
        assert (found.status, found.due_on, found.severity) == (
            Status.MET,
            day("2024-03-04"),
            Severity.MEDIUM,
        )

    def test_care_plan_late(self) -> None:
        """A care plan twelve days after the start: met late by 12 days."""
        history = case(moved_in("p1", "2024-03-04"), care_plan("v1", "2024-03-16"))
        found = only(history, "R10", "2024-04-01", part="care_plan")
        assert (found.status, found.days_late) == (Status.MET_LATE, 12)

    def test_sunday_rule_extends_a_saturday_start(self) -> None:
        """Started Saturday 2024-03-02, plan Monday: strict met late, extend met."""
        history = case(moved_in("p1", "2024-03-02"), care_plan("v1", "2024-03-04"))
        assert only(history, "R10", "2024-04-01", part="care_plan").status is Status.MET_LATE
        extend = Settings(sunday_rules={"R10": SundayRule.EXTEND})
        assert only(history, "R10", "2024-04-01", part="care_plan", settings=extend).status is (
            Status.MET
        )

    def test_implementation_plan_within_30_days(self) -> None:
        """Implementation plan due 30 days after the start: pending, then met on day 30."""
        history = case(moved_in("p1", "2024-03-04")).record(implementation_plan("g1", "2024-04-03"))
        pending = only(history, "R10", "2024-03-20", part="implementation_plan")
        assert (pending.status, pending.due_on) == (Status.PENDING, day("2024-04-03"))
        assert only(history, "R10", "2024-05-01", part="implementation_plan").status is Status.MET

    def test_implementation_plan_overdue(self) -> None:
        """No implementation plan 35 days after the start: overdue by 5 days."""
        history = case(moved_in("p1", "2024-03-04"))
        found = only(history, "R10", "2024-04-08", part="implementation_plan")
        assert (found.status, found.days_overdue) == (Status.OVERDUE, 5)

    def test_one_plan_for_moves_within_an_episode(self) -> None:
        """A move between homes under the same care: one episode, one care plan duty."""
        history = case(
            moved_in("p1", "2024-03-04"),
            care_plan("v1", "2024-03-04"),
            moved_out("e1", "2024-06-01"),
            moved_in("p2", "2024-06-01", home="H2", placement="pl-2"),
        )
        (found,) = judged(history, "R10", "2024-07-01", part="care_plan")
        assert (found.trigger_event_id, found.status) == ("p1", Status.MET)

    def test_new_episode_needs_a_new_plan(self) -> None:
        """Care again after a gap: the earlier plan does not count for it."""
        history = case(
            care_plan("v1", "2024-03-01"),
            moved_in("p1", "2024-03-04"),
            moved_out("e1", "2024-06-01"),
            moved_in("p2", "2024-09-02", placement="pl-2"),
        )
        first, second = judged(history, "R10", "2024-10-01", part="care_plan")
        assert (first.status, second.trigger_event_id, second.status) == (
            Status.MET,
            "p2",
            Status.OVERDUE,
        )

    def test_immediate_custody_counts_from_the_care_placement(self) -> None:
        """LVU 6 § then LVU 2 § care: the care plan is due when the LVU 2 § care starts."""
        history = case(
            moved_in("p1", "2024-03-04", basis=PlacementBasis.LVU_6, home_type=JOURHEM),
            moved_out("e1", "2024-04-10"),
            moved_in("p2", "2024-04-10", basis=PlacementBasis.LVU_2, placement="pl-2"),
            care_plan("v1", "2024-04-08"),
        )
        found = only(history, "R10", "2024-05-01", part="care_plan")
        assert (found.trigger_event_id, found.due_on, found.status) == (
            "p2",
            day("2024-04-10"),
            Status.MET,
        )

    def test_care_cut_short_before_the_due_date(self) -> None:
        """Care ended in ten days, before the 30-day plan was due: not applicable."""
        history = case(moved_in("p1", "2024-03-04"), moved_out("e1", "2024-03-14"))
        found = only(history, "R10", "2024-05-01", part="implementation_plan")
        assert found.status is Status.NOT_APPLICABLE

    def test_not_for_private_placements(self) -> None:
        """A private placement (medgivande) is not care the committee plans."""
        history = case(
            moved_in(
                "p1", "2024-03-04", home_type=HomeType.PRIVATE_HOME, basis=PlacementBasis.PRIVATE
            )
        )
        assert judged(history, "R10", "2024-05-01") == []


class TestCarePlanRevision:
    """R10 `revision`: revised by two years of placement, from 2021-03-01."""

    def test_met_within_two_years(self) -> None:
        """Placed 2022-01-10, revised 2023-12-01: met against 2024-01-10."""
        history = case(moved_in("p1", "2022-01-10"), care_plan_revised("r1", "2023-12-01"))
        found = only(history, "R10", "2024-03-01", part="revision")
        assert (found.due_on, found.status) == (day("2024-01-10"), Status.MET)

    def test_overdue_without_a_revision(self) -> None:
        """No revision by 2024-01-10: overdue on 2024-02-01 (22 days)."""
        found = only(case(moved_in("p1", "2022-01-10")), "R10", "2024-02-01", part="revision")
        assert (found.status, found.days_overdue) == (Status.OVERDUE, 22)

    def test_running_on_1_march_2021_is_due_then(self) -> None:
        """Placed 2018-05-02 and still placed: due 2021-03-01, a transition interpretation."""
        history = case(moved_in("p1", "2018-05-02"), care_plan_revised("r1", "2021-03-20"))
        found = only(history, "R10", "2021-06-01", part="revision")
        assert (found.due_on, found.status, found.days_late) == (
            day("2021-03-01"),
            Status.MET_LATE,
            19,
        )
        assert Flag.TRANSITION_INTERPRETATION in found.flags
        assert found.citation == "SoL (2001:453) 11 kap. 3 § 2 st."

    def test_not_applicable_before_the_rule(self) -> None:
        """Care that ended before 2021-03-01: not applicable."""
        history = case(moved_in("p1", "2017-05-02"), moved_out("e1", "2020-12-31"))
        assert only(history, "R10", "2021-06-01", part="revision").status is Status.NOT_APPLICABLE

    def test_not_applicable_for_care_shorter_than_two_years(self) -> None:
        """Care that ended after a year: never owed a revision."""
        history = case(moved_in("p1", "2022-01-10"), moved_out("e1", "2023-01-10"))
        assert only(history, "R10", "2024-06-01", part="revision").status is Status.NOT_APPLICABLE

    def test_window_closes_when_care_ends_unrevised(self) -> None:
        """Care ending 2024-02-10 with no revision due 2024-01-10: breached, 31 days, final."""
        history = case(moved_in("p1", "2022-01-10"), moved_out("e1", "2024-02-10"))
        found = only(history, "R10", "2025-01-01", part="revision")
        assert (found.status, found.days_overdue) == (Status.BREACHED, 31)
        assert Flag.WINDOW_CLOSED in found.flags


class TestHealthExaminationNotice:
    """R15: the region told within `region_notice_days` (14) of the start of care."""

    def test_met_pending_overdue_met_late(self) -> None:
        """Notice due 2024-03-18: pending, overdue, then met late on 03-20."""
        history = case(moved_in("p1", "2024-03-04")).record(region_notified("n1", "2024-03-20"))
        assert only(history, "R15", "2024-03-18").status is Status.PENDING
        assert only(history, "R15", "2024-03-19", known_at=day("2024-03-19")).status is (
            Status.OVERDUE
        )
        found = only(history, "R15", "2024-04-01")
        assert (found.due_on, found.status, found.days_late, found.severity) == (
            day("2024-03-18"),
            Status.MET_LATE,
            2,
            Severity.LOW,
        )

    def test_met_in_time(self) -> None:
        """Notified a week after the start: met."""
        history = case(moved_in("p1", "2024-03-04"), region_notified("n1", "2024-03-11"))
        assert only(history, "R15", "2024-04-01").status is Status.MET

    def test_waived_when_not_needed(self) -> None:
        """Judged unneeded (obehövligt) in time: waived without review."""
        history = case(moved_in("p1", "2024-03-04"), examination_not_needed("x1", "2024-03-05"))
        found = only(history, "R15", "2024-04-01")
        assert (found.status, found.flags) == (Status.WAIVED, ())

    def test_judged_unneeded_late_needs_review(self) -> None:
        """Judged unneeded after the due date: waived, flagged for manual review."""
        history = case(moved_in("p1", "2024-03-04"), examination_not_needed("x1", "2024-03-25"))
        found = only(history, "R15", "2024-04-01")
        assert found.status is Status.WAIVED
        assert Flag.MANUAL_REVIEW in found.flags

    def test_immediate_custody_counts(self) -> None:
        """An immediate custody (LVU 6 §) starts care outside the home too."""
        history = case(moved_in("p1", "2024-03-04", basis=PlacementBasis.LVU_6, home_type=JOURHEM))
        assert only(history, "R15", "2024-04-01").status is Status.OVERDUE

    def test_not_applicable_before_the_rule(self) -> None:
        """Care that began in 2016, before Lag (2017:209): not applicable."""
        history = case(moved_in("p1", "2016-05-02"))
        assert only(history, "R15", "2017-06-01").status is Status.NOT_APPLICABLE

    def test_new_act_cited(self) -> None:
        """Care from 2025-08-01 is judged under SoL (2025:400) 22 kap. 7 §."""
        history = case(
            care_decided("d1", "2025-08-01", basis=CareBasis.LVU_2),
            moved_in("p1", "2025-08-01", basis=PlacementBasis.LVU_2, decision="cd-1"),
        )
        assert only(history, "R15", "2025-09-01").citation == "SoL (2025:400) 22 kap. 7 §"
