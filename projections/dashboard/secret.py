"""The dashboard's session signing secret, shared by every worker.

When ``LRS_DASHBOARD_SECRET`` is not set, a random secret is generated on
first use and kept in the database (table ``lrs_secret``, as the token secret
is), so that every gunicorn worker, every restart and every host of one store
accept the session cookies the others issued.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from projections.sql import Database

NAME = "dashboard-session"


def session_secret(db: Database) -> str:
    """The stored secret, created once; of two processes racing, the first insert wins."""
    select = "SELECT value FROM lrs_secret WHERE name = ?"
    with db.read() as cur:
        row = cur.execute(select, (NAME,)).fetchone()
    if row is not None:
        return str(row["value"])
    created = datetime.now(UTC).isoformat(timespec="seconds")
    with db.transaction(commit=True) as cur:
        cur.execute(
            "INSERT INTO lrs_secret (name, value, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO NOTHING",
            (NAME, secrets.token_urlsafe(48), created),
        )
        row = cur.execute(select, (NAME,)).fetchone()
    return str(row["value"])
