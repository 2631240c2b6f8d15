"""The README keeps its promises: two commands first, and an example that runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).parents[2] / "README.md"


def test_the_readme_starts_with_the_two_commands() -> None:
    """The first block holds the test command (what .ci/run runs) and the demo command."""
    first = re.search(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    assert first is not None
    commands = [line.split("#")[0].strip() for line in first.group(1).splitlines()]
    assert commands == ["./scripts/check", "./scripts/demo"]
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "./scripts/check" in ci


def test_the_readme_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """The Python example prints what its comments say."""
    (code,) = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - our own documentation
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "2019-11-09"
    assert "R03 overdue SOSFS 2014:4" in printed
