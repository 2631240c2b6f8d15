"""The SQL examples of docs/analysis.md run against the demo municipality, as printed.

tests/docs/test_docs.py runs the page's Python examples (and checks their output); the
```` ```sql duckdb ```` and ```` ```sql psql ```` blocks are run here: each DuckDB block
through `caselog.api.duckdb.connect` on the shared demo log, each psql block by
`/usr/bin/psql` itself on the demo log moved to PostgreSQL. Both must answer, and the
first question (reports per month) must give caselog's own count in both.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Final

import pytest

import caselog
from caselog.api.duckdb import connect
from caselog.events import ReportReceived
from caselog.projections.as_of import corrected_facts

if TYPE_CHECKING:
    from collections.abc import Iterator

PAGE: Final = Path(__file__).resolve().parents[2] / "docs" / "analysis.md"
_FENCE: Final = re.compile(r"^```sql (duckdb|psql)\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
PSQL: Final = shutil.which("psql") or "/usr/bin/psql"


def sql_blocks(dialect: str) -> list[str]:
    """The page's SQL blocks for `dialect`, in order."""
    text = PAGE.read_text(encoding="utf-8")
    return [match[2] for match in _FENCE.finditer(text) if match[1] == dialect]


def reports_by_month(demo_log: Path) -> dict[str, int]:
    """Caselog's own count of reports of concern per month of receipt, as known now."""
    with caselog.open(f"sqlite:///{demo_log}", actor="analyst") as log:
        facts = corrected_facts(list(log.events()))
    return dict(
        Counter(
            f.event.occurred_on.strftime("%Y-%m-01")
            for f in facts
            if isinstance(f.event, ReportReceived)
        )
    )


def test_the_page_has_sql_for_both() -> None:
    """A typo in a fence would skip a block: the page holds four of each."""
    assert len(sql_blocks("duckdb")) == 4
    assert len(sql_blocks("psql")) == 4


@pytest.mark.parametrize("number", range(4))
def test_each_duckdb_block_answers_on_the_demo_log(demo_log: Path, number: int) -> None:
    """Every DuckDB example runs on the demo log and finds rows.

    Read as Arrow, which, unlike Python objects, needs no pytz for a TIMESTAMPTZ.
    """
    con = connect(demo_log)
    try:
        table = con.execute(sql_blocks("duckdb")[number]).to_arrow_table()
    finally:
        con.close()
    assert table.num_rows > 0


def test_duckdb_counts_reports_as_caselog_does(demo_log: Path) -> None:
    """The first DuckDB example's monthly counts are caselog's own."""
    con = connect(demo_log)
    try:
        rows = con.execute(sql_blocks("duckdb")[0]).fetchall()
    finally:
        con.close()
    assert {month.strftime("%Y-%m-01"): n for month, n in rows} == reports_by_month(demo_log)


@pytest.fixture(scope="module")
def demo_on_postgres(
    demo_log: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """The demo log moved to PostgreSQL (export, historical ingest): (database URL, schema)."""
    import uuid  # noqa: PLC0415

    import psycopg  # noqa: PLC0415
    from psycopg import sql  # noqa: PLC0415

    from tests.conftest import POSTGRES_URL, postgres_available  # noqa: PLC0415

    reason = postgres_available()
    if reason is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {reason}")
        pytest.skip(reason)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    folder = tmp_path_factory.mktemp("psql")
    previous = os.environ.get("CASELOG_KEY_STORE")
    os.environ["CASELOG_KEY_STORE"] = str(folder / "postgres.keys")
    exported = folder / "demo.jsonl"
    try:
        with caselog.open(f"sqlite:///{demo_log}", actor="analyst") as log:
            log.export(exported, personal=True)
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        with caselog.open(f"{POSTGRES_URL}?schema={schema}", actor="analyst") as log:
            log.ingest(exported, historical=True)
        yield POSTGRES_URL, schema
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
        if previous is None:
            os.environ.pop("CASELOG_KEY_STORE", None)
        else:
            os.environ["CASELOG_KEY_STORE"] = previous


def run_psql(url: str, schema: str, query: str, tmp_path: Path) -> list[list[str]]:
    """Run `query` with psql from a file, as the page says; its rows (unaligned)."""
    file = tmp_path / "query.sql"
    file.write_text(query, encoding="utf-8")
    env = {**os.environ, "PGOPTIONS": f"-c search_path={schema}"}
    done = subprocess.run(
        [PSQL, url, "-X", "-v", "ON_ERROR_STOP=1", "-A", "-t", "-F", "|", "-f", str(file)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return [line.split("|") for line in done.stdout.splitlines() if line]


@pytest.mark.postgres
@pytest.mark.parametrize("number", range(4))
def test_each_psql_block_answers_on_the_demo_log(
    demo_on_postgres: tuple[str, str], number: int, tmp_path: Path
) -> None:
    """Every psql example runs, through psql itself, on the demo log in PostgreSQL."""
    url, schema = demo_on_postgres
    assert run_psql(url, schema, sql_blocks("psql")[number], tmp_path)


@pytest.mark.postgres
def test_psql_counts_reports_as_caselog_does(
    demo_on_postgres: tuple[str, str], demo_log: Path, tmp_path: Path
) -> None:
    """The first psql example's monthly counts are caselog's own."""
    url, schema = demo_on_postgres
    rows = run_psql(url, schema, sql_blocks("psql")[0], tmp_path)
    assert {month: int(n) for month, n in rows} == reports_by_month(demo_log)
