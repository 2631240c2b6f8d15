"""The reads: a case's state, its timeline, the obligations and their counts, the chain.

Each route is a thin call of one `CaseLog` read with the token's actor (`actor=`), so the
access log (loggkontroll) records who asked, what and for which case, before the answer
is made. Every answer names the `on` and the resolved `known_at` it was judged at, so the
same question can be asked again. Obligations come as JSON, or — an export, for an
inspector — CSV or Parquet by `Accept`.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Final

import orjson
import pyarrow.parquet as pq
from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import AwareDatetime, BeforeValidator

from caselog.api import COLUMNS
from caselog.api.clock import resolve_known_at
from caselog.api.integrity import verify
from caselog.api.query import RULE_ARGUMENTS
from caselog.dates import STOCKHOLM
from caselog.events.base import ID_PATTERN
from caselog.projections import CaseState
from caselog.rules.model import Status
from caselog.service.auth import READERS, allowed
from caselog.service.models import (
    ChainAnswer,
    ChainBreak,
    Count,
    ObligationsAnswer,
    StatsAnswer,
    TimelineAnswer,
    VerifyAnswer,
)
from caselog.service.openapi import problems
from caselog.service.problems import ProblemError
from caselog.service.tokens import Grant, Role
from caselog.storage import require_log

if TYPE_CHECKING:
    from caselog.api import CaseLog, Obligations
    from caselog.service.pool import LogPool
    from caselog.storage.chain import Verified

JSON: Final = "application/json"
CSV: Final = "text/csv"
PARQUET: Final = "application/vnd.apache.parquet"
_EXPORTS: Final = (CSV, PARQUET)
_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO: Final = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]|\Z)")


def iso_date(given: object) -> object:
    """Refuse what pydantic would read as a date but no sender means: `on=0` is no 1970-01-01."""
    if given is None or (isinstance(given, str) and _DATE.fullmatch(given)):
        return given
    msg = "not a date, YYYY-MM-DD"
    raise ValueError(msg)


def iso_moment(given: object) -> object:
    """A `known_at` as a date (the end of that day) or an aware timestamp, or why not.

    Read here, not by pydantic's union, so that a timestamp without a zone is told so.
    """
    if given is None or isinstance(given, date):
        return given
    if not isinstance(given, str) or not _ISO.match(given):
        msg = "not a date or an ISO timestamp with a zone"
        raise ValueError(msg)
    if len(given) == len("2019-11-25"):
        return date.fromisoformat(given)
    moment = datetime.fromisoformat(given)
    if moment.tzinfo is None:
        msg = f"a timestamp needs a time zone, e.g. {given}+01:00"
        raise ValueError(msg)
    return moment


router = APIRouter()
Reader = Annotated[Grant, Depends(allowed(*READERS))]
Inspector = Annotated[Grant, Depends(allowed(Role.INSPECTOR))]
CaseId = Annotated[
    str, Path(pattern=ID_PATTERN, description="The child's id: the case file child:<id>")
]
On = Annotated[
    date | None,
    BeforeValidator(iso_date),
    Query(description="Valid date (YYYY-MM-DD), events of that day included; default today"),
]
KnownAt = Annotated[
    date | AwareDatetime | None,
    BeforeValidator(iso_moment),
    Query(
        description="Transaction time: a date (the end of that day, Swedish time) or an ISO "
        "timestamp with a zone; default now",
        examples=["2019-11-25", "2019-11-25T08:00:00+01:00"],
    ),
]
Rule = Annotated[
    str | None,
    Query(
        description="A rule id (R05; R16: R16a–c)",
        json_schema_extra={"enum": sorted(RULE_ARGUMENTS, key=lambda r: (len(r), r))},
    ),
]
Statuses = Annotated[
    list[str] | None,
    Query(
        description="Only these statuses (repeated, or comma-separated)",
        json_schema_extra={"items": {"type": "string", "enum": [s.value for s in Status]}},
    ),
]


@router.get(
    "/cases/{case_id}",
    response_model=CaseState,
    summary="A case's state on a date",
    responses=problems(401, 403, 404, 422, 503),
    tags=["read"],
)
def get_case(
    request: Request, grant: Reader, case_id: CaseId, on: On = None, known_at: KnownAt = None
) -> CaseState:
    """The state of a child's case file on `on`, as the log showed it at `known_at`.

    An unknown case is 404, naming close ids; the attempt is still recorded in the access
    log, since it was an attempt to read that case file.
    """
    with _pool(request).log() as log:
        return log.case(
            case_id, on=on or _today(), known_at=_known_at(log, known_at), actor=grant.actor
        )


@router.get(
    "/cases/{case_id}/timeline",
    response_model=TimelineAnswer,
    summary="A case's events with both time axes",
    responses=problems(401, 403, 404, 422, 503),
    tags=["read"],
)
def get_timeline(
    request: Request, grant: Reader, case_id: CaseId, known_at: KnownAt = None
) -> TimelineAnswer:
    """Every event of a child's case file, late registrations and corrections marked."""
    with _pool(request).log() as log:
        moment = _known_at(log, known_at)
        entries = log.timeline(case_id, known_at=moment, actor=grant.actor)
        return TimelineAnswer(case_id=case_id, known_at=moment, entries=list(entries))


