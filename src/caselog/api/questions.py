"""The compliance questions of `CaseLog`: obligations, their summary, the case files (D7, D10).

Kept apart from the façade (`caselog.api.log`), which records, ingests and reads case
files, so that each stays readable; `CaseLog` inherits these. Every question is checked
first — the rule, the statuses, the log, the case — so that a wrong question is an error,
never "no duties"; then the read models answer, or the reference replay does.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, cast

from caselog.api.access import AccessRecording, read_access, searched
from caselog.api.clock import resolve_known_at
from caselog.api.frame_export import FrameFormat, export_frames
from caselog.api.obligations import Obligations
from caselog.api.query import (
    RULE_ARGUMENTS,
    cases_of,
    cases_of_stored,
    reference_obligations,
    statuses,
)
from caselog.errors import UnknownCaseError, UnknownRuleError
from caselog.rules.registry import RULES_BY_ID
from caselog.storage import require_log

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from datetime import date, datetime
    from pathlib import Path

    from caselog.api.answers import Cases
    from caselog.api.log import CaseLog
    from caselog.api.read_model import ReadModels
    from caselog.events import Event, Recorded
    from caselog.rules.model import Obligation, Status
    from caselog.rules.settings import Settings
    from caselog.storage import EventStore


class ComplianceQuestions(AccessRecording):
    """What the law asks of the log on a date, as known at a time (mixed into `CaseLog`).

    Each question is recorded in the access log once it was checked (`AccessRecording`).
    """

    store: EventStore
    settings: Settings
    clock: Callable[[], datetime]
    read_models: ReadModels

    @read_access
    def obligations(
        self,
        *,
        on: date,
        known_at: date | datetime | None = None,
        case_id: str | None = None,
        rule: str | None = None,
        status: Status | str | Iterable[Status | str] | None = None,
        reference: bool = False,
        actor: str | None = None,
    ) -> Obligations:
        """Every legal duty on `on` as the log showed it at `known_at`, judged (D7, D10).

        `rule` takes an id (`R05`) or a rule with sub-ids (`R16` → R16a–c); `status` one
        status or several. Answered from the read models, exactly as the reference replay
        would; `reference=True` forces the replay (and so does a question the read models
        cannot answer exactly, with a `ReferenceNotice` saying why). `actor`, on this and
        every question, is who asks when it is not the log's own actor (a service
        answering many): the access log records the read as theirs.

        Raises:
            UnknownRuleError: `rule` is no rule id (`R99`; `r05` suggests R05).
            UnknownStatusError: a `status` is not a `Status` (the error lists them).
            UnknownCaseError: `case_id` names no case file (close ids are suggested).
            StoreNotFoundError: nothing was ever written to the log's URL.
        """
        wanted, moment = self._asked(
            "obligations", on, known_at, case_id, rule, status, reference, actor
        )
        if not reference:
            answered = self.read_models.answer(on, moment, case_id=case_id, rule=rule, want=wanted)
            if answered is not None:
                return Obligations(stored=answered)
        return Obligations(self._replayed(on, moment, case_id, rule, wanted))

    @read_access
    def summary(
        self,
        *,
        on: date,
        known_at: date | datetime | None = None,
        case_id: str | None = None,
        rule: str | None = None,
        status: Status | str | Iterable[Status | str] | None = None,
        reference: bool = False,
        actor: str | None = None,
    ) -> Counter[tuple[str, Status]]:
        """How many of `obligations(...)` have each (rule, status): the rule × status summary.

        The read models count in the database, without fetching a row; the arguments and
        errors are those of `obligations`.
        """
        wanted, moment = self._asked(
            "summary", on, known_at, case_id, rule, status, reference, actor
        )
        if not reference:
            counted = self.read_models.summary(on, moment, case_id=case_id, rule=rule, want=wanted)
            if counted is not None:
                return Counter(counted)
        found = self._replayed(on, moment, case_id, rule, wanted)
        return Counter((o.rule_id, o.status) for o in found)

    @read_access
    def cases(
        self,
        *,
        on: date,
        known_at: date | datetime | None = None,
        search: str | None = None,
        reference: bool = False,
        actor: str | None = None,
    ) -> Cases:
        """Every child's case file on `on` as the log showed it at `known_at`, with its findings.

        A case file is listed once a fact of it (as recorded by `known_at`) occurred on or
        before `on`. Maps each case id, in order, to how many of its obligations have each
        status of `FINDINGS` (neither met nor not applicable); a case without findings maps
        to `{}`. `search` keeps the ids that contain it, ignoring case: it matches case ids
        only, never names or any other content (RULES.md §7.3). As a frame (`to_arrow()`,
        `to_pandas()`, `to_polars()`) it is one `CaseRow` per case file: where it stands,
        its parts counted, its findings counted by status. Answered from the read models
        unless `reference=True` (or they cannot answer exactly), as `obligations`.
        """
        moment = self._moment(known_at)
        self._accessed(
            "cases", None, actor, on=on, known_at=moment, search=searched(search),
            reference=reference,
        )  # fmt: skip
        if not reference and (stored := self.read_models.cases(on, moment)) is not None:
            return cases_of_stored(self.store, stored, search=search)
        return cases_of(
            self.store,
            on=on,
            known_at=moment,
            settings=self.settings,
            search=search,
        )

    @read_access
    def export_frames(
        self,
        directory: str | Path,
        *,
        on: date,
        known_at: date | datetime | None = None,
        case_id: str | None = None,
        format_: FrameFormat | str = "parquet",
        excel: bool = False,
        progress: Callable[[str], None] | None = None,
        actor: str | None = None,
    ) -> dict[str, int]:
        """Write obligations, case files, timelines and events on `on` as Parquet or CSV.

        One file per frame in `directory`, each carrying its provenance (the log's id and
        head as known at `known_at`, the date, caselog's and the law's versions, the
        settings' hash; `caselog.api.frame_export`), and `provenance.json` beside them.
        `excel=True` writes CSV that Excel opens in a Swedish locale. Returns the rows
        written per frame.

        Raises:
            ValueError: `format_` is neither parquet nor csv.
            NotADirectoryError: `directory` is a file, or its parent is missing.
            UnknownCaseError: `case_id` names no case file.
        """
        chosen = FrameFormat(format_)
        moment = self._moment(known_at)
        self._accessed("export_frames", case_id, actor, on=on, known_at=moment, format=chosen.value)
        return export_frames(
            cast("CaseLog", self), directory, on=on, known_at=moment, case_id=case_id,
            format_=chosen, excel=excel, progress=progress,
        )  # fmt: skip

    def _moment(self, known_at: date | datetime | None) -> datetime:
        """The transaction time to read at; by default now, and never before the last record.

        A clock set back (a replay, or another writer's faster clock) must not hide what
        is already in the log: "known now" means everything recorded.
        """
        require_log(self.store)  # a mistyped path must not answer like an empty log
        moment = resolve_known_at(known_at, self.clock)
        if known_at is None and (last := self.store.last_recorded_at()) is not None:
            return max(moment, last)
        return moment

    def _asked(
        self,
        what: str,
        on: date,
        known_at: date | datetime | None,
        case_id: str | None,
        rule: str | None,
        status: Status | str | Iterable[Status | str] | None,
        reference: bool,  # noqa: FBT001
        actor: str | None,
    ) -> tuple[frozenset[Status] | None, datetime]:
        """A compliance question checked and recorded: its statuses and moment, or the error.

        Recorded once its rule and statuses are valid, before its case is looked for: a
        question about a case that is not there is still an attempt to read it.
        """
        if rule is not None and rule not in RULE_ARGUMENTS:
            raise UnknownRuleError(rule, known=list(RULES_BY_ID))
        wanted, moment = statuses(status), self._moment(known_at)
        self._accessed(
            what, case_id, actor,
            on=on, known_at=moment, rule=rule, status=wanted, reference=reference,
        )  # fmt: skip
        if case_id is not None:
            self._require_case(case_id)
        return wanted, moment

    def _replayed(
        self,
        on: date,
        moment: datetime,
        case_id: str | None,
        rule: str | None,
        wanted: frozenset[Status] | None,
    ) -> tuple[Obligation, ...]:
        """The reference replay's rows for a checked question."""
        return reference_obligations(
            self.store, on=on, known_at=moment, settings=self.settings,
            case_id=case_id, rule=rule, wanted=wanted,
        )  # fmt: skip

    def _require_case(self, case_id: str) -> None:
        """An unknown case is an error, never "no duties": its stream's head says it exists."""
        if not self.store.heads([f"child:{case_id}"]):
            self._case_history(case_id)  # raises UnknownCaseError, with close ids

    def _case_history(self, case_id: str) -> list[Recorded[Event]]:
        stored = self.store.read_streams([f"child:{case_id}"])
        if not stored:  # suggest close ids: a list of the case streams, on the error path only
            known = (s.removeprefix("child:") for s in self.store.streams("child:"))
            raise UnknownCaseError(case_id, known=known)
        return stored
