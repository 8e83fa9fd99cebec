"""The program endpoints of issue 22 within the program scopes of issue 20: a coordinator
granted one program gets 404 for every program endpoint of another, as for a program that
does not exist, and its answers for its own program."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.access.conftest import OTHER, PROGRAM
from tests.projections import factories as f

ENDPOINTS = ("matching", "gaps", "gaps/groups", "reinforcement", "engagement/funnel", "engagement/timeline",
             "engagement/mentions", "engagement/discussion", "outcomes", "profile-issues")


@pytest.mark.parametrize("path", ENDPOINTS)
def test_program_endpoint_outside_the_grant_is_a_404(granted: Any, path: str) -> None:
    client = granted((OTHER,))
    hidden = client.get(f"/coordinator/{path}", query_string={"program": PROGRAM})
    assert hidden.status_code == 404, hidden.get_json()
    assert client.get(f"/coordinator/{path}", query_string={"program": OTHER}).status_code == 200


def test_person_outcomes_of_someone_outside_the_grant_is_a_404(granted: Any) -> None:
    client = granted((OTHER,))
    response = client.get("/coordinator/outcomes/person",
                          query_string={"program": OTHER, "agent": json.dumps(f.ADA)})
    assert response.status_code == 404
