"""The history feed: every event in store order, as NDJSON, resumable and
filterable, over HTTP and to a file (issue 6, item 1)."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from lrs.audit.auditor import Audit
from lrs.cli import main
from tests import factories
from tests.audit.http_support import ADA, EVENTS, GRACE, a_history, auditor, feed


def test_the_feed_gives_every_event_in_store_order(client: Any, make_client: Any) -> None:
    """Issue 6.1: statements (voiding ones included) and document changes, in log order."""
    ids = a_history(client)
    lines = feed(auditor(make_client))
    assert [line["type"] for line in lines] == [
        "statement.stored", "statement.stored", "document.created", "document.merged",
        "document.stored", "document.deleted", "statement.voiding",
    ]
    assert [line["position"] for line in lines] == sorted(line["position"] for line in lines)
    assert [line["statement"]["id"] for line in lines if "statement" in line] == [
        ids["ada"], ids["grace"], ids["voiding"]]


def test_each_line_carries_the_event_and_its_chain_hash(client: Any, make_client: Any, app: Any) -> None:
    """Issue 6.1: position, type, originator id and version, timestamp, the change, the hash."""
    a_history(client)
    lines = feed(auditor(make_client))
    document = lines[3]
    assert document["originator_version"] == 2 and document["document"]["document_id"] == "bookmark"
    assert json.loads(base64.b64decode(document["document"]["content_base64"])) == {"note": "ok"}
    assert all(len(line["hash"]) == 64 and line["timestamp"] for line in lines)
    services = app.extensions["lrs"]
    assert lines[-1]["hash"] == Audit(services.store, services.settings).verify().head.hash


def test_the_feed_is_streamed_as_ndjson(client: Any, make_client: Any) -> None:
    """Issue 6.1: a generator response (constant memory), one JSON object per line."""
    a_history(client)
    response = auditor(make_client).get(EVENTS)
    assert response.mimetype == "application/x-ndjson" and response.is_streamed


def test_the_feed_resumes_after_a_position(client: Any, make_client: Any) -> None:
    """Issue 6.1: `after` gives the events after that position, nothing before it."""
    a_history(client)
    reader = auditor(make_client)
    everything = feed(reader)
    assert feed(reader, after=everything[2]["position"]) == everything[3:]
    assert feed(reader, after=everything[1]["position"], limit=2) == everything[2:4]


def test_the_feed_filters_by_event_type(client: Any, make_client: Any) -> None:
    """Issue 6.1: `type` takes a comma-separated list of event types."""
    a_history(client)
    lines = feed(auditor(make_client), type="statement.voiding,document.deleted")
    assert [line["type"] for line in lines] == ["document.deleted", "statement.voiding"]


def test_the_feed_filters_by_agent_as_the_statement_index_does(client: Any, make_client: Any) -> None:
    """Issue 6.1: `agent` matches the statements' actors (and Agent objects) and the
    documents of that Agent; `related_agents` widens it as for GET /statements."""
    a_history(client)
    reader = auditor(make_client)
    ada = feed(reader, agent={"mbox": ADA["mbox"]})
    assert [line["type"] for line in ada] == [
        "statement.stored", "document.created", "document.merged", "document.stored", "document.deleted"]
    grace = feed(reader, agent={"mbox": GRACE["mbox"]})
    assert [line["statement"]["actor"]["mbox"] for line in grace] == [GRACE["mbox"]]
    # Grace is the instructor in every statement of the factory: related, not direct.
    assert len(feed(reader, agent={"mbox": GRACE["mbox"]}, related_agents="true")) == 2


def test_the_feed_filters_by_activity(client: Any, make_client: Any) -> None:
    """Issue 6.1: `activity` matches the statements' object and the documents of that Activity."""
    a_history(client)
    goal = feed(auditor(make_client), activity=factories.activity("goals/1")["id"])
    assert [line["type"] for line in goal] == ["statement.stored"]
    session = feed(auditor(make_client), activity=factories.activity()["id"])
    assert len(session) == 5  # Ada's statement and the State document's four events


def test_the_feed_filters_by_time_range(client: Any, make_client: Any) -> None:
    """Issue 6.1: `since` (exclusive) and `until` (inclusive) on the events' timestamps."""
    a_history(client)
    reader = auditor(make_client)
    everything = feed(reader)
    since, until = everything[1]["timestamp"], everything[4]["timestamp"]
    window = feed(reader, since=since, until=until)
    assert window and all(since < line["timestamp"] <= until for line in window)
    assert everything[4] in window and everything[1] not in window


@pytest.mark.parametrize(
    ("params", "path"),
    [({"after": "-1"}, "after"), ({"type": "statement.updated"}, "type"),
     ({"agent": "{}"}, "agent"), ({"activity": "not an iri"}, "activity"),
     ({"since": "yesterday"}, "since"), ({"limit": "0"}, "limit"), ({"verb": "x"}, "verb")],
)
def test_the_feed_rejects_bad_parameters(make_client: Any, params: dict[str, str], path: str) -> None:
    """Issue 6.1: a bad parameter is a 400 naming it, nothing is streamed."""
    response = auditor(make_client).get(EVENTS, query_string=params)
    assert response.status_code == 400
    assert path in [error["path"] for error in response.get_json()["errors"]]


def test_lrs_audit_export_writes_the_feed_to_a_file(
    client: Any, make_client: Any, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 6.1: `lrs audit export [--after N] [filters] --output FILE` writes the same lines."""
    a_history(client)
    reader = auditor(make_client)
    monkeypatch.setenv("LRS_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("LRS_DATA_DIR", settings.data_dir)
    everything = feed(reader)
    out = tmp_path / "audit.ndjson"
    assert main(["audit", "export", "--after", str(everything[0]["position"]),
                 "--type", "statement.stored,statement.voiding", "--output", str(out)]) == 0
    written = [json.loads(line) for line in out.read_text().splitlines()]
    assert written == feed(reader, after=everything[0]["position"], type="statement.stored,statement.voiding")
    assert [line["type"] for line in written] == ["statement.stored", "statement.voiding"]


def test_an_export_with_state_lets_the_chain_be_recomputed_offline(
    client: Any, make_client: Any, app: Any
) -> None:
    """Issue 6.1/6.2 and docs/AUDIT.md: with `state=true` each line carries the topic
    and the stored bytes, and the hashes follow from them alone."""
    a_history(client)
    prev = "0" * 64
    for line in feed(auditor(make_client), state="true"):
        message = (f"{prev}\n{line['position']}\n{line['originator_id']}\n"
                   f"{line['originator_version']}\n{line['topic']}\n").encode()
        prev = hashlib.sha256(message + base64.b64decode(line["state_base64"])).hexdigest()
        assert prev == line["hash"]
    services = app.extensions["lrs"]
    assert prev == Audit(services.store, services.settings).verify().head.hash
