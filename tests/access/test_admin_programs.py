"""Granting programs through the admin API (issue 20, point 1): ``programs`` on create,
``POST /admin/credentials/KEY/programs`` to change them, effective in every process
within ``LRS_CREDENTIAL_CACHE_SECONDS``; an unknown IRI only with ``allow_unknown``."""

from __future__ import annotations

import base64
import dataclasses
import time
from typing import Any

from tests.access.conftest import OTHER, PROGRAM
from tests.conftest import XAPIClient

CREDENTIALS = "/admin/credentials"
UNKNOWN = "https://lrs.example.org/programs/typo"


def listed(client: XAPIClient) -> list[str]:
    return [p["id"] for p in client.get("/coordinator/programs").json["programs"]]


def test_create_with_programs_grants_them(app: Any, admin: XAPIClient, two_programs: None) -> None:
    created = admin.post(CREDENTIALS, json={"role": "coordinator", "programs": [PROGRAM]})
    assert created.status_code == 201 and created.json["programs"] == [PROGRAM]
    assert listed(XAPIClient(app.test_client(), created.json["key"], created.json["secret"])) == [PROGRAM]


def test_create_without_programs_grants_all(admin: XAPIClient, two_programs: None) -> None:
    assert admin.post(CREDENTIALS, json={"role": "coordinator"}).json["programs"] == "all"


def test_create_with_an_unknown_program_is_a_400_naming_it(admin: XAPIClient, two_programs: None) -> None:
    before = len(admin.get(CREDENTIALS).json["credentials"])
    response = admin.post(CREDENTIALS, json={"role": "coordinator", "programs": [PROGRAM, UNKNOWN]})
    assert response.status_code == 400
    assert [(e["path"], e["rule"]) for e in response.json["errors"]] == [("programs", "unknown-program")]
    assert UNKNOWN in response.json["errors"][0]["message"]
    assert len(admin.get(CREDENTIALS).json["credentials"]) == before  # nothing created


def test_create_with_an_unknown_program_and_allow_unknown(admin: XAPIClient, two_programs: None) -> None:
    response = admin.post(CREDENTIALS, json={"role": "coordinator", "programs": [UNKNOWN], "allow_unknown": True})
    assert response.status_code == 201 and response.json["programs"] == [UNKNOWN]


def test_programs_that_are_not_iris_are_a_400(admin: XAPIClient) -> None:
    for bad in ([], ["not an iri"], "some", [3], {"a": 1}):
        response = admin.post(CREDENTIALS, json={"role": "coordinator", "programs": bad})
        assert response.status_code == 400, bad
        assert response.json["errors"][0]["path"] == "programs"


def test_changing_programs_takes_effect(app: Any, admin: XAPIClient, granted: Any) -> None:
    coordinator = granted((PROGRAM,))
    key = coordinator_key(app, coordinator)
    assert listed(coordinator) == [PROGRAM]
    changed = admin.post(f"{CREDENTIALS}/{key}/programs", json={"programs": [OTHER]})
    assert changed.status_code == 200 and changed.json["programs"] == [OTHER]
    assert listed(coordinator) == [OTHER]
    assert coordinator.get("/coordinator/program", query_string={"program": PROGRAM}).status_code == 404


def test_a_change_reaches_another_process_within_the_cache_time(app: Any, settings: Any, admin: XAPIClient,
                                                                granted: Any) -> None:
    """A second app on the same store (another worker) trusts its cache at most
    LRS_CREDENTIAL_CACHE_SECONDS (1 s here), then reads the new grant."""
    from lrs.app import create_app

    other = create_app(dataclasses.replace(settings, credential_cache_seconds=1.0))
    try:
        coordinator = granted((PROGRAM,))
        elsewhere = XAPIClient(other.test_client(), *basic_of(coordinator))
        assert listed(elsewhere) == [PROGRAM]
        changed_at = time.monotonic()
        admin.post(f"{CREDENTIALS}/{coordinator_key(app, coordinator)}/programs", json={"programs": "all"})
        while listed(elsewhere) != [OTHER, PROGRAM] and time.monotonic() - changed_at < 5:
            time.sleep(0.05)
        assert listed(elsewhere) == sorted([OTHER, PROGRAM])
        assert time.monotonic() - changed_at < 1.0 + 0.5
    finally:
        other.extensions["lrs"].close()


def test_changing_programs_of_an_unknown_key_is_a_404(admin: XAPIClient) -> None:
    assert admin.post(f"{CREDENTIALS}/nosuchkey/programs", json={"programs": "all"}).status_code == 404


def test_changing_programs_needs_them(admin: XAPIClient, granted: Any, app: Any) -> None:
    key = coordinator_key(app, granted((PROGRAM,)))
    response = admin.post(f"{CREDENTIALS}/{key}/programs", json={"programs": [PROGRAM], "extra": 1})
    assert response.status_code == 400 and response.json["errors"][0]["rule"] == "unknown-field"
    response = admin.post(f"{CREDENTIALS}/{key}/programs", json={})
    assert response.status_code == 400 and response.json["errors"][0]["rule"] == "required"


def test_only_admin_changes_programs(granted: Any, app: Any) -> None:
    coordinator = granted((PROGRAM,))
    key = coordinator_key(app, coordinator)
    assert coordinator.post(f"{CREDENTIALS}/{key}/programs", json={"programs": "all"}).status_code == 403


def test_a_bearer_token_follows_the_credentials_grant(app: Any, admin: XAPIClient, granted: Any) -> None:
    coordinator = granted((PROGRAM,))
    token = coordinator.post("/auth/token").json["access_token"]
    bearer = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert [p["id"] for p in bearer.get("/coordinator/programs", headers=headers).json["programs"]] == [PROGRAM]
    admin.post(f"{CREDENTIALS}/{coordinator_key(app, coordinator)}/programs", json={"programs": [OTHER]})
    assert [p["id"] for p in bearer.get("/coordinator/programs", headers=headers).json["programs"]] == [OTHER]


def basic_of(client: XAPIClient) -> tuple[str, str]:
    key, _, secret = base64.b64decode(client.headers["Authorization"].split()[1]).decode().partition(":")
    return key, secret


def coordinator_key(app: Any, client: XAPIClient) -> str:
    return basic_of(client)[0]
