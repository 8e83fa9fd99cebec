"""Signed checkpoints: the chain's head (position, hash, time), as a JWS.

An auditor keeps a checkpoint outside the LRS. Later, ``lrs audit verify
--checkpoint FILE`` recomputes the chain from the stored events and checks that
it still passes through that exact head: whoever rewrote events and then the
whole chain after them cannot also reproduce the hash of the checkpoint.

Keys (`lrs.settings`): ``LRS_AUDIT_CHECKPOINT_KEY`` (a shared secret of at least
32 bytes: HS256) or ``LRS_AUDIT_CHECKPOINT_KEY_FILE`` (a PEM private key:
Ed25519 → EdDSA, RSA → RS256, EC P-256 → ES256). A checkpoint is verified with
the same secret, the public half of the key file, or a PEM public key given to
``verify`` (so an auditor needs no secret of the LRS's).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jwt
import orjson
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from lrs.audit.chain import Head

CHECKPOINT_TYPE = "lrs-audit-checkpoint"
_MIN_SECRET_BYTES = 32


class CheckpointError(Exception):
    """A checkpoint that cannot be made or read (no key, bad signature, bad file)."""


@dataclass(frozen=True)
class CheckpointKey:
    algorithm: str
    signing: Any
    verifying: Any


def signing_key(secret: str, key_file: str) -> CheckpointKey | None:
    """The configured checkpoint key; None when neither setting is given."""
    if key_file:
        try:
            pem = Path(key_file).read_bytes()
        except OSError as exc:
            raise CheckpointError(f"LRS_AUDIT_CHECKPOINT_KEY_FILE: cannot read {key_file}: {exc}") from None
        try:
            private = serialization.load_pem_private_key(pem, password=None)
        except (ValueError, TypeError) as exc:
            raise CheckpointError(f"LRS_AUDIT_CHECKPOINT_KEY_FILE: not a PEM private key: {exc}") from None
        public = private.public_key()
        return CheckpointKey(_algorithm_of(public), private, public)
    if secret:
        raw = secret.encode()
        if len(raw) < _MIN_SECRET_BYTES:
            raise CheckpointError(f"LRS_AUDIT_CHECKPOINT_KEY must be at least {_MIN_SECRET_BYTES} bytes")
        return CheckpointKey("HS256", raw, raw)
    return None


def public_key_file(path: str) -> CheckpointKey:
    """A verify-only key from a PEM public key file."""
    try:
        public = serialization.load_pem_public_key(Path(path).read_bytes())
    except (OSError, ValueError, TypeError) as exc:
        raise CheckpointError(f"{path}: not a readable PEM public key: {exc}") from None
    return CheckpointKey(_algorithm_of(public), None, public)


def _algorithm_of(public: Any) -> str:
    if isinstance(public, ed25519.Ed25519PublicKey):
        return "EdDSA"
    if isinstance(public, rsa.RSAPublicKey):
        return "RS256"
    if isinstance(public, ec.EllipticCurvePublicKey) and public.curve.name == "secp256r1":
        return "ES256"
    raise CheckpointError("checkpoint keys must be Ed25519, RSA or EC P-256 keys")


def make(head: Head, events: int, key: CheckpointKey, issuer: str,
         now: datetime | None = None) -> dict[str, Any]:
    """The signed checkpoint of ``head``: its fields, and ``jws`` carrying them signed."""
    if key.signing is None:
        raise CheckpointError("this key can only verify checkpoints")
    time = (now or datetime.now(UTC)).isoformat(timespec="microseconds")
    claims = {"typ": CHECKPOINT_TYPE, "iss": issuer, "position": head.position,
              "hash": head.hash, "events": events, "time": time}
    token = jwt.encode(claims, key.signing, algorithm=key.algorithm,
                       headers={"typ": "JWT", "cty": CHECKPOINT_TYPE})
    return {**claims, "alg": key.algorithm, "jws": token}


def read(text: str, key: CheckpointKey) -> dict[str, Any]:
    """The claims of a checkpoint (the JSON `make` returned, or its bare JWS),
    once its signature checks with ``key`` (pinned to the key's algorithm)."""
    text = text.strip()
    token = text
    if text.startswith("{"):
        try:
            token = orjson.loads(text)["jws"]
        except (orjson.JSONDecodeError, KeyError, TypeError):
            raise CheckpointError("not a checkpoint: a JSON object with a `jws` member expected") from None
    if not isinstance(token, str):
        raise CheckpointError("not a checkpoint: `jws` must be a string")
    try:
        claims: dict[str, Any] = jwt.decode(token, key.verifying, algorithms=[key.algorithm],
                                            options={"require": ["position", "hash"]})
    except jwt.PyJWTError as exc:
        raise CheckpointError(f"the checkpoint's signature does not verify: {exc}") from None
    if claims.get("typ") != CHECKPOINT_TYPE or not isinstance(claims.get("position"), int) \
            or not isinstance(claims.get("hash"), str):
        raise CheckpointError("the signed content is not an LRS audit checkpoint")
    return claims
