"""JSON Lines in, JSON Schema out: the event interchange format (DESIGN.md Interfaces, D2).

One event per line, `{"type": "...", ...}`, validated by the vocabulary's discriminated
union. Every problem is reported as (line, field, reason), so a sending system can fix its
export without guessing. The log assigns `stream`, `stream_version`, `position`,
`recorded_at` and `ingested_by`; a line that carries one of them is refused.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from pydantic import ValidationError

from caselog.errors import Problem
from caselog.events import EVENT_TYPES, SUBJECT_FIELDS, Event, event_adapter

if TYPE_CHECKING:
    pass

LOG_ASSIGNED: Final = ("stream", "stream_version", "position", "recorded_at", "ingested_by")
"""Fields the log assigns at commit; never accepted in input (D2)."""

_SHOWN_INPUT = 60


class ParsedLine(NamedTuple):
    """A valid input line: the event, and its source registration time (historical only)."""

    line: int
    event: Event
    registered_at: datetime | None


def parse_line(
    text: str | bytes, line: int, *, historical: bool = False
) -> ParsedLine | list[Problem]:
    """Validate one JSON line; return the event or every problem found in it.

    A valid line takes the fast path (the JSON is parsed and validated in one step, in
    pydantic-core); only a bad line, or a historical one, is decoded again to name every
    problem precisely.
    """
    if not historical:
        try:
            event = event_adapter.validate_json(text)
        except ValidationError:
            pass
        else:
            if "event_id" in event.model_fields_set:
                return ParsedLine(line, event, None)
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            return [Problem(line, "", f"not UTF-8 (byte {error.start + 1})")]
    try:
        data = json.loads(text.rstrip("\r\n"))
    except json.JSONDecodeError as error:
        return [Problem(line, "", f"invalid JSON: {error.msg} (column {error.colno})")]
    if not isinstance(data, dict):
        return [Problem(line, "", "a line must be a JSON object")]
    return parse_object(data, line, historical=historical)


def parse_object(
    data: dict[str, Any], line: int, *, historical: bool = False
) -> ParsedLine | list[Problem]:
    """Validate one decoded input object (see `parse_line`)."""
    problems = [
        Problem(line, name, "assigned by the log; it cannot be sent")
        for name in LOG_ASSIGNED
        if name in data
    ]
    registered_at: datetime | None = None
    if "registered_at" in data:
        data = dict(data)
        raw = data.pop("registered_at")
        if not historical:
            problems.append(Problem(line, "registered_at", "accepted only by a historical import"))
        else:
            registered_at = _timestamp(raw, line, problems)
    elif historical:
        problems.append(Problem(line, "registered_at", "required by a historical import (D3)"))
    try:
        event = event_adapter.validate_python(data)
    except ValidationError as error:
        if "event_id" not in data:
            problems.append(Problem(line, "event_id", "Field required"))
        problems.extend(_problems(error, line))
        return problems
    if "event_id" not in event.model_fields_set:
        problems.append(Problem(line, "event_id", "Field required"))
    if problems:
        return problems
    return ParsedLine(line, event, registered_at)


def _timestamp(raw: object, line: int, problems: list[Problem]) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(raw))
    except ValueError:
        problems.append(Problem(line, "registered_at", f"not an ISO 8601 timestamp: {raw!r}"))
        return None
    if moment.tzinfo is None:
        problems.append(Problem(line, "registered_at", "needs a time zone (e.g. +00:00 or Z)"))
        return None
    return moment


def _problems(error: ValidationError, line: int) -> list[Problem]:
    found: list[Problem] = []
    for detail in error.errors(include_url=False):
        kind = detail["type"]
        path = _path(detail["loc"])
        if kind == "union_tag_invalid":
            tag = detail.get("ctx", {}).get("tag")
            found.append(Problem(line, _join(path, "type"), f"unknown event type {tag!r}"))
        elif kind == "union_tag_not_found":
            found.append(Problem(line, _join(path, "type"), "Field required"))
        elif kind == "extra_forbidden":
            if path not in LOG_ASSIGNED:  # already named as assigned by the log
                found.append(Problem(line, path, "unknown field"))
        elif kind == "missing":
            found.append(Problem(line, path, "Field required"))
        elif kind == "value_error":  # our validators' own sentences need no echo
            reason = detail["msg"].removeprefix("Value error, ")
            found.append(Problem(line, path, reason))
        else:
            shown = json.dumps(detail.get("input"), default=str, ensure_ascii=False)
            if len(shown) > _SHOWN_INPUT:
                shown = shown[: _SHOWN_INPUT - 1] + "…"
            found.append(Problem(line, path, f"{detail['msg']} (got {shown})"))
    return found


def _path(loc: tuple[int | str, ...]) -> str:
    """`('investigation_opened', 'report_event_ids', 0)` → `report_event_ids[0]`."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part not in EVENT_TYPES and not part.startswith("function-"):
            path = _join(path, part)
    return path


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def input_schema() -> dict[str, Any]:
    """The JSON Schema of one input line: the event union, without log-assigned fields.

    `event_id` is required in input (a Python caller may omit it; `record()` makes one);
    a correction's `replacement` carries no `event_id` (it keeps its target's).
    """
    schema = event_adapter.json_schema(mode="validation")
    for definition in schema.get("$defs", {}).values():
        properties = definition.get("properties", {})
        if "event_id" in properties and "type" in properties:
            required = definition.setdefault("required", [])
            for name in ("event_id", "type"):
                if name not in required:
                    required.insert(0, name)
    corrected = schema["$defs"]["EventCorrected"]["properties"]
    corrected["replacement"] = {
        "description": (
            "The full corrected payload of the target: same type and subject ids, no event_id."
        ),
        "type": "object",
        "required": ["type", "occurred_on", "actor"],
        "not": {"required": ["event_id"]},
    }
    # Rules the models check in validators, stated in the schema for senders too.
    for name in ("EventCorrected", "EventRetracted"):
        schema["$defs"][name]["anyOf"] = [{"required": [field]} for field in SUBJECT_FIELDS]
    for name in ("SubmittedToCourt", "CourtDecided"):
        schema["$defs"][name]["oneOf"] = [
            {"required": ["custody_id"], "not": {"required": ["care_decision_id"]}},
            {"required": ["care_decision_id"], "not": {"required": ["custody_id"]}},
        ]
    schema["title"] = "caselog event (one JSON Lines line)"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def to_line(event: Event, *, registered_at: datetime | None = None) -> str:
    """Render an event as one JSON Lines line (the inverse of `parse_line`)."""
    data = event.model_dump(mode="json", exclude_none=True)
    if registered_at is not None:
        data["registered_at"] = registered_at.isoformat()
    return json.dumps(data, ensure_ascii=False)
