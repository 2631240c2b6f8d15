"""Fixtures of the HTTP service's tests: tokens of each role, the app in-process, a real server.

In-process tests use starlette's `TestClient` over `create_app`; the client, load and
shutdown tests start `caselog serve` (uvicorn) as a subprocess on a free loopback port,
as a case system would meet it.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from starlette.exceptions import StarletteDeprecationWarning

from caselog.demo import DemoConfig, generate
from caselog.interchange import to_line
from caselog.service import Role, TokenFile
from caselog.service.app import create_app
from tests.conftest import DEMO_CHILDREN

with warnings.catch_warnings():
    # starlette prefers the `httpx2` fork for its test client; `httpx` (the dev group's)
    # works the same, and only this import warns about it.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

if TYPE_CHECKING:
    from collections.abc import Iterator

    from fastapi import FastAPI

CASELOG = Path(sys.executable).parent / "caselog"
DEMO_ON = "2026-06-30"
"""The last day of the shared demo municipality: every duty of it judged."""


@pytest.fixture(scope="session")
def demo_lines(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared demo municipality's events as JSON Lines, in registration order.

    What a case system would send, event by event: the same 40 children as `demo_log`.
    """
    path = tmp_path_factory.mktemp("lines") / "demo.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for batch in generate(DemoConfig(children=DEMO_CHILDREN)):
            out.writelines(to_line(event) + "\n" for event in batch.events)
    return path


@dataclass(frozen=True)
class Tokens:
    """A token file with one token per role, and the tokens in clear."""

    file: TokenFile
    writer: str
    reader: str
    inspector: str

    def of(self, role: Role) -> dict[str, str]:
        """The `Authorization` header of the token of `role`."""
        return bearer(getattr(self, role.value))


def bearer(token: str) -> dict[str, str]:
    """An `Authorization: Bearer` header."""
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def tokens(tmp_path: Path) -> Tokens:
    """A fresh token file: `lifecare` writes, `sw-17` reads, `ivo-3` inspects."""
    file = TokenFile(tmp_path / "service.tokens")
    return Tokens(
        file,
        writer=file.add("lifecare", Role.WRITER),
        reader=file.add("sw-17", Role.READER),
        inspector=file.add("ivo-3", Role.INSPECTOR),
    )


def client_of(app: FastAPI, *, raise_server_exceptions: bool = True) -> TestClient:
    """Starlette's test client of `app` (use it as a context manager: lifespan and all)."""
    return TestClient(app, raise_server_exceptions=raise_server_exceptions)


@pytest.fixture
def client(demo_copy: Path, tokens: Tokens) -> Iterator[TestClient]:
    """The app over a copy of the demo municipality, in-process."""
    with client_of(create_app(f"sqlite:///{demo_copy}", tokens=tokens.file)) as found:
        yield found


@pytest.fixture
def empty_log(tmp_path: Path, tokens: Tokens) -> Iterator[tuple[TestClient, Path]]:
    """The app over a new, empty SQLite log (created by the first write), and its path."""
    db = tmp_path / "new.db"
    with client_of(create_app(f"sqlite:///{db}", tokens=tokens.file)) as found:
        yield found, db


def free_port() -> int:
    """A TCP port free on the loopback interface now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    """A running `caselog serve`: its base URL and process."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> bool:
        """SIGTERM, as systemd stops it; whether it shut down gracefully.

        uvicorn finishes the requests in flight, runs the app's shutdown, then re-raises
        the signal, so a graceful stop ends by SIGTERM (which systemd counts as clean).
        """
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=60)
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return code in {0, -signal.SIGTERM} and "Application shutdown complete" in text


@contextmanager
def serving(db: str, tokens: Path, tmp: Path, *, pool: int = 4) -> Iterator[Server]:
    """`caselog serve` on a free loopback port, until the block ends (then SIGTERM)."""
    port = free_port()
    log = tmp / f"serve-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(CASELOG), "serve", "--db", db, "--port", str(port), "--tokens", str(tokens),
             "--pool", str(pool)],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if httpx.get(f"{server.url}/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        yield server
    finally:
        server.stop()
