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

from lrs.grants import ProgramGrant
from lrs.store.database import Database
from projections.registry import ViewSettings

COORDINATOR_READ = "coordinator/read"
ADMIN = "admin"
ALLOWED_SCOPES = frozenset({COORDINATOR_READ, ADMIN})
"""A credential with either scope may sign in; any other is refused."""


@dataclass(frozen=True)
class Viewer:
    """Who is signed in: the name the header shows, the scopes, the programs they may see."""

    subject: str
    """What the session names (a credential key)."""
    name: str
    scopes: frozenset[str]
    programs: ProgramGrant


@dataclass(frozen=True)
class DashboardConfig:
    database: Database
    views: ViewSettings
    verify: Callable[[str, str], Viewer | None]
    """Key and secret → who that is, or None when they are wrong (or revoked)."""
    viewer: Callable[[str, float], Viewer | None]
    """(subject, when its session began, epoch seconds) → who it is now (scopes and
    programs as they are now), or None when it was revoked, or its secret rotated,
    since: checked on every request, so such a session stops working at once."""
    secret: str
    """Signs the session cookie (``LRS_DASHBOARD_SECRET`` or one kept in the database)."""
    status: Callable[[], Mapping[str, Any]]
    """The projection runner's status: log head, each view's position, lag."""
    secure_cookies: bool = False
    """Mark the session cookie ``Secure`` (the LRS is reached over https)."""
    session_hours: float = 12.0
    """How long a sign-in lasts."""
    poll_seconds: float = 5.0
    """How often an open page asks whether the projections moved."""
