"""`caselog serve` and `caselog token`: the HTTP service and its bearer tokens (issue 16)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.markup import escape

from caselog.cli.app import Db, app, consoles, open_or_exit
from caselog.service import Role, TokenFile, default_tokens_path
from caselog.service.tokens import TokenFileError
from caselog.storage import DEFAULT_URL

Tokens = Annotated[
    Path | None,
    typer.Option(
        "--tokens",
        metavar="FILE",
        help="The token file (default: $CASELOG_TOKENS, else <db>.tokens beside an SQLite log).",
        show_default=False,
    ),
]

token_app = typer.Typer(
    name="token",
    help="Bearer tokens of `caselog serve`: add, list, revoke.",
    no_args_is_help=True,
)
app.add_typer(token_app)


@app.command()
def serve(
    db: Db = None,
    host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="The TCP port.")] = 8000,
    tokens: Tokens = None,
    pool: Annotated[
        int, typer.Option(min=1, max=64, help="How many requests use the log at once.")
    ] = 4,
    shutdown_timeout: Annotated[
        int,
        typer.Option(
            min=1, metavar="SECONDS", help="How long a shutdown waits for requests in flight."
        ),
    ] = 60,
) -> None:
    """Serve the log over HTTP (JSON, OpenAPI at /openapi.json) until SIGTERM or Ctrl-C."""
    import uvicorn  # noqa: PLC0415 - the `service` extra, only for this command

    from caselog.service.app import create_app  # noqa: PLC0415 - ditto: FastAPI

    url = db or DEFAULT_URL
    if url in {"sqlite://", "sqlite:///:memory:"}:
        _refuse("an in-memory log would vanish with the service: give --db")
    path = _tokens_path(url, tokens)
    if not path.is_file():
        _refuse(f"no token file {path}: make one with `caselog token add --role … ACTOR`")
    with open_or_exit(url, "caselog-service"):
        pass  # the database answers (and the log is opened as it will be), or exit 2
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    logging.captureWarnings(capture=True)  # a reference-replay notice goes to the log, not a client
    config = uvicorn.Config(
        create_app(url, tokens=TokenFile(path), pool_size=pool),
        host=host,
        port=port,
        access_log=False,  # its lines hold paths and queries: case ids; ours do not
        timeout_graceful_shutdown=shutdown_timeout,
        log_config=None,
        proxy_headers=True,
        server_header=False,
    )
    uvicorn.Server(config).run()


@token_app.command("add")
def token_add(
    actor: Annotated[
        str, typer.Argument(metavar="ACTOR", help="Who the token's requests are recorded as.")
    ],
    role: Annotated[Role, typer.Option(help="What its requests may do.")],
    db: Db = None,
    tokens: Tokens = None,
) -> None:
    """Make a token for ACTOR in a role; it is printed once and kept only as a hash."""
    found = TokenFile(_tokens_path(db or DEFAULT_URL, tokens))
    try:
        token = found.add(actor, role)
    except ValueError as error:
        _refuse(str(error))
    consoles.err.print(
        f"token for {escape(actor)} ({role.value}) added to {found.path}; it is shown only now:",
        highlight=False,
    )
    sys.stdout.write(token + "\n")


@token_app.command("list")
def token_list(db: Db = None, tokens: Tokens = None) -> None:
    """List the tokens' actors and roles (never the tokens)."""
    found = TokenFile(_tokens_path(db or DEFAULT_URL, tokens))
    try:
        grants = found.grants()
    except TokenFileError as error:
        _refuse(str(error))
    for grant in grants:  # tab-separated, for scripts (rich would expand the tabs)
        sys.stdout.write(f"{grant.actor}\t{grant.role.value}\n")
    consoles.err.print(f"{len(grants)} token(s) in {found.path}", highlight=False)


@token_app.command("revoke")
def token_revoke(
    actor: Annotated[str, typer.Argument(metavar="ACTOR", help="Whose tokens to remove.")],
    db: Db = None,
    tokens: Tokens = None,
) -> None:
    """Remove every token of ACTOR; a running service refuses them at once."""
    found = TokenFile(_tokens_path(db or DEFAULT_URL, tokens))
    try:
        removed = found.revoke(actor)
    except TokenFileError as error:
        _refuse(str(error))
    if not removed:
        _refuse(f"no token of {actor!r} in {found.path}", code=1)
    consoles.out.print(f"revoked {removed} token(s) of {escape(actor)}", highlight=False)


def _tokens_path(url: str, given: Path | None) -> Path:
    try:
        return given or default_tokens_path(url)
    except TokenFileError as error:
        _refuse(str(error))


def _refuse(message: str, *, code: int = 2) -> NoReturn:
    consoles.err.print(f"[red]error:[/red] {escape(message)}", highlight=False)
    raise typer.Exit(code)
