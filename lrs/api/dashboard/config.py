"""What the dashboard is given by the composition root.

The dashboard reads the coordinator views, so it lives with the read side and
never imports ``lrs/``: ``lrs/app.py`` hands it the database, the view
settings, a way to check a credential, the session secret and the runner's
status.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from lrs.store.database import Database
from projections.registry import ViewSettings

COORDINATOR_READ = "coordinator/read"
ADMIN = "admin"
ALLOWED_SCOPES = frozenset({COORDINATOR_READ, ADMIN})
"""A credential with either scope may sign in; any other is refused."""


@dataclass(frozen=True)
class DashboardConfig:
    database: Database
    views: ViewSettings
    verify: Callable[[str, str], frozenset[str] | None]
    """Key and secret → the credential's scopes, or None when they are wrong (or revoked)."""
    secret: str
    """Signs the session cookie (``LRS_DASHBOARD_SECRET`` or one kept in the database)."""
    status: Callable[[], Mapping[str, Any]]
    """The projection runner's status: log head, each view's position, lag."""
    secure_cookies: bool = False
    """Mark the session cookie ``Secure`` (the LRS is reached over https)."""
    scopes_since: Callable[[str, float], frozenset[str] | None] | None = None
    """(key, when its session began, epoch seconds) → the scopes the key has now,
    or None when it was revoked, or its secret rotated, since: checked on every
    request, so such a session stops working at once."""
    session_hours: float = 12.0
    """How long a sign-in lasts."""
    poll_seconds: float = 5.0
    """How often an open page asks whether the projections moved."""
