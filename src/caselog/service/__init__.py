"""`caselog serve`: the `CaseLog` façade as an HTTP service, for case systems in any language.

`caselog.service.app.create_app(url, tokens=TokenFile(path))` is the ASGI app (FastAPI,
the `service` extra); `caselog serve` runs it with uvicorn, and `caselog token add` makes
its bearer tokens. The OpenAPI document is generated from the models and published as
docs/openapi.json; see docs/service.md. This package's top level imports no web
framework, so the command line works without the extra.
"""

from __future__ import annotations

from caselog.service.tokens import Grant, Role, TokenFile, default_tokens_path

__all__ = ["Grant", "Role", "TokenFile", "default_tokens_path"]
