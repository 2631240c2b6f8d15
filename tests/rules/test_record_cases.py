"""Worked case TC16 (RULES.md §11, R21 part) and focused cases: R21, R22, R24."""

from __future__ import annotations

from datetime import UTC, datetime

from caselog.events import (
    Body,
    CommitteeMeetingHeld,
    DeviationReported,
    FosterHomeListSentToIVO,
    HomeInvestigationCompleted,
    HomeType,
    InterventionDecided,
    InterventionKind,
    InterventionStarted,
    NonExecutionReported,
)
from caselog.rules.model import Flag, Obligation, Severity, Status
from caselog.testing import History
from tests.rules.builders import CHILD, day, report

COMMITTEE = "sn-1"


def only(history: History, rule: str, on: str, **kwargs: object) -> Obligation:
    """The one obligation of `rule` on `on`."""
    found = history.obligations(on=day(on), rule=rule, **kwargs)  # type: ignore[arg-type]
    assert len(found) == 1, found
    return found[0]


def meeting(event_id: str, on: str) -> CommitteeMeetingHeld:
    """A meeting of the social welfare committee."""
    return CommitteeMeetingHeld(
        event_id=event_id,
        occurred_on=day(on),
        actor="sekr-1",
        committee_id=COMMITTEE,
        body=Body.COMMITTEE,
    )


def list_sent(event_id: str, on: str, year: int) -> FosterHomeListSentToIVO:
    """The annual list of children in family homes, for `year`, sent to IVO."""
    return FosterHomeListSentToIVO(
        event_id=event_id, occurred_on=day(on), actor="sekr-1", committee_id=COMMITTEE, year=year
    )


def decided(event_id: str, on: str, intervention: str = "iv-1") -> InterventionDecided:
    """A favourable decision on a contact family (kontaktfamilj)."""
    return InterventionDecided(
        event_id=event_id,
        occurred_on=day(on),
        actor="sw-1",
        child_id=CHILD,
        intervention_id=intervention,
        kind=InterventionKind.CONTACT_FAMILY,
    )


def started(event_id: str, on: str, intervention: str = "iv-1") -> InterventionStarted:
    """The contact family started (verkställt)."""
    return InterventionStarted(
        event_id=event_id,
        occurred_on=day(on),
        actor="sw-1",
        child_id=CHILD,
        intervention_id=intervention,
        kind=InterventionKind.CONTACT_FAMILY,
    )


def non_execution(
    event_id: str, on: str, quarter: str, intervention: str = "iv-1"
) -> NonExecutionReported:
    """The quarterly report to IVO that the decision was not executed."""
    return NonExecutionReported(
        event_id=event_id,
        occurred_on=day(on),
        actor="sw-1",
        child_id=CHILD,
        intervention_id=intervention,
        kind=InterventionKind.CONTACT_FAMILY,
        quarter=quarter,
    )


class TestTC16LateRegisteredReport:
    """The 2005 report registered in 2019: R21 `late_registration` (≈ 13 years 11 months)."""

    history = History().record(report("r1", "2005-11-14"), at=datetime(2019, 10, 2, 10, tzinfo=UTC))

    def test_invisible_in_what_the_records_showed(self) -> None:
        """As known on 2006-01-31 the report did not exist: no R21 obligation."""
        assert (
            self.history.obligations(on=day("2006-01-31"), known_at=day("2006-01-31"), rule="R21")
            == []
        )

    def test_overdue_in_what_really_happened(self) -> None:
        """Known now, as of 2006-01-31: not yet registered, overdue, flagged and high."""
        found = only(self.history, "R21", "2006-01-31")
        assert (found.due_on, found.status, found.days_overdue, found.satisfied_on) == (
            day("2005-11-21"),
            Status.OVERDUE,
            71,
            None,
        )
        assert (found.flags[:2], found.severity) == (
            (Flag.LATE_REGISTRATION, Flag.MANUAL_REVIEW),
            Severity.HIGH,
        )

    def test_met_late_by_almost_fourteen_years(self) -> None:
        """Registered 2019-10-02: 5,070 days after the fact, 5,063 days after the due date."""
        found = only(self.history, "R21", "2020-01-01")
        assert found.satisfied_on is not None
        assert (found.status, found.satisfied_on, found.days_late) == (
            Status.MET_LATE,
            day("2019-10-02"),
            5063,
        )
        assert (found.satisfied_on - found.trigger_on).days == 5070
        assert (Flag.LATE_REGISTRATION in found.flags, found.severity) == (True, Severity.HIGH)
        assert found.citation == "OSL (2009:400) 5 kap. 1 § (motsv. SekrL (1980:100))"
        assert Flag.CITATION_UNVERIFIED in found.flags


