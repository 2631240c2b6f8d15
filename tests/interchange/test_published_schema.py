"""The published schemas in `docs/schema/` are generated from the code and current.

Like `docs/events.md`, the files are regenerated, never edited: `python -m
caselog.events.publish docs/schema`. A change to what the schema accepts must also add a
version, with its changelog line, to `caselog.events.schema.SCHEMA_VERSIONS`.
"""

from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from caselog import cli
from caselog.events.schema import (
    SCHEMA_VERSION,
    SCHEMA_VERSIONS,
    published_files,
    schema_digest,
    schema_text,
)
from caselog.interchange import input_schema

FOLDER = Path(__file__).resolve().parents[2] / "docs" / "schema"


def test_every_change_to_the_schema_is_a_new_version() -> None:
    """The digest of what the schemas accept is the latest version's."""
    digest = schema_digest()
    latest = SCHEMA_VERSIONS[-1]
    assert latest.digest == digest, (
        f"the input schema changed: add SchemaVersion({latest.number + 1}, {digest!r}, "
        "'<what changed>') to caselog.events.schema.SCHEMA_VERSIONS, then run "
        "`python -m caselog.events.publish docs/schema`"
    )


def test_versions_count_up_with_distinct_digests() -> None:
    """Versions are 1, 2, …; each has its own changelog line and digest."""
    assert [version.number for version in SCHEMA_VERSIONS] == list(
        range(1, len(SCHEMA_VERSIONS) + 1)
    )
    digests = [version.digest for version in SCHEMA_VERSIONS if version.digest is not None]
    assert len(set(digests)) == len(digests)
    assert all(version.change for version in SCHEMA_VERSIONS)
    assert SCHEMA_VERSIONS[-1].number == SCHEMA_VERSION


def test_the_published_files_are_current() -> None:
    """docs/schema/ holds exactly what `published_files()` generates."""
    for name, text in published_files().items():
        path = FOLDER / name
        assert path.is_file(), (
            f"docs/schema/{name} is missing: run python -m caselog.events.publish"
        )
        assert path.read_text(encoding="utf-8") == text, (
            f"docs/schema/{name} is stale: run `python -m caselog.events.publish docs/schema`"
        )


def test_the_changelog_has_a_line_per_version() -> None:
    """CHANGELOG.md lists every version, newest first, with its digest."""
    lines = [
        line
        for line in (FOLDER / "CHANGELOG.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("- **v")
    ]
    assert [line.split("**")[1] for line in lines] == [
        f"v{version.number}" for version in reversed(SCHEMA_VERSIONS)
    ]


def test_the_published_schemas_are_valid_draft_2020_12_schemas() -> None:
    """Both files pass the Draft 2020-12 meta-schema and are `input_schema()`."""
    for historical, name in ((False, "caselog-event"), (True, "caselog-event-historical")):
        schema = json.loads((FOLDER / f"v{SCHEMA_VERSION}" / f"{name}.schema.json").read_text())
        Draft202012Validator.check_schema(schema)
        assert schema == input_schema(historical=historical)


def test_caselog_schema_prints_the_published_files() -> None:
    """`caselog schema` and `caselog schema --historical` print the two files, byte for byte."""
    runner = CliRunner()
    for args, historical in ((["schema"], False), (["schema", "--historical"], True)):
        result = runner.invoke(cli.app, args)
        assert result.exit_code == 0, result.output
        assert result.stdout == schema_text(historical=historical)
