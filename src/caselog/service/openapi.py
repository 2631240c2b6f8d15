"""The OpenAPI document: generated from the models, published as `docs/openapi.json`.

FastAPI generates it from the routes and the pydantic models; this module adds what it
cannot know: every refusal is `application/problem+json` (RFC 9457) with one `Problem`
schema, and the body of `POST /events` is an event or an array of events whose full
schema is the published input schema (`GET /schema`, docs/schema/). The body's schema
here is deliberately the envelope only (D2: `type`, `event_id`, `occurred_on`, `actor`):
the detailed verdict on a body is ingest's own, with its (line, field, reason) problems.

`python -m caselog.service docs/openapi.json` writes the published copy; a test keeps it
equal to what the app serves.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Final

from caselog.events import EVENT_TYPES
from caselog.events.base import ID_PATTERN
from caselog.service.problems import PROBLEM_JSON, Problem

if TYPE_CHECKING:
    from fastapi import FastAPI

_PROBLEM_REF: Final = {"$ref": "#/components/schemas/Problem"}
_EVENT: Final[dict[str, Any]] = {
    "type": "object",
    "description": (
        "One event, as one line of `caselog ingest`: its full JSON Schema is `GET /schema` "
        "(docs/schema/caselog-event.schema.json). The log assigns `recorded_at`, `position` "
        "and the stream; sending them is a problem."
    ),
    "required": ["type", "event_id", "occurred_on", "actor"],
    "properties": {
        "type": {"type": "string", "enum": sorted(EVENT_TYPES)},
        "event_id": {"type": "string", "pattern": ID_PATTERN, "maxLength": 128},
        "occurred_on": {"type": "string", "format": "date"},
        "actor": {"type": "string", "minLength": 1, "maxLength": 256},
    },
    "additionalProperties": True,
}
EVENTS_BODY: Final[dict[str, Any]] = {
    "required": True,
    "description": (
        "An event or an array of events (`application/json`). A JSON Lines batch goes as "
        "`application/x-ndjson`, one event per line, as `caselog ingest` reads a file."
    ),
    "content": {
        "application/json": {
            "schema": {"anyOf": [_EVENT, {"type": "array", "items": _EVENT}]},
        },
    },
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The documented refusals of a route (their bodies are set by `openapi_document`)."""
    return {s: {"model": Problem, "description": HTTPStatus(s).phrase} for s in statuses}


def openapi_document(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document, with every refusal as `application/problem+json`."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi  # noqa: PLC0415 - only when asked

    document = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for operations in document["paths"].values():
        for operation in operations.values():
            for status, response in operation["responses"].items():
                if int(status) >= HTTPStatus.BAD_REQUEST:
                    response["content"] = {PROBLEM_JSON: {"schema": _PROBLEM_REF}}
    app.openapi_schema = document
    return document


def document_text(app: FastAPI) -> str:
    """The document as published: indented JSON, keys in the app's order, a final newline."""
    return json.dumps(openapi_document(app), indent=2, ensure_ascii=False) + "\n"
