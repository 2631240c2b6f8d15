"""The service's reads answer exactly what `CaseLog` answers, and record each read.

Over a copy of the demo municipality: a case's state, its timeline, the obligations (JSON,
CSV, Parquet), their counts and the chain, each compared with the library's own answer to
the same question, and each read found in the access log under the token's actor. Wrong
questions are problems naming what is wrong, and leave no row.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pyarrow.parquet as pq
import pytest

from caselog.api import COLUMNS, open_log
from caselog.interchange import input_schema
from caselog.service import Role
from caselog.storage.access_log import Access, access_store
from tests.service.conftest import DEMO_ON, Tokens, bearer

if TYPE_CHECKING:
    from starlette.testclient import TestClient

ON: Final = date.fromisoformat(DEMO_ON)
CASE: Final = "child-000007"
KNOWN_AT: Final = "2025-06-30T12:00:00Z"


def reads(db: Path) -> list[Access]:
    """The access log as stored, read without recording a read."""
    with open_log(f"sqlite:///{db}", actor="test") as log:
        return access_store(log.store).accesses()


def problem(response: Any, status: int, kind: str) -> dict[str, Any]:  # noqa: ANN401 - a response
    """The RFC 9457 body of a refusal, checked for its status, media type and kind."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert (body["status"], body["type"]) == (status, f"urn:caselog:{kind}")
    return body


def test_a_case_is_the_library_s_answer_and_is_recorded(
    client: TestClient, tokens: Tokens, demo_copy: Path
) -> None:
    """GET /cases/{id} is `CaseLog.case` as JSON; the read is recorded as the token's actor."""
    before = len(reads(demo_copy))
    response = client.get(
        f"/cases/{CASE}",
        params={"on": DEMO_ON, "known_at": KNOWN_AT},
        headers=tokens.of(Role.READER),
    )
    assert response.status_code == 200
    with open_log(f"sqlite:///{demo_copy}", actor="test") as log:
        expected = log.case(CASE, on=ON, known_at=datetime(2025, 6, 30, 12, tzinfo=UTC))
    assert response.json() == expected.model_dump(mode="json")
    row = reads(demo_copy)[before]
    assert (row.what, row.case_id, row.actor) == ("case", CASE, "sw-17")
    assert row.parameters["known_at"] == "2025-06-30T12:00:00.000000Z"


def test_an_unknown_case_is_404_naming_close_ids_and_still_recorded(
    client: TestClient, tokens: Tokens, demo_copy: Path
) -> None:
    """A case not in the log is a 404 problem with suggestions; the attempt is recorded."""
    before = len(reads(demo_copy))
    body = problem(
        client.get("/cases/child-000007x", headers=tokens.of(Role.READER)), 404, "unknown-case"
    )
    assert body["parameter"] == "case_id"
    assert body["suggestions"][0] == "child-000007"
    assert body["detail"].startswith("no case 'child-000007x' in the log")
    assert [(r.what, r.case_id) for r in reads(demo_copy)[before:]] == [("case", "child-000007x")]


def test_a_timeline_lists_the_case_s_events(
    client: TestClient, tokens: Tokens, demo_copy: Path
) -> None:
    """GET /cases/{id}/timeline is `CaseLog.timeline`, entry for entry."""
    response = client.get(f"/cases/{CASE}/timeline", headers=tokens.of(Role.INSPECTOR))
    assert response.status_code == 200
    row = reads(demo_copy)[-1]
    with open_log(f"sqlite:///{demo_copy}", actor="test") as log:
        expected = [e.model_dump(mode="json") for e in log.timeline(CASE)]
    assert response.json()["entries"] == expected
    assert (row.what, row.case_id, row.actor) == ("timeline", CASE, "ivo-3")


