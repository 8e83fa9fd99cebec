"""A pair's status change, noticed once: the status last seen is kept per pair
(``lrs_alert_pair``) and each change is a row of ``lrs_alert_change`` written in
the same transaction, with the webhook body that announces it.

Two workers evaluating at once cannot both record a change: the status is
replaced only where it still holds the value read (``WHERE status = ?``), and a
pair first seen is inserted with ``ON CONFLICT DO NOTHING``; only the writer
whose statement changed a row records the change. A pair first seen on track is
not news; first seen at risk or inactive, it is (``from`` is then null).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import orjson

from lrs.store.database import Cursor, Database
from projections import mentoring
from projections.pair_status import ON_TRACK, PairStatus, program_pair_statuses
from projections.registry import ViewSettings
from xapi.prepare import format_timestamp, from_epoch_us

KINDS = {"at_risk": "pair.at_risk", "inactive": "pair.inactive", ON_TRACK: "pair.recovered"}
"""The notification's ``type`` for each new status."""


@dataclass(frozen=True)
class Change:
    id: str
    program: str
    mentor: str
    mentee: str
    from_status: str | None
    to_status: str
    at_us: int
    body: bytes


def evaluate(db: Database, settings: ViewSettings, at_us: int, *, public_url: str,
             deliver: bool) -> list[Change]:
    """Every pair's status at ``at_us``, compared with the one last seen; the changes,
    recorded. ``deliver`` False (no webhook configured): recorded as not to be sent."""
    with db.read() as cur:
        found: list[tuple[str, str, PairStatus]] = []
        for program, name in mentoring.programs(cur, None):
            for pair in program_pair_statuses(cur, program, at_us=at_us, settings=settings):
                found.append((program, name or program, pair))
        known = {(r["program"], r["mentor"], r["mentee"]): r["status"]
                 for r in cur.execute("SELECT program, mentor, mentee, status FROM lrs_alert_pair").fetchall()}
        moved = [(program, name, pair) for program, name, pair in found
                 if known.get((program, pair.mentor, pair.mentee)) != pair.status]
        names = mentoring.names(cur, {a for _, _, p in moved for a in (p.mentor, p.mentee)}) if moved else {}
    changes = []
    with db.transaction(commit=True) as cur:
        for program, program_name, pair in moved:
            before = known.get((program, pair.mentor, pair.mentee))
            if not _replace(cur, program, pair, before, at_us):
                continue  # another worker recorded it first
            if before is None and pair.status == ON_TRACK:
                continue
            change_id = str(uuid.uuid4())
            body = _body(change_id, program, program_name, pair, before, at_us, names, public_url)
            cur.execute(
                "INSERT INTO lrs_alert_change (id, program, mentor, mentee, from_status, to_status, at_us, body,"
                " next_attempt_us, given_up_us, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (change_id, program, pair.mentor, pair.mentee, before, pair.status, at_us, body.decode(),
                 at_us, None if deliver else at_us, None if deliver else "no webhook configured"))
            changes.append(Change(change_id, program, pair.mentor, pair.mentee, before, pair.status, at_us, body))
    return changes


def _replace(cur: Cursor, program: str, pair: PairStatus, before: str | None, at_us: int) -> bool:
    if before is None:
        done = cur.execute(
            "INSERT INTO lrs_alert_pair (program, mentor, mentee, status, changed_us) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (program, mentor, mentee) DO NOTHING RETURNING status",
            (program, pair.mentor, pair.mentee, pair.status, at_us))
    else:
        done = cur.execute(
            "UPDATE lrs_alert_pair SET status = ?, changed_us = ? WHERE program = ? AND mentor = ? AND mentee = ?"
            " AND status = ? RETURNING status", (pair.status, at_us, program, pair.mentor, pair.mentee, before))
    return done.fetchone() is not None


def _body(change_id: str, program: str, program_name: str, pair: PairStatus, before: str | None, at_us: int,
          names: dict[str, str], public_url: str) -> bytes:
    """The notification as sent (docs/OPERATIONS.md, "Alerts")."""
    doc: dict[str, Any] = {
        "id": change_id,
        "type": KINDS[pair.status],
        "at": format_timestamp(from_epoch_us(at_us)),
        "program": {"id": program, "name": program_name},
        "mentor": {"key": pair.mentor, "name": names.get(pair.mentor)},
        "mentee": {"key": pair.mentee, "name": names.get(pair.mentee)},
        "status": {"from": before, "to": pair.status},
        "reasons": list(pair.reasons),
        "dashboard": f"{public_url}/dashboard/program?id={quote(program, safe='')}",
    }
    return orjson.dumps(doc)
