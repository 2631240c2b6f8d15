"""Records management: purging (gallring), SoL (2001:453) 12 kap.; SoL (2025:400) 16 kap."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from caselog.events.base import ChildEvent


class RetentionClass(StrEnum):
    """The retention class of a part of a case file (RULES.md §7.3)."""

    GENERAL = "general"
    INVESTIGATION = "investigation"
    PLACEMENT = "placement"
    RESEARCH_SAMPLE = "research_sample"


class RecordsPurged(ChildEvent):
    """Records of one retention class were purged (gallrade) from the case file."""

    type: Literal["records_purged"] = "records_purged"
    retention_class: RetentionClass
