"""Worked case TC19 (RULES.md §11) and focused cases: lex Sarah (R19a–d), deviations (R20)."""

from __future__ import annotations

from datetime import UTC, datetime

from caselog.events import (
    DeviationClosed,
    DeviationReported,
    DeviationTriaged,
    LexSarahConcluded,
    LexSarahInvestigationStarted,
    LexSarahReported,
    LexSarahReportedToIVO,
)
from caselog.rules.model import Flag, Obligation, Severity, Status
from caselog.testing import History
from tests.rules.builders import day

MATTER = "m1"
BY = {"actor": "kv-1", "matter_id": MATTER}


def only(history: History, rule: str, on: str, **kwargs: object) -> Obligation:
    """The one obligation of `rule` on `on`."""
    found = history.obligations(on=day(on), rule=rule, **kwargs)  # type: ignore[arg-type]
    assert len(found) == 1, found
    return found[0]


def lex_sarah(event_id: str, reported: str, *, observed: str | None = None) -> LexSarahReported:
    """A lex Sarah rapport, of an impropriety noticed on `observed` (default: that day)."""
    return LexSarahReported(
        event_id=event_id,
        occurred_on=day(reported),
        observed_on=day(observed or reported),
        **BY,
    )


def investigated(event_id: str, on: str) -> LexSarahInvestigationStarted:
    """The lex Sarah investigation started."""
    return LexSarahInvestigationStarted(event_id=event_id, occurred_on=day(on), **BY)


def concluded(event_id: str, on: str, *, serious: bool) -> LexSarahConcluded:
    """The lex Sarah investigation concluded, serious (allvarligt) or not."""
    return LexSarahConcluded(event_id=event_id, occurred_on=day(on), serious=serious, **BY)


def to_ivo(event_id: str, on: str) -> LexSarahReportedToIVO:
    """The anmälan to IVO."""
    return LexSarahReportedToIVO(event_id=event_id, occurred_on=day(on), **BY)


def deviation(event_id: str, on: str, *, is_lex_sarah: bool = False) -> DeviationReported:
    """A deviation report (avvikelse)."""
    return DeviationReported(
        event_id=event_id, occurred_on=day(on), is_lex_sarah=is_lex_sarah, **BY
    )


def triaged(event_id: str, on: str, *, is_lex_sarah: bool = False) -> DeviationTriaged:
    """The triage of a deviation: lex Sarah or not."""
    return DeviationTriaged(event_id=event_id, occurred_on=day(on), is_lex_sarah=is_lex_sarah, **BY)


def closed(event_id: str, on: str) -> DeviationClosed:
    """The deviation closed."""
    return DeviationClosed(event_id=event_id, occurred_on=day(on), **BY)


def tc19() -> History:
    """TC19: noticed and reported 2024-03-04; serious; reported to IVO 2024-06-20."""
    return History().record(
        lex_sarah("ls1", "2024-03-04"),
        investigated("ls2", "2024-03-05"),
        concluded("ls3", "2024-04-15", serious=True),
        to_ivo("ls4", "2024-06-20"),
    )


class TestTC19LexSarah:
    """Rapport and investigation met; the anmälan to IVO met late by 52 days."""

    def test_report_met(self) -> None:
        """Reported the day it was noticed: R19a met, on the matter's stream."""
        found = only(tc19(), "R19a", "2024-07-01")
        assert (found.case_id, found.trigger_on, found.due_on, found.status) == (
            MATTER,
            day("2024-03-04"),
            day("2024-03-05"),
            Status.MET,
        )
        assert found.satisfied_by_event_id == "ls1"
        assert found.citation == "SoL (2001:453) 14 kap. 3 §"

    def test_investigation_started_met(self) -> None:
        """Investigation started the day after the rapport: R19b met."""
        found = only(tc19(), "R19b", "2024-07-01")
        assert (found.due_on, found.status, found.satisfied_by_event_id) == (
            day("2024-03-05"),
            Status.MET,
            "ls2",
        )

    def test_ivo_report_met_late_by_52_days(self) -> None:
        """Concluded serious 15 April; due 29 April; sent 20 June: met late, 52 days."""
        found = only(tc19(), "R19d", "2024-07-01")
        assert (found.trigger_event_id, found.due_on, found.status, found.days_late) == (
            "ls3",
            day("2024-04-29"),
            Status.MET_LATE,
            52,
        )
        assert (found.severity, found.citation) == (Severity.CRITICAL, "SoL (2001:453) 14 kap. 7 §")

    def test_conclusion_judged_against_the_routine(self) -> None:
        """Concluded 42 days after the rapport against 30 days: met late by 12 days."""
        found = only(tc19(), "R19c", "2024-07-01")
        assert (found.due_on, found.status, found.days_late) == (
            day("2024-04-03"),
            Status.MET_LATE,
            12,
        )

    def test_only_the_ivo_report_is_critical(self) -> None:
        """R19d (allvarligt) is critical; the steps every rapport takes stay high."""
        found = {o.rule_id: o.severity for o in tc19().obligations(on=day("2024-07-01"))}
        assert (found["R19a"], found["R19b"], found["R19c"], found["R19d"]) == (
            Severity.HIGH,
            Severity.HIGH,
            Severity.HIGH,
            Severity.CRITICAL,
        )

    def test_ivo_report_pending_then_overdue(self) -> None:
        """As of 2024-04-29 the anmälan is pending; as of 2024-05-01, overdue by 2 days."""
        assert only(tc19(), "R19d", "2024-04-29").status is Status.PENDING
        found = only(tc19(), "R19d", "2024-05-01")
        assert (found.status, found.days_overdue) == (Status.OVERDUE, 2)


