"""Laws of the log through the real store and ingest (DESIGN.md D3, D4, D6), on random cases.

Each case is a structurally valid history of one child (`child:c1`): reports of concern,
decisions opening or not opening investigations on them, conclusions, placements started
and ended, visits — each on a date of its own, after everything it refers to. The laws are
checked on in-memory SQLite stores (`sqlite://`), the fake of every other backend.
"""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Final

from hypothesis import given, settings
from hypothesis import strategies as st

from caselog.api import CaseLog, ManualClock, open_log
from caselog.events import (
    HomeType,
    InvestigationOutcome,
    PlacementBasis,
    ReporterCategory,
    ViolenceExposure,
    VisitPlace,
)
from tests.strategies import DECIDERS

CASE: Final = "c1"
FIRST_DAY: Final = date(2019, 1, 1)
T1: Final = datetime(2024, 1, 2, 8, tzinfo=UTC)
T2: Final = T1 + timedelta(days=1)
LAWS: Final = settings(max_examples=30, deadline=None)

Line = dict[str, Any]
"""One JSON Lines input line, decoded."""


def values(enum: type[Any]) -> st.SearchStrategy[str]:
    """The JSON values of an enum."""
    return st.sampled_from([member.value for member in enum])


@st.composite
def cases(draw: st.DrawFn, max_events: int = 12) -> list[Line]:
    """A valid history of child c1 in dependency order, on strictly increasing dates."""
    lines: list[Line] = []
    undecided: list[str] = []  # reports no decision names yet
    running: list[str] = []  # investigations opened and not concluded
    placed: list[str] = []  # placements started and not ended
    day = FIRST_DAY
    for k in range(draw(st.integers(1, max_events))):
        day += timedelta(days=draw(st.integers(1, 45)))
        kinds = ["report_received", "placement_started", "visit_made"]
        kinds += ["investigation_opened", "investigation_not_opened"] if undecided else []
        kinds += ["investigation_concluded"] if running else []
        kinds += ["placement_ended"] if placed else []
        kind = draw(st.sampled_from(kinds))
        line: Line = {
            "event_id": f"e{k}",
            "type": kind,
            "occurred_on": day.isoformat(),
            "actor": "u1",
            "child_id": CASE,
        }
        if kind == "report_received":
            line["reporter_category"] = draw(values(ReporterCategory))
            line["mandatory_reporter"] = draw(st.booleans())
            line["violence_exposure"] = draw(values(ViolenceExposure))
            line["close_relative"] = draw(st.booleans())
            undecided.append(line["event_id"])
        elif kind in {"investigation_opened", "investigation_not_opened"}:
            named = draw(st.lists(st.sampled_from(undecided), min_size=1, unique=True))
            undecided = [r for r in undecided if r not in named]
            line["report_event_ids"] = named
            line["decided_by"] = draw(st.sampled_from([d.value for d in DECIDERS]))
            if kind == "investigation_opened":
                line["investigation_id"] = f"i{k}"
                running.append(f"i{k}")
            else:
                line["reasons"] = "no need of protection"
        elif kind == "investigation_concluded":
            investigation = draw(st.sampled_from(running))
            running.remove(investigation)
            line["investigation_id"] = investigation
            line["outcome"] = draw(values(InvestigationOutcome))
            line["decided_by"] = draw(st.sampled_from([d.value for d in DECIDERS]))
        elif kind == "placement_started":
            line["placement_id"] = f"p{k}"
            line["home_id"] = draw(st.sampled_from(["h1", "h2", "h3"]))
            line["home_type"] = draw(values(HomeType))
            line["legal_basis"] = draw(values(PlacementBasis))
            placed.append(f"p{k}")
        elif kind == "placement_ended":
            placement = draw(st.sampled_from(placed))
            placed.remove(placement)
            line["placement_id"] = placement
        else:
            line["place"] = draw(values(VisitPlace))
        lines.append(line)
    return lines


