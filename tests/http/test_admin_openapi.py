"""The admin API's OpenAPI document (issue 21 point 9): it lists every admin route of the
Flask url_map and nothing else, is an OpenAPI 3 document (a structural check: the
validator is not a dependency), its body schemas name the fields the routes accept, and
what it says the API refuses, the API refuses (and accepts what it allows)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from lrs.api.admin_openapi import BODIES
from tests.conftest import XAPIClient

METHODS = {"get", "post", "put", "delete", "patch"}


@pytest.fixture
def admin(app: Any) -> XAPIClient:
    credential, secret = app.extensions["lrs"].credentials.create(role="admin")
    return XAPIClient(app.test_client(), credential.key, secret)


@pytest.fixture
def document(app: Any) -> dict[str, Any]:
    answer = app.test_client().get("/admin/openapi.json")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    return dict(answer.get_json())


def _routes(app: Any) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/admin"):
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
            found |= {(path, m.lower()) for m in rule.methods or () if m.lower() in METHODS}
    return found


def test_every_admin_route_is_in_the_document_and_nothing_else(app: Any, document: dict[str, Any]) -> None:
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert documented == _routes(app)


def test_the_document_is_structurally_openapi_3(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] and document["info"]["version"]
    schemas = document["components"]["schemas"]
    for path, operations in document["paths"].items():
        assert path.startswith("/")
        for method, operation in operations.items():
            assert method in METHODS and operation["responses"]
            names = {p["name"] for p in operation["parameters"] if p["in"] == "path"}
            assert names == set(re.findall(r"{([^}]+)}", path)), path
            for parameter in operation["parameters"]:
                assert parameter["in"] in ("query", "path") and "schema" in parameter
            for code in operation["responses"]:
                assert re.fullmatch(r"[1-5]\d\d", code)
            body = operation.get("requestBody")
            if body is not None:
                ref = body["content"]["application/json"]["schema"]["$ref"]
                assert ref.removeprefix("#/components/schemas/") in schemas


def test_each_body_schema_names_the_fields_its_route_accepts() -> None:
    for name, (schema, accepted) in BODIES.items():
        assert set(schema().fields) == set(accepted), name


def test_the_parameters_and_bodies_are_typed(document: dict[str, Any]) -> None:
    log = {p["name"]: p["schema"] for p in document["paths"]["/admin/access-log"]["get"]["parameters"]}
    assert log["limit"]["type"] == "integer" and log["limit"]["minimum"] == 1
    assert log["reader"]["pattern"]
    outcome = document["paths"]["/admin/forwarding/{name}/records"]["get"]["parameters"][1]["schema"]
    assert outcome["enum"] == ["conflict", "refused"]
    account = document["components"]["schemas"]["AccountBody"]
    assert account["properties"]["role"]["enum"] and account["properties"]["email"]["format"] == "email"
    assert document["components"]["schemas"]["ForwarderBody"]["properties"]["url"]["format"] == "url"


def test_a_role_outside_the_documented_enum_is_refused(admin: XAPIClient, document: dict[str, Any]) -> None:
    roles = document["components"]["schemas"]["AccountBody"]["properties"]["role"]["enum"]
    refused = admin.post("/admin/accounts", json={"name": "ann", "display_name": "Ann", "role": "overlord"})
    assert refused.status_code == 400 and refused.get_json()["errors"][0]["path"] == "role"
    accepted = admin.post("/admin/accounts", json={"name": "ann", "display_name": "Ann", "role": roles[0]})
    assert accepted.status_code == 201


def test_a_field_the_document_does_not_name_is_refused(admin: XAPIClient, document: dict[str, Any]) -> None:
    assert document["components"]["schemas"]["CredentialBody"]["additionalProperties"] is False
    refused = admin.post("/admin/credentials", json={"role": "reader", "colour": "red"})
    assert refused.status_code == 400 and refused.get_json()["errors"][0]["path"] == "colour"
    assert admin.post("/admin/credentials", json={"role": "reader"}).status_code == 201


def test_a_label_longer_than_documented_is_refused(admin: XAPIClient, document: dict[str, Any]) -> None:
    longest = document["components"]["schemas"]["CredentialBody"]["properties"]["label"]["maxLength"]
    assert admin.post("/admin/credentials", json={"role": "reader", "label": "x" * (longest + 1)}
                      ).status_code == 400
    assert admin.post("/admin/credentials", json={"role": "reader", "label": "x" * longest}).status_code == 201


def test_a_limit_beyond_the_documented_maximum_is_refused(admin: XAPIClient, document: dict[str, Any]) -> None:
    limit = {p["name"]: p["schema"] for p in document["paths"]["/admin/access-log"]["get"]["parameters"]}["limit"]
    refused = admin.get(f"/admin/access-log?account=ann&limit={limit['maximum'] + 1}")
    assert refused.status_code == 400 and refused.get_json()["errors"][0]["path"] == "limit"
    assert admin.get(f"/admin/access-log?account=ann&limit={limit['maximum']}").status_code == 200


def test_a_reader_not_matching_the_documented_pattern_is_refused(admin: XAPIClient) -> None:
    refused = admin.get("/admin/access-log?reader=ann")
    assert refused.status_code == 400 and refused.get_json()["errors"][0]["path"] == "reader"
    assert admin.get("/admin/access-log?reader=account:ann").status_code == 200


def test_an_outcome_outside_the_documented_enum_is_refused(admin: XAPIClient) -> None:
    added = admin.post("/admin/forwarding", json={"url": "http://127.0.0.1:9/xapi", "key": "k", "secret": "s",
                                                  "name": "other"})
    assert added.status_code == 201, added.get_json()
    assert admin.get("/admin/forwarding/other/records?outcome=lost").status_code == 400
    assert admin.get("/admin/forwarding/other/records?outcome=refused").status_code == 200


def test_the_document_is_read_without_a_credential(app: Any) -> None:
    assert app.test_client().get("/admin/openapi.json").status_code == 200
    assert app.test_client().get("/admin/accounts").status_code == 401
