"""Errors as RFC 9457 problem details: never a clean answer to a wrong question.

Every refusal of the service is an `application/problem+json` body naming what was wrong:
a rejected batch lists the same (line, field, reason) problems as `caselog ingest`; an
unknown case names close ids; a bad date names its parameter; a log that cannot be reached
is 503, never an empty 200. The mapping from caselog's error tree (`caselog.errors`) to
status codes lives here and nowhere else.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Final

from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from caselog.errors import (
    CaselogError,
    ConcurrencyConflictError,
    IngestRejectedError,
    KeyUnavailableError,
    LogBusyError,
    StorageError,
    UnknownCaseError,
    UnknownRuleError,
    UnknownStatusError,
)
from caselog.service.tokens import TokenFileError

if TYPE_CHECKING:
    from fastapi import FastAPI, Request

PROBLEM_JSON: Final = "application/problem+json"
_LOG = logging.getLogger("caselog.service")


class LineProblem(BaseModel):
    """One problem of a rejected batch, as `caselog ingest` prints it (`line 3, field …`)."""

    model_config = ConfigDict(extra="forbid")

    line: int = Field(description="1-based line (JSON Lines) or array item; 0: the whole body")
    field: str = Field(description='Dotted path inside the event; "" for the whole line')
    reason: str


class Problem(BaseModel):
    """An RFC 9457 problem: what went wrong, and the data a client needs to act on it."""

    model_config = ConfigDict(extra="forbid")

    type: str = Field(description="A URN naming the kind of problem (urn:caselog:…)")
    title: str
    status: int
    detail: str
    parameter: str | None = Field(None, description="The query or path parameter at fault")
    suggestions: list[str] | None = Field(None, description="Close valid values (ids, rules)")
    known: list[str] | None = Field(None, description="Every valid value, when few")
    errors: list[LineProblem] | None = Field(
        None, description="A rejected batch: the first 1,000 problems, in input order"
    )
    total: int | None = Field(None, description="A rejected batch: how many problems in all")


class ProblemError(Exception):
    """Raised by a route to answer with a problem (status, kind, details)."""

    def __init__(self, status: int, kind: str, title: str, detail: str, **extra: Any) -> None:  # noqa: ANN401 - Problem's optional fields
        """A problem of `kind` (the part after `urn:caselog:`) with `status`."""
        super().__init__(detail)
        self.problem = Problem(
            type=f"urn:caselog:{kind}", title=title, status=status, detail=detail, **extra
        )
        self.headers: dict[str, str] = {}


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> JSONResponse:
    """The problem as its HTTP response (only the fields that are set)."""
    return JSONResponse(
        jsonable_encoder(problem, exclude_none=True),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def problem_of(error: CaselogError) -> ProblemError:
    """The problem a caselog error is to a client: which status, which fields."""
    match error:
        case IngestRejectedError():
            problem = ProblemError(
                422, "ingest-rejected", "The batch was rejected; nothing was written",
                f"{error.total} problem(s) in the batch; nothing was written",
                errors=[LineProblem(line=p.line, field=p.field, reason=p.reason)
                        for p in error.errors],
                total=error.total,
            )  # fmt: skip
        case UnknownCaseError():
            problem = ProblemError(
                404, "unknown-case", "No such case file", str(error),
                parameter="case_id", suggestions=list(error.suggestions),
            )  # fmt: skip
        case UnknownRuleError():
            problem = ProblemError(
                422, "unknown-rule", "No such rule", str(error),
                parameter="rule", suggestions=list(error.suggestions),
            )  # fmt: skip
        case UnknownStatusError():
            problem = ProblemError(
                422, "unknown-status", "No such status", str(error),
                parameter="status", suggestions=list(error.suggestions), known=list(error.known),
            )  # fmt: skip
        case ConcurrencyConflictError():
            problem = ProblemError(
                409, "conflict", "Other writers kept appending to the same case files",
                f"{error}; nothing was written: send the batch again",
            )  # fmt: skip
        case LogBusyError():
            problem = ProblemError(503, "busy", "The log is busy", f"{error}; nothing was written")
            problem.headers["Retry-After"] = "1"
        case KeyUnavailableError():
            problem = ProblemError(
                503, "keys-unavailable", "The log's keys are not at hand", str(error)
            )
        case StorageError():
            problem = ProblemError(503, "storage", "The log cannot be read or written", str(error))
        case _:
            problem = ProblemError(422, "refused", type(error).__name__, str(error))
    return problem


def install(app: FastAPI) -> None:
    """Answer every error of the app as a problem (and a bad parameter as 422, named)."""

    async def on_problem(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, ProblemError)  # noqa: S101 - registered for it alone
        return problem_response(error.problem, error.headers)

    async def on_caselog(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, CaselogError)  # noqa: S101 - registered for it alone
        return await on_problem(request, problem_of(error))

    async def on_invalid(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)  # noqa: S101 - registered for it alone
        first = error.errors()[0]
        where = [str(part) for part in first.get("loc", ())]
        # ("query", "known_at", "date"): the parameter, then the type pydantic tried.
        name = where[1] if len(where) > 1 else "".join(where)
        detail = f"{name}: {first.get('msg', 'invalid').removeprefix('Value error, ')}"
        if isinstance(first.get("input"), str | int):
            detail += f" (got {first['input']!r})"
        found = ProblemError(422, "bad-parameter", f"Invalid parameter {name}", detail)
        found.problem.parameter = name
        return await on_problem(request, found)

    async def on_unavailable(request: Request, error: Exception) -> JSONResponse:
        kind = "token-file" if isinstance(error, TokenFileError) else "storage"
        _LOG.error("unavailable: %s", error)
        detail = str(error) if isinstance(error, TokenFileError) else "the log cannot be reached"
        found = ProblemError(503, kind, "The service cannot answer now", detail)
        return await on_problem(request, found)

    async def on_crash(request: Request, error: Exception) -> JSONResponse:
        _LOG.error("unexpected error answering %s", request.method, exc_info=error)
        found = ProblemError(
            500, "internal", "The service failed", "an unexpected error; nothing more is said"
        )
        return await on_problem(request, found)

    app.add_exception_handler(Exception, on_crash)
    app.add_exception_handler(ProblemError, on_problem)
    app.add_exception_handler(CaselogError, on_caselog)
    app.add_exception_handler(RequestValidationError, on_invalid)
    app.add_exception_handler(TokenFileError, on_unavailable)
    app.add_exception_handler(ConnectionError, on_unavailable)
