"""The near-miss corpus: input lines a sending system might plausibly get almost right.

Each near miss is an example line (`caselog.events.examples`) with one thing wrong: a
string or number where JSON has a boolean, a string where it has an integer, a timestamp
or a number where a date goes, an impossible day, an unknown field or type, a naive
`registered_at`, a correction whose `replacement` is wrong in any of these ways, and so on.
The library, Python `jsonschema` and ajv must all refuse every one of them (issue 12), and
all accept the lines of `ACCEPTED`: every example, every documented line, and the edge
cases that are right although they look odd.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from caselog.events.examples import EXAMPLE_TAGS, example

DOCS: Final = Path(__file__).resolve().parents[2] / "docs"


@dataclass(frozen=True)
class Case:
    """One input line, whether it is judged as a historical line, and the field at fault."""

    name: str
    line: str
    historical: bool = False
    field: str | None = None
    """The field a refusal must name ("" for the line as a whole); None for an accepted line."""


class _Remove:
    """Leave the field out."""


REMOVE: Final = _Remove()


def changed(tag: str, **changes: Any) -> dict[str, Any]:  # noqa: ANN401 - JSON values
    """The example of `tag` with fields changed (`REMOVE` leaves one out)."""
    data = {**example(tag), **changes}
    return {k: v for k, v in data.items() if v is not REMOVE}


def corrected(**changes: Any) -> dict[str, Any]:  # noqa: ANN401 - JSON values
    """The example correction with its replacement's fields changed."""
    data = example("event_corrected")
    replacement = {**data["replacement"], **changes}
    data["replacement"] = {k: v for k, v in replacement.items() if v is not REMOVE}
    return data


def historical(data: dict[str, Any], registered_at: object = "2019-11-11T09:12:00+01:00") -> str:
    """A historical line: `data` with its `registered_at`."""
    return json.dumps({**data, "registered_at": registered_at}, ensure_ascii=False)


def _line(data: object) -> str:
    return json.dumps(data, ensure_ascii=False)


def _cases(kind: str, field: str, tag: str, values: list[object]) -> list[Case]:
    """`tag`'s example with `field` set to each of `values`: all wrong."""
    return [
        Case(
            f"{kind}:{tag}.{field}={json.dumps(value)[:40]}",
            _line(changed(tag, **{field: value})),
            field=field,
        )
        for value in values
    ]


_NOT_BOOLEANS: Final = ["yes", "off", "true", "false", 1, 0, "1", None, [], {}]
_NOT_DATES: Final = [
    1573430400,
    "2019-11-11T00:00:00",
    "2019-11-11T00:00:00Z",
    "2019-02-30",
    "2019-13-01",
    "2019-11-31",
    "2019-1-1",
    "20191111",
    "11/11/2019",
    "2019-11-11 ",
    " 2019-11-11",
    "2019-11-11\n",
    "0000-01-01",
    "2019-02-29",
    "1900-02-29",
    "+2019-11-11",
    "2019-W46",
    "",
    None,
    True,
    "٢٠١٩-١١-١١",
    "0001-01-01",
    "1899-12-31",
    "2200-01-01",
    "9999-12-31",
]
_NOT_IDS: Final = [1001, "", "c 1001", "c/1001", "c-1001\n", "barn-ä", "x" * 129, None, ["c-1"]]
_NOT_TIMESTAMPS: Final = [
    "2019-11-11T09:12:00",
    "2019-11-11",
    1573460000,
    "2019-11-11 09:12:00+01:00",
    "2019-11-11T09:12+01:00",
    "2019-11-11T09:12:00+0100",
    "2019-02-30T09:12:00Z",
    "2019-11-11T24:00:00Z",
    "2019-11-11T09:12:60Z",
    "2019-11-11t09:12:00z",
    None,
    "2019-11-11T09:12:00+24:00",
    "2019-11-11T09:12:00Z\n",
    "9999-12-31T23:59:59Z",
    "1899-12-31T12:00:00+01:00",
    "",
    True,
]


