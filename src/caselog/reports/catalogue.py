"""The message catalogue: every word the command line and the reports show, in two languages.

One place for the terms a reader sees in a table or a report — statuses, severities, the
parts and names of rules, headers, titles and counts — so that `--lang sv` translates all
of them, in the terminal and in the inspection report (tillsyn) alike. It lives with the
reports, below the command line, so that both read the same words. English
shows the stable values themselves (`met_late`, `guardians_informed`): what `--status`
takes and what JSON and CSV carry. The explanations of obligations come with the rules
(`explanation_en`, `explanation_sv`); their status phrases are these terms.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from caselog.rules.model import Severity, Status

__all__ = ["PARTS", "RULE_NAMES", "Catalogue", "Lang"]


class Lang(StrEnum):
    """The languages of the command line's tables and of the reports."""

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

RULE_NAMES: Final[dict[str, tuple[str, str]]] = {
    "R01": ("Immediate protection assessment", "Omedelbar skyddsbedömning"),
    "R02": ("Initial assessment within 14 days", "Förhandsbedömning inom 14 dagar"),
    "R03": ("Violence report investigated", "Utredning vid våld av närstående"),
    "R03b": ("Risk of further violence assessed", "Bedömning av risk för fortsatt våld"),
    "R04": ("Investigation opened; those concerned told", "Utredning inledd; berörda underrättade"),
    "R05": ("Investigation within four months", "Utredning inom fyra månader"),
    "R06": ("Feedback to the reporter", "Återkoppling till anmälaren"),
    "R07": ("Family home approved before move-in", "Familjehem utrett och godkänt före placering"),
    "R08": ("Emergency home (jourhem)", "Jourhem"),
    "R09": ("Contract and consultation", "Avtal och samråd"),
    "R10": ("Care plan and implementation plan", "Vårdplan och genomförandeplan"),
    "R11": ("SoL care reviewed every six months", "Övervägande var sjätte månad (SoL)"),
    "R12": ("LVU care reviewed or examined", "Övervägande och prövning (LVU)"),
    "R13": ("Transfer of custody considered", "Övervägande av vårdnadsöverflyttning"),
    "R14": ("Care followed closely: visits and talks", "Uppföljning: besök och enskilda samtal"),
    "R15": ("Health examination notice", "Underrättelse om hälsoundersökning"),
    "R16a": ("Immediate custody reported to the committee", "Omedelbart omhändertagande anmält"),
    "R16b": ("Immediate custody submitted to the court", "Omedelbart omhändertagande underställt"),
    "R16c": ("Application for care within four weeks", "Ansökan om vård inom fyra veckor"),
    "R17": ("Contact restriction reconsidered", "Umgängesbegränsning övervägd"),
    "R18": ("Flyttningsförbud considered", "Flyttningsförbud övervägt"),
    "R19a": ("Lex Sarah report made", "Lex Sarah-rapport lämnad"),
    "R19b": ("Lex Sarah investigation started", "Lex Sarah-utredning påbörjad"),
    "R19c": ("Lex Sarah investigation concluded", "Lex Sarah-utredning avslutad"),
    "R19d": ("Serious impropriety reported to IVO", "Allvarligt missförhållande anmält till IVO"),
    "R20": ("Deviation triaged and closed", "Avvikelse bedömd och avslutad"),
    "R21": ("Registered without delay", "Registrering utan dröjsmål"),
    "R22": ("Annual list to IVO", "Årlig förteckning till IVO"),
    "R23": ("Purging (gallring)", "Gallring"),
    "R24": ("Non-executed decisions reported", "Ej verkställda beslut rapporterade"),
}
"""The rules by their short names (RULES.md §3 headings), English and Swedish."""

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
    # the inspection report (tillsyn) and the weekly self-monitoring (egenkontroll)
    "report title": ("Inspection report", "Tillsynsrapport"),
    "report lead": (
        "Every legal duty judged on {on}, as the log showed it at {at}.",
        "Varje lagstadgad skyldighet bedömd {on}, enligt akterna {at}.",
    ),
    "report source": ("Log {log}, caselog {version}.", "Logg {log}, caselog {version}."),
    "summary": ("Summary per rule", "Sammanfattning per regel"),
    "chart summary": ("Obligations by rule and status", "Skyldigheter per regel och status"),
    "trend": ("Findings at the end of each month", "Iakttagelser vid varje månads slut"),
    "trend of": ("Trend: {rule}", "Utveckling: {rule}"),
    "findings title": ("Findings", "Iakttagelser"),
    "findings lead": (
        "Every duty not met in time, with the statute in force on its decisive day.",
        "Varje skyldighet som inte uppfyllts i tid, med den lag som gällde den avgörande dagen.",
    ),
    "no findings": ("No findings.", "Inga iakttagelser."),
    "statute": ("statute", "författning"),
    "duty": ("duty", "skyldighet"),
    "month": ("month", "månad"),
    "comparison": (
        "What the records showed at {then} and what is known at {now}",
        "Vad akterna visade {then} och vad som är känt {now}",
    ),
    "comparison lead": (
        (
            "The same day, {on}, judged on two states of the log: duties found on one side "
            "only, and duties whose status or dates differ."
        ),
        (
            "Samma dag, {on}, bedömd utifrån två lägen i loggen: skyldigheter som bara finns "
            "på ena sidan och skyldigheter vars status eller datum skiljer sig."
        ),
    ),
    "only then": ("Only in the records at {then}", "Bara i akterna {then}"),
    "only now": ("Only in what is known at {now}", "Bara i det som är känt {now}"),
    "changed": ("Status or dates differ", "Status eller datum skiljer sig"),
    "no differences": ("No differences.", "Inga skillnader."),
    "then": ("then", "då"),
    "now": ("now", "nu"),
    "cases title": ("Case files", "Personakter"),
    "cases lead": (
        (
            "Each case file on both time axes: the upper lane is when each fact happened, the "
            "lower lane when it was recorded; late registrations stand out."
        ),
        (
            "Varje personakt på båda tidsaxlarna: det övre fältet visar när varje händelse "
            "inträffade, det undre när den registrerades; sena registreringar framhävs."
        ),
    ),
    "cases shown": (
        "{shown} of {count} case file(s) with findings shown (--max-cases).",
        "{shown} av {count} personakter med iakttagelser visas (--max-cases).",
    ),
    "occurred": ("occurred", "inträffade"),
    "recorded": ("recorded", "registrerades"),
    "late registration": ("late registration", "sen registrering"),
    "placements": ("placements", "placeringar"),
    "deadlines": ("deadlines", "frister"),
    "met on": ("met {day}", "uppfyllt {day}"),
    "events list": ("Events", "Händelser"),
    "placement": ("placement {id} in {home}", "placering {id} i {home}"),
    "legend": ("legend", "teckenförklaring"),
    "weekly title": ("Weekly self-monitoring", "Egenkontroll vecka"),
    "weekly lead": (
        (
            "The week {start} – {end}: duties that came in, duties due in the next 14 days "
            "and duties overdue, by the holder of each case."
        ),
        (
            "Veckan {start} – {end}: skyldigheter som kom in, skyldigheter som förfaller inom "
            "14 dagar och försenade skyldigheter, per handläggare."
        ),
    ),
    "came in": ("came in", "inkommet"),
    "due soon": ("due in 14 days", "förfaller inom 14 dagar"),
    "overdue": ("overdue", "försenat"),
    "holder": ("holder", "handläggare"),
    "team": ("team", "grupp"),
    "unassigned": ("(no decision yet)", "(inget beslut ännu)"),
    "list": ("list", "lista"),
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

    def rule(self, rule_id: str) -> str:
        """A rule's short name; an id the catalogue does not know is shown as it is.

        >>> Catalogue(Lang.SV).rule("R05")
        'Utredning inom fyra månader'
        """
        english, swedish = RULE_NAMES.get(rule_id, (rule_id, rule_id))
        return swedish if self.lang is Lang.SV else english

    def explanation(self, english: str, swedish: str) -> str:
        """One of the two explanations an obligation carries."""
        return swedish if self.lang is Lang.SV else english