class TestRegistration:
    """R21 for every fact: met, met late, flagged, pending and overdue; in every stream."""

    def test_registered_the_same_day_is_met_and_low(self) -> None:
        """A fact recorded the day it happened: met, low, no flags."""
        found = only(History().record(report("r1", "2024-03-04")), "R21", "2024-04-01")
        assert (found.status, found.severity, found.flags, found.satisfied_by_event_id) == (
            Status.MET,
            Severity.LOW,
            (),
            "r1",
        )
        assert found.citation == "OSL (2009:400) 5 kap. 1 §"

    def test_ten_days_late_is_met_late_but_not_flagged(self) -> None:
        """Recorded after 10 days: 3 days past the 7-day mark, under the 30-day flag."""
        history = History().record(report("r1", "2024-03-04"), at=day("2024-03-14"))
        found = only(history, "R21", "2024-04-01")
        assert (found.status, found.days_late, found.severity, found.flags) == (
            Status.MET_LATE,
            3,
            Severity.LOW,
            (),
        )

    def test_flag_starts_above_thirty_days(self) -> None:
        """Thirty days late is not flagged; thirty-one days is, with high severity.

        (A report of concern that late is also sent to manual review: the box, §4.28.)
        """
        at_30 = History().record(report("r1", "2024-03-01"), at=day("2024-03-31"))
        at_31 = History().record(report("r1", "2024-03-01"), at=day("2024-04-01"))
        assert only(at_30, "R21", "2024-05-01").severity is Severity.LOW
        found = only(at_31, "R21", "2024-05-01")
        assert (found.flags, found.severity) == (
            (Flag.LATE_REGISTRATION, Flag.MANUAL_REVIEW),
            Severity.HIGH,
        )

    def test_registration_counts_on_its_swedish_date(self) -> None:
        """Recorded 23:30 UTC on the due date is 00:30 the next day in Sweden: 1 day late."""
        history = History().record(
            report("r1", "2024-06-01"), at=datetime(2024, 6, 8, 22, 30, tzinfo=UTC)
        )
        found = only(history, "R21", "2024-07-01")
        assert (found.satisfied_on, found.status, found.days_late) == (
            day("2024-06-09"),
            Status.MET_LATE,
            1,
        )

    def test_pending_before_the_due_date_when_registered_later(self) -> None:
        """Known now, as of day 5 of a fact registered on day 20: pending, not yet met."""
        history = History().record(report("r1", "2024-03-01"), at=day("2024-03-21"))
        found = only(history, "R21", "2024-03-06")
        assert (found.status, found.satisfied_by_event_id) == (Status.PENDING, None)

    def test_overdue_after_the_due_date_until_registered(self) -> None:
        """Known now, as of day 10 of a fact registered on day 20: overdue by 3 days."""
        history = History().record(report("r1", "2024-03-01"), at=day("2024-03-21"))
        found = only(history, "R21", "2024-03-11")
        assert (found.status, found.days_overdue) == (Status.OVERDUE, 3)

    def test_every_stream_is_judged(self) -> None:
        """Child, home, matter and committee facts each get their R21 obligation."""
        history = History().record(
            report("r1", "2024-03-04"),
            HomeInvestigationCompleted(
                event_id="h1",
                occurred_on=day("2024-03-04"),
                actor="sw-1",
                home_id="home-1",
                home_type=HomeType.FAMILY_HOME,
                by_municipality="Exempelby kommun",
            ),
            DeviationReported(
                event_id="d1", occurred_on=day("2024-03-04"), actor="sw-1", matter_id="m1"
            ),
            meeting("cm1", "2024-03-04"),
        )
        found = history.obligations(on=day("2024-04-01"), rule="R21")
        assert sorted((o.case_id, o.trigger_event_id) for o in found) == [
            (CHILD, "r1"),
            ("home-1", "h1"),
            ("m1", "d1"),
            (COMMITTEE, "cm1"),
        ]


def lists(history: History, on: str) -> list[Obligation]:
    """The R22 obligations on `on`, by year."""
    return sorted(history.obligations(on=day(on), rule="R22"), key=lambda o: o.period or 0)


class TestAnnualListToIVO:
    """R22: the list of children in family homes to IVO by 31 January, each year."""

    history = History().record(
        list_sent("l23", "2023-01-20", 2023),
        meeting("cm1", "2023-02-14"),
        list_sent("l24", "2024-02-05", 2024),
    )

    def test_two_years_met_and_met_late(self) -> None:
        """2023 sent 20 January: met; 2024 sent 5 February: met late by 5 days."""
        first, second = lists(self.history, "2024-03-01")
        assert (first.period, first.trigger_on, first.due_on, first.status) == (
            2023,
            day("2023-01-01"),
            day("2023-01-31"),
            Status.MET,
        )
        assert (second.period, second.due_on, second.status, second.days_late) == (
            2024,
            day("2024-01-31"),
            Status.MET_LATE,
            5,
        )
        assert (second.case_id, second.trigger_event_id, second.severity) == (
            COMMITTEE,
            None,
            Severity.LOW,
        )
        assert first.citation == "SoF (2001:937) 7 kap. 1 §"

    def test_overdue_until_sent(self) -> None:
        """As of 2024-02-01, before the 2024 list was sent: overdue by 1 day."""
        second = lists(self.history, "2024-02-01")[1]
        assert (second.status, second.days_overdue) == (Status.OVERDUE, 1)

    def test_next_year_pending_in_january(self) -> None:
        """As of 2025-01-15 the 2025 list is pending."""
        third = lists(self.history, "2025-01-15")[2]
        assert (third.period, third.due_on, third.status) == (
            2025,
            day("2025-01-31"),
            Status.PENDING,
        )

    def test_successor_ordinance_is_unverified(self) -> None:
        """From 2025-07-01 the ordinance's paragraph is ✘: flagged citation_unverified."""
        history = History().record(meeting("cm1", "2026-01-10"), list_sent("l", "2026-01-20", 2026))
        found = only(history, "R22", "2026-03-01")
        assert (found.status, Flag.CITATION_UNVERIFIED in found.flags) == (Status.MET, True)


