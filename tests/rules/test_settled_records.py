"""RULES.md §4.28 for R21 and R22: every stream registered, the box, stable R22 periods.

Each class is one bullet of §4.28, judged at several `on` and `known_at`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from caselog.events import (
    Body,
    CommitteeMeetingHeld,
    DeviationReported,
    EventCorrected,
    FosterHomeListSentToIVO,
)
from caselog.rules.model import Flag, Severity, Status
from caselog.testing import History
from tests.rules.builders import CHILD, day, report, retracted
from tests.rules.placement_builders import home_investigated, visited

if TYPE_CHECKING:
    from caselog.rules.model import Obligation

HOME = "home-1"
MATTER = "m-1"
COMMITTEE = "sn-1"
MUNICIPALITY = "Exempelby kommun"


def deviation(event_id: str, on: str) -> DeviationReported:
    """A deviation report (avvikelse)."""
    return DeviationReported(event_id=event_id, occurred_on=day(on), actor="sw-1", matter_id=MATTER)


def meeting(event_id: str, on: str, committee: str = COMMITTEE) -> CommitteeMeetingHeld:
    """A meeting of the social welfare committee."""
    return CommitteeMeetingHeld(
        event_id=event_id,
        occurred_on=day(on),
        actor="sekr-1",
        committee_id=committee,
        body=Body.COMMITTEE,
    )


def r21(history: History, on: str, known_at: str | None = None) -> dict[str, Obligation]:
    """The R21 rows on `on` (as known at `known_at`), by trigger event id."""
    found = history.obligations(
        on=day(on), known_at=day(known_at) if known_at else None, rule="R21"
    )
    assert len({o.trigger_event_id for o in found}) == len(found), found
    return {o.trigger_event_id or "": o for o in found}


class TestR21Everywhere:
    """§4.28 "R21 everywhere": every event of every stream has its row, keyed by its subject."""

    # Each stream's fact registered 40 days late: flagged and high wherever it lives.
    history = History().record(
        report("r1", "2024-03-04"),
        home_investigated("h1", "2024-03-04", home=HOME, municipality=MUNICIPALITY),
        deviation("d1", "2024-03-04"),
        meeting("cm1", "2024-03-04"),
        at=day("2024-04-13"),
    )

    def test_r21_everywhere_child_home_matter_and_committee_rows(self) -> None:
        """Four streams, four rows, each carrying its stream's subject id as case_id."""
        rows = r21(self.history, "2024-06-01")
        assert {k: o.case_id for k, o in rows.items()} == {
            "r1": CHILD,
            "h1": HOME,
            "d1": MATTER,
            "cm1": COMMITTEE,
        }

    def test_r21_everywhere_a_late_home_investigation_is_as_late_as_a_report(self) -> None:
        """The home's row is met late by 33 days, flagged late_registration, severity high."""
        home = r21(self.history, "2024-06-01")["h1"]
        assert (home.status, home.days_late, home.satisfied_on) == (
            Status.MET_LATE,
            33,
            day("2024-04-13"),
        )
        assert (home.flags, home.severity) == ((Flag.LATE_REGISTRATION,), Severity.HIGH)

    def test_r21_everywhere_pending_then_overdue_before_registration(self) -> None:
        """Known now: pending up to the due date 2024-03-11, overdue after it, in every stream."""
        pending = r21(self.history, "2024-03-11")
        overdue = r21(self.history, "2024-03-20")
        assert {o.status for o in pending.values()} == {Status.PENDING}
        assert {(o.status, o.days_overdue) for o in overdue.values()} == {(Status.OVERDUE, 9)}

    def test_r21_everywhere_invisible_before_registration_as_then_known(self) -> None:
        """Known at 2024-03-20, before anything was registered: no row in any stream."""
        assert r21(self.history, "2024-03-20", known_at="2024-03-20") == {}

    def test_r21_everywhere_a_registration_within_the_warning_days_is_met_and_low(self) -> None:
        """A home fact registered the next day: met, low, no flags."""
        history = History().record(
            home_investigated("h1", "2024-03-04", home=HOME, municipality=MUNICIPALITY),
            at=day("2024-03-05"),
        )
        home = r21(history, "2024-04-01")["h1"]
        assert (home.status, home.severity, home.flags, home.case_id) == (
            Status.MET,
            Severity.LOW,
            (),
            HOME,
        )


