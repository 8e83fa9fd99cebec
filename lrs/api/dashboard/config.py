"""What the dashboard is given by the composition root.

The dashboard reads the coordinator views, so it lives with the read side and
never imports ``lrs/``: ``lrs/app.py`` hands it the database, the view
settings, a way to check a credential, the session secret and the runner's
status.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

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
    """What the session names: a credential key, an account name, an OpenID subject."""
    name: str
    scopes: frozenset[str]
    programs: ProgramGrant
    kind: str = "credential"
    """credential, account or oidc."""
    must_change_password: bool = False
    """An account signed in with its one-time password: it must choose its own first."""


@dataclass(frozen=True)
class Throttled:
    """Too many failed sign-ins for this name or address: try again in ``retry_after`` s."""

    retry_after: int


class People(Protocol):
    """Who may sign in, and their sessions (implemented by `lrs.api.people`)."""

    def verify(self, name: str, secret: str, address: str | None) -> Viewer | Throttled | None:
        """An account's name and password, or a credential's key and secret → who that
        is; None when they match nothing active (one answer for every reason)."""

    def open(self, viewer: Viewer) -> str:
        """A new server-side session; its token, for the cookie."""

    def resume(self, token: str, *, touch: bool) -> Viewer | None:
        """Who the session of this token is now; None when it ended (signed out, idle,
        too old, disabled, revoked). ``touch``: this request counts as activity."""

    def end(self, token: str) -> None:
        """Sign out: the session is refused from now on, wherever its cookie is."""

    def change_password(self, viewer: Viewer, current: str, new: str) -> str | None:
        """Replace an account's password; the reason when refused, None when done."""

    def record_read(self, viewer: Viewer, person: str, program: str, page: str) -> None:
        """Who read whom (issue 20): a page about a person (their agent key) was shown."""


class SingleSignOn(Protocol):
    """Sign-in through the company's identity provider (implemented by `lrs.api.people`)."""

    def start(self) -> tuple[str, dict[str, str]]:
        """The provider's URL to send the browser to, and what the session keeps meanwhile."""

    def finish(self, args: dict[str, str], pending: dict[str, str] | None) -> Viewer | str:
        """The provider's answer → who signed in, or the reason it is refused."""


@dataclass(frozen=True)
class DashboardConfig:
    database: Database
    views: ViewSettings
    people: People
    """Sign-in, sessions and passwords: checked on every request, so a session whose
    account was disabled or credential revoked stops working at once."""
    secret: str
    """Signs the session cookie (``LRS_DASHBOARD_SECRET`` or one kept in the database)."""
    status: Callable[[], Mapping[str, Any]]
    """The projection runner's status: log head, each view's position, lag."""
    secure_cookies: bool = False
    """Mark the session cookie ``Secure`` (the LRS is reached over https)."""
    session_hours: float = 12.0
    """How long a sign-in lasts."""
    single_sign_on: SingleSignOn | None = None
    """OpenID Connect sign-in, when ``LRS_OIDC_ISSUER`` is set."""
    password_min_length: int = 12
    """Shortest password an account may choose (``LRS_PASSWORD_MIN_LENGTH``), shown on its form."""
    poll_seconds: float = 5.0
    """How often an open page asks whether the projections moved."""
    record: Callable[[Viewer, Sequence[Mapping[str, Any]]], list[str]] | None = None
    """Stores valid statements with the signed-in person as authority (issue 22: an
    accepted matching suggestion is recorded as a pairing statement); None: read-only."""
