"""Bearer tokens (lrs/tokens.py): issuing, and every reason a token is refused."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from lrs.credentials import Credential
from lrs.services import Services
from lrs.settings import ConfigurationError, Settings
from lrs.tokens import (
    InvalidToken,
    Key,
    Tokens,
    hmac_key,
    private_key,
    public_key,
    stored_secret,
)

SECRET = "a-test-secret-of-at-least-thirty-two-bytes"
ISSUER = "https://lrs.example.org"
AUDIENCE = "https://lrs.example.org/api"


@pytest.fixture(scope="module")
def rsa_pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@pytest.fixture(scope="module")
def ec_pem() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def public_pem(private: bytes) -> bytes:
    loaded = serialization.load_pem_private_key(private, password=None)
    return loaded.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@pytest.fixture
def credentials() -> dict[str, Credential]:
    lms = Credential("lms", frozenset({"statements/write", "state"}), "LMS", "2026-01-01T00:00:00+00:00", None)
    return {"lms": lms}


def make_tokens(
    credentials: dict[str, Credential], signing: Key | None = None, verifying: tuple[Key, ...] = (), **kw: Any
) -> Tokens:
    options = {"issuer": ISSUER, "audience": AUDIENCE, "ttl_seconds": 900, "leeway_seconds": 30, **kw}
    return Tokens(signing or hmac_key(SECRET), verifying, credentials=credentials.get, **options)


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def parts(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    header, payload, signature = token.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    return (json.loads(base64.urlsafe_b64decode(pad(header))),
            json.loads(base64.urlsafe_b64decode(pad(payload))), signature)


def forge(header: dict[str, Any], payload: dict[str, Any], sign: Any = None) -> str:
    """A token assembled by hand, as an attacker would: ``sign(signing_input) -> bytes``."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    signature = b64(sign(signing_input.encode())) if sign else ""
    return f"{signing_input}.{signature}"


# ------------------------------------------------------------------------ issuing


def test_tokens_issued_token_verifies_with_the_credential_scopes(credentials):
    tokens = make_tokens(credentials)
    verified = tokens.verify(tokens.issue(credentials["lms"]).access_token)
    assert verified.credential.key == "lms"
    assert verified.scopes == {"statements/write", "state"}


def test_tokens_carry_subject_issuer_audience_times_and_key_id(credentials):
    tokens = make_tokens(credentials)
    before = time.time()
    header, claims, _ = parts(tokens.issue(credentials["lms"]).access_token)
    assert header["kid"] == tokens.signing.kid and header["alg"] == "HS256"
    assert claims["sub"] == "lms" and claims["iss"] == ISSUER and claims["aud"] == AUDIENCE
    assert claims["scope"] == "state statements/write"
    assert before - 1 <= claims["iat"] <= time.time()
    assert claims["nbf"] <= claims["iat"]
    assert claims["exp"] == int(claims["iat"]) + 900
    assert claims["jti"]


def test_tokens_key_id_of_an_hmac_secret_does_not_reveal_it():
    assert SECRET not in hmac_key(SECRET).kid
    assert hmac_key(SECRET).kid == hmac_key(SECRET).kid != hmac_key(SECRET + "x").kid


def test_tokens_short_hmac_secret_is_a_configuration_error():
    with pytest.raises(ConfigurationError):
        hmac_key("too-short")


def test_tokens_small_rsa_key_is_a_configuration_error():
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    pem = small.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(ConfigurationError):
        private_key(pem)


@pytest.mark.parametrize(("pem_fixture", "algorithm"), [("rsa_pem", "RS256"), ("ec_pem", "ES256")])
def test_tokens_private_key_signs_with_the_algorithm_of_its_type(credentials, request, pem_fixture, algorithm):
    tokens = make_tokens(credentials, private_key(request.getfixturevalue(pem_fixture)))
    token = tokens.issue(credentials["lms"]).access_token
    assert parts(token)[0]["alg"] == algorithm
    assert tokens.verify(token).credential.key == "lms"


