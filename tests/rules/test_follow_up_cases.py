"""Worked case TC19's R14 part (RULES.md §11) and §4.28's R14 points: years, social worker.

The rules run through `caselog.rules.follow_up.RULES` (and `caselog.rules.reviews`)
directly, so these tests do not depend on other rule modules; one test checks that the
registry lists the new `social_worker` part.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from caselog.events import Event, HomeType, PlacementBasis, VisitPlace
from caselog.rules import follow_up
from caselog.rules.evaluate import evaluate
from caselog.rules.model import Flag, Obligation, Status
from caselog.rules.registry import ALL_RULES
from caselog.rules.settings import Settings
from caselog.testing import History
from tests.rules.builders import day
from tests.rules.placement_builders import moved_out, placed, talked, visited
from tests.rules.review_builders import RULES, judged, key, only, social_worker_assigned

NOW = datetime(2100, 1, 1, tzinfo=UTC)


def r14(history: History, on: str, part: str) -> list[Obligation]:
    """The R14 obligations of one part (`gap` or `year`) on `on`, known now."""
    found = evaluate(history.records, on=day(on), known_at=NOW, rules=follow_up.RULES)
    assert {o.rule_id for o in found} <= {"R14"}
    return [o for o in found if o.part == part]


def tc19() -> History:
    """TC19: family home H19 since 2022-06-01; three visits and one private talk."""
    return History().record(
        placed("p1", "2022-06-01", home="H19"),
        visited("v1", "2022-09-01"),
        talked("t1", "2022-12-01"),
        visited("v2", "2023-03-10"),
        visited("v3", "2023-07-04"),
    )


class TestTC19NoVisitForEightMonths:
    """R14: the gap after 2023-07-04 was due to close by 2023-11-01; overdue by 124 days."""

    def test_gap_after_the_last_visit_overdue_by_124_days(self) -> None:
        """As of 2024-03-04 the interval since 4 July 2023 is overdue (120 days + 124)."""
        last = r14(tc19(), "2024-03-04", "gap")[-1]
        assert (last.trigger_event_id, last.trigger_on) == ("p1", day("2023-07-04"))
        assert (last.period, last.due_on, last.status, last.days_overdue) == (
            5,
            day("2023-11-01"),
            Status.OVERDUE,
            124,
        )
        assert (last.severity.value, last.citation) == ("medium", "SoL (2001:453) 6 kap. 7 b §")

    def test_earlier_gaps_were_closed_in_time(self) -> None:
        """The private talk counts like a visit: the four earlier intervals were met."""
        earlier = r14(tc19(), "2024-03-04", "gap")[:-1]
        assert [(o.period, o.satisfied_by_event_id, o.status) for o in earlier] == [
            (1, "v1", Status.MET),
            (2, "t1", Status.MET),
            (3, "v2", Status.MET),
            (4, "v3", Status.MET),
        ]

    def test_first_care_year_short_of_visits_is_breached(self) -> None:
        """Three contacts in the year to 2023-05-31 against four a year: breached, final."""
        first, second = r14(tc19(), "2024-03-04", "year")
        assert (first.due_on, first.status, first.flags, first.days_overdue) == (
            day("2023-05-31"),
            Status.BREACHED,
            (Flag.WINDOW_CLOSED,),
            None,
        )
        assert first.is_final
        assert (second.trigger_on, second.due_on, second.status) == (
            day("2023-06-01"),
            day("2024-05-31"),
            Status.PENDING,
        )


class TestFollowUpWindows:
    """R14 runs per care episode; its windows close when care ends."""

    def test_gap_open_when_care_ends_is_breached(self) -> None:
        """No visit for 150 days, then care ends: the gap is breached, 30 days overdue."""
        history = History().record(placed("p1", "2023-01-01"), moved_out("x1", "2023-05-31"))
        (gap,) = r14(history, "2023-12-31", "gap")
        assert (gap.status, gap.days_overdue, gap.flags) == (
            Status.BREACHED,
            30,
            (Flag.WINDOW_CLOSED,),
        )

    def test_gap_not_yet_due_when_care_ends_is_not_applicable(self) -> None:
        """Care that ends within the allowed gap owed no further visit."""
        history = History().record(placed("p1", "2023-01-01"), moved_out("x1", "2023-03-01"))
        (gap,) = r14(history, "2023-12-31", "gap")
        assert gap.status is Status.NOT_APPLICABLE

    def test_year_cut_short_by_the_end_of_care_is_not_applicable(self) -> None:
        """A care year that ends early without four contacts is not judged."""
        history = History().record(
            placed("p1", "2023-01-01"),
            visited("v1", "2023-03-01"),
            moved_out("x1", "2023-05-01"),
        )
        (year,) = r14(history, "2023-12-31", "year")
        assert year.status is Status.NOT_APPLICABLE

    def test_year_met_when_the_fourth_contact_is_held(self) -> None:
        """The year is met on the day of its fourth contact, and stays met."""
        history = History().record(
            placed("p1", "2023-01-01"),
            visited("v1", "2023-02-01"),
            talked("t1", "2023-04-01"),
            visited("v2", "2023-06-01"),
            talked("t2", "2023-08-01"),
            moved_out("x1", "2023-09-01"),
        )
        (year,) = r14(history, "2023-12-31", "year")
        assert (year.status, year.satisfied_by_event_id) == (Status.MET, "t2")

    def test_visits_elsewhere_do_not_count(self) -> None:
        """A visit outside the placement home does not close the gap."""
        history = History().record(
            placed("p1", "2023-01-01"), visited("v1", "2023-02-01", place=VisitPlace.OTHER)
        )
        (gap,) = r14(history, "2023-06-01", "gap")
        assert (gap.due_on, gap.status) == (day("2023-05-01"), Status.OVERDUE)

    def test_a_new_episode_restarts_the_gap(self) -> None:
        """After a gap in care the new episode's first interval counts from its start."""
        history = History().record(
            placed("p1", "2023-01-01"),
            moved_out("x1", "2023-02-01"),
            placed("p2", "2023-03-01", home="H2", placement="pl-2"),
        )
        first, second = r14(history, "2023-04-01", "gap")
        assert first.status is Status.NOT_APPLICABLE
        assert (second.trigger_event_id, second.due_on) == ("p2", day("2023-06-29"))

    def test_a_contact_on_the_day_the_basis_changes_counts_once(self) -> None:
        """A visit on the day SoL care ends and LVU care begins counts for the SoL episode only."""
        history = History().record(
            placed("p1", "2023-01-01"),
            visited("v1", "2023-03-01"),
            moved_out("x1", "2023-03-01"),
            placed("p2", "2023-03-01", basis=PlacementBasis.LVU_2, placement="pl-2"),
        )
        sol, lapsed, lvu = r14(history, "2023-04-01", "gap")
        assert (sol.satisfied_by_event_id, sol.status) == ("v1", Status.MET)
        assert lapsed.status is Status.NOT_APPLICABLE
        assert (lvu.trigger_event_id, lvu.due_on, lvu.status) == (
            "p2",
            day("2023-06-29"),
            Status.PENDING,
        )

    def test_immediate_custody_is_followed_under_lvu(self) -> None:
        """An immediate custody (lvu_6) episode is followed too, citing LVU 13 a §."""
        history = History().record(
            placed(
                "p1", "2024-01-05", home_type=HomeType.EMERGENCY_HOME, basis=PlacementBasis.LVU_6
            )
        )
        (gap,) = r14(history, "2024-02-01", "gap")
        assert (gap.due_on, gap.status, gap.citation) == (
            day("2024-05-04"),
            Status.PENDING,
            "LVU (1990:52) 13 a §",
        )


