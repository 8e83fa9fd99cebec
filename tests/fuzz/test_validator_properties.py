"""The validator is total (STYLE: `validate` is pure and total): whatever JSON it
is given, it returns a list of errors, each with a path, a rule and a message,
and never raises (issue 12: hostile input)."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.strategies import ANY_JSON, mutated_statements
from xapi.errors import FieldError
from xapi.limits import json_depth
from xapi.validation import validate_statement, validate_statements
from xapi.versions import SUPPORTED

VERSIONS = st.sampled_from(SUPPORTED)


def _well_formed(errors: Any) -> bool:
    return isinstance(errors, list) and all(
        isinstance(e, FieldError) and isinstance(e.path, str) and isinstance(e.rule, str)
        and isinstance(e.message, str) for e in errors)


@settings(max_examples=200)
@given(document=ANY_JSON, version=VERSIONS)
def test_validate_statement_of_arbitrary_json_returns_errors_never_raises(document: Any, version: Any) -> None:
    before = copy.deepcopy(document)
    errors = validate_statement(document, version)
    assert _well_formed(errors)
    assert document == before  # checking never changes the input


@settings(max_examples=200)
@given(document=ANY_JSON, version=VERSIONS)
def test_validate_statements_of_arbitrary_json_returns_errors_never_raises(document: Any, version: Any) -> None:
    assert _well_formed(validate_statements(document, version))


@settings(max_examples=200)
@given(statement=mutated_statements(), version=VERSIONS)
def test_validate_statement_of_a_mutated_statement_returns_errors_never_raises(
    statement: Any, version: Any
) -> None:
    assert _well_formed(validate_statement(statement, version))


@given(batch=st.lists(mutated_statements(), min_size=1, max_size=3), version=VERSIONS)
def test_validate_statements_of_a_mutated_batch_returns_errors_never_raises(batch: Any, version: Any) -> None:
    assert _well_formed(validate_statements(batch, version))


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


@given(document=ANY_JSON)
def test_json_depth_read_from_the_bytes_is_the_nesting_of_the_value(document: Any) -> None:
    """`xapi.limits.json_depth` counts before parsing; strings (brackets, quotes and
    backslashes in them) never count."""
    assert json_depth(json.dumps(document, ensure_ascii=False).encode()) == _depth(document)
