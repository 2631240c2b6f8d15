"""The JSON Schema of one input line, built from the vocabulary (issue 12: one schema).

The models are the one definition of an event (DESIGN.md D1); this module states them as
a JSON Schema (Draft 2020-12) that standard validators in other languages accept as it is
and that gives the models' verdict on a line:

* one `if`/`then` per type, keyed on the `type` tag's `const`, under a top-level `enum` of
  the tags: a mistyped tag is one error ("not one of …") in every validator, and no
  validator needs the non-standard `discriminator` keyword (ajv's strict mode refuses it);
* a correction's `replacement` is checked as the fact it replaces, without `event_id`;
* the rules the models check in validators that JSON Schema can state (exactly one of
  `custody_id` and `care_decision_id`; at least one subject id on a correction; a court
  decides only LVU care) come from the models' own `json_schema_extra`;
* patterns are written for ECMA-262 and Python alike: a `$` in Python's `re` also matches
  before a final newline, so every patterned string also refuses a newline.

What it cannot state is checked by ingest alone: a correction's subject ids equal to its
replacement's, and everything that needs more than one line (DESIGN.md D5, D6, D3).
"""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any, Final, NamedTuple

from caselog.events import EVENT_CLASSES, FACT_CLASSES, Event, event_adapter
from caselog.events.base import INSTANT_PATTERN

JSON_SCHEMA_DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
TITLE: Final = "caselog event (one JSON Lines line)"
HISTORICAL_TITLE: Final = "caselog historical event (one JSON Lines line with registered_at)"

REGISTERED_AT: Final = {
    "description": (
        "When the source system registered the fact: an RFC 3339 timestamp with its time "
        "zone (Z or ±hh:mm); it becomes recorded_at (DESIGN.md D3)."
    ),
    "type": "string",
    "format": "date-time",
    "pattern": INSTANT_PATTERN,
}
"""`registered_at` of a historical line; `format` alone would not do: Python `jsonschema`
checks `date-time` only with an extra package, so the pattern states the calendar too."""

_RULE_KEYWORDS: Final = ("anyOf", "oneOf", "if", "then")
"""Keywords of a definition that carry a model validator's rule (from `json_schema_extra`)."""

_ONE_LINE: Final = {"not": {"pattern": "\n"}}
"""Added beside every `pattern`: Python's `re` lets `$` match before a final newline."""


class SchemaVersion(NamedTuple):
    """A published version of the input schema and its line in the changelog."""

    number: int
    digest: str | None
    """`schema_digest()` of the version (None: from before schemas were versioned)."""
    change: str


SCHEMA_VERSIONS: Final = (
    SchemaVersion(
        1,
        None,
        "The event union as pydantic wrote it: a `oneOf` with an OpenAPI `discriminator`; "
        "lax about what ingest refused (a correction's replacement, registered_at).",
    ),
    SchemaVersion(
        2,
        "338d74105188f512",
        "Strict and exact (issue 12): booleans, integers, `YYYY-MM-DD` dates and RFC 3339 "
        "instants only; one `if`/`then` per type instead of the `discriminator` (accepted by "
        "ajv in strict mode; a mistyped type is one error); replacements checked as the facts "
        "they replace; `decided_by: court` only with LVU care; a historical variant with "
        "`registered_at`.",
    ),
    SchemaVersion(
        3,
        "13e1cbac36bd0089",
        "Sane values (issue 11): dates and `registered_at` from 1900-01-01 to 2199-12-31 "
        "(the year in the pattern); an `actor` needs a visible character and has no control "
        "or format characters (a zero-width space, a bidi override).",
    ),
    SchemaVersion(
        4,
        "c7dc09deac352e5b",
        "Personal data (issue 13): `case_file_opened` may carry the child's "
        "`personal_identity_number` (personnummer or samordningsnummer, `YYYYMMDD-NNNN`, "
        "checked: a real date, the Luhn digit, the birth date equal to `born_on`) and "
        "`name`; both, like every `reasons` and `social_worker`, are stored encrypted.",
    ),
)
"""Every version, oldest first. Changing the schema fails a test until a version is added
here with the new digest and its changelog line; `docs/schema/` is generated from it."""

SCHEMA_VERSION: Final = SCHEMA_VERSIONS[-1].number


def tag_of(cls: type[Event]) -> str:
    """The permanent `type` tag of an event class."""
    tag: str = cls.model_fields["type"].default
    return tag


def line_schema(*, historical: bool = False) -> dict[str, Any]:
    """The schema of one input line: any event; with `registered_at` if `historical`."""
    schema = _unversioned(historical=historical)
    schema["description"] = (
        f"caselog input schema version {SCHEMA_VERSION} (docs/schema/CHANGELOG.md). "
        + schema["description"]
    )
    return schema


