"""Which statements a forwarder sends: pure functions of the statement."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

_CONTEXT_KINDS = ("parent", "grouping", "category", "other")


def selected(statement: dict[str, Any], verbs: Sequence[str], activities: Sequence[str]) -> bool:
    """Whether a statement passes: its verb is one of `verbs` (any verb when empty), and
    its object or one of its context activities is one of `activities` (any when empty)."""
    if verbs and statement.get("verb", {}).get("id") not in verbs:
        return False
    if activities and not set(activities) & set(activity_ids(statement)):
        return False
    return True


def activity_ids(statement: dict[str, Any]) -> Iterator[str]:
    """The statement's object, when an Activity, and its context activities."""
    target = statement.get("object", {})
    if target.get("objectType", "Activity") == "Activity" and "id" in target:
        yield target["id"]
    context = statement.get("context", {}).get("contextActivities", {})
    for kind in _CONTEXT_KINDS:
        found = context.get(kind, [])
        for activity in found if isinstance(found, list) else [found]:
            if isinstance(activity, dict) and "id" in activity:
                yield activity["id"]
