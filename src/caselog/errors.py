"""Every error caselog raises on purpose.

A leaf module: it imports nothing from caselog, so every layer can raise these.

```
CaselogError
├── InvalidEventError (ValueError)        one bad input line: .line, .field, .reason
├── IngestRejectedError (ValueError)      a rejected batch: .errors (first 1,000), .total
├── HistoryError                          contradicts the structure of a stream
│   ├── UnknownReferenceError (LookupError)   a referenced id is not in the stream
│   ├── PlacementEndsBeforeStartError         a placement ends before it began
│   ├── PurgedSubjectError                    the subject's records were purged
│   ├── InvalidCorrectionError                a correction that cannot apply
│   └── HistoricalOrderError                  registered_at breaks the log's order (D3)
├── DuplicateEventError (ValueError)      an event_id already stored with another payload
├── ConcurrencyConflictError              another writer appended to the same stream first
├── UnknownCaseError (LookupError)        no case file with that id
├── SettingsError (ValueError)            an invalid settings file or value
└── StorageError                          the log could not be read or written
    └── UnsupportedStoreError (ValueError)    an unknown or malformed store URL
```

Every error carries its data as attributes, not only in the message, so callers can act
on them (an ingest client can show `.line` and `.field` next to the offending input).
"""

from __future__ import annotations

from dataclasses import dataclass


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

    def __init__(self, problem: Problem) -> None:
        """Wrap one `Problem`."""
        super().__init__(str(problem))
        self.problem = problem
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
    """Nothing can be recorded for a subject whose records were purged (gallring)."""


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

    def __init__(self, case_id: str) -> None:
        """Name the missing case."""
        super().__init__(f"no case {case_id!r} in the log")
        self.case_id = case_id


class SettingsError(CaselogError, ValueError):
    """Invalid settings (a TOML file or a value)."""


class StorageError(CaselogError):
    """The log could not be read or written."""


class UnsupportedStoreError(StorageError, ValueError):
    """An unknown or malformed store URL."""
