"""Fuzz: random and mutated JSON Lines end in typed caselog errors, never a traceback.

Over 10,000 lines in all (`EXAMPLES` batches of up to `LINES`): valid demo lines, the
same lines mutated (a field dropped, a value replaced by any JSON value, a key repeated,
the line cut short, bytes flipped), JSON nested a thousand deep, integers of five
thousand digits, and lines that are no JSON at all. Each batch goes to `ingest`, in one
call, as text lines and as dicts: it is stored whole, or refused with a `CaselogError`
and nothing stored. The log's hash chain verifies afterwards, and the count is what the
accepted batches held.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any, Final

import orjson
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from caselog.api import ManualClock, open_log
from caselog.api.integrity import verify
from caselog.demo import DemoConfig, generate
from caselog.errors import CaselogError
from caselog.interchange import to_line

if TYPE_CHECKING:
    from datetime import datetime

    from caselog.api import CaseLog

EXAMPLES: Final = 450
LINES: Final = 50
VALID: Final = [
    to_line(event)
    for batch in generate(DemoConfig(seed=5, children=12, start=date(2022, 1, 1)))
    for event in batch.events
]
JSON: Final = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.sampled_from(["2024-02-30", "9999-12-31", "1899-12-31", "", " ", "\u200b", "x" * 200]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A valid line, changed in one way a broken sender might change it."""
    line = draw(st.sampled_from(VALID))
    data: dict[str, Any] = json.loads(line)
    how = draw(st.sampled_from(["drop", "replace", "repeat", "cut", "flip", "add"]))
    key = draw(st.sampled_from(sorted(data)))
    if how == "drop":
        del data[key]
    elif how == "replace":
        data[key] = draw(JSON)
    elif how == "add":
        data[draw(st.text(min_size=1, max_size=10))] = draw(JSON)
    elif how == "repeat":
        return line[:-1] + f", {json.dumps(key)}: {json.dumps(draw(JSON))}}}"
    elif how == "cut":
        return line[: draw(st.integers(0, len(line) - 1))]
    else:
        at = draw(st.integers(0, len(line) - 1))
        return line[:at] + draw(st.characters()) + line[at + 1 :]
    return json.dumps(data)


HOSTILE: Final = st.sampled_from(
    [
        "[" * 1000 + "]" * 1000,
        '{"type": ' * 800 + "1" + "}" * 800,
        '{"type": "report_received", "event_id": "n", "period": ' + "9" * 5000 + "}",
        "not json at all",
        "",
        "null",
        "[]",
        '"a string"',
        "\x00\x01\x02",
    ]
)
LINE: Final = st.one_of(st.sampled_from(VALID), mutated(), HOSTILE, JSON.map(json.dumps))
BATCH: Final = st.one_of(
    st.lists(LINE, min_size=1, max_size=LINES),
    st.lists(st.sampled_from(VALID), min_size=1, max_size=LINES),  # to reach the append too
)


@pytest.fixture(scope="module")
def log() -> CaseLog:
    """One log in memory for every example: what each batch leaves behind accumulates."""
    return open_log("sqlite://", actor="fuzz", clock=ManualClock(_start()))


def _start() -> datetime:
    from datetime import UTC, datetime  # noqa: PLC0415

    return datetime(2030, 1, 1, tzinfo=UTC)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(lines=BATCH, as_dicts=st.booleans())
def test_any_batch_is_stored_whole_or_refused_with_a_typed_error(
    log: CaseLog, lines: list[str], as_dicts: bool
) -> None:
    """Stored whole, or a `CaselogError` and nothing stored; never another exception."""
    before = log.store.count()
    items: list[Any] = lines
    if as_dicts:
        try:
            items = [orjson.loads(line) for line in lines]
        except orjson.JSONDecodeError:
            items = lines
    try:
        result = log.ingest(items)
    except CaselogError as error:
        event(f"refused: {type(error).__name__}")
        assert log.store.count() == before
    else:
        event("stored" if result.written else "already stored")
        assert log.store.count() == before + result.written
    assert verify(log.store).ok
