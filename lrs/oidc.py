"""OpenID Connect sign-in to the dashboard (issue 20, point 3): the relying party.

The authorization code flow with PKCE (RFC 7636, ``S256``) against the
company's identity provider, found by its issuer URL (OpenID Connect
Discovery). The ID token is verified with pyjwt against the provider's JWKS:
signature (the key named by ``kid``, an algorithm the provider announces and
never ``none`` or HMAC), issuer, audience (and ``azp`` when there are several),
expiry, issue time and the nonce this sign-in sent. A claim of the token (by
default ``groups``) is mapped to a role and programs by configuration
(``LRS_OIDC_ROLES``); a person whose claims map to nothing is refused.

Everything that can go wrong is an `OIDCError` whose message says what, for the
refusal page and the ``lrs.auth`` log line.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt
import orjson

from lrs.credentials import ROLES
from lrs.grants import ALL, InvalidPrograms, ProgramGrant, parse_programs

ASYMMETRIC = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
ROLE_ORDER = ("reader", "auditor", "coordinator", "admin")


class OIDCError(Exception):
    """A sign-in through the identity provider that cannot be accepted (the message says why)."""


@dataclass(frozen=True)
class RoleGrant:
    """What one claim value (a group) grants."""

    role: str
    programs: ProgramGrant


@dataclass(frozen=True)
class Identity:
    """Who the provider vouched for, as the LRS sees them."""

    subject: str
    """``ISSUER|sub``: unique across providers."""
    name: str
    role: str
    scopes: frozenset[str]
    programs: ProgramGrant


@dataclass(frozen=True)
class Pending:
    """What a started sign-in keeps (in the browser's signed session) until the callback."""

    state: str
    nonce: str
    verifier: str

    def as_dict(self) -> dict[str, str]:
        return {"state": self.state, "nonce": self.nonce, "verifier": self.verifier}


def parse_roles(text: str) -> dict[str, RoleGrant]:
    """``LRS_OIDC_ROLES``: a JSON object, claim value → ``{"role": R, "programs": [IRI...] | "all"}``."""
    if not text.strip():
        return {}
    try:
        raw = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise ValueError(f"LRS_OIDC_ROLES is not JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise ValueError("LRS_OIDC_ROLES must be a JSON object: claim value -> {role, programs}")
    mappings = {}
    for value, grant in raw.items():
        if not isinstance(grant, dict) or grant.get("role") not in ROLES:
            raise ValueError(f"LRS_OIDC_ROLES[{value!r}]: needs a role, one of {', '.join(ROLES)}")
        try:
            programs = parse_programs(grant.get("programs", "all"))
        except InvalidPrograms as exc:
            raise ValueError(f"LRS_OIDC_ROLES[{value!r}].programs: {exc}") from None
        mappings[str(value)] = RoleGrant(grant["role"], programs)
    return mappings


class OIDCClient:
    def __init__(self, *, issuer: str, client_id: str, client_secret: str, redirect_uri: str,
                 scopes: str = "openid profile", role_claim: str = "groups", name_claim: str = "name",
                 roles: dict[str, RoleGrant] | None = None, leeway_seconds: int = 30, timeout_seconds: float = 10,
                 clock: Callable[[], float] = time.time):
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.scopes = scopes
        self.role_claim = role_claim
        self.name_claim = name_claim
        self.roles = roles or {}
        self.leeway = leeway_seconds
        self.timeout = timeout_seconds
        self.clock = clock
        self._metadata: tuple[dict[str, Any], float] | None = None
        self._jwks: jwt.PyJWKClient | None = None

    # --- discovery ---------------------------------------------------------------------

    def metadata(self) -> dict[str, Any]:
        """The provider's OpenID configuration, read once an hour."""
        if self._metadata is not None and self.clock() - self._metadata[1] < 3600:
            return self._metadata[0]
        found = self._get_json(f"{self.issuer}/.well-known/openid-configuration")
        if str(found.get("issuer", "")).rstrip("/") != self.issuer:
            raise OIDCError(f"the provider's configuration names another issuer: {found.get('issuer')!r}")
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(found.get(name), str):
                raise OIDCError(f"the provider's configuration has no {name}")
        self._metadata = (found, self.clock())
        self._jwks = jwt.PyJWKClient(found["jwks_uri"], cache_keys=True, lifespan=300,
                                     timeout=int(self.timeout))
        return found

    # --- the flow ------------------------------------------------------------------------

    def start(self) -> tuple[str, Pending]:
        """The provider's authorization URL for a new sign-in, and what to keep until the callback."""
        pending = Pending(secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48))
        challenge = base64.urlsafe_b64encode(hashlib.sha256(pending.verifier.encode()).digest()).rstrip(b"=")
        query = urllib.parse.urlencode({
            "response_type": "code", "client_id": self.client_id, "redirect_uri": self.redirect_uri,
            "scope": self.scopes, "state": pending.state, "nonce": pending.nonce,
            "code_challenge": challenge.decode(), "code_challenge_method": "S256",
        })
        endpoint = self.metadata()["authorization_endpoint"]
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}", pending

    def finish(self, args: dict[str, str], pending: Pending | None) -> Identity:
        """The callback's parameters → who signed in; `OIDCError` for anything wrong."""
        if pending is None:
            raise OIDCError("no sign-in was started in this browser, or it was already completed (replayed)")
        if "error" in args:
            raise OIDCError(f"the provider refused: {args['error']} {args.get('error_description', '')}".strip())
        if not secrets.compare_digest(args.get("state", ""), pending.state):
            raise OIDCError("the state does not match the sign-in started here")
        code = args.get("code", "")
        if not code:
            raise OIDCError("the provider answered without a code")
        tokens = self._token(code, pending.verifier)
        id_token = tokens.get("id_token")
        if not isinstance(id_token, str):
            raise OIDCError("the provider answered without an ID token")
        return self.identity(self.verify_id_token(id_token, pending.nonce))

    def verify_id_token(self, id_token: str, nonce: str) -> dict[str, Any]:
        """The claims of a valid ID token for this client and this sign-in's nonce."""
        metadata = self.metadata()
        announced = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        algorithms = [a for a in announced if a in ASYMMETRIC]
        assert self._jwks is not None
        try:
            key = self._jwks.get_signing_key_from_jwt(id_token)
            claims: dict[str, Any] = jwt.decode(
                id_token, key.key, algorithms=algorithms, audience=self.client_id, issuer=metadata["issuer"],
                options={"require": ["exp", "iat", "iss", "aud", "sub"],
                         # times against the injected clock, below
                         "verify_exp": False, "verify_iat": False, "verify_nbf": False})
        except jwt.InvalidAudienceError:
            raise OIDCError("the ID token is for another client (audience)") from None
        except jwt.InvalidIssuerError:
            raise OIDCError("the ID token is from another issuer") from None
        except jwt.InvalidSignatureError:
            raise OIDCError("the ID token's signature does not verify with the provider's keys") from None
        except jwt.PyJWKClientError as exc:
            raise OIDCError(f"the ID token's key is not among the provider's keys: {exc}") from None
        except jwt.PyJWTError as exc:
            raise OIDCError(f"the ID token is not valid: {exc}") from None
        now = self.clock()
        if not isinstance(claims["exp"], int | float) or now > claims["exp"] + self.leeway:
            raise OIDCError("the ID token has expired")
        if not isinstance(claims["iat"], int | float) or claims["iat"] > now + self.leeway:
            raise OIDCError("the ID token is issued in the future")
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.client_id:
            raise OIDCError("the ID token names several audiences but not this client as azp")
        if not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
            raise OIDCError("the ID token's nonce is not this sign-in's (replayed or forged)")
        return claims

    def identity(self, claims: dict[str, Any]) -> Identity:
        """Role and programs from the configured claim; `OIDCError` when nothing maps."""
        values = claims.get(self.role_claim, [])
        values = [values] if isinstance(values, str) else values if isinstance(values, list) else []
        matched = [self.roles[v] for v in values if isinstance(v, str) and v in self.roles]
        if not matched:
            raise OIDCError(f"no value of the claim {self.role_claim!r} is given a role here")
        role = max((m.role for m in matched), key=lambda r: ROLE_ORDER.index(r) if r in ROLE_ORDER else -1)
        scopes = frozenset().union(*(ROLES[m.role] for m in matched))
        if any(m.programs.everything for m in matched):
            programs = ALL
        else:
            programs = ProgramGrant(frozenset().union(*(m.programs.programs or frozenset() for m in matched)))
        name = claims.get(self.name_claim) or claims.get("email") or claims["sub"]
        return Identity(f"{claims['iss']}|{claims['sub']}", str(name)[:200], role, scopes, programs)

    # --- HTTP ----------------------------------------------------------------------------

    def _token(self, code: str, verifier: str) -> dict[str, Any]:
        body = urllib.parse.urlencode({"grant_type": "authorization_code", "code": code,
                                       "redirect_uri": self.redirect_uri, "code_verifier": verifier}).encode()
        basic = base64.b64encode(
            f"{urllib.parse.quote(self.client_id, safe='')}:{urllib.parse.quote(self.client_secret, safe='')}"
            .encode()).decode()
        request = urllib.request.Request(self.metadata()["token_endpoint"], data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded", "Authorization": f"Basic {basic}",
            "Accept": "application/json"})
        return self._json(request, "the token endpoint")

    def _get_json(self, url: str) -> dict[str, Any]:
        return self._json(urllib.request.Request(url, headers={"Accept": "application/json"}), url)

    def _json(self, request: urllib.request.Request, what: str) -> dict[str, Any]:
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                found = orjson.loads(response.read(1_000_000))
        except urllib.error.HTTPError as exc:
            detail = exc.read(2000).decode("utf-8", "replace")
            raise OIDCError(f"{what} answered {exc.code}: {detail}") from None
        except (OSError, orjson.JSONDecodeError) as exc:
            raise OIDCError(f"{what} could not be read: {exc}") from None
        if not isinstance(found, dict):
            raise OIDCError(f"{what} did not answer a JSON object")
        return found
