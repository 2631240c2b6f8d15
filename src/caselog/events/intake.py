"""Intake: the case file, reports of concern, applications, protection assessments.

Statutes: SoL (2001:453) 11 kap. 1, 1 a §§ and 14 kap. 1 b §; SoL (2025:400) 14 kap. 2 §,
19 kap. 6 § and 20 kap. 1–2 §§.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar, Literal, Self

from pydantic import model_validator

from caselog.events.base import ChildEvent, Day, Flag, Id, Name, Text
from caselog.events.personal import Personal
from caselog.events.pnr import PersonalIdentityNumber, pnr_birth_date


class ReporterCategory(StrEnum):
    """Who made a report of concern (anmälare), SoL (2025:400) 19 kap. 1–4 §§."""

    POLICE = "police"
    SCHOOL = "school"
    PRESCHOOL = "preschool"
    HEALTH_CARE = "health_care"
    SOCIAL_SERVICES = "social_services"
    OTHER_AUTHORITY = "other_authority"
    PRIVATE_PERSON = "private_person"
    ANONYMOUS = "anonymous"
    OTHER = "other"


class ViolenceExposure(StrEnum):
    """Whether the child was exposed to violence (SOSFS 2014:4; HSLF-FS 2022:39)."""

    NONE = "none"
    SUBJECTED = "subjected"
    """The child was subjected to violence (utsatt för våld)."""
    WITNESSED = "witnessed"
    """The child witnessed violence (bevittnat våld), SoL (2001:453) 5 kap. 11 § 4 st."""


class Applicant(StrEnum):
    """Who applied for assistance (ansökan)."""

    GUARDIAN = "guardian"
    CHILD = "child"
    OTHER = "other"


class ProtectionOutcome(StrEnum):
    """The outcome of an immediate protection assessment (skyddsbedömning)."""

    IMMEDIATE_NEED = "immediate_need"
    NO_IMMEDIATE_NEED = "no_immediate_need"


class PreAssessmentReason(StrEnum):
    """Exceptional reasons (synnerliga skäl) to extend the 14-day initial assessment."""

    POLICE_INTERVIEW_PENDING = "police_interview_pending"
    FAMILY_UNREACHABLE = "family_unreachable"
    OTHER = "other"


class CaseFileOpened(ChildEvent, Personal):
    """A case file (personakt) was opened for a child; `born_on` feeds age-based duties.

    `personal_identity_number` (personnummer or samordningsnummer) and `name` let a case
    system link its own records; both are personal data, stored encrypted, looked up only
    through a keyed hash (`caselog cases --pnr`), and never needed by a rule. `born_on`
    stays readable: the rules count ages from it.
    """

    type: Literal["case_file_opened"] = "case_file_opened"
    born_on: Day
    personal_identity_number: PersonalIdentityNumber | None = None
    name: Name | None = None

    added_fields: ClassVar[frozenset[str]] = frozenset({"personal_identity_number", "name"})
    personal: ClassVar[tuple[str, ...]] = ("personal_identity_number", "name")

    @model_validator(mode="after")
    def _born_as_numbered(self) -> Self:
        """The personal identity number names the birth date: it must be `born_on`."""
        pnr = self.personal_identity_number
        if pnr is not None and (day := pnr_birth_date(pnr)) != self.born_on:
            msg = (
                f"personal_identity_number: it names the birth date {day}, "
                f"but born_on is {self.born_on}"
            )
            raise ValueError(msg)
        return self


class ReportReceived(ChildEvent):
    """A report of concern (orosanmälan) came in; `occurred_on` is the day of receipt.

    Triggers the immediate protection assessment and the 14-day initial assessment
    (SoL (2001:453) 11 kap. 1 a §; SoL (2025:400) 20 kap. 1–2 §§).
    """

    type: Literal["report_received"] = "report_received"
    reporter_category: ReporterCategory
    mandatory_reporter: Flag
    violence_exposure: ViolenceExposure = ViolenceExposure.NONE
    close_relative: Flag = False
    """The perpetrator or victim of the violence is a close relative (närstående)."""


class ApplicationReceived(ChildEvent):
    """An application (ansökan) for assistance came in (SoL (2001:453) 11 kap. 1 §)."""

    type: Literal["application_received"] = "application_received"
    applicant: Applicant


class ProtectionAssessmentDocumented(ChildEvent):
    """An immediate protection assessment (omedelbar skyddsbedömning) was documented.

    SoL (2001:453) 11 kap. 1 a § 1 st.; SoL (2025:400) 20 kap. 1 §.
    """

    type: Literal["protection_assessment_documented"] = "protection_assessment_documented"
    report_event_id: Id
    outcome: ProtectionOutcome


class PreAssessmentExtended(ChildEvent, Personal):
    """The initial assessment (förhandsbedömning) was extended for exceptional reasons.

    SoL (2025:400) 20 kap. 2 §: only for synnerliga skäl; workload never counts.
    """

    type: Literal["pre_assessment_extended"] = "pre_assessment_extended"
    report_event_id: Id
    until_on: Day
    reason_code: PreAssessmentReason
    reasons: Text

    personal: ClassVar[tuple[str, ...]] = ("reasons",)


class FeedbackRequested(ChildEvent):
    """The reporter asked what came of the report (SoL (2025:400) 19 kap. 6 §)."""

    type: Literal["feedback_requested"] = "feedback_requested"
    report_event_id: Id


class FeedbackGiven(ChildEvent):
    """The reporter was told whether an investigation was opened (återkoppling)."""

    type: Literal["feedback_given"] = "feedback_given"
    report_event_id: Id


class FeedbackRefused(ChildEvent, Personal):
    """Feedback to the reporter was refused as inappropriate (olämpligt)."""

    type: Literal["feedback_refused"] = "feedback_refused"
    report_event_id: Id
    reasons: Text

    personal: ClassVar[tuple[str, ...]] = ("reasons",)
