"""Whether two statements are the same statement (Data 2.3.1).

Used when a statement id already exists (Communication 2.1.1, 2.1.2:
equivalent -> accepted without change, different -> 409) and to check a
signed statement against its JWS payload (Data 2.6).

"Differences which could have been caused by exceptions to Statement
immutability MUST be ignored", every other difference counts. Both
statements are reduced to a comparable form in which those exceptions
cannot show, then compared with JSON types kept apart (``true`` is not ``1``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import orjson

from xapi.identifiers import CONTEXT_ACTIVITY_TYPES, normalize_mbox
from xapi.prepare import ASSIGNED_IF_ABSENT, parse_timestamp
from xapi.versions import XAPIVersion

# Assigned or overwritten by the LRS (authority, stored), or not part of the
# statement at all (attachments, see `statements_equivalent`).
_ALWAYS_IGNORED = frozenset({"authority", "stored", "attachments"})
# `ASSIGNED_IF_ABSENT` (id, timestamp, version): compared only when both sides have them.


def as_sent(stored: Mapping[str, Any], assigned: Iterable[str]) -> dict[str, Any]:
    """A stored statement without what the LRS assigned to it: `assigned` (the
    names among ``id``, ``timestamp``, ``version`` it filled in, see
    `xapi.prepare.assigned_properties`), ``stored`` and ``authority``.

    Data 2.3.1 ignores a property one side lacks because the LRS may have
    assigned it; comparing a retry with the stored statement as it was sent
    (and the retry as it is sent, before `prepare`) is what lets that rule
    apply: a statement sent twice without a timestamp is the same statement,
    though the LRS gave the first a timestamp."""
    dropped = {*assigned, "stored", "authority"}
    return {name: value for name, value in stored.items() if name not in dropped}


def statements_equivalent(
    a: Mapping[str, Any], b: Mapping[str, Any], version: XAPIVersion | None = None
) -> bool:
    """True when `a` and `b` differ only as Data 2.3.1 allows.

    Ignored:
    - ``authority`` and ``stored`` (overwritten by the LRS);
    - ``id``, ``timestamp``, ``version`` when one side lacks them (the LRS
      may have assigned them); when both have them they must agree;
    - the Verb's ``display`` and every Activity ``definition`` (not part of
      the statement), and the default ``objectType`` of Agents and Activities;
    - the serialization of timestamps: same instant, to the millisecond
      (Data 4.5 lets the LRS truncate beyond it);
    - the order of Group members (an unordered list);
    - case where it is insensitive: the mbox scheme and domain, mbox_sha1sum
      hex, UUIDs (RFC 4122), ``context.language`` (RFC 5646);
    - a single contextActivities Activity versus a list of one (Data 2.4.6.2
      requires the LRS to return lists);
    - ``attachments``: "not part of Statements" (Data 2.3.1); a signed
      statement's JWS payload is the statement before its signature
      attachment was added (Data 2.6), so it must compare equal without them.

    Compared as strings: result ``duration`` (Data 2.3.1), after dropping
    digits beyond 0.01 s (Data 4.6). Everything else compares exactly,
    numbers by value (``9`` equals ``9.0``) but never booleans as numbers.
    This applies inside a SubStatement too (where timestamp is compared
    whenever either side has one: the LRS never assigns it there).

    Under the rules of a `version` whose `immutability_ignores_version` is set
    (2.0: 9274.1.1 4.2 lists ``version`` among what the LRS may assign, and an
    LRS serving both versions assigns 1.0.0 or 2.0.0 by the request), the
    ``version`` is not compared at all.
    """
    ignored = version is not None and version.immutability_ignores_version
    for name in ASSIGNED_IF_ABSENT:
        if name == "version" and ignored:
            continue
        if (
            name in a
            and name in b
            and not _same(_assigned(name, a[name]), _assigned(name, b[name]))
        ):
            return False
    return _same(_statement(a, top_level=True), _statement(b, top_level=True))


def _assigned(name: str, value: Any) -> Any:
    if name == "id":
        return _uuid(value)
    if name == "timestamp":
        return _timestamp(value)
    return value


def _statement(doc: Mapping[str, Any], *, top_level: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in doc.items():
        if name in _ALWAYS_IGNORED or (top_level and name in ASSIGNED_IF_ABSENT):
            continue
        if name == "actor":
            out[name] = _agent(value)
        elif name == "verb":
            out[name] = _verb(value)
        elif name == "object":
            out[name] = _object(value)
        elif name == "result":
            out[name] = _result(value)
        elif name == "context":
            out[name] = _context(value)
        elif name == "timestamp":
            out[name] = _timestamp(value)
        else:
            out[name] = value
    return out


def _agent(agent: Any) -> Any:
    """An Agent or Group without the differences Data 2.3.1 allows."""
    if not isinstance(agent, Mapping):
        return agent
    out = {"objectType": "Agent", **agent}
    if isinstance(out.get("mbox"), str):
        out["mbox"] = normalize_mbox(out["mbox"])
    if isinstance(out.get("mbox_sha1sum"), str):
        out["mbox_sha1sum"] = out["mbox_sha1sum"].lower()
    if isinstance(out.get("member"), list):
        members = [_agent(member) for member in out["member"]]
        out["member"] = sorted(members, key=_sort_key)
    return out


def _verb(verb: Any) -> Any:
    if not isinstance(verb, Mapping):
        return verb
    return {name: value for name, value in verb.items() if name != "display"}


def _activity(activity: Any) -> Any:
    if not isinstance(activity, Mapping):
        return activity
    out = {"objectType": "Activity", **activity}
    out.pop("definition", None)
    return out


def _object(obj: Any) -> Any:
    if not isinstance(obj, Mapping):
        return obj
    object_type = obj.get("objectType", "Activity")
    if object_type == "Activity":
        return _activity(obj)
    if object_type in ("Agent", "Group"):
        return _agent(obj)
    if object_type == "StatementRef":
        return _statement_ref(obj)
    if object_type == "SubStatement":
        return _statement(obj, top_level=False)
    return obj


def _statement_ref(ref: Any) -> Any:
    if not isinstance(ref, Mapping):
        return ref
    return {**ref, "id": _uuid(ref.get("id"))}


_DURATION_FRACTION = re.compile(r"([0-9]+[.,][0-9]{2})[0-9]+S")


def _result(result: Any) -> Any:
    if not isinstance(result, Mapping) or not isinstance(result.get("duration"), str):
        return result
    return {**result, "duration": _DURATION_FRACTION.sub(r"\1S", result["duration"])}


def _context(context: Any) -> Any:
    if not isinstance(context, Mapping):
        return context
    out = dict(context)
    if "registration" in out:
        out["registration"] = _uuid(out["registration"])
    for name in ("instructor", "team"):
        if name in out:
            out[name] = _agent(out[name])
    if isinstance(out.get("language"), str):
        out["language"] = out["language"].lower()
    if "statement" in out:
        out["statement"] = _statement_ref(out["statement"])
    context_activities = out.get("contextActivities")
    if isinstance(context_activities, Mapping):
        out["contextActivities"] = {
            kind: [_activity(a) for a in ([value] if isinstance(value, Mapping) else value)]
            if kind in CONTEXT_ACTIVITY_TYPES and isinstance(value, (Mapping, list))
            else value
            for kind, value in context_activities.items()
        }
    return out


def _uuid(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _timestamp(value: Any) -> Any:
    """The instant to the millisecond; an unparsable value compares as itself."""
    if not isinstance(value, str):
        return value
    try:
        instant = parse_timestamp(value)
    except ValueError:
        return value
    return instant.replace(microsecond=instant.microsecond // 1000 * 1000)


def _sort_key(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def _same(x: Any, y: Any) -> bool:
    """Deep equality of JSON values that keeps booleans apart from numbers."""
    if isinstance(x, bool) or isinstance(y, bool):
        return type(x) is type(y) and x == y
    if isinstance(x, (int, float)) and isinstance(y, (int, float)):
        return x == y
    if isinstance(x, Mapping) and isinstance(y, Mapping):
        return x.keys() == y.keys() and all(_same(x[k], y[k]) for k in x)
    if isinstance(x, (list, tuple)) and isinstance(y, (list, tuple)):
        return len(x) == len(y) and all(_same(i, j) for i, j in zip(x, y, strict=True))
    if isinstance(x, (str, datetime)) or x is None:
        return type(x) is type(y) and x == y
    return bool(x == y)
