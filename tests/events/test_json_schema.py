"""The published input schema (`caselog schema`) accepts what the log accepts.

Checked with a real JSON Schema validator, format checks on, so systems in other
languages can rely on it; the whole near-miss corpus is judged in tests/interchange.
"""

from __future__ import annotations

import json
from typing import Any

import jsonschema

from caselog.events import EVENT_CLASSES, FACT_CLASSES
from caselog.events.examples import EXAMPLE_TAGS, example
from caselog.events.schema import tag_of
from caselog.interchange import input_schema

Validator = jsonschema.Draft202012Validator
VALIDATOR = Validator(input_schema(), format_checker=Validator.FORMAT_CHECKER)
HISTORICAL = Validator(input_schema(historical=True), format_checker=Validator.FORMAT_CHECKER)


def test_both_schemas_are_valid_draft_2020_12() -> None:
    """The live and the historical schema pass the meta-schema."""
    Validator.check_schema(input_schema())
    Validator.check_schema(input_schema(historical=True))


def test_every_example_line_is_valid_against_the_schema() -> None:
    """Each event type's example line validates; with a registered_at, only as historical."""
    for tag in EXAMPLE_TAGS:
        line = example(tag)
        assert [error.message for error in VALIDATOR.iter_errors(line)] == [], tag
        timed = {**line, "registered_at": "2019-11-11T09:12:00+01:00"}
        assert [error.message for error in HISTORICAL.iter_errors(timed)] == [], tag
        assert not VALIDATOR.is_valid(timed)
        assert not HISTORICAL.is_valid(line)


def test_the_schema_needs_no_discriminator_keyword() -> None:
    """One `if`/`then` per type under an `enum` of the tags; no OpenAPI `discriminator`."""
    schema = input_schema()
    text = json.dumps(schema)
    assert '"discriminator"' not in text
    assert schema["properties"]["type"]["enum"] == [tag_of(cls) for cls in EVENT_CLASSES]
    cases = [(case["if"]["properties"]["type"]["const"], case["then"]) for case in schema["allOf"]]
    assert cases == [(tag_of(cls), {"$ref": f"#/$defs/{cls.__name__}"}) for cls in EVENT_CLASSES]


def test_a_replacement_is_checked_as_the_fact_it_replaces() -> None:
    """Every fact has a replacement definition: its fields, without event_id."""
    defs: dict[str, Any] = input_schema()["$defs"]
    replacement = defs["EventCorrected"]["properties"]["replacement"]
    assert replacement["properties"]["type"]["enum"] == [tag_of(cls) for cls in FACT_CLASSES]
    for cls in FACT_CLASSES:
        body = defs[f"{cls.__name__}Replacement"]
        fields = defs[cls.__name__]["properties"]
        assert set(body["properties"]) == set(fields) - {"event_id"}
        assert body["additionalProperties"] is False
        assert "event_id" not in body["required"]


def test_the_schema_states_the_rules_of_the_validators() -> None:
    """Lines the models refuse in validators are refused by the schema too."""
    missing_id = {k: v for k, v in example("report_received").items() if k != "event_id"}
    both_ids = {**example("submitted_to_court"), "care_decision_id": "cd-1"}
    no_subject = {k: v for k, v in example("event_retracted").items() if k != "child_id"}
    null_subject = {**example("event_retracted"), "child_id": None}
    with_id = example("event_corrected")
    with_id["replacement"] = {**with_id["replacement"], "event_id": "x"}
    assigned = {**example("visit_made"), "recorded_at": "2024-01-01T00:00:00Z"}
    court = {**example("care_decided"), "decided_by": "court"}
    court_elsewhere = {**example("care_reviewed"), "decided_by": "court"}
    for line in (
        missing_id,
        both_ids,
        no_subject,
        null_subject,
        with_id,
        assigned,
        court,
        court_elsewhere,
    ):
        assert not VALIDATOR.is_valid(line), line
    assert VALIDATOR.is_valid({**court, "legal_basis": "lvu_3"})


def test_patterns_refuse_a_final_newline_in_python_too() -> None:
    """Python's `re` lets `$` match before a final newline; the schema refuses it anyway."""
    for field, value in (("child_id", "c-1001\n"), ("occurred_on", "2019-11-11\n")):
        assert not VALIDATOR.is_valid({**example("visit_made"), field: value}), field
    timed = {**example("visit_made"), "registered_at": "2019-11-11T09:12:00Z\n"}
    assert not HISTORICAL.is_valid(timed)


def test_dates_are_checked_even_where_format_is_only_an_annotation() -> None:
    """Without a format checker (the Draft 2020-12 default) patterns still refuse bad days."""
    plain = Validator(input_schema(historical=True))
    line = {**example("visit_made"), "registered_at": "2019-11-11T09:12:00Z"}
    for field, value in (
        ("occurred_on", "2019-02-29"),
        ("occurred_on", "0000-01-01"),
        ("registered_at", "1900-02-29T00:00:00Z"),
        ("registered_at", "2019-04-31T00:00:00Z"),
        ("occurred_on", "0001-01-01"),  # before 1900 or after 2199: a typo (issue 11)
        ("occurred_on", "9999-12-31"),
        ("occurred_on", "2100-02-29"),
        ("registered_at", "2200-01-01T00:00:00Z"),
    ):
        assert not plain.is_valid({**line, field: value}), value
    for value in ("2000-02-29", "2024-02-29", "1900-01-01", "2199-12-31", "2196-02-29"):
        assert plain.is_valid({**line, "occurred_on": value}), value
