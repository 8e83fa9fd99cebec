"""Reading the mentoring figures in tests: statements go in through HTTP, the
projection runner catches up, and the query functions answer from the view."""

from __future__ import annotations

from typing import Any

from projections.mentee_progress import MenteeProgress, mentee_progress
from projections.mentor_contribution import MentorContribution, mentor_contribution
from projections.mentoring import Window, program_exists
from projections.program_tracking import (
    ProgramSummary,
    Week,
    program_summary,
    weekly_series,
)
from projections.registry import ViewSettings
from tests.projections import factories as f
from xapi.prepare import epoch_us, parse_timestamp

SETTINGS = ViewSettings()


def us(timestamp: str) -> int:
    return epoch_us(parse_timestamp(timestamp))


def post(client: Any, *statements: dict[str, Any]) -> None:
    response = client.post("/xapi/statements", json=list(statements))
    assert response.status_code == 200, response.get_json()


class Figures:
    """The query functions over one app's store, with test-friendly arguments."""

    def __init__(self, app: Any, project: Any):
        self.services = app.extensions["lrs"]
        self.project = project

    def position_of(self, statement: dict[str, Any]) -> int:
        position = self.services.store.queries.position_of(statement["id"], voided=False)
        if position is None:
            position = self.services.store.queries.position_of(statement["id"], voided=True)
        assert position is not None
        return int(position)

    def window(self, program: str = f.PROGRAM, since: str | None = None, until: str | None = None,
               as_of: int | None = None) -> Window:
        return Window(program, us(since) if since else None, us(until) if until else None, as_of)

    def mentees(self, at: str, **window: Any) -> dict[str, MenteeProgress]:
        self.project()
        with self.services.store.db.read() as cur:
            found = mentee_progress(cur, self.window(**window), at_us=us(at), settings=SETTINGS)
        return {p.mentee: p for p in found}

    def mentors(self, at: str, **window: Any) -> dict[str, MentorContribution]:
        self.project()
        with self.services.store.db.read() as cur:
            found = mentor_contribution(cur, self.window(**window), at_us=us(at))
        return {c.mentor: c for c in found}

    def summary(self, at: str, **window: Any) -> ProgramSummary | None:
        """The program's summary; None when the view knows no such program."""
        self.project()
        with self.services.store.db.read() as cur:
            scope = self.window(**window)
            if not program_exists(cur, scope.program, scope.as_of):
                return None
            return program_summary(cur, scope, at_us=us(at), settings=SETTINGS)

    def weeks(self, at: str, **window: Any) -> list[Week]:
        self.project()
        with self.services.store.db.read() as cur:
            return weekly_series(cur, self.window(**window), at_us=us(at))
