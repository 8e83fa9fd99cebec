"""The webhook: each recorded change POSTed once it is due, signed, retried with backoff.

Headers: ``Content-Type: application/json``, ``X-LRS-Alert-Id`` (the change's id,
the same on every attempt: a receiver that got a call whose answer was lost
can tell a retry from a new change) and ``X-LRS-Signature: sha256=<hex>``, the
HMAC-SHA256 of the body with ``LRS_ALERT_WEBHOOK_SECRET``. A 2xx answer delivers
the change (``delivered_us``, never sent again); anything else (no connection,
a timeout, another status) is a failed attempt: the next is due after
`AlertConfig.backoff`, and after ``LRS_ALERT_MAX_ATTEMPTS`` the change is given up.

A call is claimed before it is made (its due time moved past the call's
timeout, ``WHERE next_attempt_us = ?`` as read), so two workers never make the
same call at once, and a worker that dies mid-call leaves it due again later.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from lrs.alerts.config import AlertConfig
from lrs.store.database import Database

log = logging.getLogger("lrs.alerts")

SIGNATURE_HEADER = "X-LRS-Signature"
ID_HEADER = "X-LRS-Alert-Id"
BATCH = 100
"""Most changes sent in one round."""

Post = Callable[[str, bytes, dict[str, str], float], int]
"""(url, body, headers, timeout) → HTTP status; raises OSError when there is no answer."""


def signature(secret: bytes, body: bytes) -> str:
    """The ``X-LRS-Signature`` value of ``body``."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST with the standard library (one call, no redirects followed for a POST)."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


@dataclass(frozen=True)
class Round:
    delivered: int
    failed: int
    given_up: int


def deliver_due(db: Database, config: AlertConfig, now_us: int, send: Post = post) -> Round:
    """Make every call due at ``now_us``, oldest change first."""
    with db.read() as cur:
        rows = cur.execute(
            "SELECT id, body, attempts, next_attempt_us FROM lrs_alert_change WHERE delivered_us IS NULL"
            " AND given_up_us IS NULL AND next_attempt_us <= ? ORDER BY at_us, id LIMIT ?",
            (now_us, BATCH)).fetchall()
    delivered = failed = given_up = 0
    lease_us = int((config.webhook_timeout + 30) * 1_000_000)
    for row in rows:
        attempts = int(row["attempts"]) + 1
        with db.transaction(commit=True) as cur:
            claimed = cur.execute(
                "UPDATE lrs_alert_change SET attempts = ?, next_attempt_us = ? WHERE id = ? AND next_attempt_us = ?"
                " AND delivered_us IS NULL RETURNING id",
                (attempts, now_us + lease_us, row["id"], row["next_attempt_us"])).fetchone()
        if claimed is None:
            continue  # another worker took it
        body = str(row["body"]).encode()
        headers = {"Content-Type": "application/json", ID_HEADER: row["id"],
                   SIGNATURE_HEADER: signature(config.webhook_secret, body), "User-Agent": "lrs-alerts"}
        error = None
        try:
            status = send(config.webhook_url, body, headers, config.webhook_timeout)
            if not 200 <= status < 300:
                error = f"HTTP {status}"
        except OSError as exc:
            error = f"{type(exc).__name__}: {exc}"
        with db.transaction(commit=True) as cur:
            if error is None:
                cur.execute("UPDATE lrs_alert_change SET delivered_us = ?, last_error = NULL WHERE id = ?",
                            (now_us, row["id"]))
                delivered += 1
                log.info("alert %s delivered (attempt %d)", row["id"], attempts)
            elif attempts >= config.max_attempts:
                cur.execute("UPDATE lrs_alert_change SET given_up_us = ?, last_error = ? WHERE id = ?",
                            (now_us, error, row["id"]))
                given_up += 1
                log.error("alert %s given up after %d attempts: %s", row["id"], attempts, error)
            else:
                retry_us = now_us + int(config.backoff(attempts) * 1_000_000)
                cur.execute("UPDATE lrs_alert_change SET next_attempt_us = ?, last_error = ? WHERE id = ?",
                            (retry_us, error, row["id"]))
                failed += 1
                log.warning("alert %s not delivered (attempt %d): %s; next in %g s", row["id"], attempts,
                            error, config.backoff(attempts))
    return Round(delivered, failed, given_up)
