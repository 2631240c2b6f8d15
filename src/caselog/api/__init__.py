"""The façade: open a log, record and ingest events, ask what it shows for any date."""

from __future__ import annotations

from caselog.api.access import AccessSample
from caselog.api.answers import Cases, Events, Timeline
from caselog.api.clock import ManualClock, resolve_known_at, system_clock
from caselog.api.ingest import IngestResult
from caselog.api.log import CaseLog, open_log
from caselog.api.obligations import COLUMNS, Obligations
from caselog.api.statistics import Statistics
from caselog.storage.access_log import Access

__all__ = [
    "COLUMNS",
    "Access",
    "AccessSample",
    "CaseLog",
    "Cases",
    "Events",
    "IngestResult",
    "ManualClock",
    "Obligations",
    "Statistics",
    "Timeline",
    "open_log",
    "resolve_known_at",
    "system_clock",
]
