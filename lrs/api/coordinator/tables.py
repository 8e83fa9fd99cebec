"""The coordinator API's answers as CSV tables whose columns come from the schemas.

A CSV must carry what the JSON answer to the same request carries, with columns
that do not change with the data (a spreadsheet or an import job relies on them,
and an empty list still has its header). So the columns are read off the
answer's marshmallow schema, never off the rows:

- an object is flattened under dotted names (``program.id``, ``program.name``);
- an Agent is its identifier key (``mbox:mailto:…``, as ``agent_key`` writes it)
  under its own name, and its display name under ``<name>_name``; a list of
  Agents the same, joined with ``; ``;
- a list of plain values is joined with ``; ``; a list of objects (the rating
  trend of a summary) is one cell of JSON;
- a list endpoint has one line per item, each carrying the answer's own fields
  (program, range, ``as_of``) before the item's; ``more`` is in the ``Link`` header.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import orjson
from marshmallow import Schema, fields

from lrs.api.dashboard.csvexport import cell
from xapi.identifiers import agent_key

LINK_ONLY = ("more",)
"""Answer fields that a CSV leaves to the headers."""


def table(schema: Schema, answer: Mapping[str, Any], rows: str | None) -> tuple[list[str], list[list[Any]]]:
    """The header and the lines of ``answer`` (already dumped through ``schema``);
    ``rows`` names the list field that gives one line per item (None: one line)."""
    outer = [(name, field) for name, field in _fields(schema) if name != rows and name not in LINK_ONLY]
    outer_columns = [c for name, field in outer for c in _columns(name, field)]
    if rows is None:
        return outer_columns, [[cell(v) for v in _values(outer, answer)]]
    item_field = schema.fields[rows]
    assert isinstance(item_field, fields.List) and isinstance(item_field.inner, fields.Nested)
    inner = _fields(_nested(item_field.inner))
    columns = outer_columns + [c for name, field in inner for c in _columns(name, field)]
    head = list(_values(outer, answer))
    return columns, [[cell(v) for v in (*head, *_values(inner, item))] for item in answer[rows]]


def _fields(schema: Schema) -> list[tuple[str, fields.Field]]:
    return [(field.data_key or name, field) for name, field in schema.fields.items() if not field.load_only]


def _nested(field: fields.Nested) -> Schema:
    nested = field.schema
    assert isinstance(nested, Schema)
    return nested


def _is_agent(field: fields.Field) -> bool:
    return isinstance(field, fields.Nested) and "mbox_sha1sum" in _nested(field).fields


def _columns(name: str, field: fields.Field) -> Iterator[str]:
    if _is_agent(field) or (isinstance(field, fields.List) and _is_agent(field.inner)):
        yield name
        yield f"{name}_name"
    elif isinstance(field, fields.Nested):
        for inner_name, inner in _fields(_nested(field)):
            for column in _columns(inner_name, inner):
                yield f"{name}.{column}"
    else:
        yield name


def _values(described: list[tuple[str, fields.Field]], data: Mapping[str, Any] | None) -> Iterator[Any]:
    for name, field in described:
        value = None if data is None else data.get(name)
        if _is_agent(field):
            yield agent_key(value) if value else None
            yield value.get("name") if value else None
        elif isinstance(field, fields.List) and _is_agent(field.inner):
            yield "; ".join(agent_key(v) or "" for v in value or ())
            yield "; ".join(v.get("name") or "" for v in value or ())
        elif isinstance(field, fields.Nested):
            yield from _values(_fields(_nested(field)), value)
        elif isinstance(field, fields.List):
            if isinstance(field.inner, fields.Nested):
                yield orjson.dumps(value or []).decode()
            else:
                yield "; ".join(str(v) for v in value or ())
        else:
            yield value
