"""Personal fields are sealed in the mapper, on every backend (issue 13).

What is stored holds no personal text; what is read back is the event as given; sending
the same event again is recognised by a keyed MAC, not by bytes (nonces are random); a
reader without the master key sees the fields sealed, and a writer without it is refused.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import psycopg
import pytest

import caselog
from caselog.api import ManualClock
from caselog.errors import DuplicateEventError, KeyUnavailableError
from caselog.events import (
    CaseFileOpened,
    Event,
    EventCorrected,
    InformationDeferred,
    InvestigationOpened,
    ReporterCategory,
    ReportReceived,
    event_adapter,
)
from caselog.events.examples import example
from caselog.storage.sealing import SEALED


def value(event: object, name: str) -> object:
    """A field of an event of any type (the tests know which type they hold)."""
    return vars(event)[name]


PERSONAL_TEXT = "Pappa slog Kim med ett bälte"
CHILD = {"child_id": "c1", "actor": "sw-1"}


def opened() -> CaseFileOpened:
    """Kim's case file, with a name and a personal identity number."""
    return CaseFileOpened(
        event_id="o1",
        occurred_on=date(2019, 11, 1),
        born_on=date(2012, 12, 12),
        personal_identity_number="20121212-1212",
        name="Kim Hemligsson",
        **CHILD,
    )


def history() -> list[Event]:
    """A case file, a report, an investigation and a deferral with secret reasons."""
    return [
        opened(),
        ReportReceived(
            event_id="r1",
            occurred_on=date(2019, 11, 2),
            reporter_category=ReporterCategory.SCHOOL,
            mandatory_reporter=True,
            **CHILD,
        ),
        InvestigationOpened(
            event_id="i1",
            occurred_on=date(2019, 11, 3),
            investigation_id="inv-1",
            report_event_ids=["r1"],
            decided_by="official",
            **CHILD,
        ),
        InformationDeferred(
            event_id="d1",
            occurred_on=date(2019, 11, 4),
            investigation_id="inv-1",
            reasons=PERSONAL_TEXT,
            **CHILD,
        ),
    ]


def raw_states(url: str) -> list[bytes]:
    """The stored payloads, read with plain SQL."""
    if url.startswith("sqlite:///"):
        with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as db:
            return [bytes(r[0]) for r in db.execute("SELECT state FROM caselog_events")]
    base, _, query = url.partition("?")
    schema = query.removeprefix("schema=")
    with psycopg.connect(base) as conn:
        rows = conn.execute(f'SELECT state FROM "{schema}".caselog_events').fetchall()  # noqa: S608
    return [bytes(r[0]) for r in rows]


