"""One valid example line per event type: for the generated docs, the tests and senders.

Each example is the JSON object a sending system would put on one JSON Lines line. A test
validates every one, and `docs/events.md` is generated from them, so the documentation can
never show an example that the log would refuse.
"""

from __future__ import annotations

from typing import Any, Final

_CHILD: Final = {"child_id": "c-1001"}
_BY: Final = {"decided_by": "subcommittee"}

_FIELDS: Final[dict[str, dict[str, Any]]] = {
    "case_file_opened": {**_CHILD, "born_on": "2012-05-15"},
    "report_received": {
        **_CHILD,
        "reporter_category": "police",
        "mandatory_reporter": True,
        "violence_exposure": "witnessed",
        "close_relative": True,
    },
    "application_received": {**_CHILD, "applicant": "guardian"},
    "protection_assessment_documented": {
        **_CHILD,
        "report_event_id": "ev-report-1",
        "outcome": "no_immediate_need",
    },
    "pre_assessment_extended": {
        **_CHILD,
        "report_event_id": "ev-report-1",
        "until_on": "2019-12-06",
        "reason_code": "police_interview_pending",
        "reasons": "Polisförhör med barnet planerat 2019-12-02.",
    },
    "feedback_requested": {**_CHILD, "report_event_id": "ev-report-1"},
    "feedback_given": {**_CHILD, "report_event_id": "ev-report-1"},
    "feedback_refused": {
        **_CHILD,
        "report_event_id": "ev-report-1",
        "reasons": "Olämpligt med hänsyn till barnet.",
    },
    "investigation_opened": {
        **_CHILD,
        "investigation_id": "inv-1",
        "report_event_ids": ["ev-report-1"],
        "decided_by": "official",
    },
    "investigation_not_opened": {
        **_CHILD,
        "report_event_ids": ["ev-report-1"],
        "decided_by": "official",
        "reasons": "Behov tillgodoses genom pågående insats.",
    },
    "guardians_informed": {**_CHILD, "investigation_id": "inv-1"},
    "information_deferred": {
        **_CHILD,
        "investigation_id": "inv-1",
        "reasons": "Polisutredning i känsligt skede.",
    },
    "investigation_extended": {
        **_CHILD,
        "investigation_id": "inv-1",
        "new_due_on": "2019-08-30",
        "reasons": "Väntar på BUP-bedömning.",
        **_BY,
    },
    "investigation_concluded": {
        **_CHILD,
        "investigation_id": "inv-1",
        "outcome": "intervention",
        **_BY,
    },
    "risk_assessment_documented": {**_CHILD, "investigation_id": "inv-1"},
    "home_investigation_completed": {
        "home_id": "home-7",
        "home_type": "family_home",
        "by_municipality": "Exempelby kommun",
    },
    "care_decided": {
        **_CHILD,
        "care_decision_id": "cd-1",
        "legal_basis": "sol",
        "home_id": "home-7",
        **_BY,
    },
    "consent_granted": {**_CHILD, "home_id": "home-7", **_BY},
    "placement_started": {
        **_CHILD,
        "placement_id": "pl-1",
        "home_id": "home-7",
        "home_type": "family_home",
        "legal_basis": "sol",
        "care_decision_id": "cd-1",
    },
    "placement_ended": {**_CHILD, "placement_id": "pl-1"},
    "emergency_home_stay_extended": {
        **_CHILD,
        "placement_id": "pl-1",
        "reasons": "Familjehem ej klart förrän i maj.",
        **_BY,
    },
    "foster_contract_signed": {**_CHILD, "home_id": "home-7"},
    "other_municipality_consulted": {**_CHILD, "home_id": "home-7"},
    "care_plan_established": {**_CHILD},
    "care_plan_revised": {**_CHILD},
    "implementation_plan_established": {**_CHILD},
    "care_reviewed": {**_CHILD, "kind": "sol_review", "care_decision_id": "cd-1", **_BY},
    "custody_transfer_considered": {**_CHILD, "home_id": "home-7", **_BY},
    "social_worker_assigned": {**_CHILD, "social_worker": "sw-17"},
    "visit_made": {**_CHILD, "place": "placement_home"},
    "private_talk_held": {**_CHILD},
    "region_notified": {**_CHILD},
    "health_examination_not_needed": {**_CHILD, "reasons": "Undersökt av BVC nyligen."},
    "immediate_custody_decided": {**_CHILD, "custody_id": "cu-1", "decided_by": "chair"},
    "immediate_custody_executed": {**_CHILD, "custody_id": "cu-1"},
    "immediate_custody_ended": {**_CHILD, "custody_id": "cu-1"},
    "reported_to_committee": {**_CHILD, "custody_id": "cu-1", "committee_id": "sn"},
    "submitted_to_court": {**_CHILD, "custody_id": "cu-1"},
    "court_decided": {**_CHILD, "custody_id": "cu-1", "outcome": "confirmed"},
    "care_application_filed": {**_CHILD, "custody_id": "cu-1"},
    "court_extended_deadline": {**_CHILD, "custody_id": "cu-1", "until_on": "2025-01-31"},
    "contact_restriction_decided": {**_CHILD, "restriction_id": "cr-1", **_BY},
    "contact_restriction_reviewed": {**_CHILD, "restriction_id": "cr-1", **_BY},
    "contact_restriction_lifted": {**_CHILD, "restriction_id": "cr-1", **_BY},
    "end_of_care_requested": {**_CHILD, "requested_by": "guardian"},
    "moving_ban_considered": {**_CHILD, **_BY},
    "deviation_reported": {"matter_id": "m-1", "is_lex_sarah": False},
    "deviation_triaged": {"matter_id": "m-1", "is_lex_sarah": True},
    "deviation_closed": {"matter_id": "m-1"},
    "lex_sarah_reported": {"matter_id": "m-1", "observed_on": "2024-03-04"},
    "lex_sarah_investigation_started": {"matter_id": "m-1"},
    "lex_sarah_concluded": {"matter_id": "m-1", "serious": True},
    "lex_sarah_reported_to_ivo": {"matter_id": "m-1"},
    "committee_meeting_held": {"committee_id": "sn", "body": "committee"},
    "foster_home_list_sent_to_ivo": {"committee_id": "sn", "year": 2024},
    "intervention_decided": {**_CHILD, "intervention_id": "iv-1", "kind": "contact_family"},
    "intervention_started": {**_CHILD, "intervention_id": "iv-1", "kind": "contact_family"},
    "non_execution_reported": {
        **_CHILD,
        "intervention_id": "iv-1",
        "kind": "contact_family",
        "quarter": "2024-Q2",
    },
    "records_purged": {**_CHILD, "retention_class": "general"},
    "event_corrected": {
        **_CHILD,
        "target_event_id": "ev-report-1",
        "replacement": {
            "type": "report_received",
            "occurred_on": "2019-11-08",
            "actor": "sw-17",
            **_CHILD,
            "reporter_category": "police",
            "mandatory_reporter": True,
            "violence_exposure": "witnessed",
            "close_relative": True,
        },
    },
    "event_retracted": {
        **_CHILD,
        "target_event_id": "ev-report-1",
        "reasons": "Registrerad i fel akt.",
    },
}


def example(tag: str) -> dict[str, Any]:
    """The example input line (a JSON object) of the event type `tag`."""
    return {
        "event_id": f"ev-example-{tag.replace('_', '-')}",
        "type": tag,
        "occurred_on": "2019-11-11",
        "actor": "sw-17",
        **_FIELDS[tag],
    }


EXAMPLE_TAGS: Final = tuple(_FIELDS)
"""Every type tag that has an example (all of them; a test checks)."""
