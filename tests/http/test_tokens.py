"""POST /auth/token, GET /auth/jwks.json, and Bearer authentication on the xAPI resources."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import logging
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from lrs.app import create_app
from tests import factories as f
from tests.conftest import XAPIClient
from tests.http.support import (
    PUBLIC_URL,
    STATEMENTS,
    bearer_client,
    credential_key,
    event_count,
    post_statements,
    stored_statement,
    token_for,
)

TOKEN = "/auth/token"
JWKS = "/auth/jwks.json"


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def pem_pair() -> tuple[bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


def issued(app: Any, client: Any, **kwargs: Any) -> str:
    """A token issued by the app's token service directly (``now`` to backdate it)."""
    services = app.extensions["lrs"]
    credential = services.credentials.get(credential_key(client))
    token: str = services.tokens.issue(credential, **kwargs).access_token
    return token


def assert_refused(response: Any) -> None:
    """401, both challenges, and a body that says nothing of the reason."""
    assert response.status_code == 401
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith('Basic realm="xAPI"') and 'Bearer realm="xAPI"' in challenge
    assert response.get_json()["error"] in ("invalid credentials", "authentication required")


# ------------------------------------------------------------------ POST /auth/token


def test_token_endpoint_exchanges_basic_credentials_for_a_bearer_token(client):
    response = client.flask.post(TOKEN, headers={"Authorization": client.headers["Authorization"]})
    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900 and body["scope"] == "all"
    assert jwt.decode(body["access_token"], options={"verify_signature": False})["sub"] == credential_key(client)


def test_token_endpoint_answers_are_never_cached(client):
    response = client.flask.post(TOKEN, headers={"Authorization": client.headers["Authorization"]})
    assert response.headers["Cache-Control"] == "no-store"


def test_token_endpoint_token_carries_issuer_and_audience_of_the_lrs(client):
    claims = jwt.decode(token_for(client), options={"verify_signature": False})
    assert claims["iss"] == claims["aud"] == PUBLIC_URL


def test_token_endpoint_without_credentials_is_401(client):
    assert_refused(client.flask.post(TOKEN))


def test_token_endpoint_with_a_wrong_secret_is_401(client):
    wrong = "Basic " + base64.b64encode(f"{credential_key(client)}:wrong".encode()).decode()
    assert_refused(client.flask.post(TOKEN, headers={"Authorization": wrong}))


def test_token_endpoint_does_not_exchange_a_token_for_another(client):
    token = token_for(client)
    assert_refused(client.flask.post(TOKEN, headers={"Authorization": f"Bearer {token}"}))


def test_token_endpoint_refuses_a_revoked_credential(client, app):
    app.extensions["lrs"].credentials.revoke(credential_key(client))
    assert_refused(client.flask.post(TOKEN, headers={"Authorization": client.headers["Authorization"]}))


# --------------------------------------------------------------- GET /auth/jwks.json


def test_jwks_is_empty_when_tokens_are_signed_with_a_shared_secret(client):
    response = client.flask.get(JWKS)
    assert response.status_code == 200 and response.get_json() == {"keys": []}


@pytest.fixture
def rsa_app(settings, tmp_path):
    private, _ = pem_pair()
    (tmp_path / "signing.pem").write_bytes(private)
    application = create_app(dataclasses.replace(settings, token_private_key_file=str(tmp_path / "signing.pem")))
    yield application
    application.extensions["lrs"].close()


def test_jwks_serves_the_public_key_that_verifies_tokens(rsa_app):
    credential, secret = rsa_app.extensions["lrs"].credentials.create(scopes=["all"])
    token = token_for(XAPIClient(rsa_app.test_client(), credential.key, secret))
    jwks = rsa_app.test_client().get(JWKS).get_json()
    key = jwt.PyJWKSet.from_dict(jwks)[jwt.get_unverified_header(token)["kid"]]
    claims = jwt.decode(token, key.key, algorithms=["RS256"], audience=PUBLIC_URL, issuer=PUBLIC_URL)
    assert claims["sub"] == credential.key


# ------------------------------------------------------------ Bearer on the xAPI


def test_bearer_token_reads_statements(client):
    [statement_id] = post_statements(client, f.statement())
    response = bearer_client(client).get(STATEMENTS, query_string={"statementId": statement_id})
    assert response.status_code == 200


def test_bearer_token_sets_the_authority_of_its_credential(client):
    statement = f.statement()
    post_statements(bearer_client(client), statement)
    authority = stored_statement(client, statement["id"])["authority"]
    assert authority["account"] == {"homePage": PUBLIC_URL, "name": credential_key(client)}


def test_bearer_token_scopes_limit_it_like_basic(make_client, app):
    reader = bearer_client(make_client(("all/read",)))
    assert reader.get(STATEMENTS).status_code == 200
    assert reader.post(STATEMENTS, json=f.statement()).status_code == 403
    assert event_count(app) == 0


def test_bearer_expired_token_is_401(client, app):
    token = issued(app, client, now=time.time() - 900 - 60)
    assert_refused(bearer_client(client, token).get(STATEMENTS))


def test_bearer_not_yet_valid_token_is_401(client, app):
    token = issued(app, client, now=time.time() + 600)
    assert_refused(bearer_client(client, token).get(STATEMENTS))


