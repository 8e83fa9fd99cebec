"""Mentoring-profile statements for the dashboard's tests (docs/profile/README.md)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

BASE = "https://mentoring.example.org/xapi"
ADL = "http://adlnet.gov/expapi/verbs/"
PROGRAM = "https://academy.example.com/programs/test"


def agent(name: str, email: str) -> dict[str, Any]:
    return {"objectType": "Agent", "name": name, "mbox": f"mailto:{email}"}


def key(person: dict[str, Any]) -> str:
    """The agent key the views use (`xapi.identifiers.agent_key`)."""
    from xapi.identifiers import agent_key

    return str(agent_key(person))


def ago(days: float, now: datetime | None = None) -> str:
    moment = (now or datetime.now(UTC)) - timedelta(days=days)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def program_activity(name: str = "Test program", program: str = PROGRAM) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": program,
        "definition": {"type": f"{BASE}/activity-types/program", "name": {"en-US": name}},
    }


def _statement(actor: dict[str, Any], verb: str, obj: dict[str, Any], when: str,
               program: dict[str, Any], **extra: Any) -> dict[str, Any]:
    context = {"contextActivities": {"grouping": [program]}, **extra.pop("context", {})}
    return {"id": str(uuid.uuid4()), "actor": actor, "verb": {"id": verb}, "object": obj,
            "timestamp": when, "context": context, **extra}


def enrol(person: dict[str, Any], role: str, when: str, program: dict[str, Any]) -> dict[str, Any]:
    return _statement(person, ADL + "registered", program, when, program,
                      context={"extensions": {f"{BASE}/extensions/role": role}})


def pair(mentor: dict[str, Any], mentee: dict[str, Any], when: str, program: dict[str, Any]) -> dict[str, Any]:
    return _statement(mentor, f"{BASE}/verbs/paired-with", mentee, when, program)


def session(mentee: dict[str, Any], mentor: dict[str, Any], when: str, program: dict[str, Any],
            name: str = "Weekly session") -> dict[str, Any]:
    activity = {"objectType": "Activity", "id": f"https://academy.example.com/sessions/{uuid.uuid4()}",
                "definition": {"type": "http://adlnet.gov/expapi/activities/meeting", "name": {"en-US": name}}}
    return _statement(mentee, ADL + "attended", activity, when, program,
                      context={"instructor": mentor}, result={"duration": "PT1H"})


def comment(author: dict[str, Any], text: str, when: str, program: dict[str, Any],
            about_name: str = "A video") -> dict[str, Any]:
    about = {"objectType": "Activity", "id": "https://academy.example.com/videos/1",
             "definition": {"type": "https://w3id.org/xapi/video/activity-type/video",
                            "name": {"en-US": about_name}}}
    return _statement(author, ADL + "commented", about, when, program, result={"response": text})


def goal_set(owner: dict[str, Any], goal: str, target: str, when: str, program: dict[str, Any]) -> dict[str, Any]:
    activity = {"objectType": "Activity", "id": goal,
                "definition": {"type": f"{BASE}/activity-types/goal", "name": {"en-US": "A goal"}}}
    return _statement(owner, f"{BASE}/verbs/set-goal", activity, when, program,
                      context={"extensions": {f"{BASE}/extensions/target-date": target}})


def feedback(giver: dict[str, Any], recipient: dict[str, Any], rating: int, text: str, when: str,
             program: dict[str, Any]) -> dict[str, Any]:
    return _statement(giver, f"{BASE}/verbs/gave-feedback", program, when, program,
                      context={"extensions": {f"{BASE}/extensions/recipient": recipient}},
                      result={"score": {"raw": rating, "min": 1, "max": 5}, "response": text})
