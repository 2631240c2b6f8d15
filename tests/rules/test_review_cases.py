"""Worked cases TC10, TC13, TC14 and TC20 (RULES.md §11): R11–R13, recurring decisions."""

from __future__ import annotations

from caselog.dates import SundayRule
from caselog.events import DecidedBy, HomeType, PlacementBasis, ReviewKind
from caselog.rules.model import Flag, Obligation, Status
from caselog.rules.settings import Settings
from caselog.testing import History
from tests.rules.builders import day
from tests.rules.placement_builders import considered, moved_out, placed, reviewed


def periods_of(history: History, rule: str, on: str, **kwargs: object) -> list[Obligation]:
    """The obligations of `rule` on `on`, in the order the rule yields them."""
    return history.obligations(on=day(on), rule=rule, **kwargs)  # type: ignore[arg-type]


def only(history: History, rule: str, on: str, **kwargs: object) -> Obligation:
    """The one obligation of `rule` on `on`."""
    found = periods_of(history, rule, on, **kwargs)
    assert len(found) == 1, found
    return found[0]


def tc10(*, first_by: DecidedBy = DecidedBy.SUBCOMMITTEE) -> History:
    """TC10: SoL family home from 2019-08-31; reviews 2020-02-27 and 2020-08-31."""
    return History().record(
        placed("p1", "2019-08-31"),
        reviewed("r1", "2020-02-27", by=first_by),
        reviewed("r2", "2020-08-31"),
    )


class TestTC10SixMonthlyReviewAtMonthEnd:
    """R11: due on the leap day, met; next due 27 August, met late; then 28 February."""

    def test_first_review_met_on_the_leap_day_deadline(self) -> None:
        """Due 2020-02-29 (six months from 31 August), reviewed 27 February: met."""
        first = periods_of(tc10(), "R11", "2020-09-01")[0]
        assert (first.period, first.due_on, first.status) == (1, day("2020-02-29"), Status.MET)
        assert (first.trigger_event_id, first.satisfied_by_event_id) == ("p1", "r1")
        assert first.citation == "SoL (2001:453) 6 kap. 8 §"

    def test_second_review_met_late_by_four_days(self) -> None:
        """Next due 2020-08-27 (six months from the review), reviewed 31 August: 4 days late."""
        second = periods_of(tc10(), "R11", "2020-09-01")[1]
        assert (second.period, second.due_on, second.status, second.days_late) == (
            2,
            day("2020-08-27"),
            Status.MET_LATE,
            4,
        )
        assert (second.trigger_event_id, second.trigger_on) == ("p1", day("2020-02-27"))
        assert second.satisfied_by_event_id == "r2"

    def test_third_period_due_28_february_2021(self) -> None:
        """The late review restarts the clock: next due 2021-02-28, pending."""
        third = periods_of(tc10(), "R11", "2020-09-01")[2]
        assert (third.period, third.due_on, third.status) == (3, day("2021-02-28"), Status.PENDING)

    def test_review_by_an_official_is_pending_until_the_due_date(self) -> None:
        """Variant: the official's review does not count; on 29 February still pending."""
        found = only(tc10(first_by=DecidedBy.OFFICIAL), "R11", "2020-02-29")
        assert (found.status, found.flags) == (Status.PENDING, (Flag.INVALID_DELEGATION,))

    def test_review_by_an_official_is_overdue_from_1_march(self) -> None:
        """Variant: a socialsekreterare's review leaves the period overdue from 2020-03-01."""
        found = only(tc10(first_by=DecidedBy.OFFICIAL), "R11", "2020-03-01")
        assert (found.status, found.days_overdue, found.satisfied_on) == (Status.OVERDUE, 1, None)
        assert Flag.INVALID_DELEGATION in found.flags


def tc20() -> History:
    """TC20: LVU 3 § care executed 2018-03-15; prövning by the utskott Monday 2018-09-17."""
    return History().record(
        placed("p1", "2018-03-15", home_type=HomeType.RESIDENTIAL_HOME, basis=PlacementBasis.LVU_3),
        reviewed("e1", "2018-09-17", kind=ReviewKind.LVU_EXAMINATION),
    )