def near_misses() -> list[Case]:
    """Every near miss: at least 100 lines that must be refused, each naming its field."""
    cases: list[Case] = []
    for tag, field in (
        ("report_received", "mandatory_reporter"),
        ("report_received", "close_relative"),
        ("deviation_reported", "is_lex_sarah"),
        ("deviation_triaged", "is_lex_sarah"),
        ("lex_sarah_concluded", "serious"),
    ):
        values = _NOT_BOOLEANS if tag == "report_received" else ["yes", 1, "false"]
        cases += _cases("boolean", field, tag, values)
    cases += _cases(
        "integer",
        "year",
        "foster_home_list_sent_to_ivo",
        ["2019", "2024", True, 2024.5, None, 1979, 2201, [2024], "2.024e3"],
    )
    cases += _cases("date", "occurred_on", "report_received", _NOT_DATES)
    for tag, field in (
        ("case_file_opened", "born_on"),
        ("pre_assessment_extended", "until_on"),
        ("investigation_extended", "new_due_on"),
        ("court_extended_deadline", "until_on"),
        ("lex_sarah_reported", "observed_on"),
        ("visit_made", "occurred_on"),
    ):
        cases += _cases("date", field, tag, [1573430400, "2019-11-11T00:00:00", "2019-02-30"])
    cases += _cases("id", "child_id", "report_received", _NOT_IDS)
    cases += _cases("id", "event_id", "visit_made", [5, "", "ev 1", None])
    cases += _cases("id", "home_id", "placement_started", [7, "home 7"])
    cases += _cases("string", "actor", "visit_made", ["", "a" * 257, 17, None])
    cases += _cases(
        "actor",
        "actor",
        "visit_made",
        [" ", "   ", "\t", "\u00a0", "\u200b", "\ufeff", "sw-17\u0007", "\u202esw-17", "sw\n17"],
    )
    cases += _cases("string", "reasons", "event_retracted", ["", "x" * 10_001, 3])
    cases += _cases(
        "string",
        "quarter",
        "non_execution_reported",
        ["2024-Q5", "2024Q2", "٢٠٢٤-Q2", "2024-Q2\n", 20242],
    )
    cases += _cases(
        "string", "home_municipality_code", "placement_started", ["208", "20830", 2083, "2083\n"]
    )
    cases += _cases(
        "enum",
        "reporter_category",
        "report_received",
        ["teacher", "Police", "POLICE", "police ", None, 1],
    )
    cases += _cases("enum", "decided_by", "investigation_opened", ["court", "Committee", ""])
    cases += _cases("enum", "legal_basis", "care_decided", ["lvu_6", "LVU_2"])
    cases += _cases("enum", "violence_exposure", "report_received", [None, "seen"])
    cases += _cases(
        "list",
        "report_event_ids",
        "investigation_opened",
        ["ev-report-1", [1], [None], {"0": "r1"}],
    )
    cases += _cases("list", "report_event_ids", "investigation_not_opened", [[]])
    for field in (
        "colour",
        "Child_id",
        "mandatoryReporter",
        "stream",
        "stream_version",
        "position",
        "recorded_at",
        "ingested_by",
        "registered_at",
    ):
        cases.append(
            Case(f"unknown:{field}", _line(changed("report_received", **{field: "x"})), field=field)
        )
    wrong_tags: list[object] = ["report_recieved", "ReportReceived", "", "report received", 5]
    for wrong in [*wrong_tags, None, "event"]:
        cases.append(
            Case(f"type:{wrong!r}", _line(changed("report_received", type=wrong)), field="type")
        )
    for field in (
        "type",
        "event_id",
        "occurred_on",
        "actor",
        "child_id",
        "reporter_category",
        "mandatory_reporter",
    ):
        cases.append(
            Case(
                f"missing:{field}",
                _line(changed("report_received", **{field: REMOVE})),
                field=field,
            )
        )
    cases += [
        Case(
            "court:care_decided sol", _line(changed("care_decided", decided_by="court")), field=""
        ),
        Case(
            "one-of:both ids",
            _line(changed("submitted_to_court", care_decision_id="cd-1")),
            field="",
        ),
        Case("one-of:neither id", _line(changed("court_decided", custody_id=REMOVE)), field=""),
        Case("one-of:null id", _line(changed("submitted_to_court", custody_id=None)), field=""),
        Case("any-of:no subject", _line(changed("event_retracted", child_id=REMOVE)), field=""),
        Case("any-of:null subject", _line(changed("event_retracted", child_id=None)), field=""),
        Case("not-json:cut", '{"type": "report_received", "event_id": "r5",', field=""),
        Case("not-json:comma", '{"type": "visit_made",}', field=""),
        Case("not-object:array", "[]", field=""),
        Case("not-object:string", '"report_received"', field=""),
        Case("not-object:null", "null", field=""),
    ]
    for name, replacement in (
        ("unknown type", {"type": "report_recieved"}),
        ("a correction", {"type": "event_corrected"}),
        ("no type", {"type": REMOVE}),
        ("impossible date", {"occurred_on": "2019-02-30"}),
        ("timestamp date", {"occurred_on": "2019-11-08T00:00:00"}),
        ("number date", {"occurred_on": 1573171200}),
        ("unknown field", {"colour": "red"}),
        ("log field", {"recorded_at": "2019-11-08T00:00:00Z"}),
        ("registered_at", {"registered_at": "2019-11-08T00:00:00Z"}),
        ("event_id", {"event_id": "ev-x"}),
        ("string boolean", {"mandatory_reporter": "yes"}),
        ("number boolean", {"close_relative": 0}),
        ("missing field", {"reporter_category": REMOVE}),
        ("unknown enum", {"reporter_category": "teacher"}),
        ("missing actor", {"actor": REMOVE}),
    ):
        # The models refuse a replacement's event_id before looking at its fields.
        field = "replacement" if name == "event_id" else "replacement." + next(iter(replacement))
        cases.append(Case(f"replacement:{name}", _line(corrected(**replacement)), field=field))
    cases += [
        Case(
            "replacement:not an object",
            _line(changed("event_corrected", replacement="x")),
            field="replacement",
        ),
        Case(
            "replacement:null",
            _line(changed("event_corrected", replacement=None)),
            field="replacement",
        ),
    ]
    good = changed("private_talk_held")
    cases += [
        Case(
            f"historical:registered_at={json.dumps(value)[:40]}",
            historical(good, value),
            historical=True,
            field="registered_at",
        )
        for value in _NOT_TIMESTAMPS
    ]
    cases += [
        Case(
            "historical:without registered_at", _line(good), historical=True, field="registered_at"
        ),
        Case(
            "historical:bad event",
            historical(changed("report_received", mandatory_reporter="yes")),
            historical=True,
            field="mandatory_reporter",
        ),
        Case(
            "historical:replacement registered_at",
            historical(corrected(registered_at="2019-11-11T09:12:00Z")),
            historical=True,
            field="replacement.registered_at",
        ),
    ]
    return cases


