"""Structured request logs: one JSON line per request, without personal data.

The line names the route by its template (`/cases/{case_id}`), never the path or the
query, which hold case ids and search words; the actor of the token (a staff or system
id, which the access log records anyway); the status, the duration and, for a write, how
many events it appended. No body, no client address (the reverse proxy has it), no token.
Each request gets an id, returned as `X-Request-Id`, to find its line again.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

import orjson

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOGGER: Final = logging.getLogger("caselog.service.requests")


class RequestLog:
    """ASGI middleware writing one line per HTTP request to `caselog.service.requests`."""

    def __init__(self, app: ASGIApp) -> None:
        """Wrap `app`."""
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; log it when its response has started (or failed)."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex
        started = time.perf_counter()
        status = 500  # unless a response starts

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            LOGGER.info(
                "%s",
                line(scope, request_id=request_id, status=status, started=started),
            )


def line(scope: Scope, *, request_id: str, status: int, started: float) -> str:
    """The log line of a request: JSON with its route template, never its path."""
    route = scope.get("route")
    state: dict[str, Any] = scope.get("state", {})
    record = {
        "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "request_id": request_id,
        "method": scope["method"],
        "route": getattr(route, "path", None),
        "status": status,
        "ms": round((time.perf_counter() - started) * 1000, 1),
        "actor": state.get("actor"),
        "role": state.get("role"),
        "events_written": state.get("events"),
    }
    return orjson.dumps(record).decode()