def test_obligations_are_the_library_s_records(
    client: TestClient, tokens: Tokens, demo_copy: Path
) -> None:
    """GET /obligations filtered by rule and statuses is `obligations(...).records()`."""
    params = {"on": DEMO_ON, "known_at": KNOWN_AT, "rule": "R01", "status": "overdue,met_late"}
    response = client.get("/obligations", params=params, headers=tokens.of(Role.READER))
    assert response.status_code == 200
    row = reads(demo_copy)[-1]
    with open_log(f"sqlite:///{demo_copy}", actor="test") as log:
        expected = log.obligations(
            on=ON,
            known_at=datetime(2025, 6, 30, 12, tzinfo=UTC),
            rule="R01",
            status=["overdue", "met_late"],
        ).records()
    body = response.json()
    assert (body["on"], body["known_at"]) == (DEMO_ON, KNOWN_AT)
    assert body["obligations"] == expected
    assert expected  # the demo has late protection assessments
    assert (row.what, row.actor, row.parameters["rule"], row.parameters["status"]) == (
        "obligations", "sw-17", "R01", ["met_late", "overdue"],
    )  # fmt: skip


def test_an_inspector_exports_obligations_as_csv_and_parquet(
    client: TestClient, tokens: Tokens
) -> None:
    """`Accept: text/csv` and Parquet give the JSON answer's rows with the D7 columns."""
    params = {"on": DEMO_ON, "case": CASE}
    as_json = client.get("/obligations", params=params, headers=tokens.of(Role.INSPECTOR)).json()
    rows = as_json["obligations"]
    as_csv = client.get(
        "/obligations", params=params, headers={**tokens.of(Role.INSPECTOR), "Accept": "text/csv"}
    )
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    read = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert list(read[0]) == list(COLUMNS)
    assert [(r["rule_id"], r["status"]) for r in read] == [
        (r["rule_id"], r["status"]) for r in rows
    ]
    as_parquet = client.get(
        "/obligations",
        params=params,
        headers={**tokens.of(Role.INSPECTOR), "Accept": "application/vnd.apache.parquet"},
    )
    assert as_parquet.headers["content-type"] == "application/vnd.apache.parquet"
    table = pq.read_table(io.BytesIO(as_parquet.content))
    assert table.column("rule_id").to_pylist() == [r["rule_id"] for r in rows]


def test_a_reader_may_not_export_and_leaves_no_trace(
    client: TestClient, tokens: Tokens, demo_copy: Path
) -> None:
    """CSV is an export: a reader's token gets 403 before anything is read or recorded."""
    before = reads(demo_copy)
    response = client.get("/obligations", headers={**tokens.of(Role.READER), "Accept": "text/csv"})
    assert problem(response, 403, "forbidden")["detail"] == (
        "role reader may read obligations as JSON; text/csv is an export"
    )
    assert reads(demo_copy) == before


@pytest.mark.parametrize(
    ("accept", "status"),
    [
        ("application/xml", 406),
        ("text/html, application/json;q=0.5", 200),
        ("text/csv;q=0.2, application/json", 200),
        ("*/*", 200),
    ],
)
def test_the_format_follows_accept(
    client: TestClient, tokens: Tokens, accept: str, status: int
) -> None:
    """An offered type is chosen by q-value; nothing offered is 406."""
    response = client.get(
        "/obligations",
        params={"case": CASE},
        headers={**tokens.of(Role.INSPECTOR), "Accept": accept},
    )
    assert response.status_code == status
    if status == 200:
        assert response.headers["content-type"] == "application/json"
    else:
        problem(response, 406, "not-acceptable")


@pytest.mark.parametrize(
    ("params", "kind", "parameter", "detail"),
    [
        ({"on": "2026-13-01"}, "bad-parameter", "on", "on: Input should be a valid date"),
        ({"on": "0"}, "bad-parameter", "on", "on: not a date, YYYY-MM-DD (got '0')"),
        ({"known_at": "2026-01-01T10:00"}, "bad-parameter", "known_at",
         "known_at: a timestamp needs a time zone, e.g. 2026-01-01T10:00+01:00"),
        ({"known_at": "yesterday"}, "bad-parameter", "known_at",
         "known_at: not a date or an ISO timestamp with a zone (got 'yesterday')"),
        ({"rule": "r05"}, "unknown-rule", "rule", "no such rule 'r05' (did you mean 'R05'?)"),
        ({"status": "late"}, "unknown-status", "status",
         "no such status 'late' (did you mean 'met_late'?)"),
    ],
)  # fmt: skip
def test_a_wrong_question_is_422_naming_the_parameter_and_is_not_recorded(
    client: TestClient,
    tokens: Tokens,
    demo_copy: Path,
    params: dict[str, str],
    kind: str,
    parameter: str,
    detail: str,
) -> None:
    """Bad dates, rules and statuses are problems naming the parameter; no read is recorded."""
    before = reads(demo_copy)
    body = problem(
        client.get("/obligations", params=params, headers=tokens.of(Role.READER)), 422, kind
    )
    assert body["parameter"] == parameter
    assert body["detail"].startswith(detail)
    assert reads(demo_copy) == before


