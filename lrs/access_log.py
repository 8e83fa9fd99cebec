"""Who read whom (issue 20, point 4): every coordinator API request and dashboard page
about a person, with who asked (``credential:KEY``, ``account:NAME``, ``oidc:ISSUER|SUB``),
the person's agent key (the keyed id the views use), the program and the time.

Each read is one row of ``lrs_access_log`` (what ``GET /admin/access-log`` lists,
for a person or a reader) and one ``lrs.access`` JSON log line.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lrs.ops.request_log import fields
from lrs.store.database import Database

log = logging.getLogger("lrs.access")
MAX_LIMIT = 1000


@dataclass(frozen=True)
class Read:
    at: str
    reader: str
    person: str
    program: str
    resource: str

    def as_dict(self) -> dict[str, Any]:
        return {"at": self.at, "reader": self.reader, "person": self.person, "program": self.program,
                "resource": self.resource}


class AccessLog:
    def __init__(self, db: Database):
        self.db = db

    def record(self, reader: str, person: str, program: str | None, resource: str) -> None:
        at = datetime.now(UTC).isoformat(timespec="microseconds")
        with self.db.transaction(commit=True) as cur:
            cur.execute("INSERT INTO lrs_access_log (at, reader, person, program, resource) VALUES (?, ?, ?, ?, ?)",
                        (at, reader, person, program or "", resource))
        log.info("person read", extra=fields(reader=reader, person=person, program=program or None,
                                              resource=resource))

    def find(self, *, person: str | None = None, reader: str | None = None, limit: int = 100) -> list[Read]:
        """The reads of a person and/or by a reader, newest first."""
        where, params = [], []
        if person is not None:
            where.append("person = ?")
            params.append(person)
        if reader is not None:
            where.append("reader = ?")
            params.append(reader)
        sql = "SELECT at, reader, person, program, resource FROM lrs_access_log"
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self.db.read() as cur:
            rows = cur.execute(sql + " ORDER BY at DESC LIMIT ?", (*params, limit)).fetchall()
        return [Read(r["at"], r["reader"], r["person"], r["program"], r["resource"]) for r in rows]
