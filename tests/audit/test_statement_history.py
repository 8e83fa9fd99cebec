"""One statement's history: stored (when, by which authority, position, hash),
voided by which statement, referred to by which (issue 6, item 4)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from lrs.cli import main
from tests import factories
from tests.audit.http_support import auditor, feed
from tests.http.support import credential_key, post_statements


def history_of(client: Any, statement_id: str) -> Any:
    return client.get(f"/audit/statements/{statement_id}/history")


def test_a_statements_history_starts_with_its_own_event(client: Any, make_client: Any) -> None:
    """Issue 6.4: stored when, by which authority, at which position, with which hash."""
    [statement_id] = post_statements(client, factories.statement())
    reader = auditor(make_client)
    body = history_of(reader, statement_id).get_json()
    [stored] = body["history"]
    [line] = feed(reader)
    assert body["voided"] is False and stored["event"] == "stored"
    assert (stored["position"], stored["hash"], stored["timestamp"]) == (
        line["position"], line["hash"], line["timestamp"])
    assert stored["stored"] and stored["authority"]["account"]["name"] == credential_key(client)


def test_a_voided_statements_history_names_the_voiding_statement(client: Any, make_client: Any) -> None:
    """Issue 6.4 / Data 2.3.2: voided by which statement, which authority, when."""
    [target] = post_statements(client, factories.statement())
    voider = make_client(("all",), label="Coordinator")
    [voiding] = post_statements(voider, factories.voiding(target))
    body = history_of(auditor(make_client), target).get_json()
    assert body["voided"] is True
    assert [(h["event"], h["statement_id"]) for h in body["history"]] == [
        ("stored", target), ("voided-by", voiding)]
    assert body["history"][1]["authority"]["account"]["name"] == credential_key(voider)


def test_statements_referring_to_it_are_in_its_history(client: Any, make_client: Any) -> None:
    """Issue 6.4 / Communication 2.1.3: a StatementRef to it is an event about it."""
    [target] = post_statements(client, factories.statement())
    [comment] = post_statements(client, factories.comment_on(target))
    [other] = post_statements(client, factories.statement())
    body = history_of(auditor(make_client), target).get_json()
    assert [(h["event"], h["statement_id"]) for h in body["history"]] == [
        ("stored", target), ("referenced-by", comment)]
    assert other not in json.dumps(body)


def test_a_voiding_that_arrived_first_is_in_the_history(client: Any, make_client: Any) -> None:
    """Issue 6.4 / Data 2.3.2: a target stored after its voiding statement."""
    target = str(uuid.uuid4())
    [voiding] = post_statements(client, factories.voiding(target))
    post_statements(client, factories.statement(id=target))
    body = history_of(auditor(make_client), target).get_json()
    assert [h["event"] for h in body["history"]] == ["voided-by", "stored"] and body["voided"]
    assert body["history"][0]["statement_id"] == voiding


def test_an_unknown_statement_has_no_history(make_client: Any) -> None:
    """Issue 6.4: 404 when nothing in the log is about it; 400 for what is not an id."""
    reader = auditor(make_client)
    assert history_of(reader, str(uuid.uuid4())).status_code == 404
    response = history_of(reader, "not-a-uuid")
    assert response.status_code == 400 and response.get_json()["errors"][0]["rule"] == "uuid"


def test_lrs_audit_history_prints_the_same(
    client: Any, make_client: Any, settings: Any, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Issue 6.4: `lrs audit history ID`."""
    [target] = post_statements(client, factories.statement())
    post_statements(client, factories.voiding(target))
    monkeypatch.setenv("LRS_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("LRS_DATA_DIR", settings.data_dir)
    capsys.readouterr()
    assert main(["audit", "history", target]) == 0
    assert json.loads(capsys.readouterr().out) == history_of(auditor(make_client), target).get_json()
    assert main(["audit", "history", str(uuid.uuid4())]) == 1
