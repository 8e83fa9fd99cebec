"""The coordinator API's CSV carries every field of its JSON, in fixed columns
(docs/COORDINATOR.md, "CSV"), for every endpoint, on both stores."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from typing import Any

import orjson
import pytest

from lrs.api.coordinator.schemas import ENDPOINTS
from tests.projections import factories as f
from tests.projections.scenario import AT, statements
from tests.projections.support import post

ROWS = {  # the list field that gives a CSV its lines (None: one line)
    "/coordinator/programs": "programs",
    "/coordinator/program": None,
    "/coordinator/program/mentees": "mentees",
    "/coordinator/program/mentors": "mentors",
    "/coordinator/program/weekly": "weeks",
    "/coordinator/program/cohorts": "cohorts",
    "/coordinator/program/pairs-at-risk": "pairs_at_risk",
    "/coordinator/mentee": None,
    "/coordinator/mentor": None,
    "/coordinator/feedback/received": "feedback",
    "/coordinator/feedback/given": "feedback",
    "/coordinator/comments": "comments",
}


def params(path: str, *, program: str = f.PROGRAM) -> dict[str, str]:
    names = next(e[3] for e in ENDPOINTS if e[0] == path)
    agent = f.GRACE if path == "/coordinator/mentor" or path.endswith("/given") else f.ADA
    values = {"program": program, "at": AT, "agent": orjson.dumps({"mbox": agent["mbox"]}).decode()}
    return {k: v for k, v in values.items() if k in names}


@pytest.fixture
def coordinator(client: Any, make_client: Any, project: Any) -> Any:
    post(client, *statements().values())
    project()
    return make_client(("coordinator/read",))


def answers(client: Any, path: str, query: dict[str, str]) -> tuple[dict[str, Any], list[str], list[dict[str, str]]]:
    js = client.get(path, query_string=query)
    table = client.get(path, query_string=query, headers={"Accept": "text/csv"})
    assert js.status_code == table.status_code == 200, (js.get_data(as_text=True), path)
    assert table.mimetype == "text/csv"
    reader = csv.DictReader(io.StringIO(table.get_data(as_text=True)))
    lines = list(reader)
    return js.json, list(reader.fieldnames or []), lines


def is_agent(value: Any) -> bool:
    return isinstance(value, Mapping) and value.get("objectType") == "Agent"


def leaves(name: str, value: Any) -> Iterator[tuple[str, str]]:
    """The documented rendering of one JSON field as (column, text) pairs."""
    if is_agent(value):
        yield name, "mbox:" + value["mbox"] if "mbox" in value else ""
        yield f"{name}_name", value.get("name", "")
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            for column, text in leaves(key, inner):
                yield f"{name}.{column}", text
    elif isinstance(value, list) and value and all(is_agent(v) for v in value):
        yield name, "; ".join("mbox:" + v["mbox"] for v in value)
        yield f"{name}_name", "; ".join(v.get("name", "") for v in value)
    elif isinstance(value, list) and any(isinstance(v, Mapping) for v in value):
        yield name, orjson.dumps(value).decode()
    elif isinstance(value, list):
        yield name, "; ".join(str(v) for v in value)
    elif value is None:
        yield name, ""
    else:
        text = str(value)
        yield name, "'" + text if text.startswith(("=", "+", "-", "@")) else text


@pytest.mark.parametrize("path", sorted(ROWS))
def test_csv_carries_every_field_of_the_json_answer(coordinator: Any, path: str) -> None:
    """Every field of the JSON answer is in the CSV of the same request, flattened under
    dotted names, each item of the answer's list a line that also carries the answer's
    own fields (``more`` is in the Link header)."""
    body, header, lines = answers(coordinator, path, params(path))
    rows = ROWS[path]
    outer = {k: v for k, v in body.items() if k not in (rows, "more")}
    items = body[rows] if rows else [{}]
    assert items, f"the scenario gives {path} something to list"
    assert len(lines) == len(items)
    for line, item in zip(lines, items, strict=True):
        expected = dict(leaves_of({**outer, **item}))
        assert {c: line[c] for c in expected} == expected
    assert len(header) == len(set(header))


def leaves_of(fields: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for name, value in fields.items():
        yield from leaves(name, value)


@pytest.mark.parametrize("path", sorted(p for p, rows in ROWS.items() if rows))
def test_csv_columns_are_fixed_and_an_empty_list_keeps_its_header(
        coordinator: Any, make_client: Any, path: str) -> None:
    """A list with nothing in it (a program no statement names) answers the same header
    as a full one: the columns come from the endpoint, not from the data."""
    _, full, _ = answers(coordinator, path, params(path))
    if path == "/coordinator/programs":
        query = {"as_of": "0"}
    else:
        query = {**params(path), "until": "2025-01-01T00:00:00Z"}
    body, empty, lines = answers(coordinator, path, query)
    assert body[ROWS[path]] == [] and lines == []
    assert empty == full