class TestCaseIdSelectsChildStreams:
    """§4.28: `case_id=` (the API's --case) selects child streams only."""

    history = History().record(
        report("r1", "2024-03-04"),
        home_investigated("h1", "2024-03-04", home=CHILD, municipality=MUNICIPALITY),
        meeting("cm1", "2024-03-04", committee=CHILD),
    )

    def test_case_id_selects_the_child_not_a_home_or_committee_of_the_same_id(self) -> None:
        """A home and a committee called "c1" are not case "c1"; all three have rows overall."""
        everything = self.history.obligations(on=day("2024-04-01"), rule="R21")
        one_case = self.history.obligations(on=day("2024-04-01"), rule="R21", case_id=CHILD)
        assert sorted(o.trigger_event_id or "" for o in everything) == ["cm1", "h1", "r1"]
        assert [o.trigger_event_id for o in one_case] == ["r1"]

    def test_case_id_of_a_home_selects_nothing(self) -> None:
        """A home's id is no case: asking for it finds no row."""
        history = History().record(
            home_investigated("h1", "2024-03-04", home=HOME, municipality=MUNICIPALITY)
        )
        assert history.obligations(on=day("2024-04-01"), case_id=HOME) == []


class TestCorrectionsAndRetractionsHaveNoRow:
    """§4.28: corrections and retractions have no R21 row; their target's row stands."""

    history = (
        History()
        .record(visited("v1", "2024-03-04"), visited("v2", "2024-03-06"), at=day("2024-03-08"))
        .record(
            EventCorrected(
                event_id="x1",
                occurred_on=day("2024-03-20"),
                actor="sw-1",
                child_id=CHILD,
                target_event_id="v1",
                replacement=visited("v1", "2024-02-26").model_dump(exclude={"event_id"}),
            ),
            retracted("x2", "2024-03-20", "v2"),
            at=day("2024-03-20"),
        )
    )

    def test_corrections_and_retractions_have_no_r21_row_of_their_own(self) -> None:
        """Known now, only the two visits have rows: none for x1 or x2."""
        assert sorted(r21(self.history, "2024-04-01")) == ["v1", "v2"]

    def test_the_corrected_row_stands_on_the_corrected_date(self) -> None:
        """v1 corrected to 2024-02-26, registered 2024-03-08: due 03-04, met late by 4 days."""
        before = r21(self.history, "2024-04-01", known_at="2024-03-10")["v1"]
        after = r21(self.history, "2024-04-01")["v1"]
        assert (before.trigger_on, before.status) == (day("2024-03-04"), Status.MET)
        assert (after.trigger_on, after.due_on, after.satisfied_on) == (
            day("2024-02-26"),
            day("2024-03-04"),
            day("2024-03-08"),
        )
        assert (after.status, after.days_late, after.satisfied_by_event_id) == (
            Status.MET_LATE,
            4,
            "v1",
        )

    def test_the_retracted_row_stands_after_the_retraction(self) -> None:
        """v2 was registered on 03-08 whatever was later said of it: met before and after."""
        before = r21(self.history, "2024-04-01", known_at="2024-03-10")["v2"]
        after = r21(self.history, "2024-04-01")["v2"]
        assert before == after
        assert (after.status, after.satisfied_on, after.case_id) == (
            Status.MET,
            day("2024-03-08"),
            CHILD,
        )

    def test_a_retracted_report_keeps_only_its_r21_row(self) -> None:
        """A report retracted as a double registration: its R01/R02 rows go, R21 stays."""
        history = (
            History().record(report("r1", "2024-03-04")).record(retracted("x1", "2024-03-05", "r1"))
        )
        before = history.obligations(on=day("2024-04-01"), known_at=day("2024-03-04"))
        after = history.obligations(on=day("2024-04-01"))
        assert {"R01", "R02", "R21"} <= {o.rule_id for o in before if o.trigger_event_id == "r1"}
        assert [(o.rule_id, o.status) for o in after] == [("R21", Status.MET)]


