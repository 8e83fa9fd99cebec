"""Nothing left in the files (issue 19 point 4): after an erasure and ``lrs store compact``
the person's address, name and response text are in no byte of the SQLite file and WAL,
nor of a ``pg_dump`` of the PostgreSQL database.

Statements and a State document of the person: their events keep the Agent and the
content sealed under the destroyed key, and the current row is deleted.
"""

from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from lrs.cli import main
from tests.conftest import XAPIClient
from tests.factories import agent, statement
from tests.http.support import post_statements

ADA = agent("Ada Bytewise-Erasable", "ada.bytewise@example.com")
BOB = agent("Bob Keeper", "bob.keeper@example.com")
RESPONSE = "Zanzibar reflection only Ada wrote"
NOTE = "Timbuktu state note of Ada"


@pytest.fixture
def env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The CLI's environment: the app fixture's store and data directory (so its master key)."""
    monkeypatch.setenv("LRS_DATABASE_URL", database_url)
    monkeypatch.setenv("LRS_DATA_DIR", str(tmp_path))
    return database_url


def _raw_bytes(database_url: str) -> bytes:
    """Every byte the store keeps: SQLite file and WAL, or a pg_dump of the database."""
    if database_url.startswith("sqlite:///"):
        path = Path(database_url.removeprefix("sqlite:///"))
        return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    return subprocess.run(["pg_dump", "--no-owner", database_url], check=True,
                          capture_output=True).stdout


def _forms(text: str) -> list[bytes]:
    """The text as it may be written: plain, lowercase, JSON-escaped, and inside base64
    (how document events carry content) at each of the three alignments; each also in
    hex, as pg_dump writes a bytea column."""
    escaped = json.dumps(text)[1:-1]
    forms = [form.encode() for form in {text, text.lower(), escaped, escaped.lower()}]
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + text.encode())
        forms.append(encoded[4 if shift else 0:-4])  # the blocks that hold only the text
    # pg_dump writes bytea columns (the events' state) as hex
    return forms + [form.hex().encode() for form in forms]


def test_no_byte_of_the_compacted_store_names_the_erased_person(
        env: str, client: XAPIClient, app: Any, project: Any) -> None:
    post_statements(client,
                    statement(actor=ADA, result={"response": RESPONSE}),
                    statement(actor=BOB, context={"instructor": ADA}))
    state = {"activityId": "https://lrs.example.org/activities/a", "agent": json.dumps(ADA), "stateId": "notes"}
    assert client.request("PUT", "/xapi/activities/state", query_string=state, json={"note": NOTE}).status_code == 204
    project()
    assert main(["erase", "--agent", json.dumps({"mbox": ADA["mbox"]}), "--reason", "asked"]) == 0
    project()
    assert main(["store", "compact"]) == 0
    raw = _raw_bytes(env)
    assert b"lrs_erasure" in raw  # the grep reads the store's tables
    for secret in (ADA["mbox"].removeprefix("mailto:"), ADA["name"], RESPONSE, NOTE):
        for form in _forms(secret):
            assert form not in raw, (secret, form)
