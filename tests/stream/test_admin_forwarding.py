"""The admin API for forwarding: /admin/forwarding (scope ``admin``; issue 23, point 3).
It reads and writes the forwarders' table only: no NATS needed."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import XAPIClient
from tests.http.support import errors_of

FORWARDING = "/admin/forwarding"
GOOD = {"url": "https://regional.example.org/xapi", "key": "k", "secret": "s3cret",
        "verbs": ["http://adlnet.gov/expapi/verbs/completed"], "version": "2.0.0", "name": "regional"}


@pytest.fixture
def admin(app: Any) -> XAPIClient:
    credential, secret = app.extensions["lrs"].credentials.create(role="admin")
    return XAPIClient(app.test_client(), credential.key, secret)


def test_admin_forwarding_add_returns_the_forwarder_without_its_secret(admin: XAPIClient) -> None:
    response = admin.post(FORWARDING, json=GOOD)
    assert response.status_code == 201, response.json
    assert response.headers["Location"].endswith("/admin/forwarding/regional")
    body = response.json
    assert "secret" not in body and "s3cret" not in response.get_data(as_text=True)
    assert (body["name"], body["version"], body["verbs"], body["activities"]) == \
        ("regional", "2.0.0", GOOD["verbs"], [])


def test_admin_forwarding_list_shows_position_lag_and_last_error(admin: XAPIClient, app: Any) -> None:
    admin.post(FORWARDING, json=GOOD)
    from lrs.forwarding.registry import ForwarderRegistry

    registry = ForwarderRegistry(app.extensions["lrs"].store.db)
    registry.progressed("regional", 40, 12, 7)
    registry.failed("regional", "target answered 503: busy", 9)
    (listed,) = admin.get(FORWARDING).json["forwarders"]
    assert (listed["position"], listed["delivered"], listed["lag"], listed["last_error"]) == \
        (40, 12, 9, "target answered 503: busy")
    assert listed["last_error_at"] is not None


def test_admin_forwarding_add_names_every_bad_field(admin: XAPIClient) -> None:
    response = admin.post(FORWARDING, json={"url": "ftp://x", "key": "", "verbs": "completed",
                                            "activities": ["not an iri"], "version": "1.0",
                                            "name": "a b", "colour": "red"})
    assert response.status_code == 400
    assert set(errors_of(response)) >= {("colour", "unknown-field")}
    response = admin.post(FORWARDING, json={"url": "ftp://x", "key": "", "verbs": "completed",
                                            "activities": ["not an iri"], "version": "1.0", "name": "a b"})
    assert response.status_code == 400
    assert set(errors_of(response)) == {("name", "forwarder-name"), ("url", "url"), ("key", "required"),
                                   ("secret", "required"), ("verbs", "iri-list"),
                                   ("activities[0]", "iri"), ("version", "xapi-version")}


def test_admin_forwarding_add_twice_under_one_name_is_409(admin: XAPIClient) -> None:
    assert admin.post(FORWARDING, json=GOOD).status_code == 201
    response = admin.post(FORWARDING, json=GOOD)
    assert response.status_code == 409
    assert set(errors_of(response)) == {("name", "unique")}


def test_admin_forwarding_remove_then_read_is_404(admin: XAPIClient) -> None:
    admin.post(FORWARDING, json=GOOD)
    assert admin.get(f"{FORWARDING}/regional").status_code == 200
    assert admin.request("DELETE", f"{FORWARDING}/regional").status_code == 204
    assert admin.get(f"{FORWARDING}/regional").status_code == 404
    assert admin.request("DELETE", f"{FORWARDING}/regional").status_code == 404


def test_admin_forwarding_records_by_outcome(admin: XAPIClient, app: Any) -> None:
    admin.post(FORWARDING, json=GOOD)
    from lrs.forwarding.registry import ForwarderRegistry

    ForwarderRegistry(app.extensions["lrs"].store.db).progressed("regional", 3, 1, 0, [
        (2, "id-2", "conflict", 409, '{"error": "held"}'), (3, "id-3", "refused", 400, "bad")])
    refused = admin.get(f"{FORWARDING}/regional/records", query_string={"outcome": "refused"}).json
    assert [(r["statement_id"], r["status"]) for r in refused["records"]] == [("id-3", 400)]
    assert len(admin.get(f"{FORWARDING}/regional/records").json["records"]) == 2
    assert admin.get(f"{FORWARDING}/regional/records", query_string={"outcome": "x"}).status_code == 400


def test_admin_forwarding_needs_the_admin_scope(make_client: Any) -> None:
    provider = make_client(("all",))
    assert provider.get(FORWARDING).status_code == 403
    assert provider.post(FORWARDING, json=GOOD).status_code == 403
