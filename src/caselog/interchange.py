"""JSON Lines in, JSON Schema out: the event interchange format (DESIGN.md Interfaces, D2).

One event per line, `{"type": "...", ...}`, validated by the vocabulary's discriminated
union. Every problem is reported as (line, field, reason), so a sending system can fix its
export without guessing. The log assigns `stream`, `stream_version`, `position`,
`recorded_at` and `ingested_by`; a line that carries one of them is refused.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import re
import zlib
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any, Final, NamedTuple, cast

from pydantic import BaseModel, ValidationError

from caselog.errors import IngestRejectedError, Problem
from caselog.events import EVENT_TYPES, Event, EventModel, event_adapter
from caselog.events.base import FIRST_DAY, INSTANT_PATTERN, LAST_DAY, LOCAL_TIME_PATTERN
from caselog.events.schema import line_schema

if TYPE_CHECKING:
    from collections.abc import Iterator

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


# -- reading input: bytes as people have them ------------------------------------------

GZIP_MAGIC: Final = b"\x1f\x8b"
"""The first two bytes of gzip data: a compressed input is recognised by them, not its name."""

_FOREIGN_BOMS: Final = (  # UTF-32 LE before UTF-16 LE: FF FE 00 00 starts with FF FE
    (codecs.BOM_UTF32_BE, "UTF-32 (big-endian, with a byte order mark)"),
    (codecs.BOM_UTF32_LE, "UTF-32 (little-endian, with a byte order mark)"),
    (codecs.BOM_UTF16_BE, "UTF-16 (big-endian, with a byte order mark)"),
    (codecs.BOM_UTF16_LE, "UTF-16 (little-endian, with a byte order mark)"),
)
_HEAD = 4
_BUFFER = 1 << 16


def read_lines(stream: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    r"""(line number, raw line) for every non-blank line of a JSON Lines byte stream.

    The stream is read once, front to back, so it may be a pipe or a FIFO. gzip data is
    recognised by its first bytes, whatever the file is called, and decompressed; a UTF-8
    byte order mark (what .NET and PowerShell write) is skipped. Line numbers count every
    line, blank ones too.

    >>> import io
    >>> list(read_lines(io.BytesIO(b'\xef\xbb\xbf{"a": 1}\n\n{"b": 2}')))
    [(1, b'{"a": 1}\n'), (3, b'{"b": 2}')]

    Raises:
        IngestRejectedError: the input is UTF-16 or UTF-32 (named, with how to convert it),
            or its gzip data is damaged; the problem names the line reached.
    """
    head, body = _peeked(stream)
    if not head.startswith(GZIP_MAGIC):
        _refuse_foreign_encoding(head)
        yield from _lines(body)
        return
    number = 0
    try:
        head, body = _peeked(cast("IO[bytes]", gzip.GzipFile(fileobj=body, mode="rb")))
        _refuse_foreign_encoding(head)
        for number, raw in _lines(body):  # `number` names the line where it broke
            yield number, raw
    except (OSError, EOFError, zlib.error) as error:
        reason = f"damaged gzip data: {error}"
        raise IngestRejectedError([Problem(number + 1, "", reason)], 1) from None


def _lines(body: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    for number, raw in enumerate(body, start=1):
        line = (
            raw[len(codecs.BOM_UTF8) :] if number == 1 and raw.startswith(codecs.BOM_UTF8) else raw
        )
        if line.strip():
            yield number, line


def _refuse_foreign_encoding(head: bytes) -> None:
    """Name a UTF-16 or UTF-32 input at once, instead of one 'not UTF-8' per line."""
    encoding = next((name for bom, name in _FOREIGN_BOMS if head.startswith(bom)), None)
    if encoding is None and len(head) >= 2 and 0 in head[:2]:  # noqa: PLR2004
        # JSON in UTF-8 never starts with a NUL byte; `{` in UTF-16 or UTF-32 does.
        order = "little-endian" if head[0] else "big-endian"
        width = "32" if head[1:3] == b"\0\0" or head[:3] == b"\0\0\0" else "16"
        encoding = f"UTF-{width} ({order}, without a byte order mark)"
    if encoding is not None:
        bits = encoding.split(maxsplit=1)[0]
        reason = (
            f"the input is {encoding}, not UTF-8: convert it first, "
            f"e.g. with `iconv -f {bits} -t UTF-8`"
        )
        raise IngestRejectedError([Problem(1, "", reason)], 1)


def _peeked(stream: IO[bytes]) -> tuple[bytes, IO[bytes]]:
    """The first bytes of a stream, and the whole stream again: a pipe cannot seek back."""
    head = b""
    while len(head) < _HEAD and (more := stream.read(_HEAD - len(head))):
        head += more
    return head, io.BufferedReader(_Rejoined(head, stream), buffer_size=_BUFFER)


class _Rejoined(io.RawIOBase):
    """`head` followed by the rest of `stream`: a stream read ahead of, put together again."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        self._head = memoryview(head)
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:  # noqa: ANN401 - a writable buffer
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