def edge_accepts() -> list[Case]:
    """Lines that look odd but are right: every judge must accept them."""
    lines = [
        ("integral number year", changed("foster_home_list_sent_to_ivo", year=2024.0)),
        ("null optional", changed("care_decided", home_id=None)),
        ("null other reference", changed("submitted_to_court", care_decision_id=None)),
        (
            "default left out",
            changed("report_received", close_relative=REMOVE, violence_exposure=REMOVE),
        ),
        ("court decides lvu", changed("care_decided", decided_by="court", legal_basis="lvu_2")),
        ("matter retraction", changed("event_retracted", child_id=REMOVE, matter_id="m-1")),
        ("leap day", changed("report_received", occurred_on="2020-02-29")),
        ("leap century", changed("report_received", occurred_on="2000-02-29")),
        ("first day", changed("report_received", occurred_on="1900-01-01")),
        ("last day", changed("report_received", occurred_on="2199-12-31")),
        ("last leap day", changed("report_received", occurred_on="2196-02-29")),
        ("actor with spaces", changed("visit_made", actor=" Anna Öberg ")),
        ("astral actor", changed("visit_made", actor="👍")),
        ("longest id", changed("report_received", child_id="c" * 128)),
        ("id characters", changed("report_received", child_id="A-z.0:9_")),
        ("unicode text", changed("event_retracted", reasons="Fel akt – rättad 👍")),
        ("longest actor", changed("visit_made", actor="a" * 256)),
        (
            "false booleans",
            changed("report_received", mandatory_reporter=False, close_relative=False),
        ),
        ("no extension reasons", changed("investigation_extended", new_due_on=None, reasons=None)),
    ]
    cases = [Case(f"edge:{name}", _line(data)) for name, data in lines]
    good = changed("private_talk_held")
    cases += [
        Case(f"edge:registered_at={value}", historical(good, value), historical=True)
        for value in (
            "2019-11-11T08:12:00Z",
            "2019-11-11T09:12:00.5+01:00",
            "2019-11-11T09:12:00.0000000+01:00",
            "2019-11-11T08:12:00-00:00",
            "2016-12-31T23:59:59+05:30",
            "2020-02-29T00:00:00Z",
        )
    ]
    cases.append(
        Case("edge:historical correction", historical(example("event_corrected")), historical=True)
    )
    return cases


def examples() -> list[Case]:
    """Every event type's example line, live and historical."""
    return [Case(f"example:{tag}", _line(example(tag))) for tag in EXAMPLE_TAGS] + [
        Case(f"example:{tag} historical", historical(example(tag)), historical=True)
        for tag in EXAMPLE_TAGS
    ]


_FENCE: Final = re.compile(r"^```jsonl file=(\S+)\n(.*?)^```", re.MULTILINE | re.DOTALL)

DOCUMENTED_ERRORS: Final = frozenset({"bad.jsonl", "typos.jsonl", "disorder.jsonl"})
"""The documented files that show refusals: some of their lines are wrong on purpose."""


def documented() -> list[Case]:
    """Every line of every JSON Lines file shown in `docs/*.md`.

    A line with `registered_at` is a historical line. Lines of `DOCUMENTED_ERRORS` files are
    judged (all judges must agree) without an expected verdict: `field` is None for all.
    """
    cases = []
    for page in sorted(DOCS.glob("*.md")):
        for match in _FENCE.finditer(page.read_text(encoding="utf-8")):
            for number, text in enumerate(match[2].splitlines(), start=1):
                if text.strip():
                    cases.append(
                        Case(
                            f"docs:{page.name}:{match[1]}:{number}",
                            text,
                            historical='"registered_at"' in text,
                        )
                    )
    return cases


def is_documented_error(case: Case) -> bool:
    """Whether a documented line comes from a file that shows refusals."""
    return case.name.split(":")[2] in DOCUMENTED_ERRORS


def accepted() -> list[Case]:
    """Every line that must be accepted: examples, edge cases, documented lines."""
    return [
        *examples(),
        *edge_accepts(),
        *(case for case in documented() if not is_documented_error(case)),
    ]