@router.get(
    "/obligations",
    response_model=ObligationsAnswer,
    summary="Every legal duty on a date, judged",
    responses={
        200: {
            "content": {
                CSV: {"schema": {"type": "string"}},
                PARQUET: {"schema": {"type": "string", "format": "binary"}},
            },
            "description": "JSON; CSV or Parquet (D7 columns) by `Accept`, for inspectors",
        },
        **problems(401, 403, 404, 406, 422, 503),
    },
    tags=["read"],
)
def get_obligations(
    request: Request,
    grant: Reader,
    on: On = None,
    known_at: KnownAt = None,
    rule: Rule = None,
    status: Statuses = None,
    case: Annotated[str | None, Query(description="Only this child's case file")] = None,
) -> Response:
    """The obligations on `on` as the log showed them at `known_at` (DESIGN.md D7).

    JSON by default; `Accept: text/csv` or `application/vnd.apache.parquet` exports the
    same rows with the D7 columns, which only an inspector's token may.
    """
    kind = _negotiated(request.headers.get("accept", ""))
    if kind in _EXPORTS and grant.role is not Role.INSPECTOR:
        raise ProblemError(
            403, "forbidden", "Exports are for inspectors",
            f"role {grant.role.value} may read obligations as JSON; {kind} is an export",
        )  # fmt: skip
    wanted = [s for given in status or () for s in given.split(",") if s] or None
    day = on or _today()
    with _pool(request).log() as log:
        moment = _known_at(log, known_at)
        found = log.obligations(
            on=day, known_at=moment, case_id=case, rule=rule, status=wanted, actor=grant.actor
        )
    if kind == CSV:
        return Response(_csv(found), media_type=f"{CSV}; charset=utf-8")
    if kind == PARQUET:
        out = io.BytesIO()
        pq.write_table(found.to_arrow(), out)
        return Response(out.getvalue(), media_type=PARQUET)
    # Serialised from the rows' records at once: a municipality's answer has many rows.
    body = {"on": day, "known_at": moment, "obligations": found.records()}
    return Response(orjson.dumps(body, option=orjson.OPT_UTC_Z), media_type=JSON)


@router.get(
    "/stats",
    response_model=StatsAnswer,
    summary="The obligations on a date counted by rule and status",
    responses=problems(401, 403, 422, 503),
    tags=["read"],
)
def get_stats(
    request: Request, grant: Reader, on: On = None, known_at: KnownAt = None
) -> StatsAnswer:
    """How many obligations of each rule have each status on `on` (`compliance --summary`)."""
    day = on or _today()
    with _pool(request).log() as log:
        moment = _known_at(log, known_at)
        counted = log.summary(on=day, known_at=moment, actor=grant.actor)
    return stats_answer(day, moment, counted)