@pytest.mark.parametrize("pem_fixture", ["rsa_pem", "ec_pem"])
def test_tokens_verify_elsewhere_with_the_jwks_document(credentials, request, pem_fixture):
    tokens = make_tokens(credentials, private_key(request.getfixturevalue(pem_fixture)))
    token = tokens.issue(credentials["lms"]).access_token
    jwk = jwt.PyJWKSet.from_dict(tokens.jwks())[parts(token)[0]["kid"]]
    claims = jwt.decode(token, jwk.key, algorithms=[jwk.algorithm_name], audience=AUDIENCE, issuer=ISSUER)
    assert claims["sub"] == "lms"


def test_tokens_jwks_never_contains_the_hmac_secret(credentials):
    assert make_tokens(credentials).jwks() == {"keys": []}


def test_tokens_jwks_has_no_private_parts(credentials, rsa_pem):
    [jwk] = make_tokens(credentials, private_key(rsa_pem)).jwks()["keys"]
    assert {"d", "p", "q", "dp", "dq", "qi"}.isdisjoint(jwk)


# ------------------------------------------------------------------ refusals: time


def test_tokens_expired_token_is_refused(credentials):
    tokens = make_tokens(credentials)
    token = tokens.issue(credentials["lms"], now=time.time() - 900 - 31).access_token
    with pytest.raises(InvalidToken, match="Expired"):
        tokens.verify(token)


def test_tokens_expired_token_within_the_clock_skew_is_accepted(credentials):
    tokens = make_tokens(credentials)
    token = tokens.issue(credentials["lms"], now=time.time() - 900 - 20).access_token
    assert tokens.verify(token).credential.key == "lms"


def test_tokens_not_yet_valid_token_is_refused(credentials):
    tokens = make_tokens(credentials)
    token = tokens.issue(credentials["lms"], now=time.time() + 120).access_token
    with pytest.raises(InvalidToken, match="Immature"):
        tokens.verify(token)


def test_tokens_slightly_early_token_within_the_clock_skew_is_accepted(credentials):
    tokens = make_tokens(credentials)
    token = tokens.issue(credentials["lms"], now=time.time() + 10).access_token
    assert tokens.verify(token).credential.key == "lms"


# --------------------------------------------------------- refusals: iss, aud, claims


def test_tokens_wrong_audience_is_refused(credentials):
    other = make_tokens(credentials, audience="https://elsewhere.example.org")
    with pytest.raises(InvalidToken, match="Audience"):
        make_tokens(credentials).verify(other.issue(credentials["lms"]).access_token)


def test_tokens_wrong_issuer_is_refused(credentials):
    other = make_tokens(credentials, issuer="https://elsewhere.example.org")
    with pytest.raises(InvalidToken, match="Issuer"):
        make_tokens(credentials).verify(other.issue(credentials["lms"]).access_token)


def test_tokens_without_a_required_claim_are_refused(credentials):
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "lms", "iat": now, "nbf": now}  # no exp
    token = jwt.encode(claims, SECRET, algorithm="HS256", headers={"kid": hmac_key(SECRET).kid})
    with pytest.raises(InvalidToken, match="MissingRequiredClaim"):
        make_tokens(credentials).verify(token)


def test_tokens_of_an_unknown_credential_are_refused(credentials):
    tokens = make_tokens(credentials)
    stranger = dataclasses.replace(credentials["lms"], key="stranger")
    with pytest.raises(InvalidToken, match="unknown credential"):
        tokens.verify(tokens.issue(stranger).access_token)


def test_tokens_scopes_are_never_more_than_the_credential_has(credentials):
    tokens = make_tokens(credentials)
    wider = dataclasses.replace(credentials["lms"], scopes=frozenset({"all", "admin", "state"}))
    assert tokens.verify(tokens.issue(wider).access_token).scopes == {"state"}


# ------------------------------------------------------ refusals: signature, algorithm


