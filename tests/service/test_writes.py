"""`POST /events`: all or nothing, idempotent by `event_id`, refused as `caselog ingest` refuses.

An event, an array or a JSON Lines batch is written in one transaction as its sender
(`ingested_by`); sent again it writes nothing; a batch with any problem writes nothing and
lists exactly the problems `caselog ingest` prints for the same lines. The round trip —
post, then read the case back — runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pytest

from caselog.api import open_log
from caselog.errors import IngestRejectedError
from caselog.service import Role
from caselog.service.app import create_app
from tests.service.conftest import Tokens, client_of

if TYPE_CHECKING:
    from starlette.testclient import TestClient

CHILD: Final = "child-http-1"
REPORT: Final[dict[str, Any]] = {
    "type": "report_received",
    "event_id": "http-r1",
    "occurred_on": "2026-06-01",
    "actor": "sw-17",
    "child_id": CHILD,
    "reporter_category": "school",
    "mandatory_reporter": True,
}
ASSESSED: Final[dict[str, Any]] = {
    "type": "protection_assessment_documented",
    "event_id": "http-a1",
    "occurred_on": "2026-06-01",
    "actor": "sw-17",
    "child_id": CHILD,
    "report_event_id": "http-r1",
    "outcome": "no_immediate_need",
}
BAD_LINES: Final = [
    json.dumps(REPORT),
    json.dumps({**ASSESSED, "report_event_id": "http-r9"}),
    '{"type": "report_received", "event_id": "x y"}',
    "{not json",
]


def stored(db: str) -> dict[str, str]:
    """Each stored event's id and who ingested it."""
    with open_log(db, actor="test") as log:
        return {r.event.event_id: r.ingested_by for r in log.history(f"child:{CHILD}")}


def test_one_event_is_written_as_its_sender_and_a_resend_writes_nothing(
    empty_log: tuple[TestClient, Path], tokens: Tokens
) -> None:
    """The first post writes; the same post again counts it as already stored."""
    client, db = empty_log
    first = client.post("/events", json=REPORT, headers=tokens.of(Role.WRITER))
    assert first.status_code == 200
    assert first.json() == {
        "read": 1, "written": 1, "already_stored": 0, "repeated_in_batch": 0,
        "first_position": 1, "last_position": 1,
    }  # fmt: skip
    again = client.post("/events", json=[REPORT, REPORT], headers=tokens.of(Role.WRITER))
    assert (again.json()["written"], again.json()["already_stored"]) == (0, 2)
    assert stored(f"sqlite:///{db}") == {"http-r1": "lifecare"}


def test_a_json_lines_batch_is_written_whole(
    empty_log: tuple[TestClient, Path], tokens: Tokens
) -> None:
    """`application/x-ndjson` is read line by line, as `caselog ingest` reads a file."""
    client, db = empty_log
    body = "\n".join(json.dumps(e) for e in (REPORT, ASSESSED)) + "\n"
    response = client.post(
        "/events",
        content=body.encode(),
        headers={**tokens.of(Role.WRITER), "Content-Type": "application/x-ndjson"},
    )
    assert response.json()["written"] == 2
    assert stored(f"sqlite:///{db}") == {"http-r1": "lifecare", "http-a1": "lifecare"}


@pytest.mark.parametrize("kind", ["application/x-ndjson", "application/json"])
def test_a_bad_batch_writes_nothing_and_lists_the_problems_caselog_ingest_prints(
    empty_log: tuple[TestClient, Path], tokens: Tokens, tmp_path: Path, kind: str
) -> None:
    """422 with every (line, field, reason): exactly the problems `caselog ingest` prints."""
    client, db = empty_log
    file = tmp_path / "bad.jsonl"
    file.write_text("\n".join(BAD_LINES) + "\n", encoding="utf-8")
    with open_log("sqlite://", actor="test") as log, pytest.raises(IngestRejectedError) as caught:
        log.ingest(file)  # what `caselog ingest` prints, one problem a line (cli/app.py)
    printed = [str(problem) for problem in caught.value.errors]
    if kind == "application/json":  # an array: the same items, numbered as lines
        items = [json.loads(line) for line in BAD_LINES[:3]]
        body = (json.dumps([*items, "{not json"])).encode()
        printed[-1] = "line 4: a line must be a JSON object"  # a string item, not bad JSON
    else:
        body = file.read_bytes()
    response = client.post(
        "/events", content=body, headers={**tokens.of(Role.WRITER), "Content-Type": kind}
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == "urn:caselog:ingest-rejected"
    assert problem["total"] == len(problem["errors"]) == len(printed)
    listed = [
        f"line {p['line']}" + (f", field {p['field']}" if p["field"] else "") + f": {p['reason']}"
        for p in problem["errors"]
    ]
    assert listed == printed
    assert not db.exists()  # nothing written: not even the log was created


@pytest.mark.parametrize(
    ("body", "kind", "status", "reason"),
    [
        (b"", "application/json", 422, "the body is empty"),
        (b"{nope", "application/json", 422, "invalid JSON: Expecting property name"),
        (b"[1]", "application/json", 422, "a line must be a JSON object"),
        (b"<event/>", "application/xml", 415, None),
    ],
)
def test_a_body_that_is_no_batch_is_refused(
    empty_log: tuple[TestClient, Path],
    tokens: Tokens,
    body: bytes,
    kind: str,
    status: int,
    reason: str | None,
) -> None:
    """Empty, not JSON, not objects, or another media type: a problem, nothing written."""
    client, db = empty_log
    response = client.post(
        "/events", content=body, headers={**tokens.of(Role.WRITER), "Content-Type": kind}
    )
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    if reason is not None:
        assert response.json()["errors"][0]["reason"].startswith(reason)
    assert not db.exists()


def round_trip(client: TestClient, tokens: Tokens, db: str) -> None:
    """Post a report and its assessment, read the case and R01 back, and find every read."""
    posted = client.post("/events", json=[REPORT, ASSESSED], headers=tokens.of(Role.WRITER))
    assert posted.json()["written"] == 2
    case = client.get(
        f"/cases/{CHILD}", params={"on": "2026-06-02"}, headers=tokens.of(Role.READER)
    ).json()
    assert [r["event_id"] for r in case["reports"]] == ["http-r1"]
    found = client.get(
        "/obligations",
        params={"on": "2026-06-02", "case": CHILD, "rule": "R01"},
        headers=tokens.of(Role.READER),
    ).json()["obligations"]
    assert [(o["rule_id"], o["status"]) for o in found] == [("R01", "met")]
    with open_log(db, actor="test") as log:
        assert log.case(CHILD, on=date(2026, 6, 2)).reports[0].event_id == "http-r1"
        reads = [(r.what, r.case_id, r.actor) for r in log.access_log()][:2]
    assert reads == [("case", CHILD, "sw-17"), ("obligations", CHILD, "sw-17")]
    assert stored(db) == {"http-r1": "lifecare", "http-a1": "lifecare"}


def test_post_then_read_back_on_sqlite(empty_log: tuple[TestClient, Path], tokens: Tokens) -> None:
    """A posted case reads back through the service and the library alike (SQLite)."""
    client, db = empty_log
    round_trip(client, tokens, f"sqlite:///{db}")


@pytest.mark.postgres
def test_post_then_read_back_on_postgresql(postgres_url: str, tokens: Tokens) -> None:
    """A posted case reads back through the service and the library alike (PostgreSQL)."""
    with client_of(create_app(postgres_url, tokens=tokens.file)) as client:
        round_trip(client, tokens, postgres_url)
