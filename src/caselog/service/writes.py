"""`POST /events`: a case system appends events as it registers them (DESIGN.md D6).

One event or an array (`application/json`), or a JSON Lines batch
(`application/x-ndjson`), goes through `CaseLog.ingest` exactly as `caselog ingest` takes
a file: all or nothing, idempotent by `event_id` (a resend is counted as already stored,
never stored twice), and a rejected batch answers 422 with the same (line, field,
reason) problems the command prints. An array's items are its lines, 1-based.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Annotated, Any, Final

import orjson
from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from caselog.service.auth import allowed
from caselog.service.models import IngestAnswer
from caselog.service.openapi import EVENTS_BODY, problems
from caselog.service.problems import LineProblem, ProblemError
from caselog.service.tokens import Grant, Role

if TYPE_CHECKING:
    from caselog.service.pool import LogPool

JSON: Final = "application/json"
NDJSON: Final = ("application/x-ndjson", "application/jsonl")
MAX_BODY: Final = 256 * 1024 * 1024
"""The largest batch taken in one request (256 MiB); larger batches go as several."""

router = APIRouter()
Writer = Annotated[Grant, Depends(allowed(Role.WRITER))]


@router.post(
    "/events",
    response_model=IngestAnswer,
    summary="Append events, all or nothing",
    openapi_extra={"requestBody": EVENTS_BODY},
    responses=problems(401, 403, 409, 413, 415, 422, 503),
    tags=["write"],
)
async def post_events(request: Request, grant: Writer) -> IngestAnswer:
    """Append one event, an array of events, or a JSON Lines batch, in one transaction.

    Idempotent by `event_id`: posting the same batch again writes nothing and counts
    every event as `already_stored`. A batch with any problem writes nothing and answers
    422 with every problem by line (array item), field and reason, as `caselog ingest`.
    `application/x-ndjson` bodies are JSON Lines, line by line as `caselog ingest` reads
    a file (gzip too); they are outside this document's schema.
    """
    kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if kind != JSON and kind not in NDJSON:
        raise ProblemError(
            415, "unsupported-media-type", "Send JSON or JSON Lines",
            f"content type {kind or '(none)'!r}: send {JSON} (an event or an array) or "
            "application/x-ndjson (JSON Lines)",
        )  # fmt: skip
    body = await _body(request)
    source: io.BytesIO | list[Any] = io.BytesIO(body) if kind in NDJSON else _items(body)
    pool: LogPool = request.app.state.pool

    # In a worker thread: a shutdown waits for it, and its transaction commits or rolls
    # back whole.
    result = await run_in_threadpool(lambda: pool.ingest(source, actor=grant.actor))
    request.state.events = result.written
    return IngestAnswer(
        read=result.read,
        written=result.written,
        already_stored=result.already_stored,
        repeated_in_batch=result.repeated_in_batch,
        first_position=result.first_position,
        last_position=result.last_position,
    )


async def _body(request: Request) -> bytes:
    """The request body, refused (413) beyond `MAX_BODY` before it is all read."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise _too_large()
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise _too_large()
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large() -> ProblemError:
    return ProblemError(
        413, "too-large", "The batch is too large",
        f"a batch is at most {MAX_BODY // 1024 // 1024} MiB: send it as several",
    )  # fmt: skip


def _items(body: bytes) -> list[Any]:
    """A JSON body's events: an array's items, or the one object; else one bad line.

    Whatever is not an object — a body that is not JSON, an array item that is a number —
    goes to ingest as the text of its line, so that its problem reads exactly as
    `caselog ingest` would put it for a line holding that text.
    """
    if not body.strip():
        raise ProblemError(
            422, "ingest-rejected", "The batch was rejected; nothing was written",
            "the body is empty: send an event, an array of events, or JSON Lines",
            errors=[LineProblem(line=0, field="", reason="the body is empty")], total=1,
        )  # fmt: skip
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        return [body.decode("utf-8", errors="replace")]
    items = parsed if isinstance(parsed, list) else [parsed]
    return [item if isinstance(item, dict) else orjson.dumps(item).decode() for item in items]
