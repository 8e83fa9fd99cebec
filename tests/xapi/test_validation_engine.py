"""The schemas' fast runner gives exactly marshmallow's own results."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests import factories
from tests.xapi import spec_examples
from xapi.schemas import statement_schema
from xapi.schemas.base import XAPISchema, flatten
from xapi.versions import V1_0_3


def broken_statement() -> dict[str, Any]:
    statement = factories.statement(authority=spec_examples.oauth_authority() | {"mbox": "x"})
    statement["actor"] = {"objectType": "Group", "member": [{"objectType": "Group"}, {"name": None}]}
    statement["verb"]["display"] = {"en_US": 1}
    statement["object"]["definition"] |= {
        "interactionType": "likert",
        "choices": [{"id": "a"}, {"id": "a", "x": 1}],
        "extensions": {"not an iri": None},
    }
    statement["result"]["score"] = {"scaled": "1", "raw": 11, "min": 10, "max": 5}
    statement["context"] |= {"team": factories.agent(), "contextActivities": {"parent": "x", "peer": []}}
    statement["attachments"] = [{"usageType": "http://adlnet.gov/expapi/attachments/signature"}, 3]
    statement["unknown"] = True
    return statement


CORPUS = {
    "factory": factories.statement,
    "long-spec-example": spec_examples.long_statement,
    "substatement": spec_examples.substatement_statement,
    "broken": broken_statement,
}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_check_matches_marshmallow_validate(name, monkeypatch, statement_rules):
    # marshmallow stays the one description of the rules: `check` only runs it faster
    # (under each version's schema: tests/xapi/conftest.py)
    schema = statement_schema(statement_rules)
    statement = CORPUS[name]()
    fast = sorted(flatten(schema.check(copy.deepcopy(statement))), key=repr)
    monkeypatch.setattr(XAPISchema, "check", lambda self, value: self.validate(value))
    reference = sorted(flatten(schema.check(statement)), key=repr)
    assert fast == reference


def test_broken_statement_reports_many_errors():
    # Guard for the corpus above: it must exercise most rules
    errors = list(flatten(statement_schema(V1_0_3).check(broken_statement())))
    assert len({error.rule for error in errors}) >= 12
