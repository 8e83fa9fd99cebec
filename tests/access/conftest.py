"""Two programs with different people, projected, and clients granted some of them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import XAPIClient
from tests.projections import factories as f
from tests.projections.support import post

PROGRAM = f.PROGRAM
OTHER = f.OTHER_PROGRAM
CAROL = f.person("Carol Mentee")
DAN = f.person("Dan Mentor")


def other_program_statements() -> list[dict[str, Any]]:
    """Dan mentors Carol in the other program; nobody of it is in the first."""
    return [
        f.enrolment(DAN, "mentor", program=OTHER),
        f.enrolment(CAROL, "mentee", program=OTHER),
        f.pairing(DAN, CAROL, program=OTHER),
        f.session(CAROL, DAN, "2026-01-12T10:00:00Z", program=OTHER),
        f.feedback(CAROL, DAN, "2026-01-12T11:00:00Z", rating=4, program=OTHER),
    ]


@pytest.fixture
def two_programs(client: XAPIClient, project: Any) -> None:
    """Ada and Grace in PROGRAM; Carol and Dan in OTHER."""
    post(client,
         f.enrolment(f.GRACE, "mentor"), f.enrolment(f.ADA, "mentee"), f.pairing(f.GRACE, f.ADA),
         f.session(f.ADA, f.GRACE, "2026-01-12T10:00:00Z"),
         f.feedback(f.ADA, f.GRACE, "2026-01-12T11:00:00Z", rating=5),
         *other_program_statements())
    project()


@pytest.fixture
def granted(app: Any, two_programs: None) -> Any:
    """A client for a new credential of this role granted these programs."""

    def make(programs: tuple[str, ...] | None, role: str = "coordinator") -> XAPIClient:
        from lrs.grants import ALL, ProgramGrant

        grant = ALL if programs is None else ProgramGrant.of(programs)
        credential, secret = app.extensions["lrs"].credentials.create(role=role, programs=grant)
        return XAPIClient(app.test_client(), credential.key, secret)

    return make


@pytest.fixture
def admin(app: Any) -> XAPIClient:
    credential, secret = app.extensions["lrs"].credentials.create(role="admin")
    return XAPIClient(app.test_client(), credential.key, secret)


class Clock:
    """A clock the tests move: injected into the session store and the throttle."""

    def __init__(self, start: float = 1_800_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(app: Any) -> Clock:
    made = Clock()
    services = app.extensions["lrs"]
    services.sessions.clock = made
    services.throttle.clock = made
    return made


STRONG = "correct horse battery staple"


@pytest.fixture
def account(app: Any) -> Any:
    """(name, one-time password) of a new account of this role and programs."""

    def make(name: str = "ada.coordinator", display_name: str = "Ada Lovelace", role: str = "coordinator",
             programs: tuple[str, ...] | None = None) -> tuple[str, str]:
        from lrs.grants import ALL, ProgramGrant

        grant = ALL if programs is None else ProgramGrant.of(programs)
        created, password = app.extensions["lrs"].accounts.create(
            name, display_name=display_name, role=role, programs=grant)
        return created.name, password

    return make