def test_bearer_token_for_another_audience_is_401(client, app, settings):
    other = create_app(dataclasses.replace(settings, token_audience="https://elsewhere.example.org"))
    try:
        token = issued(other, client)
    finally:
        other.extensions["lrs"].close()
    assert_refused(bearer_client(client, token).get(STATEMENTS))


def test_bearer_token_from_another_issuer_is_401(client, app, settings):
    other = create_app(dataclasses.replace(settings, token_issuer="https://elsewhere.example.org"))
    try:
        token = issued(other, client)
    finally:
        other.extensions["lrs"].close()
    assert_refused(bearer_client(client, token).get(STATEMENTS))


def test_bearer_tampered_token_is_401_with_an_invalid_token_challenge(client):
    head, payload, signature = token_for(client).split(".")
    response = bearer_client(client, f"{head}.{payload}.{signature[::-1]}").get(STATEMENTS)
    assert_refused(response)
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_bearer_alg_none_token_is_401(client):
    head, payload, _ = token_for(client).split(".")
    header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    none = b64(json.dumps({**header, "alg": "none"}).encode())
    assert_refused(bearer_client(client, f"{none}.{payload}.").get(STATEMENTS))


def test_bearer_hs256_token_signed_with_the_public_key_is_401(rsa_app):
    """HS/RS confusion: the JWKS key (public) used as an HMAC secret under its kid."""
    credential, secret = rsa_app.extensions["lrs"].credentials.create(scopes=["all"])
    client = XAPIClient(rsa_app.test_client(), credential.key, secret)
    [jwk] = client.flask.get(JWKS).get_json()["keys"]
    public = jwt.PyJWK(jwk).key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    claims = jwt.decode(token_for(client), options={"verify_signature": False})
    signing_input = f"{b64(json.dumps({'alg': 'HS256', 'kid': jwk['kid']}).encode())}." \
                    f"{b64(json.dumps(claims).encode())}"
    signature = b64(hmac.new(public, signing_input.encode(), hashlib.sha256).digest())
    assert_refused(bearer_client(client, f"{signing_input}.{signature}").get(STATEMENTS))


def test_bearer_token_of_a_revoked_credential_is_401(client, app):
    token = token_for(client)
    app.extensions["lrs"].credentials.revoke(credential_key(client))
    assert_refused(bearer_client(client, token).get(STATEMENTS))


def test_bearer_token_issued_before_the_secret_was_rotated_is_401(client, app):
    token = token_for(client)
    app.extensions["lrs"].credentials.rotate(credential_key(client))
    assert_refused(bearer_client(client, token).get(STATEMENTS))


def test_bearer_token_of_a_rotated_out_signing_key_is_accepted_while_listed(client, app, settings, tmp_path):
    old_private, old_public = pem_pair()
    new_private, _ = pem_pair()
    (tmp_path / "old.pem").write_bytes(old_private)
    (tmp_path / "old.pub.pem").write_bytes(old_public)
    (tmp_path / "new.pem").write_bytes(new_private)
    old = create_app(dataclasses.replace(settings, token_private_key_file=str(tmp_path / "old.pem")))
    new = create_app(dataclasses.replace(
        settings, token_private_key_file=str(tmp_path / "new.pem"),
        token_verify_keys_files=(str(tmp_path / "old.pub.pem"),)))
    try:
        token = issued(old, client)
        response = new.test_client().get(STATEMENTS, headers={
            "Authorization": f"Bearer {token}", "X-Experience-API-Version": "1.0.3"})
        assert response.status_code == 200
    finally:
        old.extensions["lrs"].close()
        new.extensions["lrs"].close()


def test_bearer_garbage_is_401(client):
    assert_refused(bearer_client(client, "garbage").get(STATEMENTS))


# ---------------------------------------------------------------------- logging


def test_bearer_failure_is_logged_with_the_key_and_never_the_token(client, app, caplog):
    token = issued(app, client, now=time.time() - 3600)
    with caplog.at_level(logging.WARNING, logger="lrs.auth"):
        bearer_client(client, token).get(STATEMENTS)
    [record] = [r for r in caplog.records if r.name == "lrs.auth"]
    assert credential_key(client) in record.getMessage()
    assert token not in record.getMessage()


def test_basic_failure_is_logged_with_the_key_and_never_the_secret(client, caplog):
    wrong = "Basic " + base64.b64encode(f"{credential_key(client)}:guessed-secret".encode()).decode()
    with caplog.at_level(logging.WARNING, logger="lrs.auth"):
        client.get(STATEMENTS, headers={"Authorization": wrong})
    [record] = [r for r in caplog.records if r.name == "lrs.auth"]
    assert credential_key(client) in record.getMessage()
    assert "guessed-secret" not in record.getMessage()


def test_refusals_look_alike_whatever_the_reason(client, app):
    expired = bearer_client(client, issued(app, client, now=time.time() - 3600)).get(STATEMENTS)
    garbage = bearer_client(client, "garbage").get(STATEMENTS)
    wrong = client.get(STATEMENTS, headers={"Authorization": "Basic " + base64.b64encode(b"nobody:nothing").decode()})
    assert expired.get_json() == garbage.get_json() == wrong.get_json() == {"error": "invalid credentials"}
