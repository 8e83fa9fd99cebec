"""HTTP Basic authentication and xAPI scopes (Communication 4.0 and 4.2)."""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass
from typing import Any

from flask import g, request

from lrs.credentials import Credential
from xapi.identifiers import agent_key
from xapi.resources.http import HTTPError, services

log = logging.getLogger("lrs.auth")

READ_ALL = frozenset({"statements/read", "all/read", "all"})
WRITE_STATEMENTS = frozenset({"statements/write", "all"})


@dataclass(frozen=True)
class Principal:
    """Who is calling: the credential and the authority the LRS asserts for it."""

    credential: Credential
    authority: dict[str, Any]

    @property
    def authority_key(self) -> str:
        key = agent_key(self.authority)
        assert key is not None
        return key

    def has_any(self, scopes: frozenset[str]) -> bool:
        return bool(self.credential.scopes & scopes)


def _unauthorized(message: str) -> HTTPError:
    return HTTPError(401, message, headers={"WWW-Authenticate": 'Basic realm="xAPI"'})


def authenticate() -> Principal:
    """The caller, from the Authorization header; 401 when absent or refused."""
    principal = g.get("principal")
    if principal is not None:
        return principal  # type: ignore[no-any-return]
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        raise _unauthorized("authentication required")
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise _unauthorized("malformed Basic credentials") from None
    key, sep, secret = decoded.partition(":")
    if not sep:
        raise _unauthorized("malformed Basic credentials")
    credential = services().credentials.verify(key, secret)
    if credential is None:
        log.warning("authentication failed for credential key %r", key)
        raise _unauthorized("invalid credentials")
    principal = Principal(credential, authority_for(credential))
    g.principal = principal
    return principal


def authority_for(credential: Credential) -> dict[str, Any]:
    """Data 2.4.9: the Agent the LRS asserts for statements sent with this credential."""
    return {
        "objectType": "Agent",
        "name": credential.label or credential.key,
        "account": {"homePage": services().settings.public_url, "name": credential.key},
    }


def require(principal: Principal, scopes: frozenset[str]) -> None:
    """403 unless the credential holds one of these scopes."""
    if not principal.has_any(scopes):
        raise HTTPError(
            403, "this credential lacks the scope for this request (needs one of: "
            + ", ".join(sorted(scopes)) + ")"
        )
