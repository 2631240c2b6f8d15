"""The service's answers as pydantic models: the OpenAPI document is generated from them.

The vocabulary is the library's own: a case's state is `CaseState`, a timeline entry
`TimelineEntry`, an obligation has the D7 field names of `Obligation.as_record()` (the
columns of `caselog compliance --format json`). Each answer repeats the `on` and the
resolved `known_at` it was judged at, so that a client can ask the same question again
and get the same answer (DESIGN.md: everything known at T is a prefix of the log).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from caselog.projections import TimelineEntry
from caselog.rules.model import Flag, Severity, Status


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IngestAnswer(_Answer):
    """What a posted batch did: lines read, events written, and what was already there."""

    read: int = Field(description="Events (lines, array items) in the batch")
    written: int = Field(description="New events appended, in one transaction")
    already_stored: int = Field(
        description="Events whose event_id was stored with the same payload: skipped (a resend)"
    )
    repeated_in_batch: int = Field(description="Events repeated within the batch: skipped")
    first_position: int | None = Field(description="Log position of the first written event")
    last_position: int | None = Field(description="Log position of the last written event")


class ObligationRecord(_Answer):
    """One legal duty of one case on `on`, judged (DESIGN.md D7; docs/compliance.md)."""

    rule_id: str
    case_id: str
    trigger_event_id: str | None
    part: str | None
    period: int | None
    trigger_on: date
    due_on: date | None
    effective_due_on: date | None
    satisfied_by_event_id: str | None
    satisfied_on: date | None
    status: Status
    days_late: int | None
    days_overdue: int | None
    severity: Severity
    flags: list[Flag]
    law_at_trigger: str
    law_decisive: str
    citation: str
    explanation_sv: str
    explanation_en: str


class ObligationsAnswer(_Answer):
    """The obligations on `on` as the log showed them at `known_at`, in (case, rule) order."""

    on: date
    known_at: datetime
    obligations: list[ObligationRecord]


class TimelineAnswer(_Answer):
    """A case file's events with both time axes, as the log showed them at `known_at`."""

    case_id: str
    known_at: datetime
    entries: list[TimelineEntry]


class Count(_Answer):
    """How many obligations of one rule have one status."""

    rule_id: str
    status: Status
    count: int


class StatsAnswer(_Answer):
    """The obligations on `on` counted by rule and status (as `compliance --summary`)."""

    on: date
    known_at: datetime
    total: int
    counts: list[Count] = Field(description="By rule (R01…R24 order), then status")


class ChainBreak(_Answer):
    """The first place a hash chain breaks (docs/security.md)."""

    position: int
    kind: str = Field(
        description="edited, recorded_at, deleted, inserted, swapped, truncated or rewritten"
    )
    detail: str


class ChainAnswer(_Answer):
    """How far one hash chain holds."""

    ok: bool
    events: int = Field(description="Rows verified (for the access log: reads)")
    position: int = Field(description="The last position that verified (0: empty)")
    head: str = Field(description="That row's hash, in hex")
    problem: ChainBreak | None


class VerifyAnswer(_Answer):
    """The log's chain and its access log's chain, recomputed (`caselog verify`)."""

    log_id: str
    ok: bool = Field(description="Both chains hold")
    events: ChainAnswer
    access: ChainAnswer | None = Field(description="None for a log made before the access log")


class Health(_Answer):
    """The service is up and its log answers."""

    status: Literal["ok"]
    version: str