@st.composite
def edits(draw: st.DrawFn, targets: list[Line]) -> list[Line]:
    """Later corrections (of reports and visits) and retractions of some of `targets`."""
    found: list[Line] = []
    last = max(date.fromisoformat(t["occurred_on"]) for t in targets)
    for k, target in enumerate(draw(st.lists(st.sampled_from(targets), max_size=3))):
        line: Line = {
            "event_id": f"x{k}",
            "occurred_on": (last + timedelta(days=k + 1)).isoformat(),
            "actor": "u2",
            "child_id": CASE,
            "target_event_id": target["event_id"],
        }
        if target["type"] == "report_received" and draw(st.booleans()):
            replacement = {key: v for key, v in target.items() if key != "event_id"}
            replacement["mandatory_reporter"] = not target["mandatory_reporter"]
            found.append({**line, "type": "event_corrected", "replacement": replacement})
        elif target["type"] == "visit_made" and draw(st.booleans()):
            replacement = {key: v for key, v in target.items() if key != "event_id"}
            replacement["place"] = (
                "other" if target["place"] == "placement_home" else "placement_home"
            )
            found.append({**line, "type": "event_corrected", "replacement": replacement})
        else:
            found.append({**line, "type": "event_retracted", "reasons": "registered in error"})
    return found


def days_of(lines: list[Line]) -> list[date]:
    """Every valid date of `lines`, the day before the first and a day long after."""
    days = sorted({date.fromisoformat(line["occurred_on"]) for line in lines})
    return [FIRST_DAY, *days, days[-1] + timedelta(days=400)]


def state(log: CaseLog, on: date, known_at: datetime | None = None) -> dict[str, Any]:
    """The case state of c1 on `on`, as known at `known_at`, without the `known_at` label."""
    return log.case(CASE, on=on, known_at=known_at).model_dump(exclude={"known_at"})


@LAWS
@given(cases(), st.data())
def test_the_state_known_at_t1_is_the_state_of_what_was_ingested_by_t1(
    lines: list[Line], data: st.DataObject
) -> None:
    """Known at T1, a log that took a second batch at T2 > T1 answers as if it had not.

    The second batch holds the rest of the case and corrections and retractions of the
    first; none of it may leak into the answer known at T1, on any date.
    """
    split = data.draw(st.integers(1, len(lines)), label="split")
    first, rest = lines[:split], lines[split:]
    second = rest + data.draw(edits(first), label="edits")
    clock = ManualClock(T1)
    with (
        open_log("sqlite://", actor="tester", clock=clock) as both,
        open_log("sqlite://", actor="tester", clock=ManualClock(T1)) as alone,
    ):
        assert both.ingest(first).written == alone.ingest(first).written == len(first)
        clock.set(T2)
        assert both.ingest(second).written == len(second)
        for on in days_of(lines):
            assert state(both, on, known_at=T1) == state(alone, on)
            assert state(both, on, known_at=T1 + timedelta(hours=23)) == state(alone, on)


@LAWS
@given(cases(), st.data())
def test_the_order_of_the_lines_of_a_batch_does_not_change_the_state(
    lines: list[Line], data: st.DataObject
) -> None:
    """Shuffling the lines of one batch (facts on distinct dates) gives an equal state."""
    shuffled = data.draw(st.permutations(lines), label="shuffled")
    with (
        open_log("sqlite://", actor="tester", clock=ManualClock(T1)) as ordered,
        open_log("sqlite://", actor="tester", clock=ManualClock(T1)) as mixed,
    ):
        assert ordered.ingest(lines).written == mixed.ingest(shuffled).written == len(lines)
        for on in days_of(lines):
            assert state(ordered, on) == state(mixed, on)


@LAWS
@given(cases())
def test_ingesting_the_same_file_twice_is_idempotent(lines: list[Line]) -> None:
    """A file ingested again writes nothing, counts every line as stored, changes nothing."""
    clock = ManualClock(T1)
    with (
        tempfile.TemporaryDirectory() as folder,
        open_log("sqlite://", actor="tester", clock=clock) as log,
    ):
        path = Path(folder) / "case.jsonl"
        path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
        first = log.ingest(path)
        before = {on: state(log, on) for on in days_of(lines)}
        clock.set(T2)
        again = log.ingest(path)
        assert (first.read, first.written) == (len(lines), len(lines))
        assert (again.read, again.written, again.already_stored) == (len(lines), 0, len(lines))
        assert log.store.count() == len(lines)
        assert {on: state(log, on) for on in days_of(lines)} == before
