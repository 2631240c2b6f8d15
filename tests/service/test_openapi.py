"""The OpenAPI document holds: schemathesis drives every operation from it.

Generated requests (valid and invalid parameters, bodies of the documented shape) against
the app over a copy of the demo municipality, each with a token of a role the operation
admits: no response is a 500, and every status, media type, header and body is the one
the document declares. The published `docs/openapi.json` is the app's own document.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from caselog.service import Role, TokenFile
from caselog.service.__main__ import published
from caselog.service.app import SERVICE_ACTOR, create_app
from caselog.service.pool import LogPool

if TYPE_CHECKING:
    from collections.abc import Iterator

    from schemathesis import Case, CheckFunction

DOCS = Path(__file__).resolve().parents[2] / "docs"


APP = create_app("sqlite://", tokens=TokenFile(Path("unbound.tokens")))
"""The app under test; `bound` points it at a demo copy and a token file before the tests.

Loaded at import, as schemathesis' pytest integration wants (its `from_fixture` does not
run under pytest 9); the routes find the log and the tokens in `app.state` per request.
"""
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module")
def tokens_by_role(
    demo_log: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[Role, str]]:
    """Bind the app to a copy of the demo log and a token file; one token per role."""
    folder = tmp_path_factory.mktemp("fuzzed")
    for name in (demo_log.name, demo_log.name + ".keys", demo_log.name + ".key"):
        if (demo_log.parent / name).exists():
            shutil.copy2(demo_log.parent / name, folder / name)
    file = TokenFile(folder / "t.tokens")
    tokens = {role: file.add(f"fuzz-{role.value}", role) for role in Role}
    APP.state.pool = LogPool(f"sqlite:///{folder / demo_log.name}", actor=SERVICE_ACTOR, size=2)
    APP.state.tokens = file
    yield tokens
    APP.state.pool.close()


@schema.parametrize()
# A date beyond the read models' horizon is answered by the replay, with this notice: the
# service logs it (`caselog serve` captures warnings); the answer is the same.
@pytest.mark.filterwarnings("ignore::caselog.api.read_model.ReferenceNotice")
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_keeps_to_the_document(
    case: Case[Any], tokens_by_role: dict[Role, str]
) -> None:
    """No 500, and every response has a documented status, media type and body."""
    path, method = case.operation.path, case.method.upper()
    role = Role.WRITER if method == "POST" else Role.INSPECTOR
    headers = {} if path == "/health" else {"Authorization": f"Bearer {tokens_by_role[role]}"}
    # The body's schema is the events' envelope (D2): an envelope-valid event that lacks
    # its type's fields is refused by ingest, 422 with its problems, as documented.
    excluded: list[CheckFunction] = [positive_data_acceptance] if method == "POST" else []
    case.call_and_validate(headers=headers, excluded_checks=excluded)


def test_the_published_document_is_the_app_s() -> None:
    """docs/openapi.json is current (`python -m caselog.service docs/openapi.json`)."""
    assert json.loads((DOCS / "openapi.json").read_text(encoding="utf-8")) == json.loads(
        published()
    )