def test_tokens_tampered_signature_is_refused(credentials):
    tokens = make_tokens(credentials)
    head, payload, signature = tokens.issue(credentials["lms"]).access_token.split(".")
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BA")
    with pytest.raises(InvalidToken, match="InvalidSignature"):
        tokens.verify(f"{head}.{payload}.{flipped}")


def test_tokens_tampered_payload_is_refused(credentials):
    tokens = make_tokens(credentials)
    header, claims, signature = parts(tokens.issue(credentials["lms"]).access_token)
    raised = forge(header, {**claims, "scope": "all admin"})
    with pytest.raises(InvalidToken):
        tokens.verify(raised.rpartition(".")[0] + "." + signature)


def test_tokens_alg_none_is_refused(credentials):
    tokens = make_tokens(credentials)
    header, claims, _ = parts(tokens.issue(credentials["lms"]).access_token)
    with pytest.raises(InvalidToken, match="not accepted"):
        tokens.verify(forge({**header, "alg": "none"}, claims))


def test_tokens_hs256_signed_with_the_rsa_public_key_is_refused(credentials, rsa_pem):
    """HS/RS confusion: the public key (which anyone has) used as an HMAC secret."""
    signer = private_key(rsa_pem)
    tokens = make_tokens(credentials, signer)
    header, claims, _ = parts(tokens.issue(credentials["lms"]).access_token)
    public = public_pem(rsa_pem)
    forged = forge({**header, "alg": "HS256"},
                   claims, lambda data: hmac.new(public, data, hashlib.sha256).digest())
    with pytest.raises(InvalidToken, match="not accepted"):
        tokens.verify(forged)


def test_tokens_rs256_token_under_the_key_id_of_an_hmac_key_is_refused(credentials, rsa_pem):
    hs = hmac_key(SECRET)
    tokens = make_tokens(credentials, hs)
    attacker = make_tokens(credentials, dataclasses.replace(private_key(rsa_pem), kid=hs.kid))
    with pytest.raises(InvalidToken, match="not accepted"):
        tokens.verify(attacker.issue(credentials["lms"]).access_token)


def test_tokens_without_a_key_id_are_refused(credentials):
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "lms", "scope": "state",
              "iat": now, "nbf": now, "exp": now + 60}
    with pytest.raises(InvalidToken, match="unknown key id"):
        make_tokens(credentials).verify(jwt.encode(claims, SECRET, algorithm="HS256"))


def test_tokens_signed_by_an_unknown_key_are_refused(credentials):
    other = make_tokens(credentials, hmac_key(SECRET + "-other"))
    with pytest.raises(InvalidToken, match="unknown key id"):
        make_tokens(credentials).verify(other.issue(credentials["lms"]).access_token)


def test_tokens_malformed_token_is_refused(credentials):
    with pytest.raises(InvalidToken, match="malformed"):
        make_tokens(credentials).verify("not-a-token")


# ---------------------------------------------------------------------- rotation


def test_tokens_rotated_key_still_verifies_while_listed(credentials, rsa_pem, ec_pem):
    old = make_tokens(credentials, private_key(rsa_pem))
    token = old.issue(credentials["lms"]).access_token
    new = make_tokens(credentials, private_key(ec_pem), (public_key(public_pem(rsa_pem)),))
    assert new.verify(token).credential.key == "lms"
    assert {k["alg"] for k in new.jwks()["keys"]} == {"RS256", "ES256"}


def test_tokens_rotated_key_is_refused_once_removed(credentials, rsa_pem, ec_pem):
    token = make_tokens(credentials, private_key(rsa_pem)).issue(credentials["lms"]).access_token
    with pytest.raises(InvalidToken, match="unknown key id"):
        make_tokens(credentials, private_key(ec_pem)).verify(token)


# ------------------------------------------------------- revocation, secret rotation


def _at(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="microseconds")


def test_tokens_of_a_revoked_credential_are_refused(credentials):
    tokens = make_tokens(credentials)
    token = tokens.issue(credentials["lms"]).access_token
    credentials["lms"] = dataclasses.replace(credentials["lms"], revoked_at=_at(time.time()))
    with pytest.raises(InvalidToken, match="revoked"):
        tokens.verify(token)