class TestTC20LvuExaminationOnASaturday:
    """R12: due Saturday 15 September; strict met late 2 days, extend met; next 17 March."""

    def test_strict_is_met_late_by_two_days(self) -> None:
        """Strict: due 2018-09-15, examined Monday 17: met late by two days."""
        first = periods_of(tc20(), "R12", "2018-10-01")[0]
        assert (first.due_on, first.effective_due_on, first.status, first.days_late) == (
            day("2018-09-15"),
            day("2018-09-15"),
            Status.MET_LATE,
            2,
        )
        assert first.citation == "LVU (1990:52) 13 § 2 st."

    def test_extend_moves_the_due_date_to_monday(self) -> None:
        """Extend: the due date moves to Monday 17 September and the prövning is in time."""
        settings = Settings(sunday_rules={"R12": SundayRule.EXTEND})
        first = periods_of(tc20(), "R12", "2018-10-01", settings=settings)[0]
        assert (first.effective_due_on, first.status) == (day("2018-09-17"), Status.MET)

    def test_next_examination_due_six_months_after_the_last(self) -> None:
        """The next prövning is due 2019-03-17, six months from the last one."""
        second = periods_of(tc20(), "R12", "2018-10-01")[1]
        assert (second.period, second.due_on, second.status) == (
            2,
            day("2019-03-17"),
            Status.PENDING,
        )
        assert (second.trigger_event_id, second.trigger_on) == ("p1", day("2018-09-17"))


def tc13() -> History:
    """TC13: SoL family home from 2020-09-01; considered 2022-08-25 and 2023-09-10."""
    return History().record(
        placed("p1", "2020-09-01"),
        considered("c1", "2022-08-25"),
        considered("c2", "2023-09-10"),
    )


class TestTC13CustodyTransferRuleChange:
    """R13: three years as of 2022-06-30, two years from 2022-07-01, then annually."""

    def test_three_year_rule_as_of_30_june_2022(self) -> None:
        """As of 2022-06-30 only the three-year rule is in force: due 2023-09-01, pending."""
        found = only(tc13(), "R13", "2022-06-30")
        assert (found.due_on, found.status) == (day("2023-09-01"), Status.PENDING)
        assert Flag.TRANSITION_INTERPRETATION not in found.flags

    def test_two_year_rule_from_1_july_2022(self) -> None:
        """From 2022-07-01 due 2022-09-01; the consideration of 25 August meets it."""
        first = periods_of(tc13(), "R13", "2022-09-01")[0]
        assert (first.due_on, first.status, first.satisfied_by_event_id) == (
            day("2022-09-01"),
            Status.MET,
            "c1",
        )
        assert first.law_decisive == "SoL (2001:453) 6 kap. 8 b §"
        assert Flag.TRANSITION_INTERPRETATION not in first.flags

    def test_annual_consideration_met_late_by_16_days(self) -> None:
        """Next due 2023-08-25, a year after the consideration; 10 September is 16 days late."""
        second = periods_of(tc13(), "R13", "2023-10-01")[1]
        assert (second.period, second.due_on, second.status, second.days_late) == (
            2,
            day("2023-08-25"),
            Status.MET_LATE,
            16,
        )
        assert (second.trigger_event_id, second.trigger_on) == ("p1", day("2022-08-25"))
        assert second.satisfied_by_event_id == "c2"

    def test_two_year_rule_pending_on_1_july_2022(self) -> None:
        """On the day the two-year rule took effect, before any consideration: due 1 September."""
        found = only(tc13(), "R13", "2022-07-01")
        assert (found.due_on, found.status) == (day("2022-09-01"), Status.PENDING)


class TestTC14TwoYearMarkPassedAtTheChange:
    """R13: a two-year mark before 2022-07-01 falls due that day; a leap-day start."""

    history = History().record(placed("p1", "2020-03-15"), considered("c1", "2022-09-10"))

    def test_due_on_1_july_2022_met_late_by_71_days(self) -> None:
        """(a) Due 2022-07-01 under the transition interpretation; 10 September: 71 days late."""
        found = periods_of(self.history, "R13", "2022-10-01")[0]
        assert (found.due_on, found.status, found.days_late) == (
            day("2022-07-01"),
            Status.MET_LATE,
            71,
        )
        assert Flag.TRANSITION_INTERPRETATION in found.flags

    def test_old_rule_not_due_before_15_march_2023(self) -> None:
        """(a) As of 2022-06-30 the three-year mark 2023-03-15 is the due date."""
        found = only(self.history, "R13", "2022-06-30")
        assert (found.due_on, found.status) == (day("2023-03-15"), Status.PENDING)

    def test_leap_day_start_due_28_february_2026(self) -> None:
        """(b) Placed 2024-02-29: due 29 Feb + 2 years = 2026-02-28 (a Saturday)."""
        found = only(History().record(placed("p1", "2024-02-29")), "R13", "2025-01-01")
        assert (found.due_on, found.status, found.flags) == (
            day("2026-02-28"),
            Status.PENDING,
            (),
        )

    def test_leap_day_start_overdue_from_1_march_2026(self) -> None:
        """(b) Strict: the Saturday due date stands; on Sunday 1 March it is one day overdue."""
        found = only(History().record(placed("p1", "2024-02-29")), "R13", "2026-03-01")
        assert found.due_on is not None
        assert (found.due_on.isoweekday(), found.effective_due_on) == (6, day("2026-02-28"))
        assert (found.status, found.days_overdue) == (Status.OVERDUE, 1)


