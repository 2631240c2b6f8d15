"""Helpers for systems and tests that build histories without a database.

`History` assigns what the log would (stream, version, position, `recorded_at`), so rule
and projection tests can state a worked case in a few lines and ask the same questions
the real log answers — through the same pure functions.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING

from caselog.api.clock import resolve_known_at
from caselog.dates import STOCKHOLM
from caselog.events import Event, Recorded
from caselog.projections import as_of, fold_case_state
from caselog.rules.evaluate import evaluate
from caselog.rules.settings import DEFAULT_SETTINGS, Settings

if TYPE_CHECKING:
    from caselog.projections import CaseState
    from caselog.rules.model import Obligation

_FAR_FUTURE = datetime(2100, 1, 1, tzinfo=UTC)


class History:
    """An in-memory log whose events are recorded, by default, on the day they happened.

    Ask it for case states and obligations as of any (`on`, `known_at`).
    """

    def __init__(self) -> None:
        """Start empty."""
        self.records: list[Recorded[Event]] = []
        self._versions: dict[str, int] = {}

    def record(self, *events: Event, at: date | datetime | None = None) -> History:
        """Append events as one batch registered `at` (a date: 09:00 Swedish time that day)."""
        for event in events:
            when = at if at is not None else event.occurred_on
            stamp = (
                when
                if isinstance(when, datetime)
                else datetime.combine(when, time(9), tzinfo=STOCKHOLM).astimezone(UTC)
            )
            if self.records:
                stamp = max(stamp, self.records[-1].recorded_at)
            self._versions[event.stream] = self._versions.get(event.stream, 0) + 1
            self.records.append(
                Recorded(
                    event,
                    event.stream,
                    self._versions[event.stream],
                    len(self.records) + 1,
                    stamp,
                    "testing",
                )
            )
        return self

    def obligations(
        self,
        *,
        on: date,
        known_at: date | datetime | None = None,
        settings: Settings = DEFAULT_SETTINGS,
        case_id: str | None = None,
        rule: str | None = None,
    ) -> list[Obligation]:
        """The obligations on `on` as known at `known_at` (default: everything recorded)."""
        found = evaluate(
            self.records,
            on=on,
            known_at=resolve_known_at(known_at, lambda: _FAR_FUTURE),
            settings=settings,
            case_id=case_id,
        )
        return [o for o in found if rule is None or o.rule_id == rule]

    def case(self, case_id: str, *, on: date, known_at: date | datetime | None = None) -> CaseState:
        """The case state on `on` as known at `known_at`."""
        moment = resolve_known_at(known_at, lambda: _FAR_FUTURE)
        view = as_of(
            [r for r in self.records if r.stream == f"child:{case_id}"], on=on, known_at=moment
        )
        return fold_case_state(case_id, view, on=on, known_at=moment)
