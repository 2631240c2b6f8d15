"""Who may do what: every route enforces its role, and a refused request leaves no trace.

writer: `POST /events`; reader: the reads of cases, timelines, obligations and stats;
inspector: a reader's reads plus `/verify` and exports; any token: `/schema`; no token:
`/health` and the OpenAPI document. The token file keeps hashes only, mode 0600.
"""

from __future__ import annotations

import json
import stat
from typing import TYPE_CHECKING, Final

import pytest
from typer.testing import CliRunner

from caselog.api import open_log
from caselog.cli import app
from caselog.service import Role, TokenFile, default_tokens_path
from caselog.service.tokens import TokenFileError, digest
from caselog.storage.access_log import access_store
from tests.service.conftest import DEMO_ON, Tokens, bearer

if TYPE_CHECKING:
    from pathlib import Path

    from starlette.testclient import TestClient

EVENT: Final = {
    "type": "report_received",
    "event_id": "http-r1",
    "occurred_on": "2026-06-01",
    "actor": "sw-17",
    "child_id": "child-http-1",
    "reporter_category": "school",
    "mandatory_reporter": True,
}
W, R, INSP = Role.WRITER, Role.READER, Role.INSPECTOR
ROUTES: Final[list[tuple[str, str, dict[str, str], frozenset[Role]]]] = [
    ("POST", "/events", {}, frozenset({W})),
    ("GET", "/cases/child-000007", {"on": DEMO_ON}, frozenset({R, INSP})),
    ("GET", "/cases/child-000007/timeline", {}, frozenset({R, INSP})),
    ("GET", "/obligations", {"on": DEMO_ON}, frozenset({R, INSP})),
    ("GET", "/obligations", {"Accept": "text/csv"}, frozenset({INSP})),
    ("GET", "/stats", {}, frozenset({R, INSP})),
    ("GET", "/verify", {}, frozenset({INSP})),
    ("GET", "/schema", {}, frozenset({W, R, INSP})),
]


def traces(db: Path) -> tuple[int, int]:
    """How many events and recorded reads the log holds."""
    with open_log(f"sqlite:///{db}", actor="test") as log:
        return log.store.count(), len(access_store(log.store).accesses())


def call(
    client: TestClient, method: str, path: str, extra: dict[str, str], auth: dict[str, str]
) -> int:
    """Send one request of the matrix; the status it got."""
    headers = {**auth, **{k: v for k, v in extra.items() if k == "Accept"}}
    params = {k: v for k, v in extra.items() if k != "Accept"}
    if method == "POST":
        response = client.post(path, json=EVENT, headers=headers)
    else:
        response = client.get(path, params=params, headers=headers)
    status: int = response.status_code
    return status


@pytest.mark.parametrize(
    ("method", "path", "extra", "admitted"),
    ROUTES,
    ids=[f"{m} {p}{' csv' if e.get('Accept') else ''}" for m, p, e, _ in ROUTES],
)
def test_each_route_admits_exactly_its_roles(
    client: TestClient,
    tokens: Tokens,
    demo_copy: Path,
    method: str,
    path: str,
    extra: dict[str, str],
    admitted: frozenset[Role],
) -> None:
    """No token or a wrong one: 401; a wrong role: 403, neither leaving a trace; else 200."""
    before = traces(demo_copy)
    assert call(client, method, path, extra, {}) == 401
    assert call(client, method, path, extra, bearer("caselog_not-a-token")) == 401
    for role in sorted(set(Role) - admitted):
        assert call(client, method, path, extra, tokens.of(role)) == 403, role
    assert traces(demo_copy) == before
    for role in sorted(admitted):
        assert call(client, method, path, extra, tokens.of(role)) == 200, role


def test_health_and_openapi_need_no_token(client: TestClient) -> None:
    """`/health` and `/openapi.json` answer anyone."""
    assert client.get("/health").status_code == 200
    assert client.get("/openapi.json").status_code == 200


def test_a_revoked_token_is_refused_at_once(client: TestClient, tokens: Tokens) -> None:
    """Revoking in the token file takes effect on the next request, without a restart."""
    assert client.get("/stats", headers=tokens.of(Role.READER)).status_code == 200
    assert tokens.file.revoke("sw-17") == 1
    assert client.get("/stats", headers=tokens.of(Role.READER)).status_code == 401
    added = tokens.file.add("sw-18", Role.READER)
    assert client.get("/stats", headers=bearer(added)).status_code == 200