class TestNonExecutedDecisions:
    """R24: a decision not executed within three months is reported for that quarter."""

    def test_executed_within_three_months_is_not_applicable(self) -> None:
        """Started on the three-month day: nothing to report."""
        history = History().record(decided("d1", "2024-01-15"), started("s1", "2024-04-15"))
        found = only(history, "R24", "2024-09-01")
        assert (found.status, found.due_on) == (Status.NOT_APPLICABLE, None)  # §4.28

    def test_pending_while_the_three_months_run(self) -> None:
        """As of 2024-03-01, not yet started: pending, due the end of July."""
        found = only(History().record(decided("d1", "2024-01-15")), "R24", "2024-03-01")
        assert (found.status, found.due_on, found.severity) == (
            Status.PENDING,
            day("2024-07-31"),
            Severity.MEDIUM,
        )

    def test_reported_for_the_quarter_in_time(self) -> None:
        """Three months ended 2024-04-15 (Q2); reported 2024-07-10: met."""
        history = History().record(
            decided("d1", "2024-01-15"), non_execution("n1", "2024-07-10", "2024-Q2")
        )
        found = only(history, "R24", "2024-09-01")
        assert (found.status, found.satisfied_by_event_id) == (Status.MET, "n1")
        assert found.citation == "SoL (2001:453) 16 kap. 6 f §"

    def test_reported_late_in_the_next_quarter(self) -> None:
        """Left out of the Q2 report and reported in the Q3 one on 2024-10-20: met late."""
        history = History().record(
            decided("d1", "2024-01-15"), non_execution("n1", "2024-10-20", "2024-Q3")
        )
        found = only(history, "R24", "2024-11-01")
        assert (found.status, found.days_late) == (Status.MET_LATE, 81)

    def test_executed_late_must_still_be_reported(self) -> None:
        """Started after four months but never reported: overdue after the end of July."""
        history = History().record(decided("d1", "2024-01-15"), started("s1", "2024-05-20"))
        found = only(history, "R24", "2024-08-01")
        assert (found.status, found.days_overdue) == (Status.OVERDUE, 1)

    def test_report_for_an_earlier_quarter_does_not_count(self) -> None:
        """A Q1 report cannot cover a decision whose three months ended in Q2."""
        history = History().record(
            decided("d1", "2024-01-15"), non_execution("n1", "2024-04-10", "2024-Q1")
        )
        assert only(history, "R24", "2024-08-01").status is Status.OVERDUE

    def test_three_months_ending_on_the_last_day_of_a_quarter(self) -> None:
        """Decided 2023-12-31: three months end 2024-03-31 (Q1), report due 2024-04-30."""
        history = History().record(decided("d1", "2023-12-31"))
        assert only(history, "R24", "2024-05-01").due_on == day("2024-04-30")

    def test_three_months_crossing_the_year(self) -> None:
        """Decided 2024-11-30: three months end 2025-02-28 (Q1), report due 2025-04-30."""
        history = History().record(
            decided("d1", "2024-11-30"), non_execution("n1", "2025-04-07", "2025-Q1")
        )
        found = only(history, "R24", "2025-05-01")
        assert (found.due_on, found.status) == (day("2025-04-30"), Status.MET)

    def test_not_applicable_before_the_duty_existed(self) -> None:
        """Three months that ended before 2006-07-01: no reporting duty yet."""
        history = History().record(decided("d1", "2006-01-10"))
        assert only(history, "R24", "2006-12-31").status is Status.NOT_APPLICABLE

    def test_each_intervention_on_its_own(self) -> None:
        """Two decisions: one executed in time, one never; only the second is overdue."""
        history = History().record(
            decided("d1", "2024-01-15", "iv-1"),
            decided("d2", "2024-01-15", "iv-2"),
            started("s1", "2024-02-01", "iv-1"),
        )
        found = {
            o.trigger_event_id: o.status
            for o in history.obligations(on=day("2024-08-01"), rule="R24")
        }
        assert found == {"d1": Status.NOT_APPLICABLE, "d2": Status.OVERDUE}
