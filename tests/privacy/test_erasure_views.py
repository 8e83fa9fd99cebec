"""After an erasure the coordinator API no longer names the person, live and on replay
(issue 19 point 3): the views are replayed through the same redaction, so ``lrs audit
replay`` finds the live views equal to a replay."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from tests.conftest import XAPIClient
from tests.projections import factories as f
from tests.projections.scenario import AT, statements
from tests.projections.support import post

PROGRAM = f.PROGRAM


@pytest.fixture
def admin(app: Any) -> XAPIClient:
    credential, secret = app.extensions["lrs"].credentials.create(role="admin")
    return XAPIClient(app.test_client(), credential.key, secret)


def _agent(who: dict[str, Any]) -> str:
    return orjson.dumps({"mbox": who["mbox"]}).decode()


def test_coordinator_api_forgets_an_erased_mentee_live_and_on_replay(
        client: XAPIClient, make_client: Any, project: Any, admin: XAPIClient) -> None:
    post(client, *statements().values())
    project()
    coordinator = make_client(("coordinator/read",))
    mentees = coordinator.get("/coordinator/program/mentees", query_string={"program": PROGRAM, "at": AT})
    assert "Ada Mentee" in mentees.get_data(as_text=True)

    answer = admin.post("/admin/erasures", json={"agent": {"mbox": f.ADA["mbox"]}, "reason": "left"})
    assert answer.status_code == 202, answer.get_json()
    project()  # the runner replays the log into the emptied views

    for path in ("/coordinator/program/mentees", "/coordinator/program/mentors", "/coordinator/program"):
        body = coordinator.get(path, query_string={"program": PROGRAM, "at": AT}).get_data(as_text=True)
        assert "Ada Mentee" not in body and f.ADA["mbox"] not in body, path
    assert coordinator.get("/coordinator/mentee", query_string={
        "program": PROGRAM, "agent": _agent(f.ADA), "at": AT}).status_code == 404
    grace = coordinator.get("/coordinator/mentor", query_string={
        "program": PROGRAM, "agent": _agent(f.GRACE), "at": AT})
    assert grace.status_code == 200 and "Ada Mentee" not in grace.get_data(as_text=True)

    # a replay of every view equals the live view
    for view in ("mentoring", "programs"):
        replayed = admin.get(f"/audit/views/{view}/replay")
        assert replayed.status_code == 200, replayed.get_json()
        assert replayed.get_json()["ok"] is True, replayed.get_json()