class TestCareEpisodes:
    """R11/R12 run per care episode: a gap or a change of basis starts a new clock."""

    def test_a_gap_of_days_starts_a_new_episode(self) -> None:
        """A new SoL placement four days after the last ended restarts the six months."""
        history = History().record(
            placed("p1", "2019-01-01"),
            moved_out("x1", "2019-03-01"),
            placed("p2", "2019-03-05", home="H2", placement="pl-2"),
        )
        first, second = periods_of(history, "R11", "2019-04-01")
        assert first.status is Status.NOT_APPLICABLE
        assert (second.trigger_event_id, second.due_on) == ("p2", day("2019-09-05"))

    def test_a_move_on_the_same_day_continues_the_episode(self) -> None:
        """Moving homes on the day the last placement ended keeps the clock running."""
        history = History().record(
            placed("p1", "2019-01-01"),
            moved_out("x1", "2019-03-01"),
            placed("p2", "2019-03-01", home="H2", placement="pl-2"),
        )
        found = only(history, "R11", "2019-04-01")
        assert (found.trigger_event_id, found.due_on) == ("p1", day("2019-07-01"))

    def test_a_change_to_lvu_ends_the_sol_episode(self) -> None:
        """SoL care replaced by LVU 2 § care: the SoL period lapses, an LVU period starts."""
        history = History().record(
            placed("p1", "2019-01-01"),
            placed("p2", "2019-03-01", basis=PlacementBasis.LVU_2, placement="pl-2"),
        )
        assert only(history, "R11", "2019-04-01").status is Status.NOT_APPLICABLE
        lvu = only(history, "R12", "2019-04-01")
        assert (lvu.due_on, lvu.citation) == (day("2019-09-01"), "LVU (1990:52) 13 § 1 st.")

    def test_lvu_2_counts_from_the_immediate_custody(self) -> None:
        """LVU 2 § care after an immediate custody counts from the custody (LVU 10 §)."""
        history = History().record(
            placed("p1", "2024-01-05", basis=PlacementBasis.LVU_6),
            placed("p2", "2024-02-01", basis=PlacementBasis.LVU_2, placement="pl-2"),
        )
        found = only(history, "R12", "2024-03-01")
        assert (found.trigger_event_id, found.due_on) == ("p1", day("2024-07-05"))

    def test_lvu_3_counts_from_the_execution_of_the_care_decision(self) -> None:
        """LVU 3 § prövning counts from the first lvu_3 placement, not the custody."""
        history = History().record(
            placed("p1", "2024-01-05", basis=PlacementBasis.LVU_6),
            placed("p2", "2024-02-01", basis=PlacementBasis.LVU_3, placement="pl-2"),
        )
        found = only(history, "R12", "2024-03-01")
        assert (found.trigger_event_id, found.due_on) == ("p2", day("2024-08-01"))

    def test_a_review_of_another_kind_does_not_count(self) -> None:
        """A SoL review held during LVU 2 § care leaves the övervägande overdue."""
        history = History().record(
            placed("p1", "2019-01-01", basis=PlacementBasis.LVU_2),
            reviewed("r1", "2019-06-01"),
        )
        assert only(history, "R12", "2019-07-02").status is Status.OVERDUE

    def test_immediate_custody_alone_owes_no_review(self) -> None:
        """An immediate custody not followed by care is judged by R16, not R11/R12."""
        history = History().record(placed("p1", "2024-01-05", basis=PlacementBasis.LVU_6))
        assert periods_of(history, "R11", "2024-09-01") == []
        assert periods_of(history, "R12", "2024-09-01") == []


