"""Write the service's OpenAPI document: `python -m caselog.service docs/openapi.json`."""

from __future__ import annotations

import sys
from pathlib import Path

from caselog.service.app import create_app
from caselog.service.openapi import document_text
from caselog.service.tokens import TokenFile


def published() -> str:
    """The OpenAPI document as docs/openapi.json holds it (no log or token file is opened)."""
    return document_text(create_app("sqlite://", tokens=TokenFile(Path(".tokens"))))


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(published(), encoding="utf-8")
