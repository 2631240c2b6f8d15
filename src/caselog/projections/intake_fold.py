"""The intake half of the case fold: reports, applications and investigations.

Folds the facts of the first stage of a case file (personakt) — reports of concern
(orosanmälan), the initial assessment (förhandsbedömning), applications (ansökan) and
investigations (barnavårdsutredning) — into drafts that `fold_case_state` freezes. The
care half lives in `care_fold`; both share `Orphans` and `first_on`.

Each fold runs in two passes over the same facts in fold order: `define` creates the parts
other facts refer to, `apply` applies the rest, so a reference finds its referent whatever
their dates (D5 accepts a decision dated after what it refers to).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Protocol, TypeVar

from pydantic import ConfigDict

from caselog.events import (
    ApplicationReceived,
    CaseFileOpened,
    FactEvent,
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
from caselog.projections.case_parts import (
    Application,
    Investigation,
    InvestigationExtension,
    ReportDecision,
    ReportOfConcern,
)


class _StandIn(Protocol):
    """A draft that can stand in for a referent not in the view."""

    orphan: bool


Part = TypeVar("Part")
Draft = TypeVar("Draft", bound=_StandIn)


def first_on(current: date | None, day: date) -> date:
    """The date of a once-only act: the first in fold order counts.

    Fold order is by `occurred_on`, so the first is also the earliest.

    >>> first_on(None, date(2024, 5, 2)), first_on(date(2024, 5, 1), date(2024, 5, 2))
    (datetime.date(2024, 5, 2), datetime.date(2024, 5, 1))
    """
    return day if current is None else current


class Orphans:
    """The facts whose referent is not in the view (D4: folds tolerate orphans).

    A referent is missing when it was retracted, is dated after `on`, or was never
    recorded; the fact still counts and its event id is listed, in fold order.
    """

    def __init__(self) -> None:
        """Start with no orphans."""
        self.event_ids: list[str] = []

    def unless(self, event: FactEvent, *present: bool) -> bool:
        """Name `event` an orphan unless all its referents are present; say if they are."""
        if all(present):
            return True
        if event.event_id not in self.event_ids:
            self.event_ids.append(event.event_id)
        return False

    def referent(self, event: FactEvent, parts: Mapping[str, Part], part_id: str) -> Part | None:
        """The part `event` refers to, or None (and `event` an orphan) when not in the view."""
        return parts[part_id] if self.unless(event, part_id in parts) else None

    def referent_or_stand_in(
        self, event: FactEvent, parts: dict[str, Draft], part_id: str, stand_in: Draft
    ) -> Draft:
        """The part `event` refers to; `stand_in`, an orphan, takes its place when missing."""
        found = parts.setdefault(part_id, stand_in)
        self.unless(event, not found.orphan)
        return found


# Drafts: the mutable twins of the parts, filled in by the fold and frozen at its end.
# Each spells out its config, since the pydantic mypy plugin reads only literal configs.


class ReportDraft(ReportOfConcern):
    """A report of concern being folded."""

    model_config = ConfigDict(frozen=False)


class ApplicationDraft(Application):
    """An application being folded."""

    model_config = ConfigDict(frozen=False)


class InvestigationDraft(Investigation):
    """An investigation being folded."""

    model_config = ConfigDict(frozen=False)


class IntakeFold:
    """Folds reports, applications and investigations of one case file."""

    def __init__(self, orphans: Orphans) -> None:
        """Start empty, naming orphans in the log shared with the care half."""
        self.orphans = orphans
        self.born_on: date | None = None
        self.reports: dict[str, ReportDraft] = {}
        self.applications: dict[str, ApplicationDraft] = {}
        self.investigations: dict[str, InvestigationDraft] = {}

    def define(self, event: FactEvent) -> None:
        """First pass: create the reports, applications and opened investigations."""
        match event:
            case ReportReceived():
                self.reports.setdefault(
                    event.event_id,
                    ReportDraft(
                        event_id=event.event_id,
                        received_on=event.occurred_on,
                        reporter_category=event.reporter_category,
                        mandatory_reporter=event.mandatory_reporter,
                        violence_exposure=event.violence_exposure,
                        close_relative=event.close_relative,
                    ),
                )
            case ApplicationReceived():
                self.applications.setdefault(
                    event.event_id,
                    ApplicationDraft(
                        event_id=event.event_id,
                        received_on=event.occurred_on,
                        applicant=event.applicant,
                    ),
                )
            case InvestigationOpened():
                self.investigations.setdefault(
                    event.investigation_id,
                    InvestigationDraft(
                        investigation_id=event.investigation_id,
                        opened_event_id=event.event_id,
                        opened_on=event.occurred_on,
                        opened_by=event.decided_by,
                        report_event_ids=tuple(event.report_event_ids),
                        application_event_id=event.application_event_id,
                    ),
                )
            case _:
                pass  # applied in the second pass, or not part of intake

    def _report(self, event: FactEvent, report_event_id: str) -> ReportDraft | None:
        """The report a fact refers to, or None (and an orphan) when not in the view."""
        return self.orphans.referent(event, self.reports, report_event_id)

    def _investigation(self, event: FactEvent, investigation_id: str) -> InvestigationDraft:
        """The investigation a fact refers to, created as an orphan when not opened."""
        stand_in = InvestigationDraft(investigation_id=investigation_id, orphan=True)
        return self.orphans.referent_or_stand_in(
            event, self.investigations, investigation_id, stand_in
        )

    def _decide_reports(
        self,
        event: InvestigationOpened | InvestigationNotOpened,
        decision: ReportDecision,
    ) -> None:
        """Record the first decision on each report the event names (R02)."""
        ids = event.report_event_ids
        self.orphans.unless(event, *(rid in self.reports for rid in ids))
        for report in (self.reports[rid] for rid in ids if rid in self.reports):
            if report.decision is None:
                report.decision = decision
                report.decided_on = event.occurred_on
                report.decision_event_id = event.event_id

    def apply(self, event: FactEvent) -> None:  # noqa: PLR0915  (one case per fact)
        """Second pass: apply one intake fact to what it refers to."""
        day = event.occurred_on
        match event:
            case CaseFileOpened():
                self.born_on = self.born_on or event.born_on
            case ProtectionAssessmentDocumented():
                report = self._report(event, event.report_event_id)
                if report and report.protection_assessed_on is None:
                    report.protection_assessed_on = day
                    report.protection_outcome = event.outcome
            case PreAssessmentExtended():
                if report := self._report(event, event.report_event_id):
                    until = report.pre_assessment_extended_until or event.until_on
                    report.pre_assessment_extended_until = max(until, event.until_on)
            case FeedbackRequested():
                if report := self._report(event, event.report_event_id):
                    report.feedback_requested_on = first_on(report.feedback_requested_on, day)
            case FeedbackGiven():
                if report := self._report(event, event.report_event_id):
                    report.feedback_given_on = first_on(report.feedback_given_on, day)
            case FeedbackRefused():
                if report := self._report(event, event.report_event_id):
                    report.feedback_refused_on = first_on(report.feedback_refused_on, day)
            case InvestigationOpened():
                self._decide_reports(event, ReportDecision.OPENED)
                application_id = event.application_event_id
                if application_id is not None and self.orphans.unless(
                    event, application_id in self.applications
                ):
                    application = self.applications[application_id]
                    if application.investigation_id is None:
                        application.investigation_id = event.investigation_id
                        application.decided_on = day
            case InvestigationNotOpened():
                self._decide_reports(event, ReportDecision.NOT_OPENED)
            case GuardiansInformed():
                found = self._investigation(event, event.investigation_id)
                found.guardians_informed_on = first_on(found.guardians_informed_on, day)
            case InformationDeferred():
                found = self._investigation(event, event.investigation_id)
                found.information_deferred_on = first_on(found.information_deferred_on, day)
            case InvestigationExtended():
                found = self._investigation(event, event.investigation_id)
                extension = InvestigationExtension(
                    event_id=event.event_id,
                    decided_on=day,
                    new_due_on=event.new_due_on,
                    reasons_given=event.has("reasons"),
                    decided_by=event.decided_by,
                )
                found.extensions = (*found.extensions, extension)
            case InvestigationConcluded():
                found = self._investigation(event, event.investigation_id)
                if found.concluded_on is None:
                    found.concluded_on = day
                    found.concluded_event_id = event.event_id
                    found.outcome = event.outcome
                    found.concluded_by = event.decided_by
            case RiskAssessmentDocumented():
                found = self._investigation(event, event.investigation_id)
                found.risk_assessed_on = first_on(found.risk_assessed_on, day)
            case _:
                pass  # not an intake fact: the care half or nothing handles it
