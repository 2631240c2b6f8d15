"""Short constructors for the events of the worked cases (RULES.md §11).

Dates are ISO strings; ids are explicit so that a test can name the trigger it checks.
"""

from __future__ import annotations

from datetime import date

from caselog.events import (
    CareReviewed,
    DecidedBy,
    HomeType,
    InvestigationConcluded,
    InvestigationExtended,
    InvestigationNotOpened,
    InvestigationOpened,
    InvestigationOutcome,
    PlacementBasis,
    PlacementStarted,
    ProtectionAssessmentDocumented,
    ProtectionOutcome,
    ReporterCategory,
    ReportReceived,
    ReviewKind,
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
    event_id: str, on: str, *report_ids: str, investigation: str = "inv-1"
) -> InvestigationOpened:
    """A decision to open an investigation on the given reports."""
    return InvestigationOpened(
        event_id=event_id,
        occurred_on=day(on),
        investigation_id=investigation,
        report_event_ids=list(report_ids),
        decided_by=DecidedBy.OFFICIAL,
        **BY,
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


def placed(
    event_id: str,
    on: str,
    *,
    home: str = "H",
    home_type: HomeType = HomeType.FAMILY_HOME,
    basis: PlacementBasis = PlacementBasis.SOL,
    placement: str = "pl-1",
) -> PlacementStarted:
    """A placement starting on `on`."""
    return PlacementStarted(
        event_id=event_id,
        occurred_on=day(on),
        placement_id=placement,
        home_id=home,
        home_type=home_type,
        legal_basis=basis,
        **BY,
    )


def reviewed(
    event_id: str,
    on: str,
    *,
    kind: ReviewKind = ReviewKind.SOL_REVIEW,
    by: DecidedBy = DecidedBy.SUBCOMMITTEE,
) -> CareReviewed:
    """A periodic review of care (övervägande / prövning)."""
    return CareReviewed(event_id=event_id, occurred_on=day(on), kind=kind, decided_by=by, **BY)
