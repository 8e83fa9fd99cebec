"""Which programs a coordinator may see: a `ProgramGrant`.

A coordinator credential or account is granted a set of programs (their
IRIs) or all of them. Whatever reads the coordinator views on someone's behalf
(the coordinator API, the dashboard) asks the grant: a program outside it is
answered as if it did not exist (404), so a grant never hints at what it hides.
The scope ``admin`` sees every program whatever its grant says (`for_scopes`).

Stored as text in the ``programs`` column: ``all`` or a JSON array of IRIs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import orjson

from lrs.store.database import Database

ALL_WORD = "all"
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+")
MAX_PROGRAMS = 1000


class InvalidPrograms(ValueError):
    """A list of programs that is not one (not IRIs, empty, or unknown without leave)."""


@dataclass(frozen=True)
class ProgramGrant:
    """The programs granted; ``programs`` None means every program."""

    programs: frozenset[str] | None

    @property
    def everything(self) -> bool:
        return self.programs is None

    def allows(self, program: str) -> bool:
        return self.programs is None or program in self.programs

    def filter(self, programs: Iterable[str]) -> list[str]:
        return [p for p in programs if self.allows(p)]

    def as_value(self) -> str | list[str]:
        """As the admin API and the CLI show it: ``"all"`` or the sorted IRIs."""
        return ALL_WORD if self.programs is None else sorted(self.programs)

    def stored(self) -> str:
        return ALL_WORD if self.programs is None else orjson.dumps(sorted(self.programs)).decode()

    @classmethod
    def from_stored(cls, text: str | None) -> ProgramGrant:
        if text is None or text == ALL_WORD:
            return ALL
        return cls(frozenset(orjson.loads(text)))

    @classmethod
    def of(cls, programs: Iterable[str]) -> ProgramGrant:
        return cls(frozenset(programs))


ALL = ProgramGrant(None)
NONE = ProgramGrant(frozenset())


def for_scopes(grant: ProgramGrant, scopes: frozenset[str]) -> ProgramGrant:
    """What a caller with these scopes sees: everything with ``admin``, else its grant."""
    return ALL if "admin" in scopes else grant


def parse_programs(value: object) -> ProgramGrant:
    """``"all"``, a comma-separated string of IRIs (the CLI) or a list of IRIs (the
    admin API) as a grant; `InvalidPrograms` naming what is wrong otherwise."""
    if value == ALL_WORD or value == [ALL_WORD]:
        return ALL
    if isinstance(value, str):
        items: list[object] = [p.strip() for p in value.split(",") if p.strip()]
    elif isinstance(value, list):
        items = list(value)
    else:
        raise InvalidPrograms('must be "all" or a list of program IRIs')
    if not items:
        raise InvalidPrograms('must be "all" or at least one program IRI')
    if len(items) > MAX_PROGRAMS:
        raise InvalidPrograms(f"at most {MAX_PROGRAMS} programs")
    bad = [str(p) for p in items if not isinstance(p, str) or not _IRI.fullmatch(p)]
    if bad:
        raise InvalidPrograms("not a program IRI: " + ", ".join(bad[:5]))
    return ProgramGrant(frozenset(str(p) for p in items))


def unknown_programs(db: Database, grant: ProgramGrant) -> list[str]:
    """The granted IRIs that no profile statement has named (yet): a typo would
    grant nothing, so granting them needs leave (``--allow-unknown``)."""
    if grant.programs is None or not grant.programs:
        return []
    wanted = sorted(grant.programs)
    with db.read() as cur:
        in_list, params = cur.in_list(wanted)
        known = {r["program"] for r in cur.execute(
            f"SELECT program FROM mentoring_program WHERE program {in_list}", params).fetchall()}
    return [p for p in wanted if p not in known]
