"""Program-scoped access to the coordinator views (issue 20): the one check.

Every coordinator request passes `check_request` (a ``before_request`` of the
blueprint, after authentication): a ``program`` parameter outside the caller's
grant, or an ``agent`` who is in none of the programs the caller may see (in
the named program when one is named), is answered 404 with the very message a
program or person that does not exist gets, so a grant never tells what it
hides. Listings of several programs filter with ``grant().filter(...)``.

A new endpoint gets the check for free when it names its program ``program``
and its person ``agent``; one that lists programs must filter them itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from lrs.api.errors import HTTPError
from lrs.grants import ProgramGrant
from lrs.store.database import Database
from projections import mentoring
from xapi import parameters
from xapi.identifiers import agent_key

NO_PROGRAM = "no profile statement names this program"
NO_PERSON = "this agent is in no program of this request"


class NotFound(HTTPError):
    """No such program, or the agent is not a mentee / mentor of it (answered with 404)."""

    def __init__(self, message: str):
        super().__init__(404, message)


def check_request(database: Database, grant: ProgramGrant,
                  args: Mapping[str, Sequence[str]]) -> tuple[str, str | None] | None:
    """`NotFound` unless the request's ``program`` and ``agent`` are within ``grant``;
    the (agent key, program) of a request about a person, for the access log.
    Malformed parameters pass: the endpoint's own parsing answers them with 400."""
    programs = args.get("program") or []
    program = programs[0] if len(programs) == 1 else None
    if program is not None and not grant.allows(program):
        raise NotFound(NO_PROGRAM)
    agents = args.get("agent") or []
    if len(agents) != 1:
        return None
    try:
        key = agent_key(parameters.agent("agent", agents[0]))
    except parameters.Rejected:
        return None  # refused by the parameter rules, with every error
    if key is None:
        return None
    check_person(database, grant, key, program)
    return key, program


def check_person(database: Database, grant: ProgramGrant, key: str, program: str | None) -> None:
    """`NotFound` unless the Agent (its key) is in ``program``, or, with none named, in
    a program of the grant (admin: in any program)."""
    with database.read() as cur:
        if program is not None:
            candidates = [program]
        else:
            candidates = grant.filter(p for p, _ in mentoring.programs(cur, None))
        if not any(mentoring.is_member(cur, p, key) for p in candidates):
            raise NotFound(NO_PERSON)


def visible_programs(grant: ProgramGrant, found: Sequence[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    """(program, name) pairs of a listing, limited to the grant."""
    return [(p, name) for p, name in found if grant.allows(p)]


GrantOf = Callable[[], ProgramGrant]
"""The current caller's grant (given to the blueprint by the composition root)."""

RecordRead = Callable[[str, str | None, str], None]
"""(agent key, program, endpoint) of a request about a person → the access log (issue 20)."""
