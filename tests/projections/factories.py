"""Statements of the mentoring profile (docs/profile/README.md), one builder per row.

Each builder returns a fresh, valid xAPI statement dict for a program of the
default base; keyword arguments override top-level properties.
"""

from __future__ import annotations

import uuid
from typing import Any

BASE = "https://mentoring.example.org/xapi"
PROGRAM = "https://lrs.example.org/programs/reverse-mentoring-2026"
OTHER_PROGRAM = "https://lrs.example.org/programs/graduate-mentoring-2026"
ADL = "http://adlnet.gov/expapi/verbs/"
VIDEO_TYPE = "https://w3id.org/xapi/video/activity-type/video"
VIDEO_PROGRESS = "https://w3id.org/xapi/video/extensions/progress"


def person(name: str) -> dict[str, Any]:
    return {"objectType": "Agent", "name": name, "mbox": f"mailto:{name.lower().replace(' ', '.')}@example.org"}


def key(agent: dict[str, Any]) -> str:
    """The agent key the views use for an mbox Agent."""
    return "mbox:" + str(agent["mbox"])


ADA = person("Ada Mentee")
BOB = person("Bob Mentee")
GRACE = person("Grace Mentor")
ALAN = person("Alan Mentor")


def program_activity(program: str = PROGRAM, name: str = "Reverse mentoring 2026") -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": program,
        "definition": {"type": f"{BASE}/activity-types/program", "name": {"en-US": name}},
    }


def _statement(
    actor: dict[str, Any],
    verb: str,
    obj: dict[str, Any],
    timestamp: str,
    *,
    program: str = PROGRAM,
    context: dict[str, Any] | None = None,
    result: dict[str, Any] | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": actor,
        "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
        "object": obj,
        "context": {
            "contextActivities": {"grouping": [program_activity(program)]},
            **(context or {}),
        },
        "timestamp": timestamp,
    }
    if result is not None:
        doc["result"] = result
    doc.update(overrides)
    return doc


def enrolment(who: dict[str, Any], role: str, timestamp: str = "2026-01-05T09:00:00Z", **kw: Any) -> dict[str, Any]:
    program = kw.pop("program", PROGRAM)
    return _statement(
        who, ADL + "registered", program_activity(program), timestamp, program=program,
        context={"extensions": {f"{BASE}/extensions/role": role}}, **kw,
    )


def pairing(
    mentor: dict[str, Any], mentee: dict[str, Any], timestamp: str = "2026-01-05T10:00:00Z", **kw: Any
) -> dict[str, Any]:
    return _statement(mentor, f"{BASE}/verbs/paired-with", mentee, timestamp, **kw)


def session(
    mentee: dict[str, Any],
    mentor: dict[str, Any] | None,
    timestamp: str,
    duration: str | None = "PT1H",
    session_id: str | None = None,
    **kw: Any,
) -> dict[str, Any]:
    obj = {
        "objectType": "Activity",
        "id": f"https://lrs.example.org/sessions/{session_id or uuid.uuid4()}",
        "definition": {"type": "http://adlnet.gov/expapi/activities/meeting", "name": {"en-US": "Mentoring session"}},
    }
    context = {"instructor": mentor} if mentor is not None else {}
    result = {"duration": duration} if duration is not None else None
    return _statement(mentee, ADL + "attended", obj, timestamp, context=context, result=result, **kw)


def video(name: str = "listening") -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": f"https://lrs.example.org/videos/{name}",
        "definition": {"type": VIDEO_TYPE, "name": {"en-US": f"Video: {name}"}},
    }


def video_started(
    who: dict[str, Any], name: str, timestamp: str, verb: str = ADL + "initialized", **kw: Any
) -> dict[str, Any]:
    return _statement(who, verb, video(name), timestamp, **kw)


def video_watched(
    who: dict[str, Any], name: str, timestamp: str, duration: str = "PT10M", progress: float = 0.5, **kw: Any
) -> dict[str, Any]:
    result = {"duration": duration, "extensions": {VIDEO_PROGRESS: progress}}
    return _statement(who, ADL + "terminated", video(name), timestamp, result=result, **kw)


def video_completed(who: dict[str, Any], name: str, timestamp: str, **kw: Any) -> dict[str, Any]:
    return _statement(who, ADL + "completed", video(name), timestamp, **kw)


def comment(
    author: dict[str, Any],
    timestamp: str,
    about: str = "https://lrs.example.org/videos/listening",
    reply_to: str | None = None,
    mentions: list[dict[str, Any]] | None = None,
    text: str | None = "Useful, thanks.",
    **kw: Any,
) -> dict[str, Any]:
    context: dict[str, Any] = {}
    if reply_to is not None:
        context["statement"] = {"objectType": "StatementRef", "id": reply_to}
    if mentions:
        context["extensions"] = {f"{BASE}/extensions/mentions": mentions}
    return _statement(
        author, ADL + "commented", {"objectType": "Activity", "id": about}, timestamp,
        context=context, result={"response": text} if text is not None else None, **kw,
    )


def goal(name: str) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": f"https://lrs.example.org/goals/{name}",
        "definition": {"type": f"{BASE}/activity-types/goal", "name": {"en-US": name}},
    }


def goal_set(owner: dict[str, Any], name: str, timestamp: str, target: str | None = None, **kw: Any) -> dict[str, Any]:
    context = {"extensions": {f"{BASE}/extensions/target-date": target}} if target is not None else {}
    return _statement(owner, f"{BASE}/verbs/set-goal", goal(name), timestamp, context=context, **kw)


def goal_met(owner: dict[str, Any], name: str, timestamp: str, **kw: Any) -> dict[str, Any]:
    return _statement(owner, ADL + "completed", goal(name), timestamp, **kw)


def feedback(
    giver: dict[str, Any],
    recipient: dict[str, Any] | None,
    timestamp: str,
    rating: float | None = 4,
    about: str = "https://lrs.example.org/sessions/s1",
    text: str | None = "Clear and kind.",
    **kw: Any,
) -> dict[str, Any]:
    context = {"extensions": {f"{BASE}/extensions/recipient": recipient}} if recipient is not None else {}
    result: dict[str, Any] = {"response": text} if text is not None else {}
    if rating is not None:
        result["score"] = {"raw": rating, "min": 1, "max": 5}
    return _statement(giver, f"{BASE}/verbs/gave-feedback", {"objectType": "Activity", "id": about}, timestamp,
                      context=context, result=result or None, **kw)


def voiding(target_id: str, timestamp: str = "2026-03-01T00:00:00Z") -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": person("Coordinator"),
        "verb": {"id": ADL + "voided", "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": target_id},
        "timestamp": timestamp,
    }