class TestLexSarahSteps:
    """R19a–d one at a time: late, pending, overdue and not applicable."""

    def test_report_met_late(self) -> None:
        """Reported three days after it was noticed against one day: met late by 2 days."""
        history = History().record(lex_sarah("ls1", "2024-03-07", observed="2024-03-04"))
        found = only(history, "R19a", "2024-03-10")
        assert (found.status, found.days_late, found.severity) == (
            Status.MET_LATE,
            2,
            Severity.HIGH,
        )

    def test_investigation_pending_then_overdue(self) -> None:
        """No investigation yet: pending on the due date, overdue the day after."""
        history = History().record(lex_sarah("ls1", "2024-03-04"))
        assert only(history, "R19b", "2024-03-05").status is Status.PENDING
        found = only(history, "R19b", "2024-03-08")
        assert (found.status, found.days_overdue) == (Status.OVERDUE, 3)

    def test_conclusion_met(self) -> None:
        """Concluded within 30 days: met."""
        history = History().record(
            lex_sarah("ls1", "2024-03-04"), concluded("ls3", "2024-04-01", serious=False)
        )
        assert only(history, "R19c", "2024-05-01").status is Status.MET

    def test_no_ivo_duty_when_not_serious(self) -> None:
        """A conclusion that it was not serious: R19d not applicable."""
        history = History().record(
            lex_sarah("ls1", "2024-03-04"), concluded("ls3", "2024-04-01", serious=False)
        )
        found = only(history, "R19d", "2024-05-01")
        assert (found.status, found.trigger_event_id) == (Status.NOT_APPLICABLE, "ls3")

    def test_no_ivo_duty_before_a_conclusion(self) -> None:
        """Without a conclusion there is nothing for R19d to judge yet."""
        history = History().record(lex_sarah("ls1", "2024-03-04"))
        assert history.obligations(on=day("2024-05-01"), rule="R19d") == []

    def test_anmalan_before_the_conclusion_meets_it(self) -> None:
        """An anmälan sent while the investigation still ran meets R19d."""
        history = History().record(
            lex_sarah("ls1", "2024-03-04"),
            to_ivo("ls4", "2024-03-06"),
            concluded("ls3", "2024-04-01", serious=True),
        )
        assert only(history, "R19d", "2024-05-01").status is Status.MET

    def test_not_applicable_before_lex_sarah_covered_child_welfare(self) -> None:
        """Noticed in 2010, before lex Sarah reached individ- och familjeomsorgen."""
        history = History().record(lex_sarah("ls1", "2010-05-04"))
        statuses = {o.rule_id: o.status for o in history.obligations(on=day("2010-06-01"))}
        assert statuses["R19a"] is statuses["R19b"] is statuses["R19c"] is Status.NOT_APPLICABLE

    def test_cites_the_new_act_when_sent_after_the_switch(self) -> None:
        """Concluded under SoL (2001:453), sent to IVO under SoL (2025:400): both cited."""
        history = History().record(
            lex_sarah("ls1", "2025-06-02"),
            concluded("ls3", "2025-06-25", serious=True),
            to_ivo("ls4", "2025-07-20"),
        )
        found = only(history, "R19d", "2025-08-01")
        assert found.citation == "SoL (2025:400) 27 kap. 6 § (motsv. SoL (2001:453) 14 kap. 7 §)"
        assert (found.status, found.days_late) == (Status.MET_LATE, 11)


