"""Worked case TC19's R14 part (RULES.md §11): visits and private talks with the child.

The rules run through `caselog.rules.follow_up.RULES` directly, so these tests do not
depend on the registry listing them.
"""

from __future__ import annotations

from datetime import UTC, datetime

from caselog.events import HomeType, PlacementBasis, VisitPlace
from caselog.rules import follow_up
from caselog.rules.evaluate import evaluate
from caselog.rules.model import Flag, Obligation, Status
from caselog.testing import History
from tests.rules.builders import day
from tests.rules.placement_builders import moved_out, placed, talked, visited

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
        assert (last.trigger_event_id, last.due_on, last.status, last.days_overdue) == (
            "v3",
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
        """Three contacts in the year to 2023-06-01 against four a year: breached, final."""
        first, second = r14(tc19(), "2024-03-04", "year")
        assert (first.due_on, first.status, first.flags) == (
            day("2023-06-01"),
            Status.BREACHED,
            (Flag.WINDOW_CLOSED,),
        )
        assert first.is_final
        assert (second.due_on, second.status) == (day("2024-06-01"), Status.PENDING)


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
        """A visit on the day SoL care turns into LVU care counts for the SoL episode only."""
        history = History().record(
            placed("p1", "2023-01-01"),
            visited("v1", "2023-03-01"),
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
