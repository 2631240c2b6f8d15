"""The published input schema (`caselog schema`) accepts what the log accepts.

Checked with a real JSON Schema validator, so systems in other languages can rely on it.
"""

from __future__ import annotations

import jsonschema

from caselog.events.examples import EXAMPLE_TAGS, example
from caselog.interchange import input_schema

VALIDATOR = jsonschema.Draft202012Validator(input_schema())


def test_every_example_line_is_valid_against_the_schema() -> None:
    """Each event type's example line validates against the published schema."""
    for tag in EXAMPLE_TAGS:
        errors = [error.message for error in VALIDATOR.iter_errors(example(tag))]
        assert errors == [], tag


def test_the_schema_states_the_rules_of_the_validators() -> None:
    """Lines the models refuse are refused by the schema too."""
    missing_id = {k: v for k, v in example("report_received").items() if k != "event_id"}
    both_ids = {**example("submitted_to_court"), "care_decision_id": "cd-1"}
    no_subject = {k: v for k, v in example("event_retracted").items() if k != "child_id"}
    with_id = example("event_corrected")
    with_id["replacement"] = {**with_id["replacement"], "event_id": "x"}
    assigned = {**example("visit_made"), "recorded_at": "2024-01-01T00:00:00Z"}
    for line in (missing_id, both_ids, no_subject, with_id, assigned):
        assert not VALIDATOR.is_valid(line), line