def parts(history: History, on: str) -> dict[str, Obligation]:
    """The R20 obligations on `on`, by part."""
    found = history.obligations(on=day(on), rule="R20")
    return {o.part or "": o for o in found}


class TestDeviations:
    """R20: triage within 7 days, closed within 30 (the nämnd's routine)."""

    def test_triaged_and_closed_in_time(self) -> None:
        """Triaged on day 5 and closed on day 20: both parts met."""
        history = History().record(
            deviation("d1", "2024-05-01"), triaged("t1", "2024-05-06"), closed("c1", "2024-05-21")
        )
        found = parts(history, "2024-07-01")
        assert (found["triage"].status, found["close"].status) == (Status.MET, Status.MET)
        assert (found["triage"].satisfied_by_event_id, found["close"].satisfied_by_event_id) == (
            "t1",
            "c1",
        )
        assert found["triage"].severity is Severity.MEDIUM

    def test_late_triage_and_overdue_close(self) -> None:
        """Triaged on day 10 (3 days late) and never closed: close overdue after 30 days."""
        history = History().record(deviation("d1", "2024-05-01"), triaged("t1", "2024-05-11"))
        found = parts(history, "2024-06-05")
        assert (found["triage"].status, found["triage"].days_late) == (Status.MET_LATE, 3)
        assert (found["close"].due_on, found["close"].status, found["close"].days_overdue) == (
            day("2024-05-31"),
            Status.OVERDUE,
            5,
        )

    def test_pending_while_the_routine_runs(self) -> None:
        """Three days after the report, neither part is due yet."""
        history = History().record(deviation("d1", "2024-05-01"))
        found = parts(history, "2024-05-04")
        assert (found["triage"].status, found["close"].status) == (Status.PENDING, Status.PENDING)

    def test_close_not_applicable_once_triaged_as_lex_sarah(self) -> None:
        """Triaged as lex Sarah: the matter follows R19, so R20 `close` does not apply."""
        history = History().record(
            deviation("d1", "2024-05-01"),
            triaged("t1", "2024-05-03", is_lex_sarah=True),
            lex_sarah("ls1", "2024-05-03", observed="2024-05-01"),
        )
        found = parts(history, "2024-07-01")
        assert (found["triage"].status, found["close"].status) == (
            Status.MET,
            Status.NOT_APPLICABLE,
        )
        assert only(history, "R19a", "2024-07-01").status is Status.MET_LATE

    def test_close_not_applicable_when_reported_as_lex_sarah(self) -> None:
        """A deviation reported as lex Sarah is handled under R19 from the start."""
        history = History().record(deviation("d1", "2024-05-01", is_lex_sarah=True))
        assert parts(history, "2024-07-01")["close"].status is Status.NOT_APPLICABLE

    def test_a_triage_after_the_closure_changes_nothing(self) -> None:
        """Closed, then triaged as lex Sarah: the close verdict stays met (final)."""
        history = History().record(
            deviation("d1", "2024-05-01"),
            closed("c1", "2024-05-05"),
            triaged("t1", "2024-05-06", is_lex_sarah=True),
        )
        assert parts(history, "2024-05-05")["close"].status is Status.MET
        assert parts(history, "2024-07-01")["close"].status is Status.MET

    def test_citation_of_the_old_act_is_unverified(self) -> None:
        """SoL (2001:453) 3 kap. 3 § is ✘: cited without the paragraph and flagged."""
        history = History().record(deviation("d1", "2024-05-01"), triaged("t1", "2024-05-02"))
        found = parts(history, "2024-07-01")["triage"]
        assert found.citation == "SoL (2001:453)"
        assert Flag.CITATION_UNVERIFIED in found.flags

    def test_late_registered_deviation_is_flagged(self) -> None:
        """A deviation registered two months after it was reported carries the flag."""
        history = History().record(
            deviation("d1", "2024-05-01"), at=datetime(2024, 7, 1, 9, tzinfo=UTC)
        )
        assert Flag.LATE_REGISTRATION in parts(history, "2024-07-02")["triage"].flags
