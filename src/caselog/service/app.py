"""The ASGI app of `caselog serve`: the `CaseLog` façade over HTTP (issue 16).

The municipal case systems that feed caselog (Lifecare, Treserva, Combine/Procapita) are
.NET and Java products: they post each event as it is registered and ask for a case's
state or the week's findings. The app is a thin layer: routes (`reads`, `writes`) call
one `CaseLog` method each with the token's actor; roles are checked first (`auth`);
errors become RFC 9457 problems (`problems`); each request is one structured log line
(`request_log`). Shutting down waits for the requests in flight — a batch being written
commits or rolls back whole — and then closes the logs.
"""

from __future__ import annotations

from contextlib import asynccontextmanager, suppress
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from starlette.concurrency import run_in_threadpool

from caselog.errors import StoreNotFoundError
from caselog.interchange import input_schema
from caselog.service import openapi, reads, writes
from caselog.service.auth import EVERYONE, allowed, known_parameters
from caselog.service.models import Health
from caselog.service.pool import LogPool
from caselog.service.problems import install
from caselog.service.request_log import RequestLog
from caselog.service.tokens import Grant, TokenFile

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable
    from datetime import datetime

    from caselog.rules.settings import Settings

SERVICE_ACTOR = "caselog-service"
"""Who the service's own logs are opened as; every read and write names its caller."""
DESCRIPTION = """\
The audit trail of Swedish municipal child-welfare casework over HTTP: post events as
they are registered, ask for a case's state or the obligations on any date, as known at
any time. Every request but `/health` and this document needs a bearer token (writer,
reader or inspector); every read is recorded in the log's access log with the token's
actor. Refusals are RFC 9457 problems (`application/problem+json`). See docs/service.md.
"""


def _version() -> str:
    try:
        return version("caselog")
    except PackageNotFoundError:  # pragma: no cover - run from a checkout without install
        return "0"


def create_app(
    url: str,
    *,
    tokens: TokenFile,
    pool_size: int = 4,
    clock: Callable[[], datetime] | None = None,
    settings: Settings | None = None,
) -> FastAPI:
    """The app over the log at `url`, admitting the tokens of `tokens`.

    Nothing is opened until the first request needs a log, so a database that is down
    at start answers 503 until it is back, never a crash or an empty answer.
    """
    pool = LogPool(url, actor=SERVICE_ACTOR, size=pool_size, clock=clock, settings=settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        pool.keep()
        yield
        pool.close()  # after the server drained the requests in flight

    app = FastAPI(
        title="caselog",
        version=_version(),
        summary="The audit trail of Swedish municipal child-welfare casework",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        generate_unique_id_function=lambda route: route.name,  # operationIds: get_case …
    )
    app.state.pool = pool
    app.state.tokens = tokens
    app.add_middleware(RequestLog)
    install(app)
    app.include_router(writes.router)
    app.include_router(reads.router)
    app.include_router(_common)

    def document() -> dict[str, Any]:
        return openapi.openapi_document(app)

    app.openapi = document  # type: ignore[method-assign]
    return app


_common = APIRouter()
Anyone = Annotated[Grant, Depends(allowed(*EVERYONE))]


@_common.get(
    "/schema",
    summary="The JSON Schema of one event",
    responses=openapi.problems(401),
    tags=["write"],
)
def get_schema(
    _: Anyone,
    historical: Annotated[  # noqa: FBT002 - a query flag
        bool, Query(description="The schema of historical lines (with registered_at)")
    ] = False,
) -> dict[str, Any]:
    """The JSON Schema (Draft 2020-12) of one event, as `caselog schema` prints it."""
    return input_schema(historical=historical)


@_common.get(
    "/health",
    response_model=Health,
    summary="Whether the service and its log answer",
    responses=openapi.problems(422, 503),
    dependencies=[Depends(known_parameters)],
    tags=["service"],
)
async def get_health(request: Request) -> Health:
    """`ok` when the log's database answers; 503 otherwise. No token needed."""
    pool: LogPool = request.app.state.pool

    def answers() -> None:
        # Nothing written yet is healthy: the first event creates the log.
        with pool.log() as log, suppress(StoreNotFoundError):
            log.store.count()  # a query: the database answers

    await run_in_threadpool(answers)
    return Health(status="ok", version=_version())