def test_stats_count_the_obligations_by_rule_and_status(
    client: TestClient, tokens: Tokens, demo_copy: Path
) -> None:
    """GET /stats is `CaseLog.summary` (until `CaseLog.stats` of issue 14 serves it)."""
    response = client.get(
        "/stats", params={"on": DEMO_ON, "known_at": KNOWN_AT}, headers=tokens.of(Role.READER)
    )
    assert response.status_code == 200
    row = reads(demo_copy)[-1]
    with open_log(f"sqlite:///{demo_copy}", actor="test") as log:
        expected = log.summary(on=ON, known_at=datetime(2025, 6, 30, 12, tzinfo=UTC))
    body = response.json()
    assert Counter({(c["rule_id"], c["status"]): c["count"] for c in body["counts"]}) == Counter(
        {(rule, status.value): n for (rule, status), n in expected.items()}
    )
    assert body["total"] == sum(expected.values())
    assert [c["rule_id"] for c in body["counts"]][:1] == ["R01"]
    assert (row.what, row.actor) == ("summary", "sw-17")


def test_verify_reports_both_chains_for_an_inspector(
    client: TestClient, tokens: Tokens, demo_copy: Path
) -> None:
    """GET /verify recomputes the chains, is not a read of records and is not recorded."""
    before = reads(demo_copy)
    body = client.get("/verify", headers=tokens.of(Role.INSPECTOR)).json()
    assert body["ok"] is True
    assert body["events"]["problem"] is None
    assert body["events"]["events"] > 900
    assert body["access"]["events"] == len(before)
    assert reads(demo_copy) == before


def test_the_schema_is_the_published_input_schema_for_any_token(
    client: TestClient, tokens: Tokens
) -> None:
    """GET /schema is `caselog schema` for every role, and needs a token."""
    for role in Role:
        assert client.get("/schema", headers=tokens.of(role)).json() == input_schema()
    historical = client.get("/schema?historical=true", headers=tokens.of(Role.WRITER)).json()
    assert historical == input_schema(historical=True)
    problem(client.get("/schema"), 401, "unauthenticated")


def test_health_and_the_openapi_document_need_no_token(client: TestClient) -> None:
    """/health answers without a token, and /openapi.json is the published docs/openapi.json."""
    assert client.get("/health").json()["status"] == "ok"
    published = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
    assert client.get("/openapi.json").json() == json.loads(published.read_text(encoding="utf-8"))


def test_a_bearer_header_of_another_scheme_is_401(client: TestClient, tokens: Tokens) -> None:
    """`Authorization: Basic …` is no bearer token."""
    response = client.get("/stats", headers={"Authorization": f"Basic {tokens.reader}"})
    assert problem(response, 401, "unauthenticated")["detail"] == "no token"
    assert response.headers["www-authenticate"] == 'Bearer realm="caselog"'
    assert client.get("/stats", headers=bearer(tokens.reader + "x")).status_code == 401


def test_an_unknown_parameter_is_422_not_ignored(client: TestClient, tokens: Tokens) -> None:
    """`?stauts=overdue` ignored would answer every status: it is refused, naming it."""
    response = client.get("/obligations?stauts=overdue", headers=tokens.of(Role.READER))
    body = problem(response, 422, "unknown-parameter")
    assert body["parameter"] == "stauts"
    assert "status" in body["known"]
    assert problem(client.get("/health?verbose=1"), 422, "unknown-parameter")["known"] == []
