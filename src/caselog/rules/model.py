"""Obligations, their statuses and flags, and the law versions rules cite (DESIGN.md D7).

An obligation is one legal duty of one case at `on`: what triggered it, when it was due,
what satisfied it, and its status — with the law in force when it arose and on the day
that decided it. Statuses and flags are the stable vocabulary of compliance reports.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field, fields
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Any, Final


class Status(StrEnum):
    """Where a duty stands on `on` (DESIGN.md D7)."""

    PENDING = "pending"
    """Not satisfied, and `on` is on or before the effective due date."""
    MET = "met"
    """Satisfied on or before the effective due date."""
    MET_LATE = "met_late"
    """Satisfied after the effective due date."""
    OVERDUE = "overdue"
    """Not satisfied, and `on` is after the effective due date."""
    WAIVED = "waived"
    """A documented, valid exception applies (e.g. särskilda skäl)."""
    BREACHED = "breached"
    """Broken by a recorded act, or a window that closed unmet."""
    NOT_APPLICABLE = "not_applicable"
    """The duty did not apply (not yet in force, a statutory exception)."""


FINDINGS: Final = frozenset(Status) - {Status.MET, Status.NOT_APPLICABLE}
"""The statuses `caselog compliance` lists by default (D10)."""


class Flag(StrEnum):
    """Remarks on how an obligation was judged (DESIGN.md D7)."""

    EXTENDED = "extended"
    EXTENSION_AFTER_EXPIRY = "extension_after_expiry"
    INVALID_EXTENSION = "invalid_extension"
    INVALID_DELEGATION = "invalid_delegation"
    TRANSITION_INTERPRETATION = "transition_interpretation"
    LATE_REGISTRATION = "late_registration"
    ORPHAN = "orphan"
    MANUAL_REVIEW = "manual_review"
    WINDOW_CLOSED = "window_closed"
    CITATION_UNVERIFIED = "citation_unverified"


class Severity(StrEnum):
    """How grave a breach of the duty is (RULES.md §3, a proposal ✘)."""

    CRITICAL = "critical"
    """Child safety or liberty: a child left unprotected, custody without legal basis."""
    HIGH = "high"
    """A core statutory deadline."""
    MEDIUM = "medium"
    """A planning or follow-up duty."""
    LOW = "low"
    """An information or documentation duty."""


@dataclass(frozen=True, slots=True)
class LawVersion:
    """One paragraph of one statute, in force from `valid_from` to `valid_to` (inclusive).

    `verified=False` marks a paragraph RULES.md gives as ✘: it is cited without the
    paragraph and the obligation is flagged `citation_unverified` (D7).
    """

    statute: str
    paragraph: str
    valid_from: date | None = None
    valid_to: date | None = None
    verified: bool = True

    def in_force(self, day: date) -> bool:
        """Whether this version was law on `day`."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def cite(self) -> str:
        """`SoL (2001:453) 11 kap. 1 a §`, or the statute alone when unverified."""
        return f"{self.statute} {self.paragraph}" if self.verified else self.statute


