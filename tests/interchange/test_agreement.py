"""One schema, accepted everywhere (issue 12): three judges, one verdict per line.

The library (`parse_line`), Python `jsonschema` (Draft 2020-12, format checks on) and ajv
(the JavaScript world's validator, in strict mode, with ajv-formats) judge the whole
corpus — near misses, examples, edge cases and every documented line — against
`caselog schema` and `caselog schema --historical`, and must agree on every line.

ajv runs under node (`tests/interchange/ajv_verdicts.mjs`, from `npm ci` at the repository
root). Without node or ajv the ajv tests skip, except in CI (`CI=true`), where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, Final

import pytest
from jsonschema import Draft202012Validator

from caselog.events.examples import example
from caselog.interchange import ParsedLine, input_schema, parse_line
from tests.interchange.corpus import (
    Case,
    documented,
    edge_accepts,
    examples,
    is_documented_error,
    near_misses,
)

ROOT: Final = Path(__file__).resolve().parents[2]
SCRIPT: Final = Path(__file__).with_name("ajv_verdicts.mjs")
CASES: Final = [*near_misses(), *examples(), *edge_accepts(), *documented()]
FORMATS: Final = Draft202012Validator.FORMAT_CHECKER
VALIDATORS: Final = {
    historical: Draft202012Validator(input_schema(historical=historical), format_checker=FORMATS)
    for historical in (False, True)
}


def library_accepts(case: Case) -> bool:
    """The library's verdict: `parse_line` returns an event."""
    return isinstance(parse_line(case.line, 1, historical=case.historical), ParsedLine)


def jsonschema_errors(case: Case) -> list[str] | None:
    """Python `jsonschema`'s errors with a line (None: the line is not JSON)."""
    try:
        data = json.loads(case.line)
    except json.JSONDecodeError:
        return None
    return [error.message for error in VALIDATORS[case.historical].iter_errors(data)]


def expected(case: Case) -> bool | None:
    """The verdict a case must get: refused (near miss), accepted, or either (docs errors)."""
    if case.field is not None:
        return False
    return None if case.name.startswith("docs:") and is_documented_error(case) else True


def _node_missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed (.ci/run installs it)"
    if (
        not (ROOT / "node_modules" / "ajv").is_dir()
        or not (ROOT / "node_modules" / "ajv-formats").is_dir()
    ):
        return "ajv is not installed: run `npm ci` at the repository root"
    return None


def run_ajv(schema: dict[str, Any], lines: list[str], tmp: Path) -> dict[str, Any]:
    """Ajv's output for `lines` against `schema` (see ajv_verdicts.mjs)."""
    if (reason := _node_missing()) is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run ajv: {reason}")
        pytest.skip(reason)
    schema_file, lines_file = tmp / "schema.json", tmp / "lines.jsonl"
    schema_file.write_text(json.dumps(schema), encoding="utf-8")
    lines_file.write_text("\n".join(lines), encoding="utf-8")
    node = shutil.which("node") or "node"
    done = subprocess.run(
        [node, str(SCRIPT), str(schema_file), str(lines_file)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode in {0, 2}, done.stderr
    output: dict[str, Any] = json.loads(done.stdout)
    return output


@pytest.fixture(scope="module")
def ajv_verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Ajv's verdict on every case, by name."""
    verdicts: dict[str, dict[str, Any]] = {}
    for historical in (False, True):
        cases = [case for case in CASES if case.historical == historical]
        output = run_ajv(
            input_schema(historical=historical),
            [case.line for case in cases],
            tmp_path_factory.mktemp("ajv"),
        )
        assert "compile_error" not in output, output
        verdicts.update(zip([case.name for case in cases], output["verdicts"], strict=True))
    return verdicts


def test_the_corpus_is_what_issue_12_asks_for() -> None:
    """At least 100 near misses, every example both ways, every documented line."""
    assert len([case for case in CASES if expected(case) is False]) >= 100
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_library_and_jsonschema_agree(case: Case) -> None:
    """Python `jsonschema` (format checks on) gives the library's verdict on each line."""
    errors = jsonschema_errors(case)
    schema_accepts = errors == []
    assert schema_accepts == library_accepts(case), errors
    if (verdict := expected(case)) is not None:
        assert schema_accepts == verdict


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_library_and_ajv_agree(case: Case, ajv_verdicts: dict[str, dict[str, Any]]) -> None:
    """Ajv in strict mode gives the library's verdict on each line."""
    verdict = ajv_verdicts[case.name]
    assert verdict["valid"] == library_accepts(case), verdict["errors"]


def test_ajv_compiles_both_schemas_in_strict_mode(tmp_path: Path) -> None:
    """Strict ajv refuses unknown keywords, loose types and ignored keywords: none here."""
    for historical in (False, True):
        output = run_ajv(input_schema(historical=historical), [], tmp_path)
        assert "compile_error" not in output, output


def test_a_mistyped_type_is_one_clear_error_in_both_validators(tmp_path: Path) -> None:
    """One error naming `type`, in the line and in a correction's replacement."""
    line = {**example("report_received"), "type": "report_recieved"}
    correction = example("event_corrected")
    correction["replacement"] = {**correction["replacement"], "type": "report_recieved"}
    for data, path in ((line, ["type"]), (correction, ["replacement", "type"])):
        errors = list(VALIDATORS[False].iter_errors(data))
        assert [list(error.absolute_path) for error in errors] == [path]
        assert "'report_recieved' is not one of ['case_file_opened'," in errors[0].message
    output = run_ajv(input_schema(), [json.dumps(line), json.dumps(correction)], tmp_path)
    typo, in_replacement = (verdict["errors"] for verdict in output["verdicts"])
    assert typo == [{"path": "/type", "message": "must be equal to one of the allowed values"}]
    # ajv also reports the `then` of the correction's own type as failed, as it does for
    # any error inside an event: a pointer to the line, not a second finding.
    assert in_replacement == [
        {"path": "/replacement/type", "message": "must be equal to one of the allowed values"},
        {"path": "", "message": 'must match "then" schema'},
    ]


def test_a_wrong_value_is_one_error_naming_its_field() -> None:
    """A near miss in one field is one jsonschema error at that field, not one per type."""
    for case in near_misses():
        if case.field and case.name.split(":")[0] in {"boolean", "integer", "date", "enum"}:
            errors = list(VALIDATORS[case.historical].iter_errors(json.loads(case.line)))
            paths = {".".join(map(str, error.absolute_path)) for error in errors}
            assert paths == {case.field}, (case.name, [e.message for e in errors])


def test_the_documented_historical_lines_are_valid_historical_lines() -> None:
    """ingest.md's four lines with a time zone validate against `--historical` only."""
    lines = [case for case in documented() if case.name.startswith("docs:ingest.md:")]
    historical = [case for case in lines if case.historical]
    valid = [case for case in historical if library_accepts(case)]
    assert len(valid) >= 4
    for case in valid:
        data = json.loads(case.line)
        assert VALIDATORS[True].is_valid(data), case.name
        assert not VALIDATORS[False].is_valid(data), case.name


def test_what_the_schema_cannot_say_is_only_the_subject_ids_of_a_replacement() -> None:
    """JSON Schema cannot compare two values: ingest alone refuses a moved replacement."""
    moved = example("event_corrected")
    moved["replacement"] = {**moved["replacement"], "child_id": "c-2002"}
    case = Case("moved", json.dumps(moved))
    assert jsonschema_errors(case) == []
    problems = parse_line(case.line, 1)
    assert isinstance(problems, list)
    assert [str(problem) for problem in problems] == [
        "line 1: child_id must be the same on the correction and its replacement"
    ]
