"""Each pair's status at an instant: on track, at risk or inactive.

The rule is the dashboard's (`lrs.api.dashboard.data.Reader.program`, issue 21
point 4): a pair whose mentee is inactive (`mentee_progress`) is ``inactive``;
otherwise a pair in `program_tracking.pairs_at_risk` is ``at_risk``; otherwise
``on_track``. The alerts (`lrs.alerts`) evaluate it over time to notice when a
pair changes status.
"""

from __future__ import annotations

from dataclasses import dataclass

from lrs.store.database import Cursor
from projections.mentee_progress import AT_RISK, INACTIVE, ON_TRACK, progress_of
from projections.mentoring import ProgramFacts, Window, read_program
from projections.program_tracking import pairs_at_risk
from projections.registry import ViewSettings

__all__ = ["AT_RISK", "INACTIVE", "ON_TRACK", "PairStatus", "pair_statuses", "program_pair_statuses"]


@dataclass(frozen=True)
class PairStatus:
    mentor: str
    mentee: str
    status: str
    """on_track, at_risk or inactive."""
    reasons: tuple[str, ...]
    """Why it is in the program's pairs at risk: ``no_session`` and/or ``overdue_goal`` (an
    inactive pair's too, as the dashboard lists them; empty when on track)."""


def pair_statuses(facts: ProgramFacts, at_us: int, settings: ViewSettings) -> list[PairStatus]:
    """Every pair of the facts, in (mentor, mentee) order."""
    risky = {(p.mentor, p.mentee): p for p in pairs_at_risk(facts, at_us, settings)}
    mentees = {e for _, e in facts.pairs}
    progress = {m: progress_of(facts, m, at_us, settings) for m in mentees}
    found = []
    for mentor, mentee in sorted(facts.pairs):
        risk = risky.get((mentor, mentee))
        of_mentee = progress.get(mentee)
        if of_mentee is not None and of_mentee.status == INACTIVE:
            status = INACTIVE
        elif risk is not None:
            status = AT_RISK
        else:
            status = ON_TRACK
        found.append(PairStatus(mentor, mentee, status, risk.reasons if risk else ()))
    return found


def program_pair_statuses(cur: Cursor, program: str, *, at_us: int, settings: ViewSettings) -> list[PairStatus]:
    """The pairs of ``program`` at ``at_us`` (statements timestamped after it do not count)."""
    return pair_statuses(read_program(cur, Window(program).at(at_us)), at_us, settings)
