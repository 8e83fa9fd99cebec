"""Program-scoped access to the coordinator API (issue 20, point 1), on both stores:
a coordinator sees only the programs granted; another program, or a person in none of
them, answers exactly as if it did not exist (404); admin sees all."""

from __future__ import annotations

import csv
import io
from typing import Any

import orjson
import pytest

from tests.access.conftest import CAROL, OTHER, PROGRAM
from tests.projections import factories as f

FIGURES = ("/program", "/program/mentees", "/program/mentors", "/program/weekly", "/program/pairs-at-risk")
PERSONS = ("/mentee", "/mentor", "/feedback/received", "/feedback/given", "/comments")


def agent(person: dict[str, Any]) -> str:
    return orjson.dumps({"mbox": person["mbox"]}).decode()


def get(client: Any, path: str, **params: Any) -> Any:
    return client.get(f"/coordinator{path}", query_string=params)


def test_programs_lists_only_the_granted_ones(granted: Any) -> None:
    body = get(granted((PROGRAM,)), "/programs").json
    assert [p["id"] for p in body["programs"]] == [PROGRAM]


def test_programs_as_csv_lists_only_the_granted_ones(granted: Any) -> None:
    response = granted((OTHER,)).get("/coordinator/programs", headers={"Accept": "text/csv"})
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["id"] for row in rows] == [OTHER]


def test_all_programs_grant_lists_every_program(granted: Any) -> None:
    assert {p["id"] for p in get(granted(None), "/programs").json["programs"]} == {PROGRAM, OTHER}


def test_admin_sees_every_program_whatever_its_grant(granted: Any) -> None:
    admin = granted((PROGRAM,), role="admin")
    assert {p["id"] for p in get(admin, "/programs").json["programs"]} == {PROGRAM, OTHER}
    assert get(admin, "/program", program=OTHER).status_code == 200


@pytest.mark.parametrize("path", FIGURES)
def test_a_program_outside_the_grant_is_a_404_like_a_missing_one(granted: Any, path: str) -> None:
    coordinator = granted((PROGRAM,))
    hidden = get(coordinator, path, program=OTHER)
    missing = get(coordinator, path, program="https://lrs.example.org/programs/none")
    assert (hidden.status_code, hidden.json) == (404, missing.json)
    assert get(coordinator, path, program=PROGRAM).status_code == 200


def test_a_hidden_program_is_a_404_as_csv_and_as_of_too(granted: Any) -> None:
    coordinator = granted((PROGRAM,))
    csv = coordinator.get("/coordinator/program/mentees", query_string={"program": OTHER},
                          headers={"Accept": "text/csv"})
    assert csv.status_code == 404
    assert get(coordinator, "/program", program=OTHER, as_of="1").status_code == 404


@pytest.mark.parametrize("path", PERSONS)
def test_a_person_of_another_program_is_a_404(granted: Any, path: str) -> None:
    """Carol is only in OTHER: asked about within the granted program she does not exist."""
    coordinator = granted((PROGRAM,))
    assert get(coordinator, path, program=PROGRAM, agent=agent(CAROL)).status_code == 404
    assert get(coordinator, path, program=OTHER, agent=agent(CAROL)).status_code == 404


def test_a_person_of_a_granted_program_is_answered(granted: Any) -> None:
    coordinator = granted((OTHER,))
    body = get(coordinator, "/feedback/given", program=OTHER, agent=agent(CAROL)).json
    assert [s["rating"] for s in body["feedback"]] == [4]


def test_feedback_of_a_person_in_no_program_is_a_404(granted: Any) -> None:
    stranger = f.person("Stranger Danger")
    assert get(granted(None), "/feedback/received", program=PROGRAM, agent=agent(stranger)).status_code == 404


def test_the_openapi_document_needs_no_grant(granted: Any) -> None:
    assert get(granted((PROGRAM,)), "/openapi.json").status_code == 200
