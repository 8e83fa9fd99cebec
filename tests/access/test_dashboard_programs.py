"""The dashboard shows a coordinator only the programs granted (issue 20, point 1): the
programs page and its CSV list them, another program's page, CSV or people are 404."""

from __future__ import annotations

from typing import Any

import pytest

from lrs.grants import ALL, ProgramGrant
from tests.access.conftest import CAROL, OTHER, PROGRAM
from tests.dashboard.conftest import Browser
from tests.projections import factories as f


@pytest.fixture
def signed_in(app: Any, two_programs: None) -> Any:
    def sign_in(programs: tuple[str, ...] | None, role: str = "coordinator") -> Browser:
        grant = ALL if programs is None else ProgramGrant.of(programs)
        credential, secret = app.extensions["lrs"].credentials.create(role=role, programs=grant)
        browser = Browser(app.test_client())
        assert browser.sign_in(credential.key, secret).status_code == 302
        return browser

    return sign_in


def agent(person: dict[str, Any]) -> str:
    """The dashboard names a person by their agent key."""
    return f.key(person)


def test_the_programs_page_lists_only_the_granted_ones(signed_in: Any) -> None:
    html = signed_in((OTHER,)).get("/dashboard/").get_data(as_text=True)
    assert OTHER in html and PROGRAM not in html


def test_the_programs_csv_lists_only_the_granted_ones(signed_in: Any) -> None:
    lines = signed_in((PROGRAM,)).get("/dashboard/programs.csv").get_data(as_text=True).splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == [PROGRAM]


def test_another_programs_page_is_a_404_like_a_missing_one(signed_in: Any) -> None:
    browser = signed_in((PROGRAM,))
    hidden = browser.get("/dashboard/program", query_string={"id": OTHER})
    missing = browser.get("/dashboard/program", query_string={"id": "https://lrs.example.org/programs/none"})
    assert hidden.status_code == missing.status_code == 404
    assert "No such program" in hidden.get_data(as_text=True)
    assert browser.get("/dashboard/program", query_string={"id": PROGRAM}).status_code == 200


def test_another_programs_csv_is_a_404(signed_in: Any) -> None:
    response = signed_in((PROGRAM,)).get("/dashboard/program/pairs.csv", query_string={"id": OTHER})
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/dashboard/mentee", "/dashboard/mentor", "/dashboard/mentee/goals.csv"])
def test_a_person_of_another_program_is_a_404(signed_in: Any, path: str) -> None:
    browser = signed_in((PROGRAM,))
    dan = f.person("Dan Mentor")
    for person, program in ((CAROL, OTHER), (dan, OTHER), (CAROL, PROGRAM)):
        response = browser.get(path, query_string={"program": program, "agent": agent(person)})
        assert response.status_code == 404, (person["name"], program)


def test_a_person_of_a_granted_program_is_shown(signed_in: Any) -> None:
    response = signed_in((OTHER,)).get("/dashboard/mentee", query_string={"program": OTHER, "agent": agent(CAROL)})
    assert response.status_code == 200 and "Carol Mentee" in response.get_data(as_text=True)


def test_admin_sees_every_program(signed_in: Any) -> None:
    html = signed_in((PROGRAM,), role="admin").get("/dashboard/").get_data(as_text=True)
    assert OTHER in html and PROGRAM in html
