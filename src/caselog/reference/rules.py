"""`docs/rules.md`: every registered rule, rendered from the registry itself.

Id, duty, the function that judges it, citations by period (with the ✘ paragraphs marked),
parameters with their defaults, severity and the statuses it can yield — so the page can
never disagree with what the code evaluates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from caselog.reference.events import attribute_docs
from caselog.rules.registry import ALL_RULES
from caselog.rules.settings import DEFAULT_SETTINGS, Settings

if TYPE_CHECKING:
    from caselog.rules.context import Rule
    from caselog.rules.model import LawVersion

_INTRO = """# Rules

Generated from `caselog.rules.registry` by `python -m caselog.reference docs/`; do not edit.

Each rule is one pure function of the as-of view of a case (DESIGN.md D8). It yields
obligations with the statuses of D7; the law cited is the version in force on the decisive
day, with the version at the trigger added when it differs. A paragraph marked ✘ is not
verified (RULES.md): it is cited without the paragraph and the obligation is flagged
`citation_unverified`. Parameters are routine settings (`--settings FILE.toml`).

| id | duty | scope | severity |
|---|---|---|---|
"""


NOTES: Final[dict[str, str]] = {
    "lex_sarah_investigation_concluded": (
        '**R19e needs no row of its own.** RULES.md §6.1 lists R19e, "every rapport has a '
        'conclusion (ställningstagande) — no open-ended rapports". A rapport never concluded '
        "is `overdue` under R19c from the day after its due date until a `LexSarahConcluded` "
        "is recorded (then `met_late`): that row is R19e's finding."
    ),
    "case_file_purged_in_time": (
        "The research sample's rows (`not_applicable`) cite SoF (2001:937) 7 kap. 2 § until "
        "2025-06-30 and its successor ordinance (✘) from 2025-07-01."
    ),
}
"""Notes a rule's docstring summary cannot carry, by rule function: duties of the
catalogue judged by another rule, citations of a rule's exceptions."""


def rules_markdown() -> str:
    """The rule reference page."""
    parameter_docs = attribute_docs(Settings)
    rows = "".join(
        f"| {rule.rule_id} | `{rule.name}` | {rule.scope.value} | {rule.duty.severity.value} |\n"
        for rule in ALL_RULES
    )
    sections = "\n".join(_section(rule, parameter_docs) for rule in ALL_RULES)
    return f"{_INTRO}{rows}\n{sections}"


def _scope_note(rule: Rule) -> str:
    """Headings stay unique when one function serves several scopes (R21)."""
    return "" if rule.scope.value == "child" else f" ({rule.scope.value} streams)"


def _section(rule: Rule, parameter_docs: dict[str, str]) -> str:
    duty = rule.duty
    doc = (rule.evaluate.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
    note = NOTES.get(rule.name)
    lines = [
        f"## {rule.rule_id} · `{rule.name}`{_scope_note(rule)}",
        "",
        doc,
        "",
        *([note, ""] if note else []),
        f"- **English:** {duty.explain_en.format(due='<due date>')}",
        f"- **Svenska:** {duty.explain_sv.format(due='<sista dag>')}",
        f"- **Scope:** {rule.scope.value} · **severity:** {duty.severity.value}",
        f"- **Statuses:** {', '.join(f'`{s.value}`' for s in duty.statuses)}",
        "",
        "| law | in force |",
        "|---|---|",
        *(f"| {_cite(v)} | {_period(v)} |" for v in duty.law.versions),
        "",
    ]
    if duty.parameters:
        lines += ["| parameter | default | meaning |", "|---|---|---|"]
        for name in duty.parameters:
            default = getattr(DEFAULT_SETTINGS, name)
            meaning = parameter_docs.get(name, "").replace("\n", " ")
            lines.append(f"| `{name}` | `{_value(default)}` | {meaning} |")
        lines.append("")
    return "\n".join(lines)


def _cite(version: LawVersion) -> str:
    if version.verified:
        return f"{version.statute} {version.paragraph}".strip()
    return f"{version.statute} {version.paragraph} ✘".replace("  ", " ")


def _period(version: LawVersion) -> str:
    start = str(version.valid_from) if version.valid_from else "…"
    end = str(version.valid_to) if version.valid_to else "…"
    return f"{start} – {end}"


def _value(value: object) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, frozenset | set):
        return ", ".join(str(v) for v in sorted(value))
    return str(getattr(value, "value", value))
