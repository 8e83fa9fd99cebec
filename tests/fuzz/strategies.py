"""Hypothesis strategies for hostile input: arbitrary JSON, mutated statements."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

from tests import factories

# Text that reaches the awkward places: quotes, brackets, backslashes, SQL, non-BMP.
HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from([
        "", " ", "'", '"', "\\", "' OR '1'='1", "'; DROP TABLE xapi_statement; --",
        "mailto:", "mailto:a@b", "http://", "urn:x", "{}", "[]", "null", "1e400",
        "\u202e", "\ud7ff", "\U0001f600", "a" * 300, "%00", "%", "?", "\n\r\t",
        "0000-00-00T00:00:00Z", "2026-13-45T25:61:61Z", "-1", "99999999999999999999",
    ]),
)

JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), HOSTILE_TEXT,
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
)

ANY_JSON = st.recursive(
    JSON_SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(HOSTILE_TEXT, children, max_size=4),
    ),
    max_leaves=20,
)

STATEMENT_KEYS = st.sampled_from([
    "id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority",
    "version", "attachments", "objectType", "mbox", "name", "account", "member", "display",
    "definition", "score", "extensions", "registration", "contextActivities", "statement",
    "instructor", "team", "language", "homePage", "interactionType", "choices", "scaled",
])


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


@st.composite
def mutated_statements(draw: st.DrawFn) -> Any:
    """A valid statement (with a new id), or one with a place replaced, removed or
    given an extra key: most of the validator's branches are behind a mostly-valid
    statement."""
    statement = copy.deepcopy(draw(st.sampled_from(_SEEDS)))
    path = draw(st.sampled_from(_paths(statement)))
    if not path:
        return draw(ANY_JSON)
    parent = statement
    for step in path[:-1]:
        parent = parent[step]
    action = draw(st.sampled_from(["keep", "replace", "remove", "add"]))
    if action == "keep":
        statement["id"] = str(draw(st.uuids(version=4)))
    elif action == "replace":
        parent[path[-1]] = draw(ANY_JSON)
    elif action == "remove" and isinstance(parent, dict):
        del parent[path[-1]]
    elif isinstance(parent[path[-1]], dict):
        parent[path[-1]][draw(STATEMENT_KEYS)] = draw(ANY_JSON)
    return statement


_SEEDS = [
    factories.statement(),
    factories.statement(actor=factories.group()),
    factories.statement(object=factories.substatement()),
    factories.comment_on("a3b2c1d0-1234-4abc-8def-0123456789ab"),
    factories.voiding("a3b2c1d0-1234-4abc-8def-0123456789ab"),
    factories.statement(attachments=[factories.attachment()]),
]
