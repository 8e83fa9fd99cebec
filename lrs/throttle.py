"""Throttling failed sign-ins (issue 17 point 6): per name tried and per client address.

After ``max_failures`` failures within ``window_seconds`` for a name (a
credential key or an account name) or for a client address, further attempts
are refused with 429 and ``Retry-After`` *before* the secret is checked, until
enough failures have left the window. Refused attempts are not counted, so the
right secret is never locked out for longer than the window after the last
counted failure. Failures are kept in the database (``lrs_login_failure``), so
every worker and process of one store counts the same attempts.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence

from lrs.store.database import Database


def client_address(remote_addr: str | None, forwarded_for: str, trusted_proxies: int) -> str | None:
    """The address a request came from: the connection's, or, behind ``trusted_proxies``
    proxies, the one the nearest of them saw (``X-Forwarded-For``, counted from the
    right; the entries further left are the client's to forge)."""
    if trusted_proxies <= 0:
        return remote_addr
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    if len(hops) < trusted_proxies:
        return remote_addr
    return hops[-trusted_proxies][:100]


class LoginThrottle:
    def __init__(self, db: Database, *, max_failures: int, window_seconds: float,
                 clock: Callable[[], float] = time.time):
        self.db = db
        self.max_failures = max_failures
        self.window_seconds = window_seconds
        self.clock = clock

    @staticmethod
    def subjects(name: str, address: str | None) -> list[str]:
        """What an attempt counts against: the name tried and the client address."""
        return [f"login:{name[:200]}", *([f"addr:{address}"] if address else [])]

    def retry_after(self, subjects: Sequence[str]) -> int | None:
        """Seconds until an attempt for these subjects is allowed again; None: allowed now."""
        if self.max_failures <= 0:
            return None
        now = self.clock()
        since = now - self.window_seconds
        wait = 0.0
        with self.db.read() as cur:
            for subject in subjects:
                rows = cur.execute(
                    "SELECT at FROM lrs_login_failure WHERE subject = ? AND at > ? ORDER BY at DESC",
                    (subject, since)).fetchall()
                if len(rows) >= self.max_failures:
                    # allowed again once the max_failures-th newest failure leaves the window
                    unlock = float(rows[self.max_failures - 1]["at"]) + self.window_seconds
                    wait = max(wait, unlock - now)
        return max(1, math.ceil(wait)) if wait > 0 else None

    def failed(self, subjects: Sequence[str]) -> None:
        now = self.clock()
        with self.db.transaction(commit=True) as cur:
            for subject in subjects:
                cur.execute("DELETE FROM lrs_login_failure WHERE subject = ? AND at <= ?",
                            (subject, now - self.window_seconds))
                cur.execute("INSERT INTO lrs_login_failure (subject, at) VALUES (?, ?)", (subject, now))
