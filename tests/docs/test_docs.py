"""The documentation: generated pages are current, and every example runs as shown.

Blocks in `docs/*.md` are executed per page, in order, in one namespace and one temporary
working directory:

* ```` ```python ```` blocks run; those with `>>>` prompts run under `doctest`, so printed
  output is checked (```` ```python no-run ```` is skipped);
* ```` ```jsonl file=NAME ```` (any language with `file=`) writes the block to `NAME`;
* ```` ```console ```` blocks hold `$ caselog …` commands, each followed by its expected
  output (`...` matches anything), run through typer's `CliRunner`.
"""

from __future__ import annotations

import doctest
import io
import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer.main
from rich.console import Console
from typer.testing import CliRunner, Result

import caselog.errors
from caselog import cli
from caselog.api import CaseLog, open_log
from caselog.cli.app import consoles
from caselog.errors import IngestRejectedError
from caselog.events import EVENT_CLASSES, EVENT_TYPES, event_adapter
from caselog.events.examples import EXAMPLE_TAGS, example
from caselog.interchange import LOG_ASSIGNED, input_schema
from caselog.reference import events_markdown

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = sorted(DOCS.glob("*.md"))
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE | doctest.REPORT_ONLY_FIRST_FAILURE
_FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Block:
    """One fenced block of a page: its info string, its text and where it starts."""

    info: str
    text: str
    line: int

    @property
    def language(self) -> str:
        """The first word of the info string (`python`, `console`, `json` …)."""
        return self.info.split()[0] if self.info.split() else ""

    @property
    def options(self) -> dict[str, str]:
        """The words after the language: `file=bad.jsonl` → {"file": "bad.jsonl"}."""
        options: dict[str, str] = {}
        for word in self.info.split()[1:]:
            key, _, value = word.partition("=")
            options[key] = value
        return options


def blocks(page: Path) -> list[Block]:
    """The fenced blocks of a Markdown page, in order."""
    text = page.read_text(encoding="utf-8")
    return [
        Block(match[1].strip(), match[2], text.count("\n", 0, match.start()) + 1)
        for match in _FENCE.finditer(text)
    ]


