"""Who read whom (issue 20, point 4), on both stores: every coordinator API request and
dashboard page about a person is logged (reader, person's agent key, program, time) as a
JSON log line and listed by GET /admin/access-log for a person or a reader."""

from __future__ import annotations

import logging
from typing import Any

import orjson
import pytest

from tests.access.conftest import CAROL, OTHER, PROGRAM, STRONG
from tests.conftest import XAPIClient
from tests.dashboard.conftest import Browser, csrf_of
from tests.projections import factories as f

LOG = "/admin/access-log"


def agent(person: dict[str, Any]) -> str:
    return orjson.dumps({"mbox": person["mbox"]}).decode()


def key_of(client: XAPIClient) -> str:
    import base64

    return base64.b64decode(client.headers["Authorization"].split()[1]).decode().split(":")[0]


def test_a_coordinator_request_about_a_person_is_listed_for_them(admin: XAPIClient, granted: Any) -> None:
    coordinator = granted(None)
    coordinator.get("/coordinator/mentee", query_string={"program": PROGRAM, "agent": agent(f.ADA)})
    reads = admin.get(LOG, query_string={"person": agent(f.ADA)}).json["reads"]
    assert [(r["reader"], r["person"], r["program"], r["resource"]) for r in reads] == [
        (f"credential:{key_of(coordinator)}", f.key(f.ADA), PROGRAM, "coordinator.mentee")]
    assert reads[0]["at"]


def test_the_person_may_be_named_by_agent_key(admin: XAPIClient, granted: Any) -> None:
    granted(None).get("/coordinator/feedback/received", query_string={"program": PROGRAM, "agent": agent(f.ADA)})
    assert len(admin.get(LOG, query_string={"person": f.key(f.ADA)}).json["reads"]) == 1


def test_requests_about_no_person_are_not_logged(admin: XAPIClient, granted: Any) -> None:
    coordinator = granted(None)
    coordinator.get("/coordinator/program", query_string={"program": PROGRAM})
    assert admin.get(LOG, query_string={"reader": f"credential:{key_of(coordinator)}"}).json["reads"] == []


def test_a_refused_request_is_not_a_read(admin: XAPIClient, granted: Any) -> None:
    coordinator = granted((PROGRAM,))
    refused = coordinator.get("/coordinator/mentee", query_string={"program": OTHER, "agent": agent(CAROL)})
    assert refused.status_code == 404
    assert admin.get(LOG, query_string={"person": agent(CAROL)}).json["reads"] == []


def test_a_read_is_a_json_log_line(granted: Any, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="lrs.access"):
        granted(None).get("/coordinator/comments", query_string={"program": PROGRAM, "agent": agent(f.ADA)})
    (record,) = [r for r in caplog.records if r.name == "lrs.access"]
    assert record.fields["person"] == f.key(f.ADA) and record.fields["program"] == PROGRAM  # type: ignore[attr-defined]


def test_a_dashboard_page_about_a_person_is_listed_for_the_account(app: Any, admin: XAPIClient, account: Any,
                                                                   two_programs: None) -> None:
    name, password = account()
    browser = Browser(app.test_client())
    browser.sign_in(name, password)
    token = csrf_of(browser.get("/dashboard/password").get_data(as_text=True))
    browser.post("/dashboard/password", data={"csrf_token": token, "current": password, "new": STRONG,
                                              "repeat": STRONG})
    page = browser.get("/dashboard/mentee", query_string={"program": OTHER, "agent": f.key(CAROL)})
    assert page.status_code == 200
    reads = admin.get(LOG, query_string={"account": name}).json["reads"]
    assert [(r["person"], r["program"], r["resource"]) for r in reads] == [
        (f.key(CAROL), OTHER, "dashboard.mentee")]


def test_a_dashboard_page_about_someone_outside_the_program_is_a_404_and_no_read(
        app: Any, admin: XAPIClient, granted: Any) -> None:
    created, secret = app.extensions["lrs"].credentials.create(role="coordinator")
    browser = Browser(app.test_client())
    browser.sign_in(created.key, secret)
    page = browser.get("/dashboard/mentor", query_string={"program": PROGRAM, "agent": f.key(CAROL)})
    assert page.status_code == 404
    assert admin.get(LOG, query_string={"person": f.key(CAROL)}).json["reads"] == []


def test_the_access_log_needs_a_person_or_a_reader(admin: XAPIClient) -> None:
    response = admin.get(LOG)
    assert response.status_code == 400 and response.json["errors"][0]["path"] == "person"
    assert admin.get(LOG, query_string={"person": "{bad json"}).status_code == 400
    assert admin.get(LOG, query_string={"account": "a", "limit": "0"}).status_code == 400


def test_only_admin_reads_the_access_log(granted: Any) -> None:
    assert granted(None).get(LOG, query_string={"account": "a"}).status_code == 403
