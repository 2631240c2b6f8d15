"""Corrections and retractions: errors are never edited, they are corrected (D4).

A correction carries the full corrected payload of its target (same `type` and subject
ids; no `event_id` of its own: the replacement keeps its target's identity). A retraction
removes its target, an original or a correction, from the view; retracting a retraction
restores the target. Both carry their target's subject ids, so they live in its stream;
their own `occurred_on` is the day the correction was decided and does not filter them.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, Self

from pydantic import (
    ConfigDict,
    FieldSerializationInfo,
    ValidationInfo,
    field_serializer,
    field_validator,
    model_validator,
)

from caselog.events.base import (
    SUBJECT_FIELDS,
    EventModel,
    Id,
    Text,
    present,
    without_empty_additions,
)
from caselog.events.facts import DiscriminatedFact, FactEvent
from caselog.events.personal import Personal


class _TargetsEvent(EventModel):
    """An event that names another event in the same stream by its id."""

    # `_has_a_subject`, stated for JSON Schema validators (caselog.events.schema).
    model_config = ConfigDict(
        json_schema_extra={"anyOf": [present(name) for name in SUBJECT_FIELDS]}
    )

    child_id: Id | None = None
    matter_id: Id | None = None
    home_id: Id | None = None
    committee_id: Id | None = None
    target_event_id: Id

    @model_validator(mode="after")
    def _has_a_subject(self) -> Self:
        if not self.subject_ids:
            msg = (
                "the target's subject id is required (child_id, matter_id, home_id or committee_id)"
            )
            raise ValueError(msg)
        return self


class EventCorrected(_TargetsEvent):
    """A correction (rättelse): the target event as it should have been recorded."""

    type: Literal["event_corrected"] = "event_corrected"
    replacement: DiscriminatedFact

    @field_validator("replacement", mode="before")
    @classmethod
    def _replacement_keeps_target_identity(cls, value: Any, info: ValidationInfo) -> Any:  # noqa: ANN401
        target = info.data.get("target_event_id")
        if isinstance(value, dict):
            if "event_id" in value:
                msg = "a replacement carries no event_id; it keeps its target's"
                raise ValueError(msg)
            return {**value, "event_id": target} if target else value
        if isinstance(value, EventModel) and target:
            return value.model_copy(update={"event_id": target})
        return value

    @field_serializer("replacement")
    def _replacement_without_event_id(
        self, value: FactEvent, info: FieldSerializationInfo
    ) -> dict[str, Any]:
        data = value.model_dump(mode=info.mode, exclude={"event_id"})
        return without_empty_additions(value, data)

    @model_validator(mode="after")
    def _same_subject_as_replacement(self) -> Self:
        for name in SUBJECT_FIELDS:
            if getattr(self.replacement, name, None) != getattr(self, name):
                msg = f"{name} must be the same on the correction and its replacement"
                raise ValueError(msg)
        return self


class EventRetracted(_TargetsEvent, Personal):
    """A retraction (makulering): the target should never have been recorded."""

    type: Literal["event_retracted"] = "event_retracted"
    reasons: Text

    personal: ClassVar[tuple[str, ...]] = ("reasons",)
