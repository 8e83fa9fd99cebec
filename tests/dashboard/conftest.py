"""Fixtures for the dashboard: credentials of each role, a signed-in browser-like client,
and a program written through the xAPI API and projected."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.dashboard import statements as s

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no CSRF token"
    return found.group(1)


@dataclass
class Browser:
    """Flask's test client used as a browser: cookies kept, forms posted with their token."""

    client: Any

    def sign_in(self, key: str, secret: str, next_path: str = "/dashboard/") -> Any:
        token = csrf_of(self.client.get("/dashboard/signin").get_data(as_text=True))
        return self.client.post("/dashboard/signin", data={
            "csrf_token": token, "key": key, "secret": secret, "next": next_path})

    def sign_out(self) -> Any:
        token = csrf_of(self.client.get("/dashboard/").get_data(as_text=True))
        return self.client.post("/dashboard/signout", data={"csrf_token": token})

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.client.post(path, **kwargs)


@pytest.fixture
def credential(app: Any) -> Callable[[str], tuple[str, str]]:
    """(key, secret) of a new credential with the given role."""

    def make(role: str) -> tuple[str, str]:
        created, secret = app.extensions["lrs"].credentials.create(role=role)
        return created.key, secret

    return make


@pytest.fixture
def browser(app: Any) -> Browser:
    return Browser(app.test_client())


@pytest.fixture
def coordinator(browser: Browser, credential: Callable[[str], tuple[str, str]]) -> Browser:
    """A browser signed in with a coordinator credential."""
    response = browser.sign_in(*credential("coordinator"))
    assert response.status_code == 302
    return browser


@dataclass
class Program:
    """A small program: one pair at risk (an overdue goal), one on track, one inactive."""

    activity: dict[str, Any]
    mentor: dict[str, Any]
    on_track: dict[str, Any]
    at_risk: dict[str, Any]
    inactive: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.activity["id"])


@pytest.fixture
def post(make_client: Any, project: Callable[[], int]) -> Callable[[list[dict[str, Any]]], None]:
    """Post statements through the xAPI API with a provider-like credential, then project."""
    writer = make_client(("all",))

    def send(statements: list[dict[str, Any]]) -> None:
        response = writer.post("/xapi/statements", json=statements)
        assert response.status_code == 200, response.get_data(as_text=True)
        project()

    return send


def program_statements(program: Program) -> list[dict[str, Any]]:
    a = program.activity
    mentor = program.mentor
    out = [s.enrol(mentor, "mentor", s.ago(60), a)]
    for mentee in (program.on_track, program.at_risk, program.inactive):
        out += [s.enrol(mentee, "mentee", s.ago(60), a), s.pair(mentor, mentee, s.ago(59), a)]
    out += [
        s.session(program.on_track, mentor, s.ago(3), a),
        s.session(program.on_track, mentor, s.ago(10), a),
        s.session(program.at_risk, mentor, s.ago(5), a),
        s.goal_set(program.at_risk, "https://academy.example.com/goals/late", "2020-01-01", s.ago(40), a),
        s.session(program.inactive, mentor, s.ago(50), a),
        s.feedback(mentor, program.on_track, 5, "great", s.ago(2), a),
        s.feedback(mentor, program.at_risk, 3, "ok", s.ago(4), a),
        s.comment(program.on_track, "thanks", s.ago(2), a),
    ]
    return out


@pytest.fixture
def program(post: Callable[[list[dict[str, Any]]], None]) -> Program:
    made = Program(
        activity=s.program_activity("Leadership circle"),
        mentor=s.agent("Grace Mentor", "grace@example.org"),
        on_track=s.agent("Olu Ontrack", "olu@example.org"),
        at_risk=s.agent("Ada Atrisk", "ada@example.org"),
        inactive=s.agent("Ike Inactive", "ike@example.org"),
    )
    post(program_statements(made))
    return made
