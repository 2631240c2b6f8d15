"""Reference documentation generated from the code, never hand-copied.

`python -m caselog.reference docs/` rewrites `docs/events.md` (the vocabulary) and
`docs/rules.md` (the rule registry); tests fail when either is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from caselog.reference.events import attribute_docs, events_markdown
from caselog.reference.rules import rules_markdown

__all__ = ["attribute_docs", "events_markdown", "main", "rules_markdown"]


def main(argv: list[str] | None = None) -> None:
    """Write `events.md` and `rules.md` into the docs folder named (default `docs`)."""
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0] if args else "docs")
    for name, text in (("events.md", events_markdown()), ("rules.md", rules_markdown())):
        target = folder / name
        target.write_text(text, encoding="utf-8", newline="\n")
        sys.stdout.write(f"wrote {target}\n")
