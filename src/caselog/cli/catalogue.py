"""The message catalogue of the command line: every word it shows, in English and Swedish.

One place for the terms a reader sees in a table — statuses, severities, the parts of
rules, headers, titles and counts — so that `--lang sv` translates all of them. English
shows the stable values themselves (`met_late`, `guardians_informed`): what `--status`
takes and what JSON and CSV carry. The explanations of obligations come with the rules
(`explanation_en`, `explanation_sv`); their status phrases are these terms.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from caselog.rules.model import Severity, Status

__all__ = ["PARTS", "Catalogue", "Lang"]


class Lang(StrEnum):
    """The languages of the command line's tables."""

    EN = "en"
    SV = "sv"


STATUS_SV: Final[dict[Status, str]] = {
    Status.PENDING: "pågår",
    Status.MET: "uppfyllt",
    Status.MET_LATE: "uppfyllt för sent",
    Status.OVERDUE: "försenat",
    Status.WAIVED: "undantag",
    Status.BREACHED: "åsidosatt",
    Status.NOT_APPLICABLE: "ej tillämpligt",
}
"""Statuses in Swedish: the words the Swedish explanations use (`explanation_sv`)."""

SEVERITY_SV: Final[dict[Severity, str]] = {
    Severity.CRITICAL: "kritisk",
    Severity.HIGH: "hög",
    Severity.MEDIUM: "medel",
    Severity.LOW: "låg",
}
"""Severities in Swedish."""

PARTS: Final[dict[str, str]] = {
    "decision": "beslut",
    "guardians_informed": "vårdnadshavare underrättade",
    "investigated": "utrett",
    "two_months": "två månader",
    "contract": "avtal",
    "consultation": "samråd",
    "care_plan": "vårdplan",
    "implementation_plan": "genomförandeplan",
    "revision": "översyn",
    "gap": "besöksintervall",
    "year": "vårdår",
    "social_worker": "socialsekreterare",
    "triage": "bedömning",
    "close": "avslut",
    "general": "allmän",
    "placement": "placering",
}
"""The parts of rules with several duties (docs/compliance.md `part`) → Swedish."""

_MESSAGES: Final[dict[str, tuple[str, str]]] = {
    # headers
    "case": ("case", "ärende"),
    "rule": ("rule", "regel"),
    "part": ("part", "del"),
    "trigger": ("trigger", "utlöst"),
    "due": ("due", "senast"),
    "done": ("done", "utfört"),
    "status": ("status", "status"),
    "days": ("days", "dagar"),
    "severity": ("severity", "allvar"),
    "law": ("law", "lag"),
    "what": ("what", "vad"),
    "events": ("events", "händelser"),
    "findings": ("findings", "iakttagelser"),
    "total": ("total", "totalt"),
    # titles and sentences
    "compliance on": ("compliance on {on}", "regelefterlevnad {on}"),
    "known at": ("as known at {at}", "enligt akterna {at}"),
    "period": ("triggered {start} – {end}", "utlösta {start} – {end}"),
    "cases on": ("cases on {on}", "ärenden {on}"),
    "summary on": (
        "obligations by rule and status on {on}",
        "skyldigheter per regel och status {on}",
    ),
    "obligations": ("{count} obligation(s)", "{count} skyldighet(er)"),
    "shown": ("showing {shown} of {count}", "visar {shown} av {count}"),
    "cases count": ("{count} case(s)", "{count} ärende(n)"),
    "with findings": ("{count} with findings", "{count} med iakttagelser"),
    "none": ("none", "inga"),
}


@dataclass(frozen=True)
class Catalogue:
    """The words of one language."""

    lang: Lang = Lang.EN

    def __call__(self, key: str, **values: object) -> str:
        """The message `key` in this language, with `values` filled in.

        >>> Catalogue(Lang.SV)("compliance on", on="2019-10-01")
        'regelefterlevnad 2019-10-01'
        """
        english, swedish = _MESSAGES[key]
        return (swedish if self.lang is Lang.SV else english).format(**values)

    def status(self, status: Status) -> str:
        """A status: its value in English, its Swedish term in Swedish.

        >>> Catalogue(Lang.SV).status(Status.MET_LATE)
        'uppfyllt för sent'
        """
        return STATUS_SV[status] if self.lang is Lang.SV else status.value

    def severity(self, severity: Severity) -> str:
        """A severity: its value in English, its Swedish term in Swedish."""
        return SEVERITY_SV[severity] if self.lang is Lang.SV else severity.value

    def part(self, part: str) -> str:
        """The part of a rule; a part the catalogue does not know is shown as it is."""
        return PARTS.get(part, part) if self.lang is Lang.SV else part

    def explanation(self, english: str, swedish: str) -> str:
        """One of the two explanations an obligation carries."""
        return swedish if self.lang is Lang.SV else english
