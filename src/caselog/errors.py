"""Every error caselog raises on purpose.

A leaf module: it imports nothing from caselog, so every layer can raise these.

```
CaselogError
├── InvalidEventError (ValueError)        one bad input line: .line, .field, .reason
├── IngestRejectedError (ValueError)      a rejected batch: .errors (first 1,000), .total
├── HistoryError                          contradicts the structure of a stream
│   ├── UnknownReferenceError (LookupError)   a referenced id is not in the stream
│   ├── PlacementEndsBeforeStartError         a placement ends before it began
│   ├── PurgedSubjectError                    a retention class purged a second time
│   ├── InvalidCorrectionError                a correction that cannot apply
│   └── HistoricalOrderError                  registered_at breaks the log's order (D3)
├── DuplicateEventError (ValueError)      an event_id already stored with another payload
├── ConcurrencyConflictError              another writer appended to the same stream first
├── UnknownCaseError (LookupError)        no case file with that id
├── UnknownRuleError (ValueError)         a rule id the registry does not have
├── UnknownStatusError (ValueError)       a status that is not one of `Status`
├── SettingsError (ValueError)            an invalid settings file or value
├── CheckpointError (ValueError)          a checkpoint file that cannot be used
├── PurgeRefusedError                     the law keeps these records, or not yet
└── StorageError                          the log could not be read or written
    ├── UnsupportedStoreError (ValueError)    an unknown or malformed store URL
    ├── StoreNotFoundError (LookupError)      no log there: reading never creates one
    │   └── DatabaseMissingError                  the PostgreSQL database does not exist
    ├── ServerUnreachableError (ConnectionError)  no PostgreSQL answers at host:port
    ├── AuthenticationFailedError             the server refused the user or password
    ├── LogBusyError (TimeoutError)           another writer held the lock too long: retry
    ├── NeedsUpgradeError                     made before the hash chain: caselog upgrade
    ├── StorageFullError                      the disk (or temp dir) of the store is full
    ├── UnchainedEventError (TypeError)       a recorder given a plain StoredEvent
    └── KeyUnavailableError                   no master key, or it opens no key here
```

Every error carries its data as attributes, not only in the message, so callers can act
on them (an ingest client can show `.line` and `.field` next to the offending input).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence


class CaselogError(Exception):
    """The base of every error caselog raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem with one input line: where it is and what is wrong.

    `line` is 1-based (0 when the input is not a file, e.g. `record()`), `field` is the
    dotted path inside the event (`""` for the whole line).
    """

    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        """Render as `line 3, field occurred_on: reason`."""
        where = f"line {self.line}" if self.line else "event"
        if self.field:
            where += f", field {self.field}"
        return f"{where}: {self.reason}"


class InvalidEventError(CaselogError, ValueError):
    """An event that does not validate against the vocabulary or its stream."""

    def __init__(self, problem: Problem, *, problems: Sequence[Problem] = ()) -> None:
        """Wrap one `Problem`; `problems` are all of them, when the event has several."""
        more = len(problems) - 1
        super().__init__(str(problem) + (f" (and {more} more)" if more > 0 else ""))
        self.problem = problem
        self.problems = tuple(problems) or (problem,)
        """Every problem found in the event (`record()` lists them all), the first first."""
        self.line = problem.line
        self.field = problem.field
        self.reason = problem.reason


class IngestRejectedError(CaselogError, ValueError):
    """A batch was rejected as a whole; nothing of it was written (DESIGN.md D6)."""

    MAX_LISTED = 1000

    def __init__(self, errors: list[Problem], total: int) -> None:
        """Keep the first `MAX_LISTED` problems and the total count."""
        self.errors = errors[: self.MAX_LISTED]
        self.total = total
        shown = "\n".join(f"  {p}" for p in self.errors[:20])
        more = f"\n  … and {total - 20} more" if total > 20 else ""  # noqa: PLR2004
        super().__init__(
            f"rejected: {total} error{'s' if total != 1 else ''}; "
            f"nothing was written\n{shown}{more}"
        )


class HistoryError(CaselogError):
    """An event that contradicts the structure of its stream (DESIGN.md D5).

    Raised only for *structural* impossibilities. A legally non-compliant fact is never an
    error: recording it is what the audit trail is for.
    """

    def __init__(self, message: str, *, event_id: str, stream: str, field: str = "") -> None:
        """Name the offending event, its stream and the field at fault."""
        super().__init__(message)
        self.event_id = event_id
        self.stream = stream
        self.field = field


class UnknownReferenceError(HistoryError, LookupError):
    """The event refers to an id (event, investigation, placement …) not in its stream."""


class PlacementEndsBeforeStartError(HistoryError):
    """A placement cannot end before it began."""


class PurgedSubjectError(HistoryError):
    """A retention class of a case file purged (gallring) a second time (D5).

    Later events about the child are accepted; only the class's second purge is not.
    """


class InvalidCorrectionError(HistoryError):
    """A correction or retraction that cannot apply to its target."""


class HistoricalOrderError(HistoryError):
    """A historical import whose `registered_at` would make `recorded_at` decrease."""


class DuplicateEventError(CaselogError, ValueError):
    """An `event_id` that is already stored with a different payload."""

    def __init__(self, event_id: str) -> None:
        """Name the reused id."""
        super().__init__(f"event_id {event_id!r} is already stored with a different payload")
        self.event_id = event_id


class ConcurrencyConflictError(CaselogError):
    """Another writer appended to the same stream between read and write."""

    def __init__(self, streams: list[str]) -> None:
        """Name the contested streams."""
        super().__init__("another writer appended to " + ", ".join(streams) + "; read and retry")
        self.streams = streams


class UnknownCaseError(CaselogError, LookupError):
    """No case file (personakt) with that id is in the log."""

    SUGGEST_AMONG = 50_000
    """Above this many known ids, no suggestions: comparing would cost about a second."""

    def __init__(self, case_id: str, *, known: Iterable[str] = ()) -> None:
        """Name the missing case, and suggest the ids among `known` that look like it."""
        self.case_id = case_id
        ids = list(known)
        self.suggestions = (
            tuple(difflib.get_close_matches(case_id, ids, n=3, cutoff=0.75))
            if len(ids) <= self.SUGGEST_AMONG
            else ()
        )
        super().__init__(f"no case {case_id!r} in the log" + _did_you_mean(self.suggestions))


class UnknownRuleError(CaselogError, ValueError):
    """A rule id the registry does not have (`R99`, `r05`)."""

    def __init__(self, rule: str, *, known: Sequence[str]) -> None:
        """Name the id, suggest the one meant (`r05` → R05) and summarise the valid ones.

        `known` are the registry's ids (R01, R03b, R16a …); a number without its letter
        (R16) is valid too, meaning all its parts.
        """
        self.rule = rule
        self.known = tuple(known)
        self.suggestions = _rule_meant(rule, self.known)
        super().__init__(
            f"no such rule {rule!r}{_did_you_mean(self.suggestions)}; "
            f"rules are {_rule_ranges(self.known)}"
        )


class UnknownStatusError(CaselogError, ValueError):
    """A status that is not one of `caselog.rules.model.Status`."""

    def __init__(self, status: object, *, known: Sequence[str]) -> None:
        """Name the value, suggest a close status and list them all."""
        self.status = status
        self.known = tuple(known)
        text = str(status).strip().lower().replace("-", "_").replace(" ", "_")
        self.suggestions = (
            (text,) if text in self.known else tuple(difflib.get_close_matches(text, known, n=2))
        )
        super().__init__(
            f"no such status {status!r}{_did_you_mean(self.suggestions)}; "
            f"statuses are {', '.join(self.known)}"
        )


class SettingsError(CaselogError, ValueError):
    """Invalid settings (a TOML file or a value)."""


class StorageError(CaselogError):
    """The log could not be read or written."""


class UnsupportedStoreError(StorageError, ValueError):
    """An unknown or malformed store URL."""


class StoreNotFoundError(StorageError, LookupError):
    """No log at that URL (a missing SQLite file, a database without the log's table).

    Reading never creates a log: a mistyped path must not answer like an empty log.
    """

    def __init__(self, message: str, *, url: str) -> None:
        """Say what is missing; `url` is the store URL without its password."""
        super().__init__(message)
        self.url = url


class DatabaseMissingError(StoreNotFoundError):
    """The PostgreSQL database in the URL does not exist on that server."""

    def __init__(self, message: str, *, url: str, database: str, hint: str) -> None:
        """Name the database and the command that creates it (`createdb …`)."""
        super().__init__(message, url=url)
        self.database = database
        self.hint = hint


class ServerUnreachableError(StorageError, ConnectionError):
    """No PostgreSQL server answers at the URL's host and port."""

    def __init__(self, message: str, *, url: str, host: str, port: int) -> None:
        """Name where nothing answered."""
        super().__init__(message)
        self.url = url
        self.host = host
        self.port = port


class AuthenticationFailedError(StorageError):
    """The PostgreSQL server refused the user: no such role, a wrong or missing password."""

    def __init__(self, message: str, *, url: str, user: str) -> None:
        """Name the refused user."""
        super().__init__(message)
        self.url = url
        self.user = user


def _did_you_mean(suggestions: Sequence[str]) -> str:
    """` (did you mean 'a' or 'b'?)`, or nothing without suggestions."""
    if not suggestions:
        return ""
    quoted = [repr(s) for s in suggestions]
    listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    return f" (did you mean {listed}?)"


_RULE_SHAPE = re.compile(r"\s*[Rr]?\s*0*(\d{1,2})\s*([A-Za-z]?)\s*")


def _rule_meant(rule: str, known: Sequence[str]) -> tuple[str, ...]:
    """The rule id `rule` was probably meant as: another case, a missing zero, spaces.

    >>> _rule_meant("r05", ["R05"]), _rule_meant("R5", ["R05"]), _rule_meant("R99", ["R05"])
    (('R05',), ('R05',), ())
    """
    shape = _RULE_SHAPE.fullmatch(rule)
    if shape is None:
        return ()
    meant = f"R{int(shape[1]):02d}{shape[2].lower()}"
    valid = set(known) | {k.rstrip("abcdefghijklmnopqrstuvwxyz") for k in known}
    return (meant,) if meant in valid and meant != rule else ()


def _rule_ranges(known: Sequence[str]) -> str:
    """The rule ids in short: numbers as a range, lettered parts by rule.

    >>> _rule_ranges(["R01", "R02", "R03", "R03b", "R04", "R05a", "R05b", "R05c"])
    'R01–R05 and R03b, R05a–c'
    """
    numbers = sorted({int(k[1:3]) for k in known})
    spans: list[str] = []
    start = previous = numbers[0]
    for number in [*numbers[1:], None]:
        if number is not None and number == previous + 1:
            previous = number
            continue
        spans.append(f"R{start:02d}" + (f"–R{previous:02d}" if previous != start else ""))
        if number is not None:
            start = previous = number
    parts: dict[str, list[str]] = {}
    for k in known:
        if k[3:]:
            parts.setdefault(k[:3], []).append(k[3:])
    lettered = [
        ", ".join(base + letter for letter in letters)
        if base in known or len(letters) == 1
        else f"{base}{letters[0]}–{letters[-1]}"
        for base, letters in parts.items()
    ]
    return ", ".join(spans) + (" and " + ", ".join(lettered) if lettered else "")


class LogBusyError(StorageError, TimeoutError):
    """Another writer held the log's write lock for longer than the busy timeout.

    Nothing of this write was stored; trying again later is safe.
    """

    def __init__(self, message: str, *, url: str, timeout: float) -> None:
        """Name the store and the seconds waited."""
        super().__init__(message)
        self.url = url
        self.timeout = timeout


class NeedsUpgradeError(StorageError):
    """The log was made by an older caselog: `caselog upgrade` must run before writing."""

    def __init__(self, message: str, *, url: str) -> None:
        """Name the log."""
        super().__init__(message)
        self.url = url


class CheckpointError(CaselogError, ValueError):
    """A checkpoint file that cannot be used: the path and what is wrong with it."""


class StorageFullError(StorageError):
    """The store's disk (or its temporary directory) is full; nothing of the write stayed."""

    def __init__(self, message: str, *, url: str) -> None:
        """Name the store."""
        super().__init__(message)
        self.url = url


class UnchainedEventError(StorageError, TypeError):
    """A recorder's `insert_events` was given what the log cannot store: nothing was written.

    eventsourcing's `StoredEvent` lacks the log's own columns (`event_id`, `ingested_by`);
    caselog's recorders take `PendingEvent`s and refuse anything else rather than drop it.
    """


class KeyUnavailableError(StorageError):
    """The keys of personal fields cannot be used here: nothing was written (issue 13).

    No master key is at hand (`CASELOG_MASTER_KEY`, `CASELOG_MASTER_KEY_FILE`, or the key
    file beside the key store), or the one given does not open the key store.
    """


class PurgeRefusedError(CaselogError):
    """A purge (gallring) the law does not allow: the message names the rule.

    Placement records and the research sample are kept; a purge before its duty arose is
    early; records stored in clear cannot be shredded. Nothing was destroyed.
    """
