"""Tested as its clients use it: a TypeScript client generated from the published document.

The round trip a live integration makes: `caselog serve` on a free loopback port, a
client typed by `openapi-typescript` from docs/openapi.json (generated now, so a route
change breaks `tsc`), posting the demo municipality through `openapi-fetch` and reading
the obligations back — the same answer `caselog compliance --all` gives over a log that
`caselog ingest` made of the same events.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caselog.cli import app
from caselog.service import Role, TokenFile
from tests.service.conftest import DEMO_ON, serving

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / "node_modules" / ".bin"


def build_client(into: Path) -> Path:
    """Generate the types from docs/openapi.json and compile the client with `tsc --strict`."""
    if shutil.which("node") is None or not (BIN / "tsc").exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true and no node or no `npm ci` (openapi-typescript, typescript)")
        pytest.skip("node and the npm devDependencies are needed (npm ci)")
    (into / "node_modules").symlink_to(ROOT / "node_modules")  # resolves openapi-fetch
    shutil.copy(Path(__file__).parent / "client" / "roundtrip.mts", into)
    subprocess.run(
        [BIN / "openapi-typescript", ROOT / "docs" / "openapi.json", "-o", into / "caselog.ts"],
        check=True, capture_output=True,
    )  # fmt: skip
    compiled = subprocess.run(
        [BIN / "tsc", "--strict", "--module", "nodenext", "--target", "es2022", "--lib", "es2022",
         "--types", "node", "--skipLibCheck", "--outDir", into / "build", into / "roundtrip.mts"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    return into / "build" / "roundtrip.mjs"


def test_a_typescript_client_posts_the_demo_and_reads_the_cli_s_answer(
    tmp_path: Path, demo_lines: Path
) -> None:
    """Posted by the generated client, the demo reads back as `caselog compliance` judges it."""
    client = build_client(tmp_path)
    tokens = TokenFile(tmp_path / "t.tokens")
    env = {
        **os.environ,
        "CASELOG_WRITER": tokens.add("lifecare", Role.WRITER),
        "CASELOG_READER": tokens.add("sw-17", Role.READER),
    }
    with serving(f"sqlite:///{tmp_path / 'served.db'}", tokens.path, tmp_path) as server:
        ran = subprocess.run(
            ["node", client, server.url, demo_lines, DEMO_ON],
            capture_output=True, text=True, env=env, check=False, timeout=120,
        )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    answer = json.loads(ran.stdout)
    lines = len(demo_lines.read_text(encoding="utf-8").splitlines())
    assert answer["posted"] == {"read": lines, "written": lines, "already_stored": 0}
    assert answer["refused"] == {
        "status": 403, "type": "urn:caselog:forbidden", "title": "The token's role may not do this"
    }  # fmt: skip

    cli_db = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner(env={"CASELOG_ACTOR": "cli"})
    assert runner.invoke(app, ["ingest", str(demo_lines), "--db", cli_db]).exit_code == 0
    judged = runner.invoke(
        app, ["compliance", "--on", DEMO_ON, "--all", "--format", "json", "--db", cli_db]
    )
    expected = json.loads(judged.stdout)
    assert len(expected) > 1000
    assert answer["obligations"] == expected
