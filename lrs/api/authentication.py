"""Who is calling: HTTP Basic (a credential) or Bearer (a token) → `Principal`.

Every API of the LRS authenticates here. Every refusal is a 401 with the
challenges of both schemes and a message that says nothing about why (the
reason, with the credential key and never the secret or the token, goes to the
``lrs.auth`` log); a missing scope is a 403.
"""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass
from typing import Any

import jwt
from flask import current_app, g, request

from lrs.api.errors import HTTPError
from lrs.credentials import Credential, CredentialStore
from lrs.grants import ProgramGrant, for_scopes
from lrs.throttle import LoginThrottle
from lrs.throttle import client_address as address_of
from lrs.tokens import InvalidToken, Tokens
from xapi.errors import FieldError
from xapi.identifiers import agent_key

log = logging.getLogger("lrs.auth")

TRUSTED_PROXIES = "LRS_TRUSTED_PROXIES"
"""The app's configuration key holding ``Settings.trusted_proxies`` (set by `lrs.app`)."""
REALM = "xAPI"
CHALLENGE = f'Basic realm="{REALM}", Bearer realm="{REALM}"'


@dataclass(frozen=True)
class Principal:
    """Who is calling: the credential, the scopes of this request (the credential's,
    or those its token carries) and the authority the LRS asserts for it."""

    credential: Credential
    authority: dict[str, Any]
    scopes: frozenset[str]

    @property
    def authority_key(self) -> str:
        key = agent_key(self.authority)
        assert key is not None
        return key

    def has_any(self, scopes: frozenset[str]) -> bool:
        return bool(self.scopes & scopes)

    @property
    def programs(self) -> ProgramGrant:
        """The programs of the coordinator views this caller may see (issue 20)."""
        return for_scopes(self.credential.programs, self.scopes)


def _unauthorized(message: str, challenge: str = CHALLENGE) -> HTTPError:
    return HTTPError(401, message, headers={"WWW-Authenticate": challenge})


class Authentication:
    """Authenticates the callers of every API: built once per process by the
    composition root (`lrs.app`) and handed to each blueprint, which calls it
    (``authenticate()``) for the request's `Principal`."""

    def __init__(self, credentials: CredentialStore, tokens: Tokens, throttle: LoginThrottle,
                 public_url: str):
        self.credentials = credentials
        self.tokens = tokens
        self.throttle = throttle
        self.public_url = public_url

    def __call__(self, *, bearer: bool = True) -> Principal:
        """The caller, from the Authorization header; 401 when absent or refused.
        ``bearer=False`` accepts Basic only (a token is not exchanged for another)."""
        principal = g.get("principal")
        if principal is not None:
            return principal  # type: ignore[no-any-return]
        header = request.headers.get("Authorization", "")
        scheme, _, value = header.strip().partition(" ")
        scheme, value = scheme.lower(), value.strip()
        if scheme == "basic" and value:
            credential = self._basic(value)
            scopes = credential.scopes
        elif scheme == "bearer" and value and bearer:
            credential, scopes = self._bearer(value)
        else:
            raise _unauthorized("authentication required")
        principal = Principal(credential, self.authority_for(credential), scopes)
        g.principal = principal
        return principal

    def authority_for(self, credential: Credential) -> dict[str, Any]:
        """Data 2.4.9: the Agent the LRS asserts for statements sent with this credential."""
        return {
            "objectType": "Agent",
            "name": credential.label or credential.key,
            "account": {"homePage": self.public_url, "name": credential.key},
        }

    def _basic(self, value: str) -> Credential:
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            log.warning("authentication failed: malformed Basic credentials")
            raise _unauthorized("invalid credentials") from None
        key, sep, secret = decoded.partition(":")
        if not sep:
            log.warning("authentication failed: malformed Basic credentials")
            raise _unauthorized("invalid credentials")
        credentials = self.credentials
        credential = credentials.cached(key, secret)
        if credential is not None:  # verified a moment ago: no throttle read on the hot path
            return credential
        throttle = self.throttle  # issue 17 point 6: before the secret is checked
        address = client_address()
        subjects = throttle.subjects(key, address)
        wait = throttle.retry_after(subjects)
        if wait is not None:
            log.warning("authentication throttled for credential key %r from %s", key, address)
            raise HTTPError(429, "too many failed sign-ins; try again later", [
                FieldError("Authorization", "login-throttled",
                           f"too many failed attempts for this key or address; retry in {wait} s")],
                headers={"Retry-After": str(wait)})
        credential = credentials.verify(key, secret)
        if credential is None:
            throttle.failed(subjects)
            log.warning("authentication failed for credential key %r", key)
            raise _unauthorized("invalid credentials")
        return credential

    def _bearer(self, token: str) -> tuple[Credential, frozenset[str]]:
        try:
            verified = self.tokens.verify(token)
        except InvalidToken as exc:
            log.warning("bearer token refused for credential key %r: %s", _subject(token), exc)
            raise _unauthorized(
                "invalid credentials", f'{CHALLENGE}, error="invalid_token"'
            ) from None
        return verified.credential, verified.scopes


def client_address() -> str | None:
    """The client's address, as failed sign-ins are counted (``LRS_TRUSTED_PROXIES``,
    in the app's configuration: `TRUSTED_PROXIES`)."""
    return address_of(request.remote_addr, request.headers.get("X-Forwarded-For", ""),
                      current_app.config[TRUSTED_PROXIES])


def _subject(token: str) -> str | None:
    """The unverified ``sub`` of a token, for the log only."""
    try:
        sub = jwt.decode(token, options={"verify_signature": False}).get("sub")
    except jwt.PyJWTError:
        return None
    return sub[:200] if isinstance(sub, str) else None


def require(principal: Principal, scopes: frozenset[str]) -> None:
    """403 unless the caller holds one of these scopes."""
    if not principal.has_any(scopes):
        raise HTTPError(
            403, "this credential lacks the scope for this request (needs one of: "
            + ", ".join(sorted(scopes)) + ")"
        )