class TestCustodyTransferStays:
    """R13 runs per stay in one family home: moves restart it, other homes do not count."""

    def test_a_move_restarts_the_clock(self) -> None:
        """Moving from H1 to H2: the H1 stay lapses, the H2 stay counts from the move."""
        history = History().record(
            placed("p1", "2019-01-01", home="H1"),
            placed("p2", "2020-06-01", home="H2", placement="pl-2"),
        )
        first, second = periods_of(history, "R13", "2022-08-01")
        assert first.status is Status.NOT_APPLICABLE
        assert (second.trigger_event_id, second.due_on, second.status) == (
            "p2",
            day("2022-07-01"),
            Status.OVERDUE,
        )
        assert Flag.TRANSITION_INTERPRETATION in second.flags

    def test_a_consideration_for_another_home_does_not_count(self) -> None:
        """A consideration naming the previous home does not meet the new home's duty."""
        history = History().record(
            placed("p1", "2021-04-01", home="H1"),
            placed("p2", "2021-05-01", home="H2", placement="pl-2"),
            considered("c1", "2023-04-20", home="H1"),
        )
        found = periods_of(history, "R13", "2023-06-01")[-1]
        assert (found.due_on, found.status) == (day("2023-05-01"), Status.OVERDUE)

    def test_private_homes_and_residential_homes_owe_nothing(self) -> None:
        """R13 applies to family and kinship homes only."""
        history = History().record(
            placed(
                "p1", "2019-01-01", home_type=HomeType.PRIVATE_HOME, basis=PlacementBasis.PRIVATE
            ),
            moved_out("x1", "2019-02-01"),
            placed(
                "p2", "2019-02-01", home="R", home_type=HomeType.RESIDENTIAL_HOME, placement="pl-2"
            ),
        )
        assert periods_of(history, "R13", "2024-01-01") == []

    def test_a_change_to_lvu_in_the_same_home_continues_the_stay(self) -> None:
        """SoL care turned LVU care in the same kinship home: one stay, cited under LVU."""
        history = History().record(
            placed("p1", "2021-04-10", home_type=HomeType.KINSHIP_HOME),
            moved_out("x1", "2022-04-10"),
            placed(
                "p2",
                "2022-04-10",
                home_type=HomeType.KINSHIP_HOME,
                basis=PlacementBasis.LVU_2,
                placement="pl-2",
            ),
        )
        found = only(history, "R13", "2023-05-01")
        assert (found.trigger_event_id, found.due_on, found.days_overdue) == (
            "p1",
            day("2023-04-10"),
            21,
        )
        assert found.citation == "LVU (1990:52) 13 § 3 st."

    def test_breached_when_the_stay_ends_unconsidered(self) -> None:
        """Leaving the home a month after the due date closes the window: breached, 31 days."""
        history = History().record(placed("p1", "2021-05-01"), moved_out("x1", "2023-06-01"))
        found = only(history, "R13", "2024-01-01")
        assert (found.status, found.days_overdue, found.flags) == (
            Status.BREACHED,
            31,
            (Flag.WINDOW_CLOSED,),
        )

    def test_consideration_by_an_official_is_flagged(self) -> None:
        """An official's consideration does not count (SoL (2001:453) 10 kap. 4 §)."""
        history = History().record(
            placed("p1", "2021-05-01"), considered("c1", "2023-04-01", by=DecidedBy.OFFICIAL)
        )
        found = only(history, "R13", "2023-06-01")
        assert (found.status, found.flags) == (Status.OVERDUE, (Flag.INVALID_DELEGATION,))

    def test_annual_consideration_starts_on_1_march_2021(self) -> None:
        """Considered at three years in 2018: no annual duty until 2021-03-01, then due."""
        history = History().record(placed("p1", "2015-01-01"), considered("c1", "2018-01-01"))
        assert len(periods_of(history, "R13", "2021-02-28")) == 1
        first, second = periods_of(history, "R13", "2021-03-02")
        assert (first.due_on, first.status, first.citation) == (
            day("2018-01-01"),
            Status.MET,
            "SoL (2001:453)",
        )
        assert Flag.CITATION_UNVERIFIED in first.flags
        assert (second.due_on, second.status) == (day("2021-03-01"), Status.OVERDUE)
        assert Flag.TRANSITION_INTERPRETATION in second.flags

    def test_a_consideration_before_the_change_keeps_its_verdict(self) -> None:
        """Met before 2022-07-01: met ever after, though the due date follows the law on `on`."""
        history = History().record(placed("p1", "2020-03-15"), considered("c1", "2022-05-01"))
        before = periods_of(history, "R13", "2022-06-01")[0]
        after = periods_of(history, "R13", "2022-09-01")[0]
        assert (before.due_on, before.status) == (day("2023-03-15"), Status.MET)
        assert (after.due_on, after.status) == (day("2022-07-01"), Status.MET)
        assert Flag.TRANSITION_INTERPRETATION in after.flags
        assert (after.satisfied_by_event_id, after.days_late) == (
            before.satisfied_by_event_id,
            before.days_late,
        )

    def test_nothing_is_owed_before_the_rule_existed(self) -> None:
        """Before 2003-07-01 (✘) no custody-transfer duty is shown."""
        history = History().record(placed("p1", "1998-01-01"))
        assert periods_of(history, "R13", "2003-06-30") == []
