"""The real server (gunicorn, two workers) over a socket, on each store."""

from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

from tests import factories
from tests.e2e.conftest import Server


def test_statement_posted_is_immediately_retrievable_by_id(server: Server) -> None:
    # Communication 2.1.2 / 2.1.3: the index is written in the append's transaction.
    http = server.session()
    statement = factories.statement()
    posted = http.post(server.url + "/statements", json=statement, timeout=10)
    assert posted.status_code == 200 and posted.json() == [statement["id"]]
    got = http.get(server.url + "/statements", params={"statementId": statement["id"]}, timeout=10)
    assert got.status_code == 200
    assert got.json()["stored"] and got.json()["authority"]["account"]["name"] == server.key
    assert got.headers["X-Experience-API-Version"] == "1.0.3"
    assert "X-Experience-API-Consistent-Through" in got.headers


def test_put_then_query_by_registration_over_http(server: Server) -> None:
    http = server.session()
    statement = factories.statement()
    put = http.put(server.url + "/statements", params={"statementId": statement["id"]},
                   json=statement, timeout=10)
    assert put.status_code == 204
    registration = statement["context"]["registration"]
    page = http.get(server.url + "/statements", params={"registration": registration}, timeout=10)
    assert [s["id"] for s in page.json()["statements"]] == [statement["id"]]


def test_concurrent_posts_of_one_statement_id_store_exactly_one_event(server: Server) -> None:
    # Data 2.3.1 / Communication 2.1.2: the store's unique key decides, atomically.
    statement = factories.statement(context={"registration": str(uuid.uuid4())})

    def post(_: int) -> int:
        return server.session().post(server.url + "/statements", json=statement, timeout=30).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(post, range(16)))
    assert statuses == [200] * 16
    page = server.session().get(
        server.url + "/statements",
        params={"registration": statement["context"]["registration"]}, timeout=10,
    ).json()
    assert len(page["statements"]) == 1


def test_paging_with_more_over_http_returns_each_statement_once(server: Server) -> None:
    http = server.session()
    registration = str(uuid.uuid4())
    batch = [factories.statement(context={"registration": registration}) for _ in range(25)]
    assert http.post(server.url + "/statements", json=batch, timeout=10).status_code == 200
    seen: list[str] = []
    url = server.url + "/statements?" + "registration=" + registration + "&limit=10"
    while url:
        page = http.get(url, timeout=10).json()
        seen += [s["id"] for s in page["statements"]]
        # The more IRL is resolved against the server (an absolute path).
        url = server.url.rsplit("/xapi", 1)[0] + page["more"] if page["more"] else ""
    assert sorted(seen) == sorted(s["id"] for s in batch) and len(seen) == 25


def test_invalid_statement_gets_400_naming_the_field(server: Server) -> None:
    statement = factories.statement()
    statement["context"]["instructor"] = {"mbox": "grace@example.org"}
    response = server.session().post(server.url + "/statements", json=statement, timeout=10)
    assert response.status_code == 400
    assert "context.instructor.mbox" in [e["path"] for e in response.json()["errors"]]


def test_wrong_secret_is_refused_with_401(server: Server) -> None:
    response = requests.get(
        server.url + "/statements", auth=(server.key, "not-the-secret"),
        headers={"X-Experience-API-Version": "1.0.3"}, timeout=10,
    )
    assert response.status_code == 401 and "WWW-Authenticate" in response.headers


def test_head_returns_headers_without_a_body(server: Server) -> None:
    # Communication 1.1
    response = server.session().head(server.url + "/statements", timeout=10)
    assert response.status_code == 200 and response.content == b""
    assert "X-Experience-API-Consistent-Through" in response.headers


def test_rebuild_index_command_keeps_answers_identical(server: Server) -> None:
    http = server.session()
    actor = factories.agent("Rebuild Mentee", f"rebuild-{uuid.uuid4().hex[:8]}@example.org")
    http.post(server.url + "/statements", json=[factories.statement(actor=actor) for _ in range(3)],
              timeout=10)
    params = {"agent": json.dumps(actor)}
    before = http.get(server.url + "/statements", params=params, timeout=10).json()["statements"]
    result = server.lrs("rebuild-index")
    assert result.returncode == 0, result.stderr
    after = http.get(server.url + "/statements", params=params, timeout=10).json()["statements"]
    assert after == before and len(after) == 3


def test_revoked_credential_is_refused_within_the_cache_time(server: Server) -> None:
    created = server.lrs("credentials", "create", "--scopes", "statements/read")
    credential = json.loads(created.stdout)
    auth = (credential["key"], credential["secret"])
    headers = {"X-Experience-API-Version": "1.0.3"}
    assert requests.get(server.url + "/statements", auth=auth, headers=headers, timeout=10).status_code == 200
    assert server.lrs("credentials", "revoke", credential["key"]).returncode == 0
    time.sleep(1.1)  # LRS_CREDENTIAL_CACHE_SECONDS defaults to 1
    assert requests.get(server.url + "/statements", auth=auth, headers=headers, timeout=10).status_code == 401
