"""`caselog export --format parquet|csv`: a date's frames as files that say what they answer.

Issue 14: each Parquet file carries its provenance (the log, its head as known then, the
date, the versions of caselog, the rules and the law, the settings' hash); the tables are
the API's frames; CSV opens in Excel in a Swedish locale; wrong questions are refused and
a failed export leaves nothing behind.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner, Result

from caselog.api import frame_export, open_log
from caselog.api.frame_export import FRAMES, PROVENANCE_FILE
from caselog.cli import app

if TYPE_CHECKING:
    from pathlib import Path

ON = "2019-10-01"
KNOWN_AT = datetime(2019, 10, 1, 21, 59, 59, 999999, tzinfo=UTC)  # the end of that day in Sweden
KEYS = (
    "log_id", "position", "head", "head_recorded_at", "on", "known_at", "case_id",
    "caselog_version", "rules", "law_versions", "settings_hash",
)  # fmt: skip


def run(*args: str) -> Result:
    """`caselog ARGS` as a user runs it."""
    return CliRunner().invoke(app, list(args), env={"CASELOG_URL": None, "CASELOG_ACTOR": "t"})


@pytest.fixture(scope="module")
def exported(demo_log: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's frames on 2019-10-01 as the records showed them that day, as Parquet."""
    out = tmp_path_factory.mktemp("export") / "frames"
    db = f"sqlite:///{demo_log}"
    result = run(
        "export", "--format", "parquet", "--on", ON, "--known-at", ON, "--db", db, str(out)
    )
    assert result.exit_code == 0, result.output
    return out


def test_every_parquet_file_carries_the_provenance(exported: Path, demo_log: Path) -> None:
    """The keys name the log and its head as known then, never the wall clock."""
    written = json.loads((exported / PROVENANCE_FILE).read_text(encoding="utf-8"))
    with open_log(f"sqlite:///{demo_log}", actor="t") as log:
        position, head, recorded_at = log.store.head_at(KNOWN_AT)
        assert log.store.head()[0] > position  # the log went on after that day
        assert written["log_id"] == log.store.log_id
    assert written["position"] == position
    assert written["head"] == head.hex()
    assert recorded_at is not None
    assert written["head_recorded_at"] == recorded_at.isoformat()
    assert written["on"] == ON
    assert datetime.fromisoformat(written["known_at"]) == KNOWN_AT
    assert written["law_versions"] == ["SoL (2001:453)", "LVU (1990:52)", "SoF (2001:937)"]
    for name in FRAMES:
        metadata = pq.read_schema(exported / f"{name}.parquet").metadata
        keys = {k.decode(): v.decode() for k, v in metadata.items()}
        assert set(KEYS) <= set(keys), name
        for key in KEYS:
            value = written[key]
            assert keys[key] == (value if isinstance(value, str) else json.dumps(value)), key
        assert written["rows"][name] == pq.read_metadata(exported / f"{name}.parquet").num_rows


def test_the_files_are_the_api_frames(exported: Path, demo_log: Path) -> None:
    """Obligations and cases read back equal the API's answers, schema and rows."""
    with open_log(f"sqlite:///{demo_log}", actor="t") as log:
        day = date.fromisoformat(ON)
        expected = {
            "obligations": log.obligations(on=day, known_at=KNOWN_AT).to_arrow(),
            "cases": log.cases(on=day, known_at=KNOWN_AT).to_arrow(),
        }
    for name, table in expected.items():
        read = pq.read_table(exported / f"{name}.parquet")
        assert read.replace_schema_metadata(None).equals(table.replace_schema_metadata(None))


def test_csv_for_excel_in_a_swedish_locale(demo_log: Path, tmp_path: Path) -> None:
    """`--excel`: a byte order mark, `;` between fields, the same rows as Parquet."""
    out = tmp_path / "csv"
    db = f"sqlite:///{demo_log}"
    result = run("export", "--format", "csv", "--excel", "--on", ON, "--db", db, str(out))
    assert result.exit_code == 0, result.output
    rows = json.loads((out / PROVENANCE_FILE).read_text(encoding="utf-8"))["rows"]
    for name in FRAMES:
        raw = (out / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), name
        header = raw[3:].split(b"\n", 1)[0].decode()
        assert header.count(";") >= 3, header
        assert "," not in header, header
        options = pa_csv.ParseOptions(delimiter=";")
        table = pa_csv.read_csv(out / f"{name}.csv", parse_options=options)
        assert table.num_rows == rows[name], name


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "parquet"], "give --on"),
        (["--format", "csv", "--on", ON, "-"], "give a directory"),
        (["--format", "parquet", "--on", ON, "--personal"], "never hold personal fields"),
        (["--format", "parquet", "--on", ON, "--excel"], "--excel is for --format csv"),
        (["--format", "parquet", "--on", "2019-13-01"], "not a date"),
        (["--format", "parquet", "--on", ON, "--case", "no-such-child"], "no case"),
        (["--format", "parquet", "--on", ON, "missing/parent/out"], "does not exist"),
    ],
)
def test_wrong_questions_are_refused(
    demo_log: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    """Each ends in its message and a non-zero exit, and writes nothing."""
    monkeypatch.chdir(tmp_path)
    target = [] if args[-1] in {"-", "missing/parent/out"} else ["out"]
    result = run("export", *args, "--db", f"sqlite:///{demo_log}", *target)
    assert result.exit_code != 0
    assert message in " ".join(result.output.split()), result.output
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.iterdir())


def test_a_failed_export_leaves_nothing(
    demo_log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure after the first files were written: none of them appears, no staging stays."""
    real = frame_export._write

    def failing(table: object, path: Path, *args: object, **kwargs: object) -> None:
        if path.stem == "timelines":
            raise OSError(28, "No space left on device")
        real(table, path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(frame_export, "_write", failing)
    with open_log(f"sqlite:///{demo_log}", actor="t") as log, pytest.raises(OSError, match="space"):
        log.export_frames(tmp_path / "out", on=date.fromisoformat(ON))
    assert list(tmp_path.iterdir()) == []