def years(history: History, on: str, **kwargs: object) -> list[Obligation]:
    """The R14 `year` rows on `on`."""
    return judged(history, "R14", on, part="year", **kwargs)


def four_contacts(last: str) -> History:
    """Placed 2023-01-15; three contacts in the first year and a fourth on `last`."""
    return History().record(
        placed("p1", "2023-01-15"),
        visited("v1", "2023-03-01"),
        talked("t1", "2023-06-01"),
        visited("v2", "2023-09-01"),
        visited("v3", last),
    )


class TestR14Years:
    """§4.28 "R14 years": half-open years, due on their last day, never overlapping."""

    def test_year_k_runs_from_one_anniversary_to_the_day_before_the_next(self) -> None:
        """Year k begins on add_years(start, k − 1) and is due the day before add_years(start, k)."""
        rows = years(History().record(placed("p1", "2023-01-15")), "2025-02-01")
        assert [(o.period, o.trigger_on, o.due_on) for o in rows] == [
            (1, day("2023-01-15"), day("2024-01-14")),
            (2, day("2024-01-15"), day("2025-01-14")),
            (3, day("2025-01-15"), day("2026-01-14")),
        ]
        assert {o.trigger_event_id for o in rows} == {"p1"}

    def test_years_never_overlap_from_a_leap_day(self) -> None:
        """Placed 29 February 2020: each year begins the day after the last one's due date."""
        rows = years(History().record(placed("p1", "2020-02-29")), "2024-03-01")
        assert [(o.trigger_on, o.due_on) for o in rows[:2]] == [
            (day("2020-02-29"), day("2021-02-27")),
            (day("2021-02-28"), day("2022-02-27")),
        ]
        for earlier, later in itertools.pairwise(rows):
            assert earlier.due_on is not None
            assert later.trigger_on == earlier.due_on + timedelta(days=1)

    def test_a_contact_on_the_last_day_counts_for_the_year(self) -> None:
        """The fourth contact on 2024-01-14, the year's last day, meets year 1."""
        first = years(four_contacts("2024-01-14"), "2024-03-01")[0]
        assert (first.status, first.satisfied_by_event_id) == (Status.MET, "v3")

    def test_a_contact_on_the_anniversary_counts_for_the_year_that_begins(self) -> None:
        """The contact on 2024-01-15 belongs to year 2: year 1 has three and is breached."""
        first = years(four_contacts("2024-01-15"), "2024-03-01")[0]
        assert (first.due_on, first.status) == (day("2024-01-14"), Status.BREACHED)
        once = Settings(visits_min_per_year=1)
        second = years(four_contacts("2024-01-15"), "2024-03-01", settings=once)[1]
        assert (second.trigger_on, second.status, second.satisfied_by_event_id) == (
            day("2024-01-15"),
            Status.MET,
            "v3",
        )

    @pytest.mark.parametrize("on", ["2024-01-15", "2024-06-01", "2030-01-01"])
    def test_a_breached_year_carries_no_days_overdue(self, on: str) -> None:
        """A year short of contacts is breached and final, without days_overdue, on any later day."""
        first = years(four_contacts("2024-01-15"), on)[0]
        assert (first.status, first.flags, first.days_overdue, first.days_late) == (
            Status.BREACHED,
            (Flag.WINDOW_CLOSED,),
            None,
            None,
        )
        assert first.is_final

    @pytest.mark.parametrize("on", ["2023-05-01", "2024-06-01"])
    def test_a_year_cut_short_is_not_applicable_without_due_fields(self, on: str) -> None:
        """Care ended after four months with one contact: not applicable, no due or days."""
        history = History().record(
            placed("p1", "2023-01-01"), visited("v1", "2023-03-01"), moved_out("x1", "2023-05-01")
        )
        (year,) = years(history, on)
        assert year.status is Status.NOT_APPLICABLE
        assert (year.due_on, year.effective_due_on, year.days_late, year.days_overdue) == (
            None,
            None,
            None,
            None,
        )
        assert (year.satisfied_by_event_id, year.satisfied_on) == (None, None)