def _unversioned(*, historical: bool) -> dict[str, Any]:
    generated = event_adapter.json_schema(mode="validation")
    defs: dict[str, Any] = generated["$defs"]
    for cls in EVENT_CLASSES:
        required = defs[cls.__name__].setdefault("required", [])
        required[:] = ["event_id", "type", *(n for n in required if n not in {"event_id", "type"})]
    for cls in FACT_CLASSES:
        defs[f"{cls.__name__}Replacement"] = _replacement(cls.__name__, defs[cls.__name__])
    defs["EventCorrected"]["properties"]["replacement"] = {
        "description": (
            "The full corrected payload of the target: same type and subject ids, no event_id."
        ),
        **_dispatch([(tag_of(cls), f"{cls.__name__}Replacement") for cls in FACT_CLASSES]),
    }
    if historical:
        defs["RegisteredAt"] = dict(REGISTERED_AT)
        for cls in EVENT_CLASSES:
            defs[cls.__name__]["properties"]["registered_at"] = {"$ref": "#/$defs/RegisteredAt"}
            defs[cls.__name__]["required"].append("registered_at")
    _one_line(defs)
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": HISTORICAL_TITLE if historical else TITLE,
        "description": (
            "One line of `caselog ingest --historical`: an event with its registered_at."
            if historical
            else "One line of `caselog ingest`: an event, as a JSON object."
        ),
        **_dispatch([(tag_of(cls), cls.__name__) for cls in EVENT_CLASSES]),
        "$defs": defs,
    }


def _dispatch(cases: list[tuple[str, str]]) -> dict[str, Any]:
    """An object whose `type` is one of the tags, checked against that tag's definition."""
    return {
        "type": "object",
        "required": ["type"],
        "properties": {
            "type": {
                "description": "The event type: its permanent tag.",
                "enum": [tag for tag, _ in cases],
            }
        },
        "allOf": [
            {
                "if": {"required": ["type"], "properties": {"type": {"const": tag}}},
                "then": {"$ref": f"#/$defs/{name}"},
            }
            for tag, name in cases
        ],
    }


def _replacement(name: str, definition: dict[str, Any]) -> dict[str, Any]:
    """A fact's definition as a correction's `replacement`: the same fields but `event_id`."""
    properties = {
        field: {"$ref": f"#/$defs/{name}/properties/{field}"}
        for field in definition["properties"]
        if field != "event_id"
    }
    return {
        "description": f"A {name} as a correction's replacement: no event_id.",
        "type": "object",
        "properties": properties,
        "required": [field for field in definition["required"] if field != "event_id"],
        "additionalProperties": False,
        **{key: definition[key] for key in _RULE_KEYWORDS if key in definition},
    }


def _one_line(node: object) -> None:
    """Add `_ONE_LINE` beside every string `pattern` in the schema, in place."""
    if isinstance(node, dict):
        if node.get("type") == "string" and "pattern" in node:
            node.update(copy.deepcopy(_ONE_LINE))
        for value in node.values():
            _one_line(value)
    elif isinstance(node, list):
        for value in node:
            _one_line(value)


# -- publication: docs/schema/ -----------------------------------------------------------


def schema_digest() -> str:
    """A fingerprint of what both schemas (live and historical) accept.

    Annotations (titles, descriptions, defaults) are left out: a reworded docstring
    regenerates the published files but is no new version.
    """
    both = [_validation(_unversioned(historical=h), keyed=False) for h in (False, True)]
    text = json.dumps(both, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


_ANNOTATIONS: Final = frozenset({"title", "description", "default", "$comment", "examples"})
_NAMING: Final = frozenset({"properties", "$defs", "patternProperties"})
"""Keywords whose object's keys are names (of fields, definitions), not keywords."""


def _validation(node: object, *, keyed: bool) -> object:
    """`node` without its annotation keywords (`keyed`: its keys are names, keep them all)."""
    if isinstance(node, dict):
        return {
            key: _validation(value, keyed=not keyed and key in _NAMING)
            for key, value in node.items()
            if keyed or key not in _ANNOTATIONS
        }
    if isinstance(node, list):
        return [_validation(value, keyed=False) for value in node]
    return node


def schema_text(*, historical: bool = False) -> str:
    """The schema as `caselog schema [--historical]` prints it and `docs/schema/` holds it."""
    return json.dumps(line_schema(historical=historical), indent=2, ensure_ascii=False) + "\n"


def published_files() -> dict[str, str]:
    """The generated files of `docs/schema/`: the current version's schemas, the changelog.

    The files of earlier versions stay where they were published; they are not regenerated.
    """
    folder = f"v{SCHEMA_VERSION}"
    lines = [
        "# Input schema changelog",
        "",
        "<!-- Generated by `python -m caselog.events.publish docs/schema` from",
        "     `caselog.events.schema.SCHEMA_VERSIONS`; do not edit by hand. -->",
        "",
        (
            "The JSON Schema (Draft 2020-12) of one line of `caselog ingest` "
            "(`caselog-event.schema.json`, printed by `caselog schema`) and of "
            "`caselog ingest --historical` (`caselog-event-historical.schema.json`, "
            "`caselog schema --historical`); the files of version N are in `vN/`. "
            "See [ingest](../ingest.md#the-schema)."
        ),
        "",
        *(
            f"- **v{version.number}**"
            + (f" (`{version.digest}`)" if version.digest else "")
            + f": {version.change}"
            for version in reversed(SCHEMA_VERSIONS)
        ),
    ]
    return {
        f"{folder}/caselog-event.schema.json": schema_text(historical=False),
        f"{folder}/caselog-event-historical.schema.json": schema_text(historical=True),
        "CHANGELOG.md": "\n".join(lines) + "\n",
    }
