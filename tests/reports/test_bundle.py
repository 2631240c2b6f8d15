"""`caselog bundle` and `verify-bundle`: the same log gives the same bytes; any change is found."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import pytest

from caselog.api import ManualClock, open_log, resolve_known_at
from caselog.events.examples import example
from caselog.reports.archive import FIXED_TIME, BundleError, verify_bundle
from caselog.reports.question import ask
from caselog.rules.model import FINDINGS

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from typer.testing import Result

ON = "2019-10-01"
KNOWN_AT = "2020-06-30"


@pytest.fixture(scope="module")
def bundled(demo_log: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """A copy of the demo, and its bundle of two cases as known at 2020-06-30."""
    from tests.reports.conftest import invoke  # noqa: PLC0415

    folder = tmp_path_factory.mktemp("bundle")
    copy = folder / "demo.db"
    for suffix in ("", ".keys", ".key"):
        (folder / f"demo.db{suffix}").write_bytes(
            (demo_log.parent / f"{demo_log.name}{suffix}").read_bytes()
        )
    url = f"sqlite:///{copy}"
    with open_log(url, actor="test") as log:
        cases = sorted(s.removeprefix("child:") for s in log.store.streams("child:"))[:2]
    out = folder / "bundle.zip"
    args = ["bundle", str(out), "--on", ON, "--known-at", KNOWN_AT, "--db", url]
    result = invoke(*args, *(a for c in cases for a in ("--case", c)))
    assert result.exit_code == 0, result.output
    return out, copy, url


def test_two_runs_give_the_same_bytes(
    bundled: tuple[Path, Path, str], tmp_path: Path, caselog_cli: Callable[..., Result]
) -> None:
    """The same log up to --known-at and the same arguments: a byte-identical archive.

    The access log grew in between (the first bundle's own reads): no matter.
    """
    first, _, url = bundled
    manifest = json.loads(zipfile.ZipFile(first).read("manifest.json"))
    cases = manifest["arguments"]["cases"]
    again = tmp_path / "again.zip"
    args = ["bundle", str(again), "--on", ON, "--known-at", KNOWN_AT, "--db", url]
    result = caselog_cli(*args, *(a for c in reversed(cases) for a in ("--case", c)))
    assert result.exit_code == 0, result.output
    assert again.read_bytes() == first.read_bytes()


def test_the_layout_is_canonical(bundled: tuple[Path, Path, str]) -> None:
    """Sorted names, a fixed timestamp, stored members, and a manifest of every member."""
    archive = zipfile.ZipFile(bundled[0])
    names = archive.namelist()
    assert names == sorted(names) == [
        "access-log.jsonl", "checkpoint.json", "events.jsonl", "findings.csv",
        "findings.json", "manifest.json", "manifest.sha256", "report.html",
    ]  # fmt: skip
    assert {i.date_time for i in archive.infolist()} == {FIXED_TIME}
    manifest = json.loads(archive.read("manifest.json"))
    for entry in manifest["members"]:
        assert hashlib.sha256(archive.read(entry["name"])).hexdigest() == entry["sha256"]
    digest = hashlib.sha256(archive.read("manifest.json")).hexdigest()
    assert archive.read("manifest.sha256").decode() == f"{digest}  manifest.json\n"
    assert "<svg" in archive.read("report.html").decode()
    assert verify_bundle(bundled[0]).manifest == manifest


def test_members_hold_the_log_up_to_known_at(bundled: tuple[Path, Path, str]) -> None:
    """Events of the cases recorded by --known-at, their findings, and a checkpoint.

    The checkpoint is the last event by then, with that event's recorded_at (never the
    wall clock).
    """
    out, _, url = bundled
    archive = zipfile.ZipFile(out)
    manifest = json.loads(archive.read("manifest.json"))
    cases = manifest["arguments"]["cases"]
    moment = resolve_known_at(date.fromisoformat(KNOWN_AT), lambda: datetime.now(UTC))
    with open_log(url, actor="test") as log:
        recorded = [r for c in cases for r in log.history(f"child:{c}", known_at=moment)]
        every = list(log.events(known_at=moment))
        findings = [
            o for c in cases
            for o in log.obligations(on=date.fromisoformat(ON), known_at=moment, case_id=c,
                                     status=FINDINGS)
        ]  # fmt: skip
    lines = archive.read("events.jsonl").decode().splitlines()
    assert sorted(json.loads(x)["event_id"] for x in lines) == sorted(
        r.event.event_id for r in recorded
    )
    rows = json.loads(archive.read("findings.json"))
    assert sorted((r["case_id"], r["rule_id"], r["trigger_on"]) for r in rows) == sorted(
        (o.case_id, o.rule_id, o.trigger_on.isoformat()) for o in findings
    )
    assert archive.read("findings.csv").decode().count("\n") == len(findings) + 1
    point = json.loads(archive.read("checkpoint.json"))
    assert point["position"] == every[-1].position
    assert datetime.fromisoformat(point["time"]) == every[-1].recorded_at


def test_the_access_log_excerpt_holds_earlier_reads_of_the_cases_only(
    tmp_path: Path, caselog_cli: Callable[..., Result]
) -> None:
    """Reads of the bundled cases recorded by --known-at before the command.

    Never the bundle's own reads, never another case's.
    """
    url = f"sqlite:///{tmp_path / 'small.db'}"
    clock = ManualClock(datetime(2019, 11, 11, 9, tzinfo=UTC))
    with open_log(url, actor="sw-17", clock=clock, create=True) as log:
        log.ingest(
            [{**example("report_received"), "event_id": f"r-{c}", "child_id": c,
              "occurred_on": "2019-11-11"} for c in ("c-1", "c-2")]
        )  # fmt: skip
        clock.set(datetime(2019, 12, 2, 10, tzinfo=UTC))
        log.case("c-1", on=date(2019, 12, 1))
        log.case("c-2", on=date(2019, 12, 1))
    out = tmp_path / "small.zip"
    args = ["bundle", str(out), "--on", "2019-12-01", "--known-at", KNOWN_AT, "--case", "c-1"]
    result = caselog_cli(*args, "--db", url)
    assert result.exit_code == 0, result.output
    archive = zipfile.ZipFile(out)
    reads = [json.loads(x) for x in archive.read("access-log.jsonl").decode().splitlines()]
    assert [(r["what"], r["case_id"], r["actor"]) for r in reads] == [("case", "c-1", "sw-17")]
    assert reads[0]["accessed_at"] == "2019-12-02T10:00:00Z"
    with open_log(url, actor="test") as log:
        own = [a for a in log.access_log() if a.actor == "ivo-3" and a.case_id == "c-1"]
    assert own, "the bundle's own reads are recorded, and left out of its excerpt"
    assert "1 read(s)" in result.output


def _flipped(source: Path, target: Path, offset: int) -> Path:
    data = bytearray(source.read_bytes())
    data[offset] ^= 0x01
    target.write_bytes(bytes(data))
    return target


def test_any_changed_byte_is_found(bundled: tuple[Path, Path, str], tmp_path: Path) -> None:
    """A flipped bit anywhere — member, manifest, header, directory — fails the check.

    Every byte outside the members' data and one in each 97 inside it.
    """
    out = bundled[0]
    archive = zipfile.ZipFile(out)
    size = out.stat().st_size
    data_spans = [
        (i.header_offset + 30 + len(i.filename), i.header_offset + 30 + len(i.filename) + i.file_size)
        for i in archive.infolist()
    ]  # fmt: skip
    inside = {o for start, end in data_spans for o in range(start, end, 97)}
    outside = {o for o in range(size) if not any(s <= o < e for s, e in data_spans)}
    target = tmp_path / "changed.zip"
    for offset in sorted(inside | outside):
        with pytest.raises(BundleError):
            verify_bundle(_flipped(out, target, offset))


def test_a_changed_member_is_named(bundled: tuple[Path, Path, str], tmp_path: Path) -> None:
    """A byte changed in the middle of report.html: the message names report.html."""
    out = bundled[0]
    info = zipfile.ZipFile(out).getinfo("report.html")
    middle = info.header_offset + 30 + len(info.filename) + info.file_size // 2
    with pytest.raises(BundleError) as caught:
        verify_bundle(_flipped(out, tmp_path / "c.zip", middle))
    assert caught.value.member == "report.html"


def _rezipped(source: Path, target: Path, names: list[str], *, extra: bool = False) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in names:
            new.writestr(old.getinfo(name), old.read(name))
        if extra:
            new.writestr(zipfile.ZipInfo("notes.txt", FIXED_TIME), b"hello")
    return target


def test_an_archive_of_another_layout_is_refused(
    bundled: tuple[Path, Path, str], tmp_path: Path, caselog_cli: Callable[..., Result]
) -> None:
    """An extra, a missing or a reordered member: refused, with exit 4 from the command."""
    out = bundled[0]
    names = zipfile.ZipFile(out).namelist()
    cases = {
        "unexpected member(s) notes.txt": _rezipped(out, tmp_path / "x.zip", names, extra=True),
        "missing member(s) findings.csv": _rezipped(
            out, tmp_path / "m.zip", [n for n in names if n != "findings.csv"]
        ),
        "members out of order": _rezipped(out, tmp_path / "o.zip", names[::-1]),
    }
    for reason, path in cases.items():
        with pytest.raises(BundleError, match=re.escape(reason)):
            verify_bundle(path)
        result = caselog_cli("verify-bundle", str(path))
        assert result.exit_code == 4
        assert reason in " ".join(result.output.split())
    ok = caselog_cli("verify-bundle", str(out))
    assert ok.exit_code == 0, ok.output
    assert "bundle ok: 8 member(s)" in ok.output


def test_a_bundle_of_an_unknown_case_is_refused_and_nothing_is_left(
    bundled: tuple[Path, Path, str], tmp_path: Path, caselog_cli: Callable[..., Result]
) -> None:
    """An unknown `--case`: exit 1, no archive and no partial file."""
    result = caselog_cli("bundle", str(tmp_path / "b.zip"), "--on", ON, "--case", "nobody",
                         "--db", bundled[2])  # fmt: skip
    assert result.exit_code == 1
    assert "no case 'nobody'" in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_bundle_never_reads_the_wall_clock(demo_log: Path) -> None:
    """Without --known-at a bundle is of the last event recorded; with it, of that moment."""
    with open_log(f"sqlite:///{demo_log}", actor="test") as log:
        last = log.store.last_recorded_at()
        q = ask(log, on=date(2019, 10, 1), known_at=None, fixed=True)
        assert q.now == q.known_at == last
        assert q.then == resolve_known_at(date(2019, 10, 1), log.clock)
        early = ask(log, on=date(2019, 10, 1), known_at=date(2019, 6, 1), fixed=True)
        assert early.then == early.now == resolve_known_at(date(2019, 6, 1), log.clock)
