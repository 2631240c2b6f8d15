"""The intake half of the case fold: applications, feedback and investigation steps."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, TypeVar

from caselog.events import (
    ApplicationReceived,
    CaseFileOpened,
    ChildEvent,
    Event,
    FeedbackGiven,
    FeedbackRefused,
    FeedbackRequested,
    GuardiansInformed,
    InformationDeferred,
    InvestigationConcluded,
    InvestigationExtended,
    InvestigationNotOpened,
    InvestigationOpened,
    PreAssessmentExtended,
    ProtectionAssessmentDocumented,
    ReportReceived,
    RiskAssessmentDocumented,
)
from caselog.projections import CaseState, as_of, fold_case_state
from tests.strategies import CASE_ID, EPOCH, history_of
from tests.strategies import fact as child_fact

E = TypeVar("E", bound=ChildEvent)
KNOWN_AT = EPOCH + timedelta(days=3650)


def day(n: int) -> date:
    """The `n`th day after the first of January 2024."""
    return date(2024, 1, 1) + timedelta(days=n)


def fact(cls: type[E], event_id: str, on: int, **fields: Any) -> E:  # noqa: ANN401
    """A fact of the case file `c1` that occurred on `day(on)`."""
    return child_fact(cls, event_id, day(on), **fields)


def state(events: list[Event], on: int = 400) -> CaseState:
    """The case state on `day(on)`, known ten years on."""
    view = as_of(history_of(events), on=day(on), known_at=KNOWN_AT)
    return fold_case_state(CASE_ID, view, on=day(on), known_at=KNOWN_AT)


def report(event_id: str, on: int) -> ReportReceived:
    """A report of concern from health care."""
    return fact(
        ReportReceived,
        event_id,
        on,
        reporter_category="health_care",
        mandatory_reporter=True,
    )


def test_an_application_shows_the_investigation_opened_on_it() -> None:
    """An investigation opened on an application is named on the application."""
    events: list[Event] = [
        fact(ApplicationReceived, "a1", 0, applicant="guardian"),
        fact(
            InvestigationOpened,
            "o1",
            2,
            investigation_id="i1",
            application_event_id="a1",
            decided_by="official",
        ),
        fact(
            InvestigationOpened,
            "o2",
            3,
            investigation_id="i2",
            application_event_id="a1",
            decided_by="official",
        ),
    ]
    (application,) = state(events).applications
    assert (application.investigation_id, application.decided_on) == ("i1", day(2))
    assert application.applicant == "guardian"


def test_the_first_assessment_and_feedback_of_a_report_count() -> None:
    """Once-only acts keep their first date; extensions keep the latest end."""
    events: list[Event] = [
        report("r1", 0),
        *(
            fact(
                ProtectionAssessmentDocumented,
                f"pa{n}",
                n,
                report_event_id="r1",
                outcome=outcome,
            )
            for n, outcome in ((0, "immediate_need"), (1, "no_immediate_need"))
        ),
        *(
            fact(
                PreAssessmentExtended,
                f"px{n}",
                n,
                report_event_id="r1",
                until_on=day(until),
                reason_code="family_unreachable",
                reasons="the family is abroad",
            )
            for n, until in ((5, 40), (6, 30))
        ),
        fact(FeedbackRequested, "fq", 1, report_event_id="r1"),
        fact(FeedbackGiven, "fg", 20, report_event_id="r1"),
        fact(FeedbackRefused, "fr", 21, report_event_id="r1", reasons="unsuitable"),
    ]
    (r1,) = state(events).reports
    assert (r1.protection_assessed_on, r1.protection_outcome) == (
        day(0),
        "immediate_need",
    )
    assert r1.pre_assessment_extended_until == day(40)
    assert (r1.feedback_requested_on, r1.feedback_given_on) == (day(1), day(20))
    assert r1.feedback_refused_on == day(21)


def test_the_steps_of_an_investigation_land_on_it() -> None:
    """Information, extensions, the risk assessment and the conclusion are recorded."""
    ids = {"investigation_id": "i1"}
    events: list[Event] = [
        fact(InvestigationOpened, "o1", 0, decided_by="official", **ids),
        fact(GuardiansInformed, "g1", 1, **ids),
        fact(InformationDeferred, "d1", 1, reasons="the child's safety", **ids),
        fact(
            InvestigationExtended,
            "x1",
            100,
            new_due_on=day(180),
            reasons="awaiting a police interview",
            decided_by="subcommittee",
            **ids,
        ),
        fact(InvestigationExtended, "x2", 170, decided_by="official", **ids),
        fact(RiskAssessmentDocumented, "k1", 30, **ids),
        fact(
            InvestigationConcluded,
            "c1",
            175,
            outcome="no_intervention",
            decided_by="subcommittee",
            **ids,
        ),
        fact(
            InvestigationConcluded,
            "c2",
            176,
            outcome="intervention",
            decided_by="subcommittee",
            **ids,
        ),
    ]
    (found,) = state(events).investigations
    assert (found.guardians_informed_on, found.information_deferred_on) == (
        day(1),
        day(1),
    )
    assert [(x.decided_on, x.new_due_on) for x in found.extensions] == [
        (day(100), day(180)),
        (day(170), None),
    ]
    assert found.risk_assessed_on == day(30)
    assert (found.concluded_on, found.outcome) == (day(175), "no_intervention")
    assert found.concluded_event_id == "c1"


def test_facts_about_missing_reports_and_applications_are_orphans() -> None:
    """Facts naming a report or application not in the view are listed as orphans."""
    events: list[Event] = [
        fact(FeedbackGiven, "fg", 1, report_event_id="r9"),
        fact(FeedbackRequested, "fq", 1, report_event_id="r9"),
        fact(FeedbackRefused, "fr", 1, report_event_id="r9", reasons="unsuitable"),
        fact(
            ProtectionAssessmentDocumented,
            "pa",
            1,
            report_event_id="r9",
            outcome="no_immediate_need",
        ),
        fact(
            PreAssessmentExtended,
            "px",
            1,
            report_event_id="r9",
            until_on=day(30),
            reason_code="other",
            reasons="workload",
        ),
        fact(
            InvestigationOpened,
            "o1",
            2,
            investigation_id="i1",
            report_event_ids=["r9"],
            application_event_id="a9",
            decided_by="official",
        ),
        fact(GuardiansInformed, "g1", 3, investigation_id="i9"),
        fact(RiskAssessmentDocumented, "k1", 4, investigation_id="i9"),
    ]
    result = state(events)
    assert result.orphans == ("fg", "fq", "fr", "pa", "px", "o1", "g1", "k1")
    assert result.reports == ()
    assert [(i.investigation_id, i.orphan) for i in result.investigations] == [
        ("i1", False),
        ("i9", True),
    ]


def test_the_first_decision_on_a_report_ends_its_assessment() -> None:
    """A later decision naming the same report does not replace the first (R02)."""
    events: list[Event] = [
        report("r1", 0),
        fact(
            InvestigationNotOpened,
            "n1",
            10,
            report_event_ids=["r1"],
            decided_by="official",
            reasons="no need of support",
        ),
        fact(
            InvestigationOpened,
            "o1",
            60,
            investigation_id="i1",
            report_event_ids=["r1"],
            decided_by="official",
        ),
    ]
    (r1,) = state(events).reports
    assert (r1.decision, r1.decision_event_id) == ("not_opened", "n1")


def test_the_birth_date_comes_from_the_case_file_opening() -> None:
    """`born_on` is that of the case file's first opening (personakt)."""
    events: list[Event] = [
        fact(CaseFileOpened, "b1", 0, born_on=date(2015, 6, 15)),
        fact(CaseFileOpened, "b2", 1, born_on=date(2016, 6, 15)),
    ]
    assert state(events).born_on == date(2015, 6, 15)
    assert state([]).born_on is None
