"""The ID token checks (issue 20, point 3) on real tokens of the real provider: a token
with a bad signature, for another client, expired, or with another sign-in's nonce is
refused, each naming why; an intact one is accepted."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt
import pytest

from lrs.oidc import OIDCClient, OIDCError, Pending
from tests.oidc.conftest import CALLBACK
from tests.oidc.support import CLIENT_ID, CLIENT_SECRET, Provider, sign_in_at_provider


def client(provider: Provider, **kw: Any) -> OIDCClient:
    return OIDCClient(issuer=provider.issuer, client_id=kw.pop("client_id", CLIENT_ID),
                      client_secret=CLIENT_SECRET, redirect_uri=CALLBACK, scopes="openid profile groups", **kw)


@pytest.fixture(scope="module")
def issued(provider: Provider) -> tuple[str, Pending]:
    """A real ID token of the provider for ``ada``, and the sign-in it was issued to."""
    rp = client(provider)
    url, pending = rp.start()
    code = parse_qs(urlparse(sign_in_at_provider(url, "ada", CALLBACK)).query)["code"][0]
    return str(rp._token(code, pending.verifier)["id_token"]), pending


def test_an_intact_token_is_accepted(provider: Provider, issued: tuple[str, Pending]) -> None:
    token, pending = issued
    claims = client(provider).verify_id_token(token, pending.nonce)
    assert claims["sub"] == "ada" and claims["groups"] == ["leadership-coordinators"]


def test_a_bad_signature_is_refused(provider: Provider, issued: tuple[str, Pending]) -> None:
    token, pending = issued
    head, payload, signature = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[0] ^= 0xFF
    forged = f"{head}.{payload}.{base64.urlsafe_b64encode(bytes(raw)).rstrip(b'=').decode()}"
    with pytest.raises(OIDCError, match="signature"):
        client(provider).verify_id_token(forged, pending.nonce)


def test_a_token_for_another_client_is_refused(provider: Provider, issued: tuple[str, Pending]) -> None:
    token, pending = issued
    with pytest.raises(OIDCError, match="audience"):
        client(provider, client_id="another-client").verify_id_token(token, pending.nonce)


def test_an_expired_token_is_refused(provider: Provider, issued: tuple[str, Pending]) -> None:
    """Checked with the clock moved past the token's ``exp`` and the leeway."""
    token, pending = issued
    exp = jwt.decode(token, options={"verify_signature": False})["exp"]
    with pytest.raises(OIDCError, match="expired"):
        client(provider, clock=lambda: exp + 31.0).verify_id_token(token, pending.nonce)
    assert client(provider, clock=lambda: exp + 29.0).verify_id_token(token, pending.nonce)["sub"] == "ada"


def test_a_token_issued_in_the_future_is_refused(provider: Provider, issued: tuple[str, Pending]) -> None:
    token, pending = issued
    iat = jwt.decode(token, options={"verify_signature": False})["iat"]
    with pytest.raises(OIDCError, match="future"):
        client(provider, clock=lambda: iat - 31.0).verify_id_token(token, pending.nonce)


def test_another_sign_ins_nonce_is_refused(provider: Provider, issued: tuple[str, Pending]) -> None:
    token, _ = issued
    with pytest.raises(OIDCError, match="nonce"):
        client(provider).verify_id_token(token, "the-nonce-of-another-sign-in")


def test_an_alg_none_token_is_refused(provider: Provider, issued: tuple[str, Pending]) -> None:
    token, pending = issued
    head = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    unsigned = f"{head}.{token.split('.')[1]}."
    with pytest.raises(OIDCError):
        client(provider).verify_id_token(unsigned, pending.nonce)


def test_a_provider_naming_another_issuer_is_refused(provider: Provider) -> None:
    with pytest.raises(OIDCError, match="another issuer"):
        _with_issuer(provider, "http://elsewhere.example").metadata()


def _with_issuer(provider: Provider, issuer: str) -> OIDCClient:
    """A client whose configured issuer differs from what the provider's discovery names."""
    rp = client(provider)
    rp.issuer = issuer

    def get_json(url: str) -> dict[str, Any]:
        return OIDCClient._get_json(rp, url.replace(issuer, provider.issuer))

    rp._get_json = get_json  # type: ignore[method-assign]
    return rp
