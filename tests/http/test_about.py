"""GET /about (Communication 2.8)."""

from __future__ import annotations

import pytest

from tests.conftest import XAPIClient

ABOUT = "/xapi/about"


@pytest.fixture
def anonymous(app):
    """A client without credentials or version header."""
    without = XAPIClient(app.test_client(), "", "")
    without.headers = {}
    return without


def test_about_lists_the_supported_versions(client):
    # Communication 2.8 / 9274.1.1 4.1.6.7: the latest minor and patch version of each
    # version served: 1.0.3 and 2.0.0
    response = client.get(ABOUT)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json()["version"] == ["1.0.3", "2.0.0"]


def test_about_has_only_version_and_extensions(client):
    # Communication 2.8: no properties outside of extensions; extensions is an Object
    body = client.get(ABOUT).get_json()
    assert set(body) <= {"version", "extensions"}
    assert isinstance(body.get("extensions", {}), dict)


def test_about_is_open_without_credentials(anonymous):
    # Communication 2.8: SHOULD allow unauthenticated access
    response = anonymous.get(ABOUT)
    assert response.status_code == 200
    assert response.get_json()["version"] == ["1.0.3", "2.0.0"]


@pytest.mark.parametrize("version", ["0.9", "2.0.0", "nonsense"])
def test_about_ignores_the_version_header(client, version):
    # Communication 2.8: MUST NOT reject requests based on their version header
    response = client.get(ABOUT, headers={"X-Experience-API-Version": version})
    assert response.status_code == 200


def test_about_answers_with_the_version_header(anonymous):
    # Communication 3.3: every response carries X-Experience-API-Version; a request
    # that names no version is answered with LRS_XAPI_UNVERSIONED_VERSION (1.0.3)
    response = anonymous.get(ABOUT)
    assert response.headers["X-Experience-API-Version"] == "1.0.3"


@pytest.mark.parametrize(("sent", "answered"), [("1.0.1", "1.0.3"), ("2.0", "2.0.0")])
def test_about_answers_in_the_version_of_the_request(client, sent, answered):
    # Communication 3.3 / 9274.1.1 4.1.7: the response names the request's rules
    response = client.get(ABOUT, headers={"X-Experience-API-Version": sent})
    assert response.headers["X-Experience-API-Version"] == answered


def test_about_head_has_headers_and_no_body(client):
    # Communication 1.1: every resource that supports GET supports HEAD, without a body
    response = client.head(ABOUT)
    assert response.status_code == 200
    assert response.get_data() == b""
    assert response.mimetype == "application/json"