class TestTheBox:
    """§4.28 "The box (TC16)": a report registered that late is sent to manual review."""

    history = History().record(report("r1", "2005-11-14"), at=datetime(2019, 10, 2, 10, tzinfo=UTC))

    def test_box_report_carries_manual_review_on_its_r21_row(self) -> None:
        """TC16: as of 2006-01-31 known now, and as of 2020: late_registration + manual_review."""
        then = r21(self.history, "2006-01-31")["r1"]
        later = r21(self.history, "2020-01-01")["r1"]
        for row in (then, later):
            assert (row.flags[:2], row.severity) == (
                (Flag.LATE_REGISTRATION, Flag.MANUAL_REVIEW),
                Severity.HIGH,
            )
        assert (then.status, later.status, later.days_late) == (
            Status.OVERDUE,
            Status.MET_LATE,
            5063,
        )

    def test_box_report_invisible_as_known_in_2006(self) -> None:
        """What the records showed on 2006-01-31: nothing at all."""
        assert r21(self.history, "2006-01-31", known_at="2006-01-31") == {}

    def test_box_manual_review_only_above_the_flag_days(self) -> None:
        """Thirty days late: neither flag; thirty-one days: both."""
        at_30 = History().record(report("r1", "2024-03-01"), at=day("2024-03-31"))
        at_31 = History().record(report("r1", "2024-03-01"), at=day("2024-04-01"))
        assert r21(at_30, "2024-05-01")["r1"].flags == ()
        assert r21(at_31, "2024-05-01")["r1"].flags == (Flag.LATE_REGISTRATION, Flag.MANUAL_REVIEW)

    def test_box_other_late_facts_are_not_sent_to_review(self) -> None:
        """A visit registered a year late is flagged late, but finding it starts no new duty."""
        history = History().record(visited("v1", "2023-03-01"), at=day("2024-03-01"))
        assert r21(history, "2024-05-01")["v1"].flags == (Flag.LATE_REGISTRATION,)


class TestR22PeriodIsTheYear:
    """§4.28: R22's `period` is the calendar year the list covers (a stable key)."""

    history = History().record(
        meeting("cm1", "2021-05-10"),
        FosterHomeListSentToIVO(
            event_id="l22",
            occurred_on=day("2022-01-25"),
            actor="s",
            committee_id=COMMITTEE,
            year=2022,
        ),
    )

    def test_r22_period_is_the_calendar_year_covered(self) -> None:
        """From the stream's first year through the year of `on`: periods 2021, 2022, 2023."""
        found = self.history.obligations(on=day("2023-03-01"), rule="R22")
        assert sorted((o.period, o.status) for o in found) == [
            (2021, Status.OVERDUE),
            (2022, Status.MET),
            (2023, Status.OVERDUE),
        ]

    def test_r22_period_keeps_its_key_across_on_and_known_at(self) -> None:
        """The 2022 row is the same row as of 2022-02-01, 2024-06-01 and as known in 2022."""
        keys = set()
        for on, known_at in (
            ("2022-02-01", None),
            ("2024-06-01", None),
            ("2024-06-01", "2022-12-31"),
        ):
            rows = self.history.obligations(
                on=day(on), known_at=day(known_at) if known_at else None, rule="R22"
            )
            (row,) = [o for o in rows if o.due_on == day("2022-01-31")]
            keys.add((row.rule_id, row.case_id, row.trigger_event_id, row.part, row.period))
        assert keys == {("R22", COMMITTEE, None, None, 2022)}