def test_tokens_issued_before_the_secret_was_rotated_are_refused(credentials):
    tokens = make_tokens(credentials)
    token = tokens.issue(credentials["lms"]).access_token
    rotated = _at(time.time() + 0.001)
    credentials["lms"] = dataclasses.replace(credentials["lms"], secret_rotated_at=rotated)
    with pytest.raises(InvalidToken, match="rotated"):
        tokens.verify(token)


def test_tokens_issued_after_the_secret_was_rotated_are_accepted(credentials):
    tokens = make_tokens(credentials)
    rotated = dataclasses.replace(credentials["lms"], secret_rotated_at=_at(time.time()))
    credentials["lms"] = rotated
    token = tokens.issue(rotated, now=time.time() + 0.001).access_token
    assert tokens.verify(token).credential.key == "lms"


# ----------------------------------------------------------------- configuration


def test_tokens_settings_are_read_from_the_environment():
    settings = Settings.from_env({
        "LRS_PUBLIC_URL": "https://lrs.example.org/",
        "LRS_TOKEN_TTL_SECONDS": "300",
        "LRS_TOKEN_LEEWAY_SECONDS": "5",
        "LRS_TOKEN_VERIFY_KEYS_FILES": "/keys/a.pem:/keys/b.pem",
        "LRS_TOKEN_SECRET": SECRET,
    })
    assert settings.resolved_token_issuer == settings.resolved_token_audience == "https://lrs.example.org"
    assert (settings.token_ttl_seconds, settings.token_leeway_seconds) == (300, 5)
    assert settings.token_verify_keys_files == ("/keys/a.pem", "/keys/b.pem")
    assert SECRET not in repr(settings)


def test_tokens_generated_secret_is_kept_in_the_store(services):
    assert stored_secret(services.store.db) == stored_secret(services.store.db)
    assert len(stored_secret(services.store.db)) >= 32


def test_tokens_generated_secret_is_shared_by_every_process_of_one_store(services, settings):
    credential, _ = services.credentials.create(scopes=["state"])
    token = services.tokens.issue(credential).access_token
    other = Services.build(settings)  # another worker, or the same one restarted
    try:
        assert other.tokens.verify(token).credential.key == credential.key
    finally:
        other.close()


def test_tokens_configured_secret_is_used_instead_of_the_generated_one(services, settings):
    configured = Services.build(dataclasses.replace(settings, token_secret=SECRET))
    try:
        assert configured.tokens.signing.kid == hmac_key(SECRET).kid
        assert services.tokens.signing.kid != configured.tokens.signing.kid
    finally:
        configured.close()


def test_tokens_private_key_file_signs_and_verify_key_files_verify(settings, rsa_pem, ec_pem, tmp_path):
    (tmp_path / "signing.pem").write_bytes(ec_pem)
    (tmp_path / "old.pem").write_bytes(public_pem(rsa_pem))
    built = Services.build(dataclasses.replace(
        settings, token_private_key_file=str(tmp_path / "signing.pem"),
        token_verify_keys_files=(str(tmp_path / "old.pem"),)))
    try:
        assert built.tokens.signing.algorithm == "ES256"
        assert {k.algorithm for k in built.tokens.keys.values()} == {"ES256", "RS256"}
    finally:
        built.close()


def test_tokens_unreadable_key_file_is_a_configuration_error(settings, tmp_path):
    with pytest.raises(ConfigurationError):
        Services.build(dataclasses.replace(settings, token_private_key_file=str(tmp_path / "absent.pem")))


def test_tokens_expiry_is_the_configured_lifetime(credentials):
    tokens = make_tokens(credentials, ttl_seconds=60)
    issued = tokens.issue(credentials["lms"])
    _, claims, _ = parts(issued.access_token)
    assert issued.expires_in == 60 and claims["exp"] - claims["nbf"] == 60
    assert datetime.fromtimestamp(claims["exp"], UTC) - datetime.now(UTC) < timedelta(seconds=61)
