"""Dashboard sessions kept by the server (issue 20 point 5, issue 17 point 6).

The browser's cookie carries a random token; the server keeps the SHA-256 of
it with who signed in and when. So a session can be ended for good: signing
out ends it (a copied cookie is refused afterwards), disabling an account or
resetting its password ends all of its sessions, and a session ends on its own
after ``idle_seconds`` without a request or ``lifetime_seconds`` after sign-in.

A session of an OpenID Connect sign-in (kind ``oidc``) keeps the display name,
scopes and programs its ID token's claims mapped to; those of a credential or
an account are read from it again on every request (`lrs.app` does that).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

import orjson

from lrs.grants import ALL, ProgramGrant
from lrs.store.database import Database

KINDS = ("credential", "account", "oidc")


@dataclass(frozen=True)
class Session:
    kind: str
    subject: str
    display_name: str
    scopes: frozenset[str]
    programs: ProgramGrant
    created_at: float
    last_seen_at: float


class SessionStore:
    def __init__(self, db: Database, *, idle_seconds: float, lifetime_seconds: float,
                 clock: Callable[[], float] = time.time):
        self.db = db
        self.idle_seconds = idle_seconds
        self.lifetime_seconds = lifetime_seconds
        self.clock = clock

    def open(self, kind: str, subject: str, display_name: str, *, scopes: frozenset[str] = frozenset(),
             programs: ProgramGrant = ALL) -> str:
        """A new session; its token (for the cookie only: the server keeps its hash)."""
        assert kind in KINDS
        token = secrets.token_urlsafe(32)
        now = self.clock()
        with self.db.transaction(commit=True) as cur:
            # sessions that cannot be resumed any more are forgotten a day after their lifetime
            cur.execute("DELETE FROM lrs_session WHERE created_at < ?", (now - self.lifetime_seconds - 86_400,))
            cur.execute(
                "INSERT INTO lrs_session (id, kind, subject, display_name, scopes, programs, created_at,"
                " last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (_id(token), kind, subject, display_name, orjson.dumps(sorted(scopes)).decode(),
                 programs.stored(), now, now))
        return token

    def resume(self, token: str, *, touch: bool = True) -> Session | None:
        """The live session of this token, its idle time restarted when ``touch`` (a
        page asked for, not the page's own polling); None when it was ended, or was
        idle or alive longer than allowed (it is then ended)."""
        now = self.clock()
        with self.db.read() as cur:
            row = cur.execute(
                "SELECT kind, subject, display_name, scopes, programs, created_at, last_seen_at, ended_at"
                " FROM lrs_session WHERE id = ?", (_id(token),)).fetchone()
        if row is None or row["ended_at"] is not None:
            return None
        created, seen = float(row["created_at"]), float(row["last_seen_at"])
        if now - seen > self.idle_seconds or now - created > self.lifetime_seconds:
            self.end(token)
            return None
        if touch and now - seen > min(30.0, self.idle_seconds / 10):  # one write per ~30 s of use, not per page
            with self.db.transaction(commit=True) as cur:
                cur.execute("UPDATE lrs_session SET last_seen_at = ? WHERE id = ? AND ended_at IS NULL",
                            (now, _id(token)))
            seen = now
        return Session(row["kind"], row["subject"], row["display_name"],
                       frozenset(orjson.loads(row["scopes"])), ProgramGrant.from_stored(row["programs"]),
                       created, seen)

    def end(self, token: str) -> None:
        with self.db.transaction(commit=True) as cur:
            cur.execute("UPDATE lrs_session SET ended_at = ? WHERE id = ? AND ended_at IS NULL",
                        (self.clock(), _id(token)))

    def end_all(self, kind: str, subject: str) -> int:
        """End every session of this account (or credential); how many were live."""
        with self.db.transaction(commit=True) as cur:
            live = cur.execute("SELECT COUNT(*) AS n FROM lrs_session WHERE kind = ? AND subject = ?"
                               " AND ended_at IS NULL", (kind, subject)).fetchone()
            cur.execute("UPDATE lrs_session SET ended_at = ? WHERE kind = ? AND subject = ? AND ended_at IS NULL",
                        (self.clock(), kind, subject))
        return int(live["n"])



def _id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
