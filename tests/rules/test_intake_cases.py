"""Worked cases TC01, TC06, TC07, TC08, TC16, TC17 (RULES.md §11): R01–R04.

Also §4.28 "R03 without a decision": time alone never breaches R03.
"""

from __future__ import annotations

from datetime import UTC, datetime

from caselog.dates import SundayRule
from caselog.events import ViolenceExposure
from caselog.rules.model import Flag, Obligation, Status
from caselog.rules.settings import Settings
from caselog.testing import History
from tests.rules.builders import (
    assessed,
    day,
    not_opened,
    opened,
    pre_assessment_extended,
    report,
)


def only(history: History, rule: str, on: str, **kwargs: object) -> Obligation:
    """The one obligation of `rule` on `on`."""
    found = history.obligations(on=day(on), rule=rule, **kwargs)  # type: ignore[arg-type]
    assert len(found) == 1, found
    return found[0]


def tc01() -> History:
    """TC01: a report on 31 January, assessed that day, decided on 15 February."""
    return (
        History()
        .record(
            report("r1", "2024-01-31"),
            assessed("a1", "2024-01-31", "r1"),
        )
        .record(opened("o1", "2024-02-15", "r1"), at=datetime(2024, 2, 15, 14, tzinfo=UTC))
    )


class TestTC01ReportOn31January:
    """R01 met; R02 due 14 February, met late by one day; its as-of variants."""

    def test_protection_assessment_met(self) -> None:
        """The assessment on the day of receipt meets R01 (due the next day)."""
        found = only(tc01(), "R01", "2024-03-01")
        assert (found.due_on, found.status, found.satisfied_by_event_id) == (
            day("2024-02-01"),
            Status.MET,
            "a1",
        )

    def test_initial_assessment_met_late_by_one_day(self) -> None:
        """Decided 15 February against a due date of 14 February: met late, 1 day."""
        found = only(tc01(), "R02", "2024-03-01")
        assert (found.due_on, found.status, found.days_late) == (
            day("2024-02-14"),
            Status.MET_LATE,
            1,
        )
        assert found.satisfied_by_event_id == "o1"
        assert found.citation == "SoL (2001:453) 11 kap. 1 a §"

    def test_pending_on_the_due_date(self) -> None:
        """As of 14 February with no decision yet: pending."""
        assert only(tc01(), "R02", "2024-02-14").status is Status.PENDING

    def test_overdue_when_the_decision_was_not_yet_recorded(self) -> None:
        """As of 15 February at 08:00, before the decision was recorded: overdue."""
        found = only(tc01(), "R02", "2024-02-15", known_at=datetime(2024, 2, 15, 8, tzinfo=UTC))
        assert (found.status, found.days_overdue) == (Status.OVERDUE, 1)


def tc06() -> History:
    """TC06: a police report on Saturday 9 Nov 2019 that the child witnessed violence."""
    return History().record(
        report("r1", "2019-11-09", violence=ViolenceExposure.WITNESSED),
        assessed("a1", "2019-11-11", "r1"),
        not_opened("n1", "2019-11-20", "r1"),
    )


class TestTC06ViolenceWithoutInvestigation:
    """R01 met late; R02 met; R03 breached (critical)."""

    def test_protection_assessment_met_late(self) -> None:
        """Received Saturday, due Sunday, assessed Monday: met late by one day."""
        found = only(tc06(), "R01", "2019-12-01")
        assert (found.due_on, found.status, found.days_late) == (
            day("2019-11-10"),
            Status.MET_LATE,
            1,
        )

    def test_initial_assessment_met(self) -> None:
        """A decision was taken within the 14 days (due Saturday 23 November)."""
        found = only(tc06(), "R02", "2019-12-01")
        assert (found.due_on, found.status, found.satisfied_by_event_id) == (
            day("2019-11-23"),
            Status.MET,
            "n1",
        )

    def test_violence_report_closed_without_investigation_is_breached(self) -> None:
        """Closing a report of witnessed violence by a close relative breaches R03."""
        found = only(tc06(), "R03", "2019-12-01")
        assert (found.status, found.severity.value) == (Status.BREACHED, "critical")
        assert Flag.CITATION_UNVERIFIED in found.flags
        assert found.citation == "SOSFS 2014:4"
        assert found.is_final

    def test_no_risk_assessment_without_an_investigation(self) -> None:
        """Nobody investigated the report, so there is no R03b row (§4.28)."""
        assert tc06().obligations(on=day("2019-12-01"), rule="R03b") == []


