"""Short constructors for the events of the worked cases (RULES.md §11): intake and investigations.

Dates are ISO strings; ids are explicit so that a test can name the trigger it checks. The
placement events are in `placement_builders`, the LVU ones in `lvu_builders`.
"""

from __future__ import annotations

from datetime import date

from caselog.events import (
    Applicant,
    ApplicationReceived,
    CaseFileOpened,
    DecidedBy,
    EventRetracted,
    FeedbackGiven,
    FeedbackRefused,
    FeedbackRequested,
    GuardiansInformed,
    InformationDeferred,
    InvestigationConcluded,
    InvestigationExtended,
    InvestigationNotOpened,
    InvestigationOpened,
    InvestigationOutcome,
    PreAssessmentExtended,
    PreAssessmentReason,
    ProtectionAssessmentDocumented,
    ProtectionOutcome,
    ReporterCategory,
    ReportReceived,
    RiskAssessmentDocumented,
    ViolenceExposure,
)

CHILD = "c1"
BY = {"actor": "sw-1", "child_id": CHILD}


def day(text: str) -> date:
    """An ISO date."""
    return date.fromisoformat(text)


def report(
    event_id: str, received: str, *, violence: ViolenceExposure = ViolenceExposure.NONE
) -> ReportReceived:
    """A report of concern from the police, with or without violence by a close relative."""
    return ReportReceived(
        event_id=event_id,
        occurred_on=day(received),
        reporter_category=ReporterCategory.POLICE,
        mandatory_reporter=True,
        violence_exposure=violence,
        close_relative=violence is not ViolenceExposure.NONE,
        **BY,
    )


def assessed(event_id: str, on: str, report_id: str) -> ProtectionAssessmentDocumented:
    """A protection assessment of one report."""
    return ProtectionAssessmentDocumented(
        event_id=event_id,
        occurred_on=day(on),
        report_event_id=report_id,
        outcome=ProtectionOutcome.NO_IMMEDIATE_NEED,
        **BY,
    )


def opened(
    event_id: str,
    on: str,
    *report_ids: str,
    investigation: str = "inv-1",
    application: str | None = None,
) -> InvestigationOpened:
    """A decision to open an investigation on the given reports (or an application)."""
    return InvestigationOpened(
        event_id=event_id,
        occurred_on=day(on),
        investigation_id=investigation,
        report_event_ids=list(report_ids),
        application_event_id=application,
        decided_by=DecidedBy.OFFICIAL,
        **BY,
    )


def applied(event_id: str, received: str) -> ApplicationReceived:
    """An application (ansökan) from a guardian."""
    return ApplicationReceived(
        event_id=event_id, occurred_on=day(received), applicant=Applicant.GUARDIAN, **BY
    )


def pre_assessment_extended(
    event_id: str,
    on: str,
    report_id: str,
    until: str,
    *,
    reason: PreAssessmentReason = PreAssessmentReason.POLICE_INTERVIEW_PENDING,
) -> PreAssessmentExtended:
    """A decision to extend the initial assessment of one report to `until`."""
    return PreAssessmentExtended(
        event_id=event_id,
        occurred_on=day(on),
        report_event_id=report_id,
        until_on=day(until),
        reason_code=reason,
        reasons="Polisförhör med barnet är inte hållet.",
        **BY,
    )


def informed(event_id: str, on: str, *, investigation: str = "inv-1") -> GuardiansInformed:
    """Those concerned told that the investigation started."""
    return GuardiansInformed(
        event_id=event_id, occurred_on=day(on), investigation_id=investigation, **BY
    )


def deferred(event_id: str, on: str, *, investigation: str = "inv-1") -> InformationDeferred:
    """Telling those concerned deferred for special reasons (särskilda skäl)."""
    return InformationDeferred(
        event_id=event_id,
        occurred_on=day(on),
        investigation_id=investigation,
        reasons="Polisutredningen är i ett känsligt skede.",
        **BY,
    )


def risk_assessed(
    event_id: str, on: str, *, investigation: str = "inv-1"
) -> RiskAssessmentDocumented:
    """A risk assessment of further violence documented in the investigation."""
    return RiskAssessmentDocumented(
        event_id=event_id, occurred_on=day(on), investigation_id=investigation, **BY
    )


def not_opened(event_id: str, on: str, *report_ids: str) -> InvestigationNotOpened:
    """A decision not to open an investigation."""
    return InvestigationNotOpened(
        event_id=event_id,
        occurred_on=day(on),
        report_event_ids=list(report_ids),
        decided_by=DecidedBy.OFFICIAL,
        reasons="Inga skäl för utredning.",
        **BY,
    )


def extended(
    event_id: str, on: str, new_due: str | None, *, investigation: str = "inv-1"
) -> InvestigationExtended:
    """A decision to extend an investigation to `new_due`."""
    return InvestigationExtended(
        event_id=event_id,
        occurred_on=day(on),
        investigation_id=investigation,
        new_due_on=day(new_due) if new_due else None,
        reasons="Väntar på BUP-bedömning." if new_due else None,
        decided_by=DecidedBy.SUBCOMMITTEE,
        **BY,
    )


def concluded(event_id: str, on: str, *, investigation: str = "inv-1") -> InvestigationConcluded:
    """The decision that ends an investigation."""
    return InvestigationConcluded(
        event_id=event_id,
        occurred_on=day(on),
        investigation_id=investigation,
        outcome=InvestigationOutcome.INTERVENTION,
        decided_by=DecidedBy.SUBCOMMITTEE,
        **BY,
    )


def file_opened(event_id: str, on: str, born: str) -> CaseFileOpened:
    """The child's case file (personakt), with the date of birth."""
    return CaseFileOpened(event_id=event_id, occurred_on=day(on), born_on=day(born), **BY)


def feedback_requested(event_id: str, on: str, report_id: str) -> FeedbackRequested:
    """The reporter asks what became of a report."""
    return FeedbackRequested(
        event_id=event_id, occurred_on=day(on), report_event_id=report_id, **BY
    )


def feedback_given(event_id: str, on: str, report_id: str) -> FeedbackGiven:
    """Feedback given to the reporter (återkoppling)."""
    return FeedbackGiven(event_id=event_id, occurred_on=day(on), report_event_id=report_id, **BY)


def feedback_refused(event_id: str, on: str, report_id: str) -> FeedbackRefused:
    """Feedback refused as inappropriate (olämpligt)."""
    return FeedbackRefused(
        event_id=event_id,
        occurred_on=day(on),
        report_event_id=report_id,
        reasons="Anmälaren är part i en vårdnadstvist.",
        **BY,
    )


def retracted(event_id: str, on: str, target: str) -> EventRetracted:
    """A retraction (makulering) of child c1's event `target`: a double registration."""
    return EventRetracted(
        event_id=event_id,
        occurred_on=day(on),
        target_event_id=target,
        reasons="Dubbelregistrering.",
        **BY,
    )
