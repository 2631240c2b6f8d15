"""Worked cases TC02–TC05 and TC09 (RULES.md §11): R05, four months and extensions.

Also §4.28 "R03b, one row per violence report": the risk assessment in the investigation.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from caselog.events import InvestigationConcluded, InvestigationExtended, ViolenceExposure
from caselog.rules.model import Flag, Obligation, Status
from caselog.testing import History
from tests.rules.builders import concluded, day, extended, opened, report, risk_assessed


def r05(history: History, on: str) -> Obligation:
    """The one R05 obligation on `on`."""
    (found,) = history.obligations(on=day(on), rule="R05")
    return found


@pytest.mark.parametrize(
    ("case", "opened_on", "concluded_on", "due", "status", "days_late"),
    [
        ("TC02 leap day met", "2023-10-31", "2024-02-29", "2024-02-29", Status.MET, None),
        ("TC02 variant one day late", "2023-10-31", "2024-03-01", "2024-02-29", Status.MET_LATE, 1),
        ("TC03 no 29 February", "2022-10-31", "2023-03-01", "2023-02-28", Status.MET_LATE, 1),
        (
            "TC09 straddling 2025-07-01",
            "2025-04-15",
            "2025-08-18",
            "2025-08-15",
            Status.MET_LATE,
            3,
        ),
    ],
)
def test_four_months_by_calendar_months(
    case: str, opened_on: str, concluded_on: str, due: str, status: Status, days_late: int | None
) -> None:
    """Four calendar months, clamped to the month's end (Lag 1930:173 1 §)."""
    history = History().record(opened("o1", opened_on), concluded("c1", concluded_on))
    found = r05(history, "2026-01-01")
    assert (found.due_on, found.status, found.days_late) == (day(due), status, days_late), case


def test_tc02_overdue_without_a_conclusion() -> None:
    """TC02: as of 1 March 2024 with no conclusion: overdue by one day."""
    found = r05(History().record(opened("o1", "2023-10-31")), "2024-03-01")
    assert (found.status, found.days_overdue) == (Status.OVERDUE, 1)


def test_tc09_cites_the_new_act_with_the_old() -> None:
    """TC09: concluded under SoL 2025:400, opened under SoL 2001:453."""
    history = History().record(opened("o1", "2025-04-15"), concluded("c1", "2025-08-18"))
    assert r05(history, "2025-09-01").citation == (
        "SoL (2025:400) 20 kap. 3 § (motsv. SoL (2001:453) 11 kap. 2 §)"
    )


class TestTC04ExtensionInTime:
    """An extension decided before expiry, with an end date and reasons, moves the due date."""

    history = History().record(
        opened("o1", "2019-03-04"),
        extended("e1", "2019-06-20", "2019-08-30"),
        concluded("c1", "2019-08-20"),
    )

    def test_met_with_the_extension(self) -> None:
        """Concluded 20 August against the extended 30 August: met, flagged extended."""
        found = r05(self.history, "2019-09-01")
        assert (found.due_on, found.status) == (day("2019-08-30"), Status.MET)
        assert Flag.EXTENDED in found.flags

    def test_pending_while_extended(self) -> None:
        """As of 10 July (past the original 4 July): pending (extended), not overdue."""
        found = r05(self.history, "2019-07-10")
        assert (found.status, found.due_on) == (Status.PENDING, day("2019-08-30"))
        assert Flag.EXTENDED in found.flags


class TestTC05ExtensionTooLate:
    """An extension decided after expiry cannot cure the lateness."""

    history = History().record(
        opened("o1", "2019-03-04"),
        extended("e1", "2019-07-15", "2019-08-30"),
        concluded("c1", "2019-08-20"),
    )

    @pytest.mark.parametrize("on", ["2019-07-05", "2019-07-10", "2019-07-14"])
    def test_overdue_before_the_late_extension(self, on: str) -> None:
        """Between expiry (4 July) and the late extension (15 July): overdue."""
        assert r05(self.history, on).status is Status.OVERDUE

    def test_pending_once_the_late_extension_is_in_view(self) -> None:
        """As of 15 July: pending, flagged extension_after_expiry."""
        found = r05(self.history, "2019-07-15")
        assert found.status is Status.PENDING
        assert Flag.EXTENSION_AFTER_EXPIRY in found.flags

    def test_final_verdict_is_met_late_by_eleven_days(self) -> None:
        """Final: met late, 11 days (15 July − 4 July), never plain met."""
        found = r05(self.history, "2019-09-01")
        assert (found.status, found.days_late) == (Status.MET_LATE, 11)
        assert Flag.EXTENSION_AFTER_EXPIRY in found.flags