class TestTC07SundayRule:
    """A due date on a Saturday: strict and extend give different verdicts, both shown."""

    history = History().record(report("r1", "2019-11-09"), opened("o1", "2019-11-25", "r1"))

    def test_strict_is_met_late_by_two_days(self) -> None:
        """Strict: due Saturday 23 November, decided Monday 25: met late, 2 days."""
        found = only(self.history, "R02", "2019-12-01")
        assert (found.effective_due_on, found.status, found.days_late) == (
            day("2019-11-23"),
            Status.MET_LATE,
            2,
        )

    def test_extend_moves_the_due_date_to_monday(self) -> None:
        """Extend: the due date moves to Monday 25 November and the decision is in time."""
        settings = Settings(sunday_rules={"R02": SundayRule.EXTEND})
        found = only(self.history, "R02", "2019-12-01", settings=settings)
        assert (found.due_on, found.effective_due_on, found.status) == (
            day("2019-11-23"),
            day("2019-11-25"),
            Status.MET,
        )


class TestTC08ReportStraddlingTheNewAct:
    """A report under SoL 2001:453 decided under SoL 2025:400: both versions cited."""

    def test_met_late_with_both_citations(self) -> None:
        """Due 9 July 2025, decided 10 July: met late by a day, cited per D7."""
        history = History().record(report("r1", "2025-06-25"), opened("o1", "2025-07-10", "r1"))
        found = only(history, "R02", "2025-08-01")
        assert (found.due_on, found.status, found.days_late) == (
            day("2025-07-09"),
            Status.MET_LATE,
            1,
        )
        assert found.law_at_trigger == "SoL (2001:453) 11 kap. 1 a §"
        assert found.law_decisive == "SoL (2025:400) 20 kap. 2 §"
        assert found.citation == "SoL (2025:400) 20 kap. 2 § (motsv. SoL (2001:453) 11 kap. 1 a §)"

    def test_a_report_of_20_june_is_due_4_july_and_cited_the_same_way(self) -> None:
        """Received 20 June 2025: due 4 July; decided 10 July, late under the new act."""
        history = History().record(report("r1", "2025-06-20"), opened("o1", "2025-07-10", "r1"))
        found = only(history, "R02", "2025-08-01")
        assert (found.due_on, found.status, found.days_late) == (
            day("2025-07-04"),
            Status.MET_LATE,
            6,
        )
        assert found.citation == "SoL (2025:400) 20 kap. 2 § (motsv. SoL (2001:453) 11 kap. 1 a §)"


class TestTC16LateRegisteredReport:
    """The box of 2005 papers registered in 2019: invisible then, judged now."""

    history = History().record(report("r1", "2005-11-14"), at=datetime(2019, 10, 2, 10, tzinfo=UTC))

    def test_invisible_in_what_the_records_showed(self) -> None:
        """As known on 2006-01-31 the report did not exist: no obligation."""
        assert self.history.obligations(on=day("2006-01-31"), known_at=day("2006-01-31")) == []

    def test_judged_in_what_really_happened(self) -> None:
        """Known now: R01/R02 not applicable (2013 rules), R04 overdue, late registration."""
        found = {o.rule_id: o for o in self.history.obligations(on=day("2006-01-31"))}
        assert found["R01"].status is Status.NOT_APPLICABLE
        assert found["R02"].status is Status.NOT_APPLICABLE
        assert found["R01"].due_on is None
        assert found["R02"].due_on is None
        r04 = found["R04"]
        assert (r04.due_on, r04.status, r04.part, r04.days_overdue) == (
            day("2005-11-28"),
            Status.OVERDUE,
            "decision",
            64,
        )
        assert Flag.LATE_REGISTRATION in r04.flags

    def test_one_r04_row_only_the_decision(self) -> None:
        """No investigation was opened, so R04 has no `guardians_informed` row."""
        rows = self.history.obligations(on=day("2006-01-31"), rule="R04")
        assert [o.part for o in rows] == ["decision"]


class TestTC17ReportDuringAnOpenInvestigation:
    """A second report while an investigation runs needs no initial assessment."""

    history = History().record(
        opened("o1", "2024-04-10"),
        report("r2", "2024-05-06"),
        assessed("a2", "2024-05-06", "r2"),
    )

    def test_protection_assessment_still_due_and_met(self) -> None:
        """R01 applies to every report, investigation or not: met."""
        assert only(self.history, "R01", "2024-06-01").status is Status.MET

    def test_initial_assessment_not_applicable(self) -> None:
        """R02 does not apply while an investigation is under way; it has no due date."""
        found = only(self.history, "R02", "2024-06-01")
        assert (found.status, found.due_on, found.trigger_event_id) == (
            Status.NOT_APPLICABLE,
            None,
            "r2",
        )

    def test_investigation_deadline_unchanged(self) -> None:
        """R05 still falls due 10 August 2024, pending, triggered by the opening."""
        found = only(self.history, "R05", "2024-06-01")
        assert (found.due_on, found.status, found.trigger_event_id) == (
            day("2024-08-10"),
            Status.PENDING,
            "o1",
        )


