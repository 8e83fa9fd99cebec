"""Statements of the profile's program additions (docs/profile/README.md, "Program
additions"), one builder per row; each returns a fresh, valid xAPI statement."""

from __future__ import annotations

import uuid
from typing import Any

from tests.projections.factories import ADL, BASE, PROGRAM, program_activity

SHARED = ADL + "shared"
RECEIVED = "http://activitystrea.ms/schema/1.0/receive"
VIDEO_TIME = "https://w3id.org/xapi/video/extensions/time"
HR = {"objectType": "Agent", "name": "HR system", "mbox": "mailto:hr@example.org"}


def competency(name: str) -> dict[str, Any]:
    return {"objectType": "Activity", "id": f"https://lrs.example.org/competencies/{name}",
            "definition": {"type": f"{BASE}/activity-types/competency", "name": {"en-US": name}}}


def role(name: str) -> dict[str, Any]:
    return {"objectType": "Activity", "id": f"https://lrs.example.org/roles/{name}",
            "definition": {"type": f"{BASE}/activity-types/role", "name": {"en-US": name}}}


def measure(name: str = "csat") -> dict[str, Any]:
    return {"objectType": "Activity", "id": f"https://lrs.example.org/measures/{name}",
            "definition": {"type": f"{BASE}/activity-types/outcome-measure", "name": {"en-US": name}}}


def _statement(actor: dict[str, Any], verb: str, obj: dict[str, Any], timestamp: str, *,
               program: str | None = None, extensions: dict[str, Any] | None = None,
               result: dict[str, Any] | None = None, **context: Any) -> dict[str, Any]:
    ctx: dict[str, Any] = dict(context)
    if program is not None:
        ctx.setdefault("contextActivities", {})["grouping"] = [program_activity(program)]
    if extensions:
        ctx["extensions"] = {f"{BASE}/extensions/{k}" if "/" not in k else k: v for k, v in extensions.items()}
    doc: dict[str, Any] = {"id": str(uuid.uuid4()), "actor": actor,
                           "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
                           "object": obj, "timestamp": timestamp}
    if ctx:
        doc["context"] = ctx
    if result is not None:
        doc["result"] = result
    return doc


def level_result(level: Any) -> dict[str, Any]:
    """A level as ``result.score.raw`` (with min 0 and max 4 when it lies within them, so
    that an out-of-range level is still valid xAPI)."""
    if isinstance(level, int | float) and 0 <= level <= 4:
        return {"score": {"raw": level, "min": 0, "max": 4}}
    return {"score": {"raw": level}}


def claimed(who: dict[str, Any], skill: str, level: Any, timestamp: str = "2026-01-02T09:00:00Z") -> dict[str, Any]:
    return _statement(who, f"{BASE}/verbs/claimed", competency(skill), timestamp, result=level_result(level))


def assessed(assessor: dict[str, Any], who: dict[str, Any] | None, skill: str, level: Any,
             timestamp: str = "2026-01-03T09:00:00Z") -> dict[str, Any]:
    extensions = {"subject": who} if who is not None else None
    return _statement(assessor, f"{BASE}/verbs/assessed", competency(skill), timestamp,
                      result=level_result(level), extensions=extensions)


def holds_role(who: dict[str, Any], name: str, seniority: Any = None, team: str | None = None,
               timestamp: str = "2026-01-01T09:00:00Z") -> dict[str, Any]:
    extensions: dict[str, Any] = {}
    if seniority is not None:
        extensions["seniority"] = seniority
    if team is not None:
        extensions["team"] = team
    return _statement(who, f"{BASE}/verbs/holds-role", role(name), timestamp, extensions=extensions)


def reports_to(who: dict[str, Any], manager: dict[str, Any], timestamp: str = "2026-01-01T09:00:00Z") -> dict[str, Any]:
    return _statement(who, f"{BASE}/verbs/reports-to", manager, timestamp)


def requires(holder: dict[str, Any], skill: str, level: Any, timestamp: str = "2026-01-01T08:00:00Z") -> dict[str, Any]:
    """A program's or role's target level for a competency (holder: the program or role Activity)."""
    return _statement(HR, f"{BASE}/verbs/requires", competency(skill), timestamp, result=level_result(level),
                      contextActivities={"parent": [holder]})


def capacity(mentor: dict[str, Any], n: Any, timestamp: str = "2026-01-04T09:00:00Z",
             program: str = PROGRAM) -> dict[str, Any]:
    return _statement(mentor, f"{BASE}/verbs/set-capacity", program_activity(program), timestamp,
                      program=program, extensions={"capacity": n})


def ranked(mentee: dict[str, Any], mentors: list[Any], timestamp: str = "2026-01-04T10:00:00Z",
           program: str = PROGRAM) -> dict[str, Any]:
    return _statement(mentee, f"{BASE}/verbs/ranked", program_activity(program), timestamp,
                      program=program, extensions={"ranking": mentors})


def shortlisted(mentor: dict[str, Any], mentees: list[Any], timestamp: str = "2026-01-04T11:00:00Z",
                program: str = PROGRAM) -> dict[str, Any]:
    return _statement(mentor, f"{BASE}/verbs/shortlisted", program_activity(program), timestamp,
                      program=program, extensions={"ranking": mentees})


def configured(direction: str, timestamp: str = "2026-01-01T07:00:00Z", program: str = PROGRAM) -> dict[str, Any]:
    return _statement(HR, f"{BASE}/verbs/configured", program_activity(program), timestamp,
                      program=program, extensions={"direction": direction})


def video(name: str = "listening") -> dict[str, Any]:
    return {"objectType": "Activity", "id": f"https://lrs.example.org/videos/{name}",
            "definition": {"type": "https://w3id.org/xapi/video/activity-type/video",
                           "name": {"en-US": f"Video: {name}"}}}


def shared(sharer: dict[str, Any], audience: Any, name: str = "listening",
           timestamp: str = "2026-01-06T09:00:00Z", program: str = PROGRAM) -> dict[str, Any]:
    return _statement(sharer, SHARED, video(name), timestamp, program=program,
                      extensions={"audience": audience})


def delivered(who: dict[str, Any], name: str = "listening", timestamp: str = "2026-01-06T09:01:00Z",
              program: str = PROGRAM) -> dict[str, Any]:
    return _statement(who, RECEIVED, video(name), timestamp, program=program)


def timeline_comment(author: dict[str, Any], seconds: Any, name: str = "listening",
                     timestamp: str = "2026-01-07T09:00:00Z", reply_to: str | None = None,
                     mentions: list[dict[str, Any]] | None = None, program: str = PROGRAM) -> dict[str, Any]:
    result: dict[str, Any] = {"response": "At this point..."}
    if seconds is not None:
        result["extensions"] = {VIDEO_TIME: seconds}
    more: dict[str, Any] = {}
    if reply_to is not None:
        more["statement"] = {"objectType": "StatementRef", "id": reply_to}
    return _statement(author, ADL + "commented", video(name), timestamp, program=program, result=result,
                      extensions={"mentions": mentions} if mentions else None, **more)


def measured(who: dict[str, Any], score: Any, timestamp: str, name: str = "csat",
             period: str | None = None, reporter: dict[str, Any] | None = None) -> dict[str, Any]:
    extensions: dict[str, Any] = {}
    if reporter is not None:
        extensions["subject"] = who
    if period is not None:
        extensions["period"] = period
    return _statement(reporter or who, f"{BASE}/verbs/measured", measure(name), timestamp,
                      result={"score": {"raw": score}}, extensions=extensions or None)
