"""Realistic statements for tests: a mentoring programme's learning records.

Each factory returns a fresh dict so a test may change it freely.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

PROGRAM = "https://lrs.example.org/programs/reverse-mentoring-2026"
VERB_ATTENDED = "http://adlnet.gov/expapi/verbs/attended"
VERB_COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VERB_COMMENTED = "http://adlnet.gov/expapi/verbs/commented"
VERB_VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def agent(name: str = "Ada Mentee", email: str | None = None) -> dict[str, Any]:
    local = (email or name.lower().replace(" ", ".") + "@example.org")
    return {"objectType": "Agent", "name": name, "mbox": f"mailto:{local}"}


def account_agent(name: str = "ada-42", home: str = "https://lms.example.org") -> dict[str, Any]:
    return {"objectType": "Agent", "account": {"homePage": home, "name": name}}


def activity(path: str = "sessions/2026-11-03", name: str = "Mentoring session") -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": f"https://lrs.example.org/activities/{path}",
        "definition": {
            "name": {"en-US": name, "fr-FR": "Séance de mentorat"},
            "description": {"en-US": f"{name} between a mentor and a mentee"},
            "type": "http://adlnet.gov/expapi/activities/meeting",
        },
    }


def statement(**overrides: Any) -> dict[str, Any]:
    """A complete, valid xAPI 1.0.3 statement: a mentee attended a session."""
    doc: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": agent(),
        "verb": {"id": VERB_ATTENDED, "display": {"en-US": "attended", "fr-FR": "a assisté"}},
        "object": activity(),
        "result": {
            "score": {"scaled": 0.9, "raw": 9, "min": 0, "max": 10},
            "success": True,
            "completion": True,
            "duration": "PT45M",
        },
        "context": {
            "registration": str(uuid.uuid4()),
            "instructor": agent("Grace Mentor"),
            "contextActivities": {
                "grouping": [{"id": PROGRAM, "objectType": "Activity"}],
            },
            "language": "en-US",
            "platform": "Example LMS",
        },
        "timestamp": "2026-11-03T10:15:00.000Z",
    }
    doc.update(overrides)
    return doc


def voiding(target_id: str, **overrides: Any) -> dict[str, Any]:
    """A statement that voids `target_id` (Data 2.3.2)."""
    doc: dict[str, Any] = {
        "actor": agent("Coordinator", "coordinator@example.org"),
        "verb": {"id": VERB_VOIDED, "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": target_id},
    }
    doc.update(overrides)
    return doc


def group(
    name: str = "Mentoring circle",
    members: list[dict[str, Any]] | None = None,
    account_name: str | None = None,
) -> dict[str, Any]:
    """A Group of a mentor and a mentee; identified by account when `account_name` is given."""
    doc: dict[str, Any] = {
        "objectType": "Group",
        "name": name,
        "member": members if members is not None else [agent(), agent("Grace Mentor")],
    }
    if account_name is not None:
        doc["account"] = {"homePage": "https://lms.example.org", "name": account_name}
    return doc


def substatement(**overrides: Any) -> dict[str, Any]:
    """A SubStatement: a mentee will attend a planned session (Data 2.4.4.3)."""
    doc: dict[str, Any] = {
        "objectType": "SubStatement",
        "actor": agent(),
        "verb": {"id": VERB_ATTENDED, "display": {"en-US": "attended"}},
        "object": activity("sessions/2026-12-01", "Planned mentoring session"),
        "timestamp": "2026-12-01T10:00:00.000Z",
    }
    doc.update(overrides)
    return doc


def statement_ref(target_id: str) -> dict[str, Any]:
    return {"objectType": "StatementRef", "id": target_id}


def comment_on(target_id: str, **overrides: Any) -> dict[str, Any]:
    """A mentor's comment on another statement: its object is a StatementRef."""
    doc: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": agent("Grace Mentor"),
        "verb": {"id": VERB_COMMENTED, "display": {"en-US": "commented"}},
        "object": statement_ref(target_id),
        "result": {"response": "Well prepared; follow up on the feedback plan."},
        "timestamp": "2026-11-04T09:00:00.000Z",
    }
    doc.update(overrides)
    return doc


def attachment(**overrides: Any) -> dict[str, Any]:
    """Session notes kept elsewhere, referenced by fileUrl (Data 2.4.11)."""
    content = b"Agreed goals for the next session.\n"
    doc: dict[str, Any] = {
        "usageType": "https://lrs.example.org/attachments/session-notes",
        "display": {"en-US": "Session notes"},
        "contentType": "text/plain",
        "length": len(content),
        "sha2": hashlib.sha256(content).hexdigest(),
        "fileUrl": "https://files.example.org/notes/2026-11-03.txt",
    }
    doc.update(overrides)
    return doc