def violence_report() -> History:
    """A report on Friday 1 March 2024 that the child witnessed violence; due 15 March."""
    return History().record(report("r1", "2024-03-01", violence=ViolenceExposure.WITNESSED))


class TestR03WithoutADecision:
    """§4.28 "R03 without a decision": overdue by time, breached only by a decision.

    Met late by a late opening; breached only by a recorded decision not to investigate
    (D7), the breach decided on that decision's date. SOSFS 2014:4 / HSLF-FS 2022:39: a child exposed to violence by a närstående is to be
    investigated utan dröjsmål; the deadline is R02's, with its valid extensions.
    """

    def test_pending_then_overdue_when_the_r02_due_date_passes(self) -> None:
        """No decision: pending on 15 March, overdue from 16 March — never breached by time."""
        assert only(violence_report(), "R03", "2024-03-15").status is Status.PENDING
        found = only(violence_report(), "R03", "2024-06-01")
        assert (found.status, found.days_overdue, found.is_final) == (Status.OVERDUE, 78, False)

    def test_a_valid_extension_moves_the_deadline(self) -> None:
        """Extended on 10 March to 29 March (police interview): pending on 20 March, then overdue."""
        history = violence_report().record(
            pre_assessment_extended("x1", "2024-03-10", "r1", "2024-03-29")
        )
        assert only(history, "R03", "2024-03-20").status is Status.PENDING
        found = only(history, "R03", "2024-03-30")
        assert (found.due_on, found.status, found.days_overdue) == (
            day("2024-03-29"),
            Status.OVERDUE,
            1,
        )

    def test_met_late_when_opened_after_the_due_date(self) -> None:
        """Opened 20 March: overdue on 19 March, met late by 5 days from then on."""
        history = violence_report().record(opened("o1", "2024-03-20", "r1"))
        assert only(history, "R03", "2024-03-19").status is Status.OVERDUE
        found = only(history, "R03", "2024-04-01")
        assert (found.status, found.days_late, found.satisfied_by_event_id) == (
            Status.MET_LATE,
            5,
            "o1",
        )

    def test_breached_only_by_a_recorded_decision_not_to_investigate(self) -> None:
        """Overdue until the refusal of 20 March; breached (final) once it is in the view."""
        history = violence_report().record(
            not_opened("n1", "2024-03-20", "r1"), at=datetime(2024, 3, 22, 10, tzinfo=UTC)
        )
        assert only(history, "R03", "2024-03-19").status is Status.OVERDUE
        unknown = only(history, "R03", "2024-03-21", known_at=day("2024-03-21"))
        assert unknown.status is Status.OVERDUE
        found = only(history, "R03", "2024-03-21")
        assert (found.status, found.days_overdue, found.days_late, found.is_final) == (
            Status.BREACHED,
            None,
            None,
            True,
        )

    def test_a_refusal_after_the_opening_does_not_breach(self) -> None:
        """Opened 5 March, a stray refusal on 8 March: the first decision stands, met."""
        history = violence_report().record(
            opened("o1", "2024-03-05", "r1"), not_opened("n1", "2024-03-08", "r1")
        )
        for on in ("2024-03-06", "2024-04-01"):
            found = only(history, "R03", on)
            assert (found.status, found.satisfied_by_event_id) == (Status.MET, "o1")

    def test_the_breach_is_decided_on_the_date_of_the_decision(self) -> None:
        """Received 1 Oct 2022, refused 5 Nov 2022: the breach falls under HSLF-FS 2022:39."""
        history = History().record(
            report("r1", "2022-10-01", violence=ViolenceExposure.WITNESSED),
            not_opened("n1", "2022-11-05", "r1"),
        )
        overdue = only(history, "R03", "2022-10-20")
        assert (overdue.status, overdue.law_decisive) == (Status.OVERDUE, "SOSFS 2014:4")
        found = only(history, "R03", "2022-12-01")
        assert (found.status, found.law_at_trigger, found.law_decisive, found.citation) == (
            Status.BREACHED,
            "SOSFS 2014:4",
            "HSLF-FS 2022:39",
            "HSLF-FS 2022:39 (motsv. SOSFS 2014:4)",
        )
