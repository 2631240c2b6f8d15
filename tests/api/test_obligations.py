"""CaseLog.obligations (D10): the same verdicts through the real store, typed rows, frames."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import pyarrow as pa
import pytest

from caselog.api import COLUMNS, CaseLog, ManualClock, Obligations, open_log
from caselog.api.frames import OBLIGATION_SCHEMA
from caselog.api.query import rule_matches
from caselog.errors import SettingsError
from caselog.events import ViolenceExposure
from caselog.rules.model import Status
from caselog.rules.settings import Settings
from tests.rules.builders import assessed, not_opened, opened, report

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def log(store_url: str) -> CaseLog:
    """TC06 and TC01 recorded through a real store, on every backend."""
    clock = ManualClock(datetime(2019, 11, 20, 9, tzinfo=UTC))
    log = open_log(store_url, actor="sw-1", clock=clock)
    log.ingest(
        [
            report("r1", "2019-11-09", violence=ViolenceExposure.WITNESSED),
            assessed("a1", "2019-11-11", "r1"),
            not_opened("n1", "2019-11-20", "r1"),
        ]
    )
    clock.set(datetime(2024, 2, 15, 9, tzinfo=UTC))
    log.ingest([report("r2", "2024-01-31"), opened("o1", "2024-02-15", "r2")])
    return log


def test_the_store_gives_the_worked_verdicts(log: CaseLog) -> None:
    """R03 is breached for the violence report; R02 met late for the January report."""
    found = {(o.rule_id, o.trigger_event_id): o for o in log.obligations(on=date(2024, 3, 1))}
    assert found["R03", "r1"].status is Status.BREACHED
    assert (found["R02", "r2"].status, found["R02", "r2"].days_late) == (Status.MET_LATE, 1)


def test_filters_by_case_rule_and_status(log: CaseLog) -> None:
    """case_id, rule (with sub-ids) and status narrow the rows."""
    on = date(2024, 3, 1)
    assert {o.rule_id for o in log.obligations(on=on, rule="R03")} == {"R03"}
    assert rule_matches("R16b", "R16")
    assert not rule_matches("R05", "R0")
    assert {o.status for o in log.obligations(on=on, status="breached")} == {Status.BREACHED}
    assert log.obligations(on=on, case_id="c1").rows == log.obligations(on=on).rows


def test_known_at_shows_what_the_records_showed(log: CaseLog) -> None:
    """Known at 2019-12-01, the 2024 report does not exist yet."""
    seen = log.obligations(on=date(2024, 3, 1), known_at=date(2019, 12, 1))
    assert {o.trigger_event_id for o in seen} <= {"r1", "n1", "a1"}


def test_frames_have_the_documented_columns(log: CaseLog) -> None:
    """to_pandas, to_polars and to_arrow carry the D7 column names."""
    found = log.obligations(on=date(2024, 3, 1))
    assert list(found.to_pandas().columns) == list(COLUMNS)
    assert found.to_polars().columns == list(COLUMNS)
    assert found.to_arrow().column_names == list(COLUMNS)
    assert len(found.to_pandas()) == len(found)


def test_frames_are_typed_the_same_when_empty(log: CaseLog) -> None:
    """Dates as dates, counts as nullable integers, statuses as every status: never guessed.

    An empty answer has the same schema, so that two answers concatenate.
    """
    on = date(2024, 3, 1)
    found, none = log.obligations(on=on), log.obligations(on=on, rule="R23")
    assert len(none) == 0
    for answer in (found, none):
        assert answer.to_arrow().schema == OBLIGATION_SCHEMA
    both = pa.concat_tables([found.to_arrow(), none.to_arrow()])
    assert both.num_rows == len(found)
    assert both.column("trigger_on").type == pa.date32()
    assert both.column("status").chunk(0).dictionary.to_pylist() == [s.value for s in Status]
    frame = found.to_pandas()
    assert str(frame["days_late"].dtype) == "Int64"
    assert str(found.to_polars()["trigger_on"].dtype) == "Date"
    made = Obligations(found.rows)  # the same table from the rule engine's rows
    assert made.to_arrow().equals(found.to_arrow())
    assert found.by_status() == made.by_status()


def test_settings_load_from_toml(tmp_path: Path) -> None:
    """A TOML file sets routine parameters; an unknown one is named in the error."""
    good = tmp_path / "good.toml"
    good.write_text('visits_max_gap_days = 90\nsunday_rule = "extend"\n', encoding="utf-8")
    loaded = Settings.from_toml(good)
    assert (loaded.visits_max_gap_days, loaded.sunday_rule_for("R02").value) == (90, "extend")
    bad = tmp_path / "bad.toml"
    bad.write_text("visit_gap = 90\n", encoding="utf-8")
    with pytest.raises(
        SettingsError, match=r"bad\.toml: visit_gap: Extra inputs are not permitted"
    ):
        Settings.from_toml(bad)
