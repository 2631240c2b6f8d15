"""Records management: purging (gallring), SoL (2001:453) 12 kap.; SoL (2025:400) 16 kap."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Final, Literal

from caselog.events.base import ChildEvent

if TYPE_CHECKING:
    from caselog.events.base import EventModel


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


_PLACEMENT_MODULES: Final = frozenset(
    {"caselog.events.placements", "caselog.events.lvu", "caselog.events.follow_up"}
)
_INVESTIGATION_MODULES: Final = frozenset({"caselog.events.investigations"})


def retention_class_of(event: EventModel) -> RetentionClass:
    """The retention class an event's personal fields are kept under (RULES.md §7.3 (2)).

    Assigned when the event is recorded, by the part of the case file it belongs to:
    care, placements and their follow-up (`placements`, `lvu`, `follow_up`) are placement
    documents, never purged (SoL 2001:453 12 kap. 2 § 3; SoL 2025:400 16 kap. 2 §);
    investigations (`investigations`) are kept until the child is 30 once SFS 2025:1501
    applies (SoL 2025:400 16 kap. 2 a §); everything else is general, purged five years
    after the last entry. A correction is kept with what it corrects.
    """
    replacement = getattr(event, "replacement", None)
    module = type(replacement if replacement is not None else event).__module__
    if module in _PLACEMENT_MODULES:
        return RetentionClass.PLACEMENT
    if module in _INVESTIGATION_MODULES:
        return RetentionClass.INVESTIGATION
    return RetentionClass.GENERAL
