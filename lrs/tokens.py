"""Bearer tokens: short-lived JWTs a credential exchanges its secret for.

A token carries the credential's key (``sub``), its scopes (``scope``,
space-separated as in RFC 9068), ``iss``, ``aud``, ``iat``, ``nbf``, ``exp``, a
``jti``, and in its header the id (``kid``) of the key that signed it. One key
signs; several may verify (keys being rotated out). Each key is pinned to one
algorithm: a token is checked only with the key its ``kid`` names and only with
that key's algorithm, so ``alg: none`` and HS/RS confusion are refused before
any signature is looked at. Signing and verifying are pyjwt's.

A token is refused when its credential is revoked, or when the credential's
secret was rotated after the token's ``iat``; ``iat`` is kept to the
microsecond (RFC 7519 allows a fractional NumericDate) so that a token issued
just before a rotation is refused and one issued just after is not.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from lrs.credentials import Credential
from lrs.settings import ConfigurationError, Settings
from lrs.store.database import Database

_EC_ALGORITHMS = {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}
_MIN_SECRET_BYTES = 32
_GENERATED_SECRET = "token-hs256"


class InvalidToken(Exception):
    """A bearer token that is refused; the message is for the log, never the caller."""


@dataclass(frozen=True)
class Key:
    """One key, pinned to one algorithm. ``signing`` is None for a verify-only key."""

    kid: str
    algorithm: str
    verifying: Any
    signing: Any = None

    def public_jwk(self) -> dict[str, Any] | None:
        """The key as a JWK for the JWKS document; None for a shared (HMAC) secret."""
        if self.algorithm.startswith("RS"):
            jwk = RSAAlgorithm.to_jwk(self.verifying, as_dict=True)
        elif self.algorithm.startswith("ES"):
            jwk = ECAlgorithm.to_jwk(self.verifying, as_dict=True)
        else:
            return None
        return {**jwk, "kid": self.kid, "alg": self.algorithm, "use": "sig"}


def hmac_key(secret: str) -> Key:
    """An HS256 key; its id is derived from the secret by a one-way hash."""
    raw = secret.encode()
    if len(raw) < _MIN_SECRET_BYTES:
        raise ConfigurationError(f"LRS_TOKEN_SECRET must be at least {_MIN_SECRET_BYTES} bytes")
    digest = hashlib.sha256(b"lrs token key id\0" + raw).digest()
    return Key(kid="hs-" + _b64(digest)[:22], algorithm="HS256", verifying=raw, signing=raw)


def private_key(pem: bytes) -> Key:
    """A signing key from a PEM private key: RSA (RS256) or EC (ES256/384/512)."""
    try:
        loaded = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise ConfigurationError(f"not a usable PEM private key: {exc}") from None
    if not isinstance(loaded, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        raise ConfigurationError("the token private key must be an RSA or EC key")
    public = public_key_of(loaded.public_key())
    return Key(kid=public.kid, algorithm=public.algorithm, verifying=public.verifying, signing=loaded)


def public_key(pem: bytes) -> Key:
    """A verify-only key from a PEM public key."""
    try:
        loaded = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError) as exc:
        raise ConfigurationError(f"not a usable PEM public key: {exc}") from None
    return public_key_of(loaded)


def public_key_of(key: Any) -> Key:
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < 2048:
            raise ConfigurationError("RSA token keys must have at least 2048 bits")
        algorithm = "RS256"
        jwk = RSAAlgorithm.to_jwk(key, as_dict=True)
        members = {name: jwk[name] for name in ("e", "kty", "n")}
    elif isinstance(key, ec.EllipticCurvePublicKey):
        if key.curve.name not in _EC_ALGORITHMS:
            raise ConfigurationError(f"EC token keys must be P-256, P-384 or P-521, not {key.curve.name}")
        algorithm = _EC_ALGORITHMS[key.curve.name]
        jwk = ECAlgorithm.to_jwk(key, as_dict=True)
        members = {name: jwk[name] for name in ("crv", "kty", "x", "y")}
    else:
        raise ConfigurationError("token keys must be RSA or EC keys")
    # RFC 7638: the JWK thumbprint is the key id.
    canonical = json.dumps(members, sort_keys=True, separators=(",", ":")).encode()
    return Key(kid=_b64(hashlib.sha256(canonical).digest()), algorithm=algorithm, verifying=key)


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    scopes: frozenset[str]


@dataclass(frozen=True)
class Verified:
    """A token that was accepted: its credential and the scopes it carries."""

    credential: Credential
    scopes: frozenset[str]
    claims: dict[str, Any]


class Tokens:
    """Issues and verifies tokens with one signing key and any number of verifying keys."""

    def __init__(
        self,
        signing: Key,
        verifying: Iterable[Key] = (),
        *,
        issuer: str,
        audience: str,
        ttl_seconds: int,
        leeway_seconds: int,
        credentials: Callable[[str], Credential | None],
    ):
        if signing.signing is None:
            raise ConfigurationError("the signing key has no private part")
        self.signing = signing
        self.keys = {signing.kid: signing, **{k.kid: k for k in verifying}}
        self.issuer = issuer
        self.audience = audience
        self.ttl_seconds = ttl_seconds
        self.leeway_seconds = leeway_seconds
        self._credentials = credentials

    @classmethod
    def from_settings(
        cls, settings: Settings, db: Database, credentials: Callable[[str], Credential | None]
    ) -> Tokens:
        verifying = [_from_setting("LRS_TOKEN_VERIFY_KEYS_FILES", public_key, path)
                     for path in settings.token_verify_keys_files]
        if settings.token_private_key_file:
            signing = _from_setting("LRS_TOKEN_PRIVATE_KEY_FILE", private_key, settings.token_private_key_file)
            if settings.token_secret:  # still accepted: a move from HS256 to a key pair
                verifying.append(hmac_key(settings.token_secret))
        else:
            signing = hmac_key(settings.token_secret or stored_secret(db))
        return cls(
            signing,
            verifying,
            issuer=settings.resolved_token_issuer,
            audience=settings.resolved_token_audience,
            ttl_seconds=settings.token_ttl_seconds,
            leeway_seconds=settings.token_leeway_seconds,
            credentials=credentials,
        )

    def issue(self, credential: Credential, now: float | None = None) -> IssuedToken:
        now = time.time() if now is None else now
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": credential.key,
            "scope": " ".join(sorted(credential.scopes)),
            "iat": round(now, 6),
            "nbf": int(now),
            "exp": int(now) + self.ttl_seconds,
            "jti": secrets.token_urlsafe(16),
        }
        token = jwt.encode(
            claims,
            self.signing.signing,
            algorithm=self.signing.algorithm,
            headers={"kid": self.signing.kid, "typ": "at+jwt"},
        )
        return IssuedToken(token, self.ttl_seconds, credential.scopes)

    def verify(self, token: str) -> Verified:
        """The credential and scopes of a valid token; `InvalidToken` otherwise."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise InvalidToken("malformed token") from None
        kid = header.get("kid")
        key = self.keys.get(kid) if isinstance(kid, str) else None
        if key is None:
            raise InvalidToken("unknown key id")
        if header.get("alg") != key.algorithm:
            raise InvalidToken(f"algorithm {header.get('alg')!r} not accepted for this key")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.verifying,
                algorithms=[key.algorithm],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway_seconds,
                options={"require": ["exp", "nbf", "iat", "iss", "aud", "sub", "scope"]},
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(type(exc).__name__) from None
        if not isinstance(claims["scope"], str) or not isinstance(claims["iat"], (int, float)):
            raise InvalidToken("malformed claims")
        credential = self._credentials(claims["sub"])
        if credential is None:
            raise InvalidToken("unknown credential")
        if credential.revoked_at is not None:
            raise InvalidToken("credential revoked")
        if not credential.still_valid_for(claims["iat"]):
            raise InvalidToken("credential secret rotated after the token was issued")
        scopes = frozenset(claims["scope"].split()) & credential.scopes
        return Verified(credential, scopes, claims)

    def jwks(self) -> dict[str, Any]:
        """The public keys, as a JWK Set (RFC 7517); never a shared secret."""
        keys = [jwk for key in self.keys.values() if (jwk := key.public_jwk()) is not None]
        return {"keys": keys}