def with_worker(*events: Event) -> History:
    """Placed 2024-03-01 in a family home, with the given extra events."""
    return History().record(placed("p1", "2024-03-01"), *events)


class TestR14SocialWorker:
    """§4.28 "R14 social_worker": a designated social worker by the start of each episode."""

    def test_registered_in_the_catalogue(self) -> None:
        """The registry picks the new part up through `follow_up.RULES`."""
        rule = follow_up.social_worker_assigned_at_start_of_care
        assert any(r.evaluate is rule and r.rule_id == "R14" for r in ALL_RULES)
        assert any(r.evaluate is rule for r in RULES)

    def test_assigned_before_the_start_is_met(self) -> None:
        """Assigned during the investigation, before care began: met, keyed on the placement."""
        history = History().record(
            social_worker_assigned("s1", "2024-02-10"), placed("p1", "2024-03-01")
        )
        found = only(history, "R14", "2024-03-01", part="social_worker")
        assert (found.trigger_event_id, found.trigger_on, found.due_on, found.period) == (
            "p1",
            day("2024-03-01"),
            day("2024-03-01"),
            None,
        )
        assert (found.status, found.satisfied_by_event_id) == (Status.MET, "s1")
        assert found.citation == "SoL (2001:453) 6 kap. 7 c §"

    def test_assigned_on_the_start_day_is_met(self) -> None:
        """An assignment the day care begins is in time."""
        found = only(
            with_worker(social_worker_assigned("s1", "2024-03-01")),
            "R14",
            "2024-04-01",
            part="social_worker",
        )
        assert found.status is Status.MET

    @pytest.mark.parametrize(
        ("on", "status", "days"),
        [("2024-03-01", Status.PENDING, None), ("2024-03-11", Status.OVERDUE, 10)],
    )
    def test_without_one_while_care_runs(self, on: str, status: Status, days: int | None) -> None:
        """Pending on the first day of care, overdue after it while none is assigned."""
        found = only(with_worker(), "R14", on, part="social_worker")
        assert (found.status, found.days_overdue) == (status, days)

    @pytest.mark.parametrize(
        ("on", "known_at", "status"),
        [
            ("2024-03-20", None, Status.OVERDUE),
            ("2024-04-10", "2024-04-01", Status.OVERDUE),
            ("2024-04-10", None, Status.MET_LATE),
        ],
    )
    def test_assigned_during_care_is_met_late(
        self, on: str, known_at: str | None, status: Status
    ) -> None:
        """Assigned on 2024-04-05: overdue until then (or until it is known), then 35 days late."""
        history = with_worker()
        history.record(social_worker_assigned("s1", "2024-04-05"))
        found = only(
            history, "R14", on, part="social_worker", known_at=day(known_at) if known_at else None
        )
        assert key(found) == ("R14", "c1", "p1", "social_worker", None)
        assert found.status is status
        if status is Status.MET_LATE:
            assert (found.days_late, found.satisfied_by_event_id) == (35, "s1")

    @pytest.mark.parametrize("on", ["2024-05-01", "2025-09-01"])
    def test_care_ending_without_one_is_breached_with_frozen_days(self, on: str) -> None:
        """Care ended 2024-04-30 with no social worker: breached, window closed, 60 days."""
        found = only(with_worker(moved_out("x1", "2024-04-30")), "R14", on, part="social_worker")
        assert (found.status, found.days_overdue, found.flags) == (
            Status.BREACHED,
            60,
            (Flag.WINDOW_CLOSED,),
        )
        assert found.citation == "SoL (2001:453) 6 kap. 7 c §"
        assert found.is_final

    def test_an_assignment_after_care_ended_cures_nothing(self) -> None:
        """A social worker assigned after the episode ended leaves it breached."""
        history = with_worker(
            moved_out("x1", "2024-04-30"), social_worker_assigned("s1", "2024-05-10")
        )
        found = only(history, "R14", "2024-06-01", part="social_worker")
        assert (found.status, found.satisfied_by_event_id) == (Status.BREACHED, None)

    def test_one_row_per_care_episode(self) -> None:
        """SoL care, a gap, then LVU care: one row each, the LVU one met by the earlier assignment."""
        history = with_worker(
            moved_out("x1", "2024-04-30"),
            social_worker_assigned("s1", "2024-05-10"),
            placed("p2", "2024-06-01", basis=PlacementBasis.LVU_2, placement="pl-2"),
        )
        sol, lvu = judged(history, "R14", "2024-07-01", part="social_worker")
        assert (sol.trigger_event_id, sol.status) == ("p1", Status.BREACHED)
        assert (lvu.trigger_event_id, lvu.status, lvu.satisfied_by_event_id) == (
            "p2",
            Status.MET,
            "s1",
        )

    def test_cites_the_new_act_from_1_july_2025(self) -> None:
        """Care beginning under SoL (2025:400): 22 kap. 12 §."""
        history = History().record(
            placed("p1", "2025-08-01"), social_worker_assigned("s1", "2025-08-04")
        )
        found = only(history, "R14", "2025-09-01", part="social_worker")
        assert (found.status, found.days_late, found.citation) == (
            Status.MET_LATE,
            3,
            "SoL (2025:400) 22 kap. 12 §",
        )
