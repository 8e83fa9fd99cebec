"""Profile issues: statements that almost follow the program additions, with the rule
each breaks, so that providers can fix their integration (docs/profile/README.md,
"Statements that almost follow the additions")."""

from __future__ import annotations

from dataclasses import dataclass

from lrs.store.database import Cursor
from projections.program_matching import rankings
from projections.program_people import membership
from projections.programs import rows
from projections.programs_profile import NO_PROGRAM, Kind


@dataclass(frozen=True, slots=True)
class Issue:
    statement_id: str
    actor: str
    rule: str
    message: str
    ts_us: int


_MESSAGES = {
    "ranking-not-mentor": "the ranking names someone who is not a mentor of the program: it is ignored",
    "shortlist-not-mentee": "the shortlist names someone who is not a mentee of the program: it is ignored",
}


def profile_issues(cur: Cursor, program: str, *, at_us: int, as_of: int | None) -> list[Issue]:
    """The program's almost-profile statements, and those about a person in general whose
    actor is a member of the program, newest first."""
    members = membership(cur, program, at_us=at_us, as_of=as_of)
    people = members.mentors | members.mentees
    found = [
        Issue(r.statement_id, r.actor, str(r.detail), r.text or "", r.ts_us)
        for r in rows(cur, (Kind.ISSUE,), as_of=as_of, until_us=at_us + 1)
        if r.program == program or (r.program == NO_PROGRAM and r.actor in people)
    ]
    _, ignored = rankings(cur, program, members, at_us=at_us, as_of=as_of)
    found += [Issue(r.statement_id, r.person, rule, _MESSAGES[rule], r.ts_us) for r, rule in ignored]
    found.sort(key=lambda i: (-i.ts_us, i.statement_id))
    return found