def stored_secret(db: Database, name: str = _GENERATED_SECRET) -> str:
    """A generated secret (by default the HS256 token secret; the dashboard's session
    secret is another `name`), created on first use and kept in the database, so
    that every worker and every restart (and every host of a PostgreSQL
    deployment) signs and verifies with the same one."""
    select = "SELECT value FROM lrs_secret WHERE name = ?"
    with db.read() as cur:
        row = cur.execute(select, (name,)).fetchone()
    if row is not None:
        return str(row["value"])
    created = datetime.now(UTC).isoformat(timespec="seconds")
    with db.transaction(commit=True) as cur:
        # Of two processes starting together, the first insert wins; both read it.
        cur.execute(
            "INSERT INTO lrs_secret (name, value, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO NOTHING",
            (name, secrets.token_urlsafe(48), created),
        )
        row = cur.execute(select, (name,)).fetchone()
    return str(row["value"])


def _from_setting(setting: str, load: Callable[[bytes], Key], path: str) -> Key:
    """The key in the file a setting names; a problem with it names the setting."""
    try:
        return load(_read(path))
    except ConfigurationError as exc:
        raise ConfigurationError(f"{setting}: {exc}") from None


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ConfigurationError(f"cannot read token key file {path}: {exc.strerror}") from None


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