def test_a_missing_token_file_is_503_not_a_silent_refusal(
    client: TestClient, tokens: Tokens
) -> None:
    """Without its token file the service cannot tell anyone in, and says so."""
    tokens.file.path.unlink()
    response = client.get("/stats", headers=tokens.of(Role.READER))
    assert response.status_code == 503
    assert response.json()["type"] == "urn:caselog:token-file"


def test_the_token_file_keeps_hashes_only_and_is_private(tokens: Tokens) -> None:
    """Mode 0600; each token's SHA-256, actor and role; never a token in clear."""
    text = tokens.file.path.read_text(encoding="utf-8")
    assert stat.S_IMODE(tokens.file.path.stat().st_mode) == 0o600
    for token in (tokens.writer, tokens.reader, tokens.inspector):
        assert token.startswith("caselog_")
        assert len(token) == len("caselog_") + 43  # 256 bits, URL-safe base64
        assert token not in text
        assert digest(token) in text
    entries = json.loads(text)["tokens"]
    assert [(e["actor"], e["role"]) for e in entries] == [
        ("lifecare", "writer"), ("sw-17", "reader"), ("ivo-3", "inspector"),
    ]  # fmt: skip
    assert tokens.file.grant_of(tokens.reader) is not None
    assert tokens.file.grant_of(tokens.reader[:-1]) is None


def test_an_actor_that_cannot_be_recorded_gets_no_token(tmp_path: Path) -> None:
    """A blank actor is refused: its reads could not be recorded."""
    with pytest.raises(ValueError, match="visible character"):
        TokenFile(tmp_path / "t").add(" ", Role.READER)
    assert not (tmp_path / "t").exists()


def test_a_malformed_token_file_is_refused(tmp_path: Path) -> None:
    """A token file that is not the service's is an error naming it, never an empty file."""
    (tmp_path / "t").write_text('{"tokens": [{"actor": "a"}]}', encoding="utf-8")
    with pytest.raises(TokenFileError, match="cannot be used"):
        TokenFile(tmp_path / "t").grants()


def test_the_default_token_file_lies_beside_an_sqlite_log(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`<db>.tokens`, or `$CASELOG_TOKENS`; PostgreSQL needs it named."""
    monkeypatch.delenv("CASELOG_TOKENS", raising=False)
    assert default_tokens_path("sqlite:///caselog.db").as_posix() == "caselog.db.tokens"
    with pytest.raises(TokenFileError, match="postgresql logs have no default"):
        default_tokens_path("postgresql://u@h/db")
    with pytest.raises(TokenFileError, match="sqlite logs have no default"):
        default_tokens_path("sqlite://")
    monkeypatch.setenv("CASELOG_TOKENS", str(tmp_path / "named"))
    assert default_tokens_path("postgresql://u@h/db") == tmp_path / "named"


def test_caselog_token_add_list_and_revoke(tmp_path: Path) -> None:
    """`token add` prints the token once (stdout); `list` shows roles; `revoke` removes."""
    runner, db = CliRunner(), f"sqlite:///{tmp_path / 'log.db'}"
    added = runner.invoke(app, ["token", "add", "--role", "writer", "lifecare", "--db", db])
    assert added.exit_code == 0, added.output
    token = added.stdout.strip()
    grant = TokenFile(tmp_path / "log.db.tokens").grant_of(token)
    assert grant is not None
    assert (grant.actor, grant.role) == ("lifecare", Role.WRITER)
    listed = runner.invoke(app, ["token", "list", "--db", db])
    assert listed.stdout == "lifecare\twriter\n"
    assert runner.invoke(app, ["token", "revoke", "lifecare", "--db", db]).exit_code == 0
    again = runner.invoke(app, ["token", "revoke", "lifecare", "--db", db])
    assert again.exit_code == 1
    assert "no token of 'lifecare'" in again.stderr
    wrong = runner.invoke(app, ["token", "add", "--role", "admin", "x", "--db", db])
    assert wrong.exit_code == 2


def test_caselog_serve_refuses_without_a_token_file_or_in_memory(tmp_path: Path) -> None:
    """A service nobody can call, or one whose log vanishes with it, is refused (exit 2)."""
    runner = CliRunner()
    missing = runner.invoke(app, ["serve", "--db", f"sqlite:///{tmp_path / 'log.db'}"])
    assert missing.exit_code == 2
    assert "no token file" in missing.stderr
    memory = runner.invoke(app, ["serve", "--db", "sqlite://"])
    assert memory.exit_code == 2
    assert "in-memory" in memory.stderr
