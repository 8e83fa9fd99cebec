"""Single sign-on to the dashboard through OpenID Connect (issue 20, point 3), end to end
against a real provider (oidc-provider on Node.js), on both stores: the authorization code
flow with PKCE; the ID token verified against the provider's JWKS; the claim ``groups``
mapped to role and programs by LRS_OIDC_ROLES; refusals with a clear page and a log line."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from tests.oidc.conftest import CALLBACK, OTHER, PROGRAM
from tests.oidc.support import sign_in_at_provider


def start(client: Any) -> str:
    """The provider URL the dashboard sends the browser to."""
    response = client.get("/dashboard/oidc/start", query_string={"next": "/dashboard/"})
    assert response.status_code == 302
    return str(response.headers["Location"])


def sign_in(client: Any, login: str) -> tuple[Any, str]:
    """Sign in as ``login`` at the provider; the LRS's answer to the callback, and its URL."""
    callback = sign_in_at_provider(start(client), login, CALLBACK)
    return client.get(callback.removeprefix("http://lrs.test")), callback


def test_the_sign_in_page_offers_single_sign_on(app: Any) -> None:
    assert 'id="single-sign-on"' in app.test_client().get("/dashboard/signin").get_data(as_text=True)


def test_the_authorization_request_uses_pkce_s256_state_and_nonce(app: Any) -> None:
    query = parse_qs(urlparse(start(app.test_client())).query)
    assert query["response_type"] == ["code"] and query["code_challenge_method"] == ["S256"]
    assert query["code_challenge"][0] and query["state"][0] and query["nonce"][0]


def test_a_coordinator_signs_in_and_sees_only_the_mapped_program(app: Any, two_programs: None) -> None:
    client = app.test_client()
    answer, _ = sign_in(client, "ada")
    assert answer.status_code == 302 and answer.headers["Location"] == "/dashboard/"
    page = client.get("/dashboard/").get_data(as_text=True)
    assert "Signed in as <strong>Ada Lovelace</strong>" in page and PROGRAM in page and OTHER not in page
    assert client.get("/dashboard/program", query_string={"id": OTHER}).status_code == 404
    assert client.get("/dashboard/program", query_string={"id": PROGRAM}).status_code == 200


def test_an_admin_group_sees_every_program(app: Any, two_programs: None) -> None:
    client = app.test_client()
    sign_in(client, "grace")
    page = client.get("/dashboard/").get_data(as_text=True)
    assert PROGRAM in page and OTHER in page


def test_a_person_whose_groups_map_to_nothing_is_refused(app: Any, caplog: pytest.LogCaptureFixture) -> None:
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="lrs.auth"):
        answer, _ = sign_in(client, "eve")
    assert answer.status_code == 401 and "groups" in answer.get_data(as_text=True)
    assert any("single sign-on refused" in r.getMessage() for r in caplog.records)
    assert client.get("/dashboard/").status_code == 302


def test_a_replayed_answer_is_refused(app: Any, caplog: pytest.LogCaptureFixture) -> None:
    client = app.test_client()
    answer, callback = sign_in(client, "ada")
    assert answer.status_code == 302
    with caplog.at_level(logging.WARNING, logger="lrs.auth"):
        replayed = client.get(callback.removeprefix("http://lrs.test"))
    assert replayed.status_code == 401 and "replayed" in replayed.get_data(as_text=True)
    assert any("single sign-on refused" in r.getMessage() for r in caplog.records)


def test_an_answer_for_another_browsers_sign_in_is_refused(app: Any) -> None:
    """The code and state of one browser's sign-in, taken to another that started its own."""
    mine, other = app.test_client(), app.test_client()
    callback = sign_in_at_provider(start(mine), "ada", CALLBACK)
    start(other)
    answer = other.get(callback.removeprefix("http://lrs.test"))
    assert answer.status_code == 401 and "state does not match" in answer.get_data(as_text=True)


def test_an_answer_with_a_provider_error_is_refused(app: Any) -> None:
    client = app.test_client()
    start(client)
    answer = client.get("/dashboard/oidc/callback", query_string={"error": "access_denied"})
    assert answer.status_code == 401 and "access_denied" in answer.get_data(as_text=True)


def test_sign_out_ends_a_single_sign_on_session(app: Any) -> None:
    from tests.dashboard.conftest import Browser

    client = app.test_client()
    sign_in(client, "ada")
    cookie = client.get_cookie("lrs_dashboard", path="/dashboard")
    Browser(client).sign_out()
    copy = app.test_client()
    copy.set_cookie("lrs_dashboard", cookie.value, path="/dashboard")
    assert copy.get("/dashboard/").status_code == 302
