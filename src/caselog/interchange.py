"""JSON Lines in, JSON Schema out: the event interchange format (DESIGN.md Interfaces, D2).

One event per line, `{"type": "...", ...}`, validated by the vocabulary's discriminated
union. Every problem is reported as (line, field, reason), so a sending system can fix its
export without guessing. The log assigns `stream`, `stream_version`, `position`,
`recorded_at` and `ingested_by`; a line that carries one of them is refused.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any, Final, NamedTuple

from pydantic import BaseModel, ValidationError

from caselog.errors import Problem
from caselog.events import EVENT_TYPES, Event, EventModel, event_adapter
from caselog.events.base import FIRST_DAY, INSTANT_PATTERN, LAST_DAY, LOCAL_TIME_PATTERN
from caselog.events.schema import line_schema

LOG_ASSIGNED: Final = ("stream", "stream_version", "position", "recorded_at", "ingested_by")
"""Fields the log assigns at commit; never accepted in input (D2)."""

_SHOWN_INPUT = 80


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
            fields = event.model_fields_set
            if "event_id" in fields and (
                _colons(text) == len(fields) or _without_repeated_keys(text)
            ):
                return ParsedLine(line, event, None)
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            return [Problem(line, "", f"not UTF-8 (byte {error.start + 1})")]
    try:
        data = json.loads(text.rstrip("\r\n"), object_pairs_hook=_without_repeats)
    except json.JSONDecodeError as error:
        return [Problem(line, "", f"invalid JSON: {error.msg} (column {error.colno})")]
    except _RepeatedKeyError as error:
        return [Problem(line, "", f"duplicate key {_quoted(error.key)}")]
    except RecursionError:
        return [Problem(line, "", "invalid JSON: nested too deeply")]
    except ValueError:  # int() of more than sys.get_int_max_str_digits() digits
        return [Problem(line, "", "invalid JSON: a number with too many digits")]
    if not isinstance(data, dict):
        return [Problem(line, "", "a line must be a JSON object")]
    return parse_object(data, line, historical=historical)


# A key repeated in an object is refused: JSON parsers disagree on which one wins (RFC 8259
# §4), and pydantic's takes the last. Each key is followed by its own colon, so a line of
# a valid event with as many colons as fields set cannot repeat one; only a line with more
# (a colon in a text, a correction's replacement) is parsed once more, key by key.
def _colons(text: str | bytes) -> int:
    return text.count(b":") if isinstance(text, bytes) else text.count(":")


def _without_repeated_keys(text: str | bytes) -> bool:
    try:
        json.loads(text, object_pairs_hook=_without_repeats)
    except (_RepeatedKeyError, ValueError, RecursionError):
        return False  # the slow path names the problem
    return True


class _RepeatedKeyError(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _without_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _RepeatedKeyError(key)
            seen.add(key)
    return data


def parse_object(
    data: dict[str, Any], line: int, *, historical: bool = False
) -> ParsedLine | list[Problem]:
    """Validate one decoded input object (see `parse_line`)."""
    problems = [
        Problem(line, name, "assigned by the log; it cannot be sent")
        for name in LOG_ASSIGNED
        if name in data
    ]
    if "withheld" in data:
        return [
            Problem(
                line,
                "withheld",
                "exported without its personal fields, which cannot be imported: "
                "export with --personal (personal=True) to move a log",
            )
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


def parse_event(event: EventModel, line: int = 0) -> ParsedLine | list[Problem]:
    """Validate an event object again, as if it were its input line (issue 11).

    A model built with `model_construct` (or changed behind pydantic's back) was never
    validated: its fields are read as they are and judged like a dict's, so it is refused
    with the same (line, field, reason) problems as the line it stands for, never stored.
    A valid event comes back as the validated copy.
    """
    data = {name: _fields(item) for name, item in vars(event).items()}
    return parse_object(data, line)


def _fields(value: object) -> object:
    """A value as it is (not serialised: a wrong value stays what it is), models as dicts.

    A model inside an event is a correction's `replacement`: its `event_id` is left out,
    as in its input line (it keeps its target's).
    """
    if isinstance(value, BaseModel):
        nested = isinstance(value, EventModel)
        return {
            name: _fields(item)
            for name, item in vars(value).items()
            if not (nested and name == "event_id")
        }
    if isinstance(value, list | tuple):
        return [_fields(item) for item in value]
    return value


_INSTANT: Final = re.compile(INSTANT_PATTERN)
_LOCAL_TIME: Final = re.compile(LOCAL_TIME_PATTERN)


def _timestamp(raw: object, line: int, problems: list[Problem]) -> datetime | None:
    """`registered_at`: an RFC 3339 string with its zone; from Python, an aware datetime.

    The same pattern is published in the historical schema, so both judge alike.
    """
    if isinstance(raw, datetime):
        if raw.utcoffset() is None:
            reason = "needs a time zone (e.g. +00:00 or Z)"
        elif FIRST_DAY <= raw.date() <= LAST_DAY:
            return raw
        else:
            reason = f"a time from {FIRST_DAY} to {LAST_DAY} (got {raw.isoformat()})"
    elif isinstance(raw, str) and _INSTANT.fullmatch(raw):
        return datetime.fromisoformat(raw)
    elif isinstance(raw, str) and _LOCAL_TIME.fullmatch(raw):
        reason = "needs a time zone (e.g. +00:00 or Z)"
    else:
        reason = (
            "Input should be an RFC 3339 timestamp with a time zone, "
            f"e.g. 2019-11-11T09:12:00+01:00 (got {_shown(raw)})"
        )
    problems.append(Problem(line, "registered_at", reason))
    return None


def _problems(error: ValidationError, line: int) -> list[Problem]:
    found: list[Problem] = []
    for detail in error.errors(include_url=False):
        kind = detail["type"]
        path = _path(detail["loc"])
        if kind == "union_tag_invalid":
            tag = detail.get("ctx", {}).get("tag")
            shown = _quoted(tag) if isinstance(tag, str) else _shown(tag)
            found.append(Problem(line, _join(path, "type"), f"unknown event type {shown}"))
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
            found.append(Problem(line, path, f"{detail['msg']} (got {_shown(detail['input'])})"))
    return found


def _shown(value: object) -> str:
    """A refused input value as JSON, cut short: an error never echoes a huge input whole."""
    if isinstance(value, str) and len(value) > _SHOWN_INPUT:
        return json.dumps(value[:_SHOWN_INPUT], ensure_ascii=False) + _more(value)
    try:
        shown = json.dumps(value, default=str, ensure_ascii=False)
    except (ValueError, RecursionError):  # an integer of thousands of digits, deep nesting
        shown = f"a {type(value).__name__}"
    if len(shown) > _SHOWN_INPUT:
        shown = shown[:_SHOWN_INPUT] + _more(shown)
    return shown


def _quoted(text: str) -> str:
    """`text` quoted, or its first characters and how long it is (issue 11: a 100 MB `type`)."""
    return repr(text) if len(text) <= _SHOWN_INPUT else repr(text[:_SHOWN_INPUT]) + _more(text)


def _more(text: str) -> str:
    return f"… ({len(text):,} characters)"


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


def input_schema(*, historical: bool = False) -> dict[str, Any]:
    """The JSON Schema of one input line: exactly what `parse_line` accepts of one line.

    `event_id` is required in input (a Python caller may omit it; `record()` makes one);
    a correction's `replacement` carries no `event_id` (it keeps its target's). The
    fields the log assigns are unknown fields. `historical=True` gives the schema of a
    historical import's lines, which carry `registered_at` (D3). Built and versioned in
    `caselog.events.schema`; published in `docs/schema/`.
    """
    return line_schema(historical=historical)


def to_line(
    event: Event, *, registered_at: datetime | None = None, withheld: frozenset[str] = frozenset()
) -> str:
    """Render an event as one JSON Lines line (the inverse of `parse_line`).

    `withheld` personal fields (by path, `replacement.reasons`) are left out and named in
    a `withheld` member: such a line is for reading, and an import refuses it.
    """
    data = event.model_dump(mode="json", exclude_none=True)
    for path in withheld:
        head, _, rest = path.partition(".")
        (data[head] if rest else data).pop(rest or head, None)
    if withheld:
        data["withheld"] = sorted(withheld)
    if registered_at is not None:
        data["registered_at"] = registered_at.isoformat()
    return json.dumps(data, ensure_ascii=False)
