"""Never a clean answer to a wrong question, and logs without personal data.

A database that cannot be reached is 503, never an empty 200; a log nothing was written to
is 503 for reads (a mistyped path must not answer "no duties") while `/health` stays up;
each request is one JSON log line naming its route template, never its case id.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

import pytest

from caselog.service import Role
from caselog.service.app import create_app
from tests.service.conftest import Tokens, client_of, free_port

if TYPE_CHECKING:
    from pathlib import Path

    from starlette.testclient import TestClient


def test_a_lost_database_is_503_never_an_empty_answer(tokens: Tokens) -> None:
    """Nothing answers at the PostgreSQL address: every read and write and /health is 503."""
    url = f"postgresql://postgres:postgres@127.0.0.1:{free_port()}/caselog"
    with client_of(create_app(url, tokens=tokens.file)) as client:
        for method, path, role in [
            ("GET", "/obligations", Role.READER),
            ("GET", "/cases/c-1", Role.READER),
            ("GET", "/stats", Role.INSPECTOR),
            ("GET", "/verify", Role.INSPECTOR),
            ("POST", "/events", Role.WRITER),
            ("GET", "/health", None),
        ]:
            headers = {} if role is None else tokens.of(role)
            response = client.request(method, path, headers=headers, json=[])
            assert response.status_code == 503, (path, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["type"] == "urn:caselog:storage"


def test_a_log_not_yet_written_answers_no_read(tmp_path: Path, tokens: Tokens) -> None:
    """Reads of a log nothing was written to are 503 naming it; /health is ok; nothing made."""
    db = tmp_path / "typo.db"
    with client_of(create_app(f"sqlite:///{db}", tokens=tokens.file)) as client:
        response = client.get("/obligations", headers=tokens.of(Role.READER))
        assert response.status_code == 503
        assert "no log at" in response.json()["detail"]
        assert client.get("/health").json()["status"] == "ok"
    assert not db.exists()


def test_each_request_logs_one_line_without_the_case_id(
    client: TestClient, tokens: Tokens, caplog: pytest.LogCaptureFixture
) -> None:
    """The route template, status, actor and timing; no path, query, body or token."""
    with caplog.at_level(logging.INFO, logger="caselog.service.requests"):
        response = client.get(
            "/cases/child-000007", params={"on": "2026-06-30"}, headers=tokens.of(Role.READER)
        )
        client.get("/stats")
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name.endswith("requests")]
    assert [(x["method"], x["route"], x["status"], x["actor"], x["role"]) for x in lines] == [
        ("GET", "/cases/{case_id}", 200, "sw-17", "reader"),
        ("GET", "/stats", 401, None, None),
    ]
    assert lines[0]["request_id"] == response.headers["x-request-id"]
    assert isinstance(lines[0]["ms"], float)
    text = caplog.text
    assert "child-000007" not in text
    assert tokens.reader not in text
    assert "2026-06-30" not in text


def test_a_write_logs_how_many_events_it_appended(
    empty_log: tuple[TestClient, Path], tokens: Tokens, caplog: pytest.LogCaptureFixture
) -> None:
    """A write's line counts the events written, never their content."""
    client, _ = empty_log
    event = {
        "type": "report_received", "event_id": "log-r1", "occurred_on": "2026-06-01",
        "actor": "sw-17", "child_id": "c-secret", "reporter_category": "school",
        "mandatory_reporter": True,
    }  # fmt: skip
    with caplog.at_level(logging.INFO, logger="caselog.service.requests"):
        client.post("/events", json=event, headers=tokens.of(Role.WRITER))
    (line,) = [json.loads(r.getMessage()) for r in caplog.records if r.name.endswith("requests")]
    assert (line["route"], line["status"], line["events_written"]) == ("/events", 200, 1)
    assert "c-secret" not in caplog.text


def test_an_unexpected_error_is_a_500_problem_that_says_nothing_more(
    tmp_path: Path, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug answers 500 as a problem, without its message or traceback, and is logged."""
    app = create_app(f"sqlite:///{tmp_path / 'x.db'}", tokens=tokens.file)

    def broken() -> None:
        msg = "child c-secret"
        raise RuntimeError(msg)

    monkeypatch.setattr(app.state.pool, "log", broken)
    with client_of(app, raise_server_exceptions=False) as client:
        response = client.get("/stats", headers=tokens.of(Role.READER))
    assert response.status_code == 500
    assert response.json() == {
        "type": "urn:caselog:internal", "title": "The service failed", "status": 500,
        "detail": "an unexpected error; nothing more is said",
    }  # fmt: skip
