"""`python -m caselog.events.publish [FOLDER]`: write the published schemas (`docs/schema`).

The files are `caselog.events.schema.published_files()`; a test fails when they are stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from caselog.events.schema import published_files


def write_published(folder: Path) -> list[Path]:
    """Write the current schema version's files and the changelog under `folder`."""
    written = []
    for name, text in published_files().items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="\n")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> None:
    """Write into the folder named (default `docs/schema`) and say what was written."""
    args = sys.argv[1:] if argv is None else argv
    for path in write_published(Path(args[0] if args else "docs/schema")):
        sys.stdout.write(f"wrote {path}\n")


if __name__ == "__main__":
    main()
