"""caselog: the audit trail of Swedish municipal child-welfare casework.

An append-only log of immutable events with two time axes — when a fact happened
(`occurred_on`) and when the log learned it (`recorded_at`) — that rebuilds, for any past
date, each case's state. Start with `caselog.open(actor=...)`.
"""

from __future__ import annotations

from caselog.api import CaseLog, IngestResult, ManualClock
from caselog.api import open_log as open
from caselog.errors import (
    AuthenticationFailedError,
    CaselogError,
    CheckpointError,
    ConcurrencyConflictError,
    DatabaseMissingError,
    DuplicateEventError,
    HistoricalOrderError,
    HistoryError,
    IngestRejectedError,
    InvalidCorrectionError,
    InvalidEventError,
    KeyUnavailableError,
    LogBusyError,
    NeedsUpgradeError,
    PlacementEndsBeforeStartError,
    Problem,
    PurgedSubjectError,
    PurgeRefusedError,
    ServerUnreachableError,
    SettingsError,
    StorageError,
    StorageFullError,
    StoreNotFoundError,
    UnchainedEventError,
    UnknownCaseError,
    UnknownReferenceError,
    UnknownRuleError,
    UnknownStatusError,
    UnsupportedStoreError,
)

__all__ = [
    "AuthenticationFailedError",
    "CaseLog",
    "CaselogError",
    "CheckpointError",
    "ConcurrencyConflictError",
    "DatabaseMissingError",
    "DuplicateEventError",
    "HistoricalOrderError",
    "HistoryError",
    "IngestRejectedError",
    "IngestResult",
    "InvalidCorrectionError",
    "InvalidEventError",
    "KeyUnavailableError",
    "LogBusyError",
    "ManualClock",
    "NeedsUpgradeError",
    "PlacementEndsBeforeStartError",
    "Problem",
    "PurgeRefusedError",
    "PurgedSubjectError",
    "ServerUnreachableError",
    "SettingsError",
    "StorageError",
    "StorageFullError",
    "StoreNotFoundError",
    "UnchainedEventError",
    "UnknownCaseError",
    "UnknownReferenceError",
    "UnknownRuleError",
    "UnknownStatusError",
    "UnsupportedStoreError",
    "open",
]