def stats_answer(day: date, moment: datetime, counted: Counter[tuple[str, Status]]) -> StatsAnswer:
    """The summary's counts in rule order (R01…R24, sub-ids after), then status order."""
    order = {status: number for number, status in enumerate(Status)}
    counts = [
        Count(rule_id=rule, status=status, count=n)
        for (rule, status), n in sorted(
            counted.items(), key=lambda item: (_rule_order(item[0][0]), order[item[0][1]])
        )
    ]
    return StatsAnswer(on=day, known_at=moment, total=sum(counted.values()), counts=counts)


@router.get(
    "/verify",
    response_model=VerifyAnswer,
    summary="Recompute the hash chains",
    responses=problems(401, 403, 503),
    tags=["inspect"],
)
def get_verify(request: Request, _: Inspector) -> VerifyAnswer:
    """Recompute the log's chain and its access log's chain (`caselog verify`).

    Reads the whole log; verifying is not a read of anyone's records and is not recorded
    (docs/security.md). A broken chain is a 200 with `ok: false` and where it breaks.
    """
    with _pool(request).log() as log:
        found = verify(log.store)
    return VerifyAnswer(
        log_id=found.log_id,
        ok=found.ok,
        events=_chain(found),
        access=None if found.access is None else _chain(found.access),
    )


def _chain(found: Verified) -> ChainAnswer:
    problem = found.problem
    return ChainAnswer(
        ok=problem is None,
        events=found.events,
        position=found.position,
        head=found.head.hex(),
        problem=None if problem is None else ChainBreak(
            position=problem.position, kind=problem.kind, detail=problem.detail
        ),
    )  # fmt: skip


def _pool(request: Request) -> LogPool:
    pool: LogPool = request.app.state.pool
    return pool


def _today() -> date:
    """Today in Sweden: the default `on`, as the command line's."""
    return datetime.now(STOCKHOLM).date()


def _known_at(log: CaseLog, given: date | datetime | None) -> datetime:
    """The `known_at` to answer at: given, or now (never before the log's last record).

    Resolved here rather than inside the read so that the answer can name it.
    """
    if given is not None:
        return resolve_known_at(given, log.clock)
    require_log(log.store)  # a log not there yet is no empty answer
    now = resolve_known_at(None, log.clock)
    last = log.store.last_recorded_at()
    return now if last is None else max(now, last)


def _negotiated(accept: str) -> str:
    """The answer's media type by `Accept` (q-values honoured); 406 when none is offered."""
    offered = (JSON, CSV, PARQUET)
    ranked: list[tuple[float, int, str]] = []
    for number, part in enumerate(accept.split(",")):
        kind, *options = (piece.strip().lower() for piece in part.split(";"))
        quality = 1.0
        for option in options:
            name, _, value = option.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if kind and quality > 0:
            ranked.append((-quality, number, kind))
    if not ranked:
        return JSON
    for _, _, kind in sorted(ranked):
        if kind in {"*/*", "application/*"}:
            return JSON
        if kind == "text/*":
            return CSV
        if kind in offered:
            return kind
    raise ProblemError(
        406, "not-acceptable", "No offered format is acceptable",
        f"Accept: {accept!r}; offered are {', '.join(offered)}",
    )  # fmt: skip


def _csv(found: Obligations) -> str:
    """The rows as `caselog compliance --format csv` writes them (flags joined by `|`)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS))
    writer.writeheader()
    for record in found.records():
        writer.writerow({k: "|".join(v) if isinstance(v, list) else v for k, v in record.items()})
    return out.getvalue()


def _rule_order(rule_id: str) -> tuple[int, str]:
    digits = "".join(c for c in rule_id[1:] if c.isdigit())
    return (int(digits) if digits else 0, rule_id)
