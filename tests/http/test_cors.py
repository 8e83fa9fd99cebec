"""Cross-origin requests to every resource (Communication 1.3: cross-domain tracking)."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.http.document_support import STATE, create, state_params

RESOURCES = (
    "/xapi/statements",
    "/xapi/activities/state",
    "/xapi/activities/profile",
    "/xapi/agents/profile",
    "/xapi/activities",
    "/xapi/agents",
    "/xapi/about",
)
PREFLIGHT = {
    "Origin": "https://courses.example.org",
    "Access-Control-Request-Method": "PUT",
    "Access-Control-Request-Headers": "authorization, content-type, x-experience-api-version, if-match",
}


def exposed(response):
    return {h.strip().lower() for h in response.headers["Access-Control-Expose-Headers"].split(",")}


@pytest.mark.parametrize("path", RESOURCES)
def test_cors_preflight_is_answered_without_credentials(client, path):
    # CORS preflight: answered before authentication, for every resource
    response = client.request(
        "OPTIONS",
        path,
        headers={**PREFLIGHT, "Authorization": None, "X-Experience-API-Version": None},
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_cors_preflight_allows_the_xapi_methods(client):
    # Communication 1.0 resources use GET, HEAD, PUT, POST and DELETE
    response = client.request("OPTIONS", STATE, headers=PREFLIGHT)
    methods = {m.strip() for m in response.headers["Access-Control-Allow-Methods"].split(",")}
    assert {"GET", "HEAD", "PUT", "POST", "DELETE"} <= methods


def test_cors_preflight_allows_the_xapi_request_headers(client):
    # Communication 1.2 request headers, including the concurrency ones (3.1)
    response = client.request("OPTIONS", STATE, headers=PREFLIGHT)
    allowed = {
        h.strip().lower() for h in response.headers["Access-Control-Allow-Headers"].split(",")
    }
    assert {
        "authorization",
        "content-type",
        "x-experience-api-version",
        "if-match",
        "if-none-match",
    } <= allowed


def test_cors_preflight_carries_the_version_header(client):
    # Communication 3.3: every response carries X-Experience-API-Version
    response = client.request("OPTIONS", STATE, headers=PREFLIGHT)
    assert response.headers["X-Experience-API-Version"] == "1.0.3"


def test_cors_response_exposes_the_xapi_headers(client):
    # Issue: exposed headers ETag, Last-Modified, X-Experience-API-Version, Consistent-Through
    create(client, STATE, state_params(), f.bookmark())
    response = client.get(
        STATE, query_string=state_params(), headers={"Origin": "https://courses.example.org"}
    )
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert {
        "etag",
        "last-modified",
        "x-experience-api-version",
        "x-experience-api-consistent-through",
    } <= exposed(response)


@pytest.mark.parametrize("path", RESOURCES)
def test_cors_headers_are_on_every_resource(client, path):
    # Issue: CORS on every resource
    response = client.get(path, headers={"Origin": "https://courses.example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_cors_headers_are_on_errors(client):
    # A browser can only read an error's body when the error allows the origin too
    response = client.get(
        STATE, headers={"Authorization": None, "Origin": "https://courses.example.org"}
    )
    assert response.status_code == 401
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_cors_headers_are_on_unknown_resources(client):
    # Every response under the xAPI endpoint, 404 included
    response = client.get(
        "/xapi/no-such-resource", headers={"Origin": "https://courses.example.org"}
    )
    assert response.status_code == 404
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_cors_options_without_preflight_headers_is_not_a_preflight(client):
    # A plain OPTIONS request is the resource's, not a CORS preflight
    response = client.request("OPTIONS", STATE)
    assert "Access-Control-Allow-Methods" not in response.headers
