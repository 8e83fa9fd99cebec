"""Who signs in to the dashboard, and their sessions (issue 20; issue 17 point 6).

The dashboard is handed this (`lrs.api.dashboard.config.People`) by the
composition root. A name and secret are first an account's name and password,
then a credential's key and secret: both get the same answer when wrong.
Failures are throttled per name and per client address (`lrs.throttle`) before
any secret is checked. Sessions are kept by the server (`lrs.sessions`): each
request reads the account or credential again, so disabling, revoking,
rotating or resetting ends its sessions at once.
"""

from __future__ import annotations

import logging
from datetime import datetime

from lrs.accounts import AccountError
from lrs.api.dashboard.config import Throttled, Viewer
from lrs.credentials import Credential
from lrs.grants import for_scopes
from lrs.oidc import OIDCClient, OIDCError, Pending
from lrs.services import Services

log = logging.getLogger("lrs.auth")


class DashboardPeople:
    def __init__(self, services: Services):
        self.services = services

    def verify(self, name: str, secret: str, address: str | None) -> Viewer | Throttled | None:
        throttle = self.services.throttle
        subjects = throttle.subjects(name, address)
        wait = throttle.retry_after(subjects)
        if wait is not None:
            log.warning("dashboard sign-in throttled for %r from %s", name, address)
            return Throttled(wait)
        account = self.services.accounts.verify(name, secret)
        if account is not None:
            return Viewer(account.name, account.display_name, account.scopes,
                          for_scopes(account.programs, account.scopes), "account", account.must_change_password)
        if self.services.accounts.get(name) is None:
            credential = self.services.credentials.verify(name, secret)
            if credential is not None:
                return _credential_viewer(credential)
        throttle.failed(subjects)
        log.warning("dashboard sign-in failed for %r from %s", name, address)
        return None

    def open(self, viewer: Viewer) -> str:
        return self.services.sessions.open(viewer.kind, viewer.subject, viewer.name,
                                           scopes=viewer.scopes, programs=viewer.programs)

    def resume(self, token: str, *, touch: bool) -> Viewer | None:
        session = self.services.sessions.resume(token, touch=touch)
        if session is None:
            return None
        if session.kind == "oidc":
            return Viewer(session.subject, session.display_name, session.scopes, session.programs, "oidc")
        if session.kind == "account":
            account = self.services.accounts.get(session.subject)
            if account is None or not account.active or _after(account.password_changed_at, session.created_at):
                return None  # disabled, or its password was changed or reset since this sign-in
            return Viewer(account.name, account.display_name, account.scopes,
                          for_scopes(account.programs, account.scopes), "account", account.must_change_password)
        credential = self.services.credentials.current(session.subject)
        if credential is None or not credential.still_valid_for(session.created_at):
            return None  # revoked, or the secret it signed in with was replaced since
        return _credential_viewer(credential)

    def end(self, token: str) -> None:
        self.services.sessions.end(token)

    def change_password(self, viewer: Viewer, current: str, new: str) -> str | None:
        if viewer.kind != "account":
            return "Only an account has a password to change here."
        try:
            self.services.accounts.change_password(viewer.subject, current, new)
        except AccountError as exc:
            return str(exc).capitalize() + "."
        return None


    def record_read(self, viewer: Viewer, person: str, program: str, page: str) -> None:
        self.services.access_log.record(f"{viewer.kind}:{viewer.subject}", person, program, page)


class DashboardSingleSignOn:
    """OpenID Connect sign-in (`lrs.oidc`) as the dashboard needs it."""

    def __init__(self, client: OIDCClient):
        self.client = client

    def start(self) -> tuple[str, dict[str, str]]:
        url, pending = self.client.start()
        return url, pending.as_dict()

    def finish(self, args: dict[str, str], pending: dict[str, str] | None) -> Viewer | str:
        try:
            kept = None if pending is None else Pending(pending["state"], pending["nonce"], pending["verifier"])
            identity = self.client.finish(args, kept)
        except (OIDCError, KeyError) as exc:
            log.warning("single sign-on refused: %s", exc)
            return str(exc)
        log.info("single sign-on of %r as %s", identity.subject, identity.role)
        return Viewer(identity.subject, identity.name, identity.scopes, identity.programs, "oidc")


def _credential_viewer(credential: Credential) -> Viewer:
    return Viewer(credential.key, credential.label or credential.key, credential.scopes,
                  for_scopes(credential.programs, credential.scopes), "credential")


def _after(changed_at: str | None, epoch: float) -> bool:
    return changed_at is not None and datetime.fromisoformat(changed_at).timestamp() > epoch