def run_cli(args: list[str]) -> Result:
    """Run `caselog ARGS` as a shell in a pipe would: no colour, 80 columns, no env."""
    env = {"CASELOG_URL": None, "CASELOG_ACTOR": None, "CASELOG_PURPOSE": None}
    result = CliRunner().invoke(cli.app, args, env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def console_commands(block: Block) -> list[tuple[str, str]]:
    """Split a console block into (command, expected output) pairs."""
    pairs: list[tuple[str, list[str]]] = []
    for text in block.text.splitlines():
        if text.startswith("$ "):
            pairs.append((text[2:], []))
        else:
            assert pairs, f"line {block.line}: console output before any `$ ` command"
            pairs[-1][1].append(text)
    return [(command, "".join(f"{out}\n" for out in output)) for command, output in pairs]


def check_console(block: Block, where: str) -> None:
    """Run every command of a console block and compare its output with the page."""
    checker = doctest.OutputChecker()
    for command, want in console_commands(block):
        args = shlex.split(command)
        assert args[0] == "caselog", f"{where}: only caselog commands run: {command}"
        got = run_cli(args[1:]).output
        if not checker.check_output(want, got, doctest.ELLIPSIS):
            example = doctest.Example(command, want)
            diff = checker.output_difference(example, got, doctest.ELLIPSIS)
            pytest.fail(f"{where}: `{command}` printed something else:\n{diff}")


def run_page(page: Path) -> list[str]:
    """Run a page's blocks in order in the current directory; return doctest failures."""
    namespace: dict[str, Any] = {"__name__": f"docs.{page.stem}"}
    report = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    parser = doctest.DocTestParser()
    try:
        for block in blocks(page):
            where = f"{page.name}:{block.line}"
            if "file" in block.options:
                Path(block.options["file"]).write_text(block.text, encoding="utf-8")
            elif block.language == "console":
                check_console(block, where)
            elif block.language != "python" or "no-run" in block.options:
                continue
            elif ">>>" in block.text:
                test = parser.get_doctest(block.text, namespace, where, str(page), block.line)
                runner.run(test, out=report.write, clear_globs=False)
                namespace.update(test.globs)
                if runner.failures:  # later blocks build on this one: stop here
                    break
            else:
                exec(compile(block.text, where, "exec"), namespace)  # noqa: S102
    finally:
        for value in namespace.values():
            if isinstance(value, CaseLog):
                value.close()
    return [report.getvalue()] if runner.failures else []


@pytest.fixture(autouse=True)
def _plain_consoles(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Run in a fresh directory, with the CLI's consoles as in a pipe: 80 columns."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(consoles, "out", Console(width=80, color_system=None))
    monkeypatch.setattr(consoles, "err", Console(stderr=True, width=80, color_system=None))


def test_events_md_is_generated_from_the_code() -> None:
    """docs/events.md is exactly what `caselog.reference` renders from the vocabulary."""
    current = (DOCS / "events.md").read_text(encoding="utf-8")
    assert current == events_markdown(), (
        "docs/events.md is stale: run `python -m caselog.reference docs/`"
    )


def test_every_event_type_has_exactly_one_valid_example_in_events_md() -> None:
    """Each ```json block of events.md validates, and each event type has one."""
    tags = []
    for block in blocks(DOCS / "events.md"):
        if block.language == "json":
            event = event_adapter.validate_json(block.text)
            assert block.text.strip() == json.dumps(example(event.type), ensure_ascii=False)
            tags.append(event.type)
    assert sorted(tags) == sorted(EVENT_TYPES)
    assert sorted(EXAMPLE_TAGS) == sorted(EVENT_TYPES)


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_every_example_on_the_page_runs_as_shown(page: Path) -> None:
    """The Python, file and console blocks of a page run in order and print what it shows."""
    failures = run_page(page)
    assert not failures, "\n".join(failures)


def test_the_pages_have_examples_that_run() -> None:
    """The tutorial pages hold runnable examples (a typo in a fence would skip them)."""
    for name in ("getting-started.md", "time.md", "ingest.md", "storage.md", "errors.md"):
        runnable = [b for b in blocks(DOCS / name) if b.language in {"python", "console"}]
        assert runnable, f"{name} has no runnable example"
        assert not [b for b in runnable if "no-run" in b.options], f"{name} skips one"


def _doc_errors(page: Path) -> tuple[Block, list[str]]:
    """The bad input file of a page and the problems its console output lists."""
    found = blocks(page)
    bad = next(b for b in found if b.options.get("file") == "bad.jsonl")
    output = next(
        want
        for b in found
        if b.language == "console"
        for command, want in console_commands(b)
        if command == "caselog ingest bad.jsonl"
    )
    return bad, [text.strip() for text in output.splitlines() if text.startswith("  ")]


def test_the_ingest_error_examples_are_the_real_messages(tmp_path: Path) -> None:
    """ingest.md's rejected file gets exactly the problems the page lists, API and CLI."""
    bad, listed = _doc_errors(DOCS / "ingest.md")
    assert listed, "ingest.md lists no errors for bad.jsonl"
    path = tmp_path / "bad.jsonl"
    path.write_text(bad.text, encoding="utf-8")
    with open_log("sqlite://", actor="docs") as log, pytest.raises(IngestRejectedError) as caught:
        log.ingest(path)
    assert [str(problem) for problem in caught.value.errors] == listed
    result = run_cli(["ingest", str(path), "--db", f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code == 1
    assert result.output.splitlines()[1:] == [f"  {text}" for text in listed]


def test_caselog_schema_prints_the_published_input_schema() -> None:
    """`caselog schema` prints input_schema(), whose events require ids and omit log fields."""
    result = run_cli(["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema == input_schema()
    names = {cls.__name__: cls for cls in EVENT_CLASSES}
    for name, definition in schema["$defs"].items():
        assert not set(LOG_ASSIGNED) & set(definition.get("properties", {})), name
        if name in names:
            assert {"event_id", "type"} <= set(definition["required"]), name
    for tag in EXAMPLE_TAGS:
        definition = schema["$defs"][EVENT_TYPES[tag].__name__]
        line = example(tag)
        assert set(line) <= set(definition["properties"]), tag
        assert set(definition["required"]) <= set(line), tag
        assert definition["properties"]["type"]["const"] == line["type"]


def test_errors_md_draws_the_tree_of_errors_py() -> None:
    """The error tree on errors.md is the one in caselog.errors' docstring."""
    tree = (caselog.errors.__doc__ or "").split("```")[1].strip("\n")
    drawn = [b.text.strip("\n") for b in blocks(DOCS / "errors.md") if b.language == "text"]
    assert drawn[0] == tree


def test_cli_md_documents_every_command_and_option() -> None:
    """cli.md has a section per command naming each of its options, and no others."""
    group = typer.main.get_group(cli.app)
    sections = re.split(r"^## ", (DOCS / "cli.md").read_text(encoding="utf-8"), flags=re.MULTILINE)
    documented = {
        section.split("\n", 1)[0].removeprefix("`caselog ").rstrip("`"): section
        for section in sections[1:]
        if section.startswith("`caselog ")
    }
    assert sorted(documented) == sorted(group.commands)
    for name, command in group.commands.items():
        for param in command.params:
            for option in [*param.opts, *param.secondary_opts]:
                if option.startswith("-") and option != "--help":
                    assert f"`{option}" in documented[name], f"{name}: {option}"


_LINK = re.compile(r"\]\(([^)\s]+)\)")


def anchors(page: Path) -> set[str]:
    """The anchors of a page's headings, as GitHub and MkDocs make them."""
    return {
        re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        for heading in re.findall(r"^#+ (.+)$", page.read_text(encoding="utf-8"), re.MULTILINE)
    }


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_links_between_pages_resolve(page: Path) -> None:
    """Every relative link of a page names an existing page and heading."""
    for target in _LINK.findall(page.read_text(encoding="utf-8")):
        if "://" in target:
            continue
        name, _, anchor = target.partition("#")
        linked = DOCS / name if name else page
        assert linked.is_file(), f"{page.name}: no page {name}"
        assert not anchor or anchor in anchors(linked), f"{page.name}: no #{anchor} in {name}"