@dataclass(frozen=True, slots=True)
class Law:
    """The versions of the law behind one duty, in order of time.

    Which version is in force changes only on the days some version begins or ends, so
    those days cut time into spans with one answer each, found by bisection; the four
    strings a citation needs are made once per pair of versions. Judging a municipality
    asks this twice per obligation, millions of times.
    """

    versions: tuple[LawVersion, ...]
    _cuts: tuple[date, ...] = field(init=False, repr=False, compare=False)
    _spans: tuple[LawVersion | None, ...] = field(init=False, repr=False, compare=False)
    _cited: dict[tuple[int, int], tuple[str, str, str, bool]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        """Cut time at every day a version begins or ends, and find each span's version."""
        cuts = sorted(
            {v.valid_from for v in self.versions if v.valid_from is not None}
            | {
                date.fromordinal(v.valid_to.toordinal() + 1)
                for v in self.versions
                if v.valid_to is not None and v.valid_to < date.max
            }
        )
        starts = [date.min, *cuts]
        spans = tuple(self._scan(day) for day in starts)
        object.__setattr__(self, "_cuts", tuple(cuts))
        object.__setattr__(self, "_spans", spans)
        object.__setattr__(self, "_cited", {})

    def _scan(self, day: date) -> LawVersion | None:
        return next((v for v in self.versions if v.in_force(day)), None)

    def at(self, day: date) -> LawVersion | None:
        """The version in force on `day` (the first one listed, if several overlap)."""
        return self._spans[bisect_right(self._cuts, day)]

    def citation(self, trigger_on: date, decisive_on: date) -> tuple[str, str, str, bool]:
        """(law at trigger, law decisive, citation to show, unverified?) per D7.

        The version in force on the decisive day is cited; when the version at the trigger
        differs it is added: "SoL (2025:400) 20 kap. 2 § (motsv. SoL (2001:453) 11 kap. 1 a §)".
        """
        first = bisect_right(self._cuts, trigger_on)
        second = bisect_right(self._cuts, decisive_on)
        cited = self._cited.get((first, second))
        if cited is None:
            at_trigger = self._spans[first] or self.versions[0]
            decisive = self._spans[second] or at_trigger
            citation = decisive.cite()
            if decisive != at_trigger:
                citation += f" (motsv. {at_trigger.cite()})"
            unverified = not (decisive.verified and at_trigger.verified)
            cited = (at_trigger.cite(), decisive.cite(), citation, unverified)
            self._cited[first, second] = cited
        return cited


@dataclass(frozen=True, slots=True, kw_only=True)
class Obligation:
    """One duty of one case, as it stands on `on` (DESIGN.md D7; stable JSON field names).

    A slotted dataclass, not a validated model: the rules build millions of them from
    values they already checked, and a row costs a fifth of the memory this way.
    """

    rule_id: str
    case_id: str
    trigger_event_id: str | None
    part: str | None = None
    period: int | None = None
    trigger_on: date
    due_on: date | None
    effective_due_on: date | None
    satisfied_by_event_id: str | None = None
    satisfied_on: date | None = None
    status: Status
    days_late: int | None = None
    days_overdue: int | None = None
    severity: Severity
    flags: tuple[Flag, ...] = ()
    law_at_trigger: str
    law_decisive: str
    citation: str
    wording: Wording
    """The duty's sentences; `explanation_sv`/`explanation_en` are made from them when
    asked for, so that a municipality's rows do not each carry two sentences."""

    @property
    def sentence_en(self) -> str:
        """The duty with its due date, in English (the explanation without the status)."""
        return _sentence(self.wording.en, str(self.effective_due_on or self.due_on or "—"))

    @property
    def sentence_sv(self) -> str:
        """The duty with its due date, in Swedish (the explanation without the status)."""
        return _sentence(self.wording.sv, str(self.effective_due_on or self.due_on or "—"))

    @property
    def explanation_en(self) -> str:
        """One line in English: the duty, its due date and where it stands."""
        return f"{self.sentence_en}{standing(self.status, self._days, 'en')}"

    @property
    def explanation_sv(self) -> str:
        """One line in Swedish: the duty, its due date and where it stands."""
        return f"{self.sentence_sv}{standing(self.status, self._days, 'sv')}"

    @property
    def _days(self) -> int | None:
        return self.days_late if self.days_late is not None else self.days_overdue

    def as_record(self) -> dict[str, Any]:
        """The row as a JSON-ready dict with the D7 field names (dates ISO, enums by value)."""
        return {
            "rule_id": self.rule_id,
            "case_id": self.case_id,
            "trigger_event_id": self.trigger_event_id,
            "part": self.part,
            "period": self.period,
            "trigger_on": self.trigger_on.isoformat(),
            "due_on": _iso(self.due_on),
            "effective_due_on": _iso(self.effective_due_on),
            "satisfied_by_event_id": self.satisfied_by_event_id,
            "satisfied_on": _iso(self.satisfied_on),
            "status": self.status.value,
            "days_late": self.days_late,
            "days_overdue": self.days_overdue,
            "severity": self.severity.value,
            "flags": [flag.value for flag in self.flags],
            "law_at_trigger": self.law_at_trigger,
            "law_decisive": self.law_decisive,
            "citation": self.citation,
            "explanation_sv": self.explanation_sv,
            "explanation_en": self.explanation_en,
        }

    @property
    def is_final(self) -> bool:
        """Whether the status can no longer change as `on` moves forward (D7)."""
        if self.status is Status.BREACHED:
            return Flag.WINDOW_CLOSED in self.flags or self.rule_id not in {"R07", "R08"}
        return self.status in {
            Status.MET,
            Status.MET_LATE,
            Status.WAIVED,
            Status.NOT_APPLICABLE,
        }


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


OBLIGATION_FIELDS: Final[tuple[str, ...]] = (
    *(f.name for f in fields(Obligation) if f.name != "wording"),
    "explanation_sv",
    "explanation_en",
)
"""The D7 field names in order: the JSON keys and the DataFrame columns."""


@dataclass(frozen=True, slots=True)
class Wording:
    """A duty's one-line sentences with `{due}` to fill in (English, Swedish)."""

    en: str
    sv: str


def sentence(template: str, due: date | None) -> str:
    """A duty's sentence with its due date ("—" when it has none)."""
    return _sentence(template, str(due or "—"))


@lru_cache(maxsize=1 << 16)
def _sentence(template: str, due: str) -> str:
    """A rule's sentence with its due date: the same few thousand, asked for millions of times."""
    return template.format(due=due)


def standing(status: Status, days: int | None, lang: str) -> str:
    """The end of an explanation: " — " and where the duty stands, in English or Swedish.

    The read models join it to the duty's sentence column by column (`caselog.api.frames`).
    """
    return f" — {(_STATUS_SV if lang == 'sv' else _STATUS_EN)[status].say(days)}"


@dataclass(frozen=True, slots=True)
class _Phrase:
    text: str
    days: str = ""

    def say(self, days: int | None) -> str:
        return self.text + (self.days.format(days=days) if days is not None and self.days else "")


_STATUS_EN: Final = {
    Status.PENDING: _Phrase("pending"),
    Status.MET: _Phrase("met"),
    Status.MET_LATE: _Phrase("met late", " by {days} day(s)"),
    Status.OVERDUE: _Phrase("overdue", " by {days} day(s)"),
    Status.WAIVED: _Phrase("waived (a documented exception applies)"),
    Status.BREACHED: _Phrase("breached", " ({days} day(s))"),
    Status.NOT_APPLICABLE: _Phrase("not applicable"),
}
_STATUS_SV: Final = {
    Status.PENDING: _Phrase("pågår"),
    Status.MET: _Phrase("uppfyllt"),
    Status.MET_LATE: _Phrase("uppfyllt för sent", ", {days} dag(ar)"),
    Status.OVERDUE: _Phrase("försenat", ", {days} dag(ar)"),
    Status.WAIVED: _Phrase("undantag (dokumenterade skäl)"),
    Status.BREACHED: _Phrase("åsidosatt", " ({days} dag(ar))"),
    Status.NOT_APPLICABLE: _Phrase("ej tillämpligt"),
}