def test_an_extension_without_an_end_date_is_disregarded() -> None:
    """An extension with no new due date is flagged invalid and changes nothing."""
    history = History().record(opened("o1", "2019-03-04"), extended("e1", "2019-06-20", None))
    found = r05(history, "2019-07-10")
    assert (found.status, found.due_on) == (Status.OVERDUE, day("2019-07-04"))
    assert Flag.INVALID_EXTENSION in found.flags


WITNESSED = ViolenceExposure.WITNESSED


def r03b(history: History, on: str, **kwargs: object) -> list[Obligation]:
    """The R03b obligations on `on`."""
    return history.obligations(on=day(on), rule="R03b", **kwargs)  # type: ignore[arg-type]


def during_an_investigation() -> History:
    """inv-1 opened 10 April 2024 (R05 due Sat 10 Aug), assessed 20 April; r2 in on 6 May."""
    return History().record(
        opened("o1", "2024-04-10"),
        risk_assessed("ra1", "2024-04-20"),
        report("r2", "2024-05-06", violence=WITNESSED),
    )


class TestR03bOneRowPerViolenceReport:
    """§4.28 "R03b, one row per violence report" that an investigation handles.

    SOSFS 2014:4 / HSLF-FS 2022:39: the investigation assesses the risk of further violence
    (riskbedömning). Triggered by the report; due by the earlier of the conclusion and the
    R05 due date as moved by extensions decided in time; met by the first assessment in
    that investigation on or after the day the report came in.
    """

    def test_the_report_is_the_trigger(self) -> None:
        """Opened 5 March on r1 (received 1 March): the row is r1's, triggered 1 March."""
        history = History().record(
            report("r1", "2024-03-01", violence=WITNESSED), opened("o1", "2024-03-05", "r1")
        )
        assert r03b(history, "2024-03-04") == []
        (found,) = r03b(history, "2024-04-01")
        assert (found.trigger_event_id, found.trigger_on, found.due_on, found.status) == (
            "r1",
            day("2024-03-01"),
            day("2024-07-05"),
            Status.PENDING,
        )

    def test_two_reports_on_one_investigation_give_two_rows(self) -> None:
        """Both reports named by o1 get a row each, met by the same assessment."""
        history = History().record(
            report("r1", "2024-03-01", violence=WITNESSED),
            report("r2", "2024-03-02", violence=ViolenceExposure.SUBJECTED),
            opened("o1", "2024-03-05", "r1", "r2"),
            risk_assessed("ra1", "2024-03-10"),
        )
        found = r03b(history, "2024-04-01")
        assert [(o.trigger_event_id, o.status, o.satisfied_by_event_id) for o in found] == [
            ("r1", Status.MET, "ra1"),
            ("r2", Status.MET, "ra1"),
        ]

    def test_a_report_arriving_while_an_investigation_is_open(self) -> None:
        """r2 is handled by inv-1: due 10 Aug; the assessment of 20 April predates it."""
        history = during_an_investigation()
        (pending,) = r03b(history, "2024-06-01")
        assert (pending.trigger_event_id, pending.due_on, pending.status) == (
            "r2",
            day("2024-08-10"),
            Status.PENDING,
        )
        (overdue,) = r03b(history, "2024-08-11")
        assert (overdue.status, overdue.days_overdue) == (Status.OVERDUE, 1)
        history.record(risk_assessed("ra2", "2024-05-10"), at=datetime(2024, 9, 1, 8, tzinfo=UTC))
        (met,) = r03b(history, "2024-08-20")
        assert (met.status, met.satisfied_by_event_id, met.satisfied_on) == (
            Status.MET,
            "ra2",
            day("2024-05-10"),
        )
        (known_then,) = r03b(history, "2024-08-20", known_at=day("2024-08-15"))
        assert known_then.status is Status.OVERDUE

    def test_due_by_the_conclusion_when_it_comes_first(self) -> None:
        """Concluded 1 July, before 10 August: due 1 July, overdue the next day."""
        history = during_an_investigation().record(concluded("c1", "2024-07-01"))
        (found,) = r03b(history, "2024-07-02")
        assert (found.due_on, found.status, found.days_overdue) == (
            day("2024-07-01"),
            Status.OVERDUE,
            1,
        )

    @pytest.mark.parametrize(
        ("decided", "due", "status"),
        [
            ("2024-07-01", "2024-09-30", Status.PENDING),
            ("2024-07-10", "2024-07-05", Status.OVERDUE),
        ],
    )
    def test_only_an_extension_decided_in_time_moves_the_due_date(
        self, decided: str, due: str, status: Status
    ) -> None:
        """R05 due 5 July; extended to 30 Sept in time moves R03b, a late extension does not."""
        history = History().record(
            report("r1", "2024-03-01", violence=WITNESSED),
            opened("o1", "2024-03-05", "r1"),
            extended("e1", decided, "2024-09-30"),
        )
        (found,) = r03b(history, "2024-08-01")
        assert (found.due_on, found.status) == (day(due), status)

    def test_an_investigation_past_four_months_falls_back_to_r02(self) -> None:
        """inv-1's four months ended 2 May, before r2 came in on 6 May: due 20 May (r2's R02)."""
        history = History().record(
            opened("o1", "2024-01-02"),
            report("r2", "2024-05-06", violence=WITNESSED),
            risk_assessed("ra2", "2024-05-15"),
        )
        (found,) = r03b(history, "2024-06-01")
        assert (found.due_on, found.status, found.satisfied_by_event_id) == (
            day("2024-05-20"),
            Status.MET,
            "ra2",
        )

    def test_the_investigation_opened_on_the_report_carries_it(self) -> None:
        """r2 came in during inv-1 and inv-2 was opened on it: one row, judged on inv-2."""
        history = during_an_investigation().record(
            opened("o2", "2024-05-08", "r2", investigation="inv-2"),
            risk_assessed("ra1b", "2024-05-09"),
            risk_assessed("ra2", "2024-05-12", investigation="inv-2"),
        )
        (found,) = r03b(history, "2024-06-01")
        assert (found.trigger_event_id, found.due_on, found.satisfied_by_event_id) == (
            "r2",
            day("2024-09-08"),
            "ra2",
        )

    def test_a_row_met_by_the_running_investigation_stays_met(self) -> None:
        """inv-1 assessed the risk on 7 May, before inv-2 was opened on r2: inv-1 keeps it.

        The row was final on 7 May; a final row never changes (D7 wins over §4.28).
        """
        history = during_an_investigation().record(
            risk_assessed("ra1b", "2024-05-07"),
            opened("o2", "2024-05-08", "r2", investigation="inv-2"),
        )
        for on in ("2024-05-07", "2024-06-01"):
            (found,) = r03b(history, on)
            assert (found.due_on, found.status, found.satisfied_by_event_id) == (
                day("2024-08-10"),
                Status.MET,
                "ra1b",
            )

    @pytest.mark.parametrize(
        "later", [concluded("c1", "2024-03-20"), extended("e1", "2024-07-01", "2024-09-30")]
    )
    def test_what_follows_the_assessment_does_not_move_its_due_date(
        self, later: InvestigationConcluded | InvestigationExtended
    ) -> None:
        """Assessed 10 March: a later conclusion or extension leaves R03b due 5 July.

        The met row keeps the date it was met against, whenever it is asked (§4.28
        "Extensions after the act", applied to the act of R03b).
        """
        history = History().record(
            report("r1", "2024-03-01", violence=WITNESSED),
            opened("o1", "2024-03-05", "r1"),
            risk_assessed("ra1", "2024-03-10"),
            later,
        )
        for on in ("2024-03-10", "2024-08-01"):
            (found,) = r03b(history, on)
            assert (found.due_on, found.status) == (day("2024-07-05"), Status.MET)

    def test_a_report_nobody_investigated_has_r03_but_no_r03b(self) -> None:
        """No investigation handles r1: R03 overdue, no R03b row."""
        history = History().record(report("r1", "2024-03-01", violence=WITNESSED))
        assert [o.status for o in history.obligations(on=day("2024-04-01"), rule="R03")] == [
            Status.OVERDUE
        ]
        assert r03b(history, "2024-04-01") == []

    @pytest.mark.parametrize(
        ("received", "status"),
        [("2014-09-30", Status.NOT_APPLICABLE), ("2014-10-01", Status.MET)],
    )
    def test_sosfs_2014_4_applies_from_1_october_2014(self, received: str, status: Status) -> None:
        """Before 2014-10-01 both R03 and R03b rows are not applicable; from that day, judged."""
        history = History().record(
            report("r1", received, violence=WITNESSED),
            opened("o1", "2014-10-05", "r1"),
            risk_assessed("ra1", "2014-10-06"),
        )
        rows = [
            o for o in history.obligations(on=day("2015-01-01")) if o.rule_id in {"R03", "R03b"}
        ]
        assert [(o.rule_id, o.status) for o in rows] == [("R03", status), ("R03b", status)]