@pytest.fixture(params=["sqlite-file", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An SQLite file, or PostgreSQL, whose raw rows the test can read."""
    if request.param == "sqlite-file":
        return f"sqlite:///{tmp_path / 'log.db'}"
    return str(request.getfixturevalue("postgres_url"))


def test_personal_fields_are_stored_sealed_and_read_back(url: str, clock: ManualClock) -> None:
    """No personal value is in the table; every event reads back as it was given."""
    with caselog.open(url, actor="sw-1", clock=clock) as log:
        for event in history():
            log.record(event)
        back = [r.event for r in log.events()]
    assert back == history()
    states = raw_states(url)
    assert len(states) == 4
    for secret in (PERSONAL_TEXT, "Kim Hemligsson", "201212121212", "20121212-1212"):
        assert not any(secret.encode() in s for s in states), secret
    sealed = [s for s in states if s.startswith(SEALED)]
    assert len(sealed) == 2  # the case file (name, number) and the deferral (reasons)
    assert b'"fields":{"name":' in sealed[0]
    assert b'"key":"child:c1/investigation/1"' in sealed[1]


def test_the_same_event_again_is_recognised_by_its_mac(url: str, clock: ManualClock) -> None:
    """D6 with random nonces: same facts → the stored one; other reasons → refused."""
    with caselog.open(url, actor="sw-1", clock=clock) as log:
        for event in history():
            log.record(event)
        again = log.record(history()[3])
        assert again.position == 4
        result = log.ingest([e.model_dump(mode="json") for e in history()])
        assert (result.written, result.already_stored) == (0, 4)
        changed = history()[3].model_copy(update={"reasons": PERSONAL_TEXT + "!"})
        with pytest.raises(DuplicateEventError, match="'d1' is already stored"):
            log.record(changed)
        assert log.store.count() == 4


def test_a_correction_seals_its_replacement(tmp_path: Path, clock: ManualClock) -> None:
    """A correction's replacement is an event too: its personal fields are sealed."""
    url = f"sqlite:///{tmp_path / 'log.db'}"
    corrected = event_adapter.validate_python(
        {
            **example("event_corrected"),
            "event_id": "k1",
            "child_id": "c1",
            "target_event_id": "d1",
            "replacement": {
                **history()[3].model_dump(mode="json", exclude={"event_id"}),
                "reasons": "Ny hemlig text om Kim",
            },
        }
    )
    assert isinstance(corrected, EventCorrected)
    with caselog.open(url, actor="sw-1", clock=clock) as log:
        for event in [*history(), corrected]:
            log.record(event)
        assert [r.event for r in log.events()][-1] == corrected
    assert not any(b"Ny hemlig" in s for s in raw_states(url))
    assert b'"replacement.reasons"' in raw_states(url)[-1]


def test_without_the_master_key_fields_read_sealed_and_writes_are_refused(
    tmp_path: Path, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key file moved away: facts still read (sealed fields None), personal writes not."""
    url = f"sqlite:///{tmp_path / 'log.db'}"
    with caselog.open(url, actor="sw-1", clock=clock) as log:
        for event in history():
            log.record(event)
    key_file = tmp_path / "log.db.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    key_file.rename(tmp_path / "elsewhere.key")
    with caselog.open(url, actor="sw-1", clock=clock) as log:
        deferral = list(log.events())[3]
        assert deferral.sealed == {"reasons"}
        assert deferral.erased == frozenset()
        assert value(deferral.event, "reasons") is None
        assert deferral.event.has("reasons")
        with pytest.raises(KeyUnavailableError) as caught:
            log.record(history()[3].model_copy(update={"event_id": "d2"}))
        assert str(caught.value).startswith(
            f"the master key of the key store {tmp_path / 'log.db.keys'} is not at hand"
        )
        assert log.store.count() == 4
    monkeypatch.setenv("CASELOG_MASTER_KEY_FILE", str(tmp_path / "elsewhere.key"))
    with caselog.open(url, actor="sw-1", clock=clock) as log:
        assert value(list(log.events())[3].event, "reasons") == PERSONAL_TEXT


def test_a_wrong_master_key_is_refused(
    tmp_path: Path, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another master key does not open the key store: said at once, not as garbage."""
    url = f"sqlite:///{tmp_path / 'log.db'}"
    with caselog.open(url, actor="sw-1", clock=clock) as log:
        log.record(history()[0])
    monkeypatch.setenv("CASELOG_MASTER_KEY", "A" * 43)
    with (
        caselog.open(url, actor="sw-1", clock=clock) as log,
        pytest.raises(
            KeyUnavailableError,
            match=r"the master key from \$CASELOG_MASTER_KEY does not open the key store",
        ),
    ):
        list(log.events())


@pytest.mark.postgres
def test_postgres_without_a_key_store_refuses_personal_fields(
    postgres_url: str, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No key store beside a database: personal writes refused by name, facts accepted."""
    monkeypatch.delenv("CASELOG_KEY_STORE")
    with caselog.open(postgres_url, actor="sw-1", clock=clock) as log:
        log.record(history()[1].model_copy(update={"child_id": "c1"}))
        with pytest.raises(KeyUnavailableError) as caught:
            log.record(history()[0])
        assert str(caught.value) == (
            f"no key store is configured for the personal fields of {log.url}: set "
            "CASELOG_KEY_STORE to a key store file kept off the database host "
            "(docs/security.md); nothing was written"
        )
        assert log.store.count() == 1


def test_encryption_off_stores_in_clear(tmp_path: Path, clock: ManualClock) -> None:
    """`keys=False` (measuring only): personal fields in clear, exactly the canonical bytes."""
    from caselog.api.log import CaseLog  # noqa: PLC0415
    from caselog.storage import canonical_payload, open_store  # noqa: PLC0415

    url = f"sqlite:///{tmp_path / 'clear.db'}"
    with CaseLog(open_store(url, keys=False), actor="sw-1", clock=clock) as log:
        for event in history():
            log.record(event)
    assert raw_states(url) == [canonical_payload(e) for e in history()]
    assert not (tmp_path / "clear.db.keys").exists()


def test_rotating_the_master_key_rewraps_and_retires_the_old_one(
    tmp_path: Path, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`caselog rotate-master-key`: the new key opens everything, the old one nothing."""
    from typer.testing import CliRunner  # noqa: PLC0415

    from caselog.cli import app  # noqa: PLC0415

    url = f"sqlite:///{tmp_path / 'log.db'}"
    with caselog.open(url, actor="sw-1", clock=clock) as log:
        for event in history():
            log.record(event)
    new = tmp_path / "vault" / "new.key"
    result = CliRunner().invoke(app, ["rotate-master-key", "--to", str(new), "--db", url])
    assert result.exit_code == 0, result.output
    assert "re-wrapped 2 data key(s)" in result.stdout
    assert new.stat().st_mode & 0o777 == 0o600
    with (
        caselog.open(url, actor="sw-1", clock=clock) as log,
        pytest.raises(KeyUnavailableError, match="does not open the key store"),
    ):
        list(log.events())  # the old key file beside the log is retired
    monkeypatch.setenv("CASELOG_MASTER_KEY_FILE", str(new))
    with caselog.open(url, actor="sw-1", clock=clock) as log:
        assert value(list(log.events())[3].event, "reasons") == PERSONAL_TEXT
