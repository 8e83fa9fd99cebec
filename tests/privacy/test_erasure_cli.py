"""Erasure from the shell on both stores (issue 19 points 2-5, 7): ``lrs erase``,
``lrs rebuild-index`` giving the same answers after it, ``lrs audit verify`` still
passing, ``lrs store compact`` and ``lrs keys rotate``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lrs.cli import main
from tests.conftest import XAPIClient
from tests.factories import agent, statement
from tests.http.support import get_statement, post_statements, query, query_ids

ADA = agent("Ada Mentee", "ada@example.com")
BOB = agent("Bob Mentee", "bob@example.com")
ADA_JSON = '{"mbox":"mailto:ada@example.com"}'


@pytest.fixture
def env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The CLI's environment: the app fixture's store and data directory (so its master key)."""
    monkeypatch.setenv("LRS_DATABASE_URL", database_url)
    monkeypatch.setenv("LRS_DATA_DIR", str(tmp_path))
    return database_url


def test_lrs_erase_prints_what_was_erased_and_is_idempotent(
        env: str, client: XAPIClient, capsys: pytest.CaptureFixture[str]) -> None:
    own, taught = post_statements(client, statement(actor=ADA), statement(actor=BOB, context={"instructor": ADA}))
    assert main(["erase", "--agent", ADA_JSON, "--reason", "left the company"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["created"] and printed["statements_hidden"] == 1 and printed["key_destroyed"] in (True, False)
    assert "ada@" not in json.dumps(printed)
    # the server's process sees the erasure made by another
    assert get_statement(client, own).status_code == 404
    assert query_ids(client) == [taught]
    assert main(["erase", "--agent", ADA_JSON]) == 0
    again = capsys.readouterr()
    assert json.loads(again.out)["id"] == printed["id"] and "erased already" in again.err


def test_lrs_erase_refuses_an_unknown_person_and_bad_json_in_one_line(
        env: str, client: XAPIClient, capsys: pytest.CaptureFixture[str]) -> None:
    post_statements(client, statement(actor=BOB))
    capsys.readouterr()  # the request log
    assert main(["erase", "--agent", '{"mbox":"mailto:nobody@example.com"}']) == 1
    err = capsys.readouterr().err
    assert err.startswith("lrs: ") and "never saw" in err and "Traceback" not in err
    assert main(["erase", "--agent", "{not json"]) == 1
    err = capsys.readouterr().err
    assert "--agent is not JSON" in err and "Traceback" not in err
    assert main(["erase", "--agent", '{"mbox":"ada@example.com"}']) == 1
    assert "agent.mbox" in capsys.readouterr().err


def test_rebuild_index_after_an_erasure_gives_the_same_answers_and_the_chain_verifies(
        env: str, client: XAPIClient, capsys: pytest.CaptureFixture[str]) -> None:
    post_statements(client, statement(actor=ADA), statement(actor=BOB, context={"instructor": ADA}),
                    statement(actor=BOB))
    assert main(["erase", "--agent", ADA_JSON]) == 0
    before = query(client)
    related = query_ids(client, agent=ADA, related_agents=True)
    assert main(["rebuild-index"]) == 0
    assert query(client)["statements"] == before["statements"]
    assert query_ids(client, agent=ADA, related_agents=True) == related == []
    capsys.readouterr()
    assert main(["audit", "verify"]) == 0, capsys.readouterr()


def test_store_compact_runs_on_both_stores(env: str, client: XAPIClient, capsys: pytest.CaptureFixture[str]) -> None:
    post_statements(client, statement(actor=ADA))
    assert main(["erase", "--agent", ADA_JSON]) == 0
    capsys.readouterr()
    assert main(["store", "compact"]) == 0
    assert "compacted" in capsys.readouterr().out
    assert query_ids(client) == []


def test_keys_rotate_rewraps_and_every_person_keeps_their_id(
        env: str, client: XAPIClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], app: Any) -> None:
    post_statements(client, statement(actor=ADA), statement(actor=BOB))
    services = app.extensions["lrs"]
    with services.store.db.transaction(commit=True) as cur:  # Bob's key, made by the ingest
        sealed = services.keyring.encrypt(services.keyring.person_id(BOB), b"Bob's notes", cur)
    assert main(["erase", "--agent", ADA_JSON]) == 0
    erasure = json.loads(capsys.readouterr().out)
    with services.store.db.read() as cur:  # Bob's and the authority's (Ada's is destroyed)
        live = cur.execute("SELECT COUNT(*) AS n FROM person_key WHERE wrapped_key IS NOT NULL").fetchone()["n"]
    new_key = tmp_path / "new-master.key"
    assert main(["keys", "rotate", "--new-key-file", str(new_key)]) == 0
    assert f"re-wrapped {live} data keys" in capsys.readouterr().out
    assert new_key.stat().st_mode & 0o077 == 0
    # the old (generated) key no longer opens the store; the new one does, with the same ids
    assert main(["erase", "--agent", ADA_JSON]) == 2
    assert "lrs keys rotate" in capsys.readouterr().err
    monkeypatch.setenv("LRS_MASTER_KEY_FILE", str(new_key))
    assert main(["erase", "--agent", ADA_JSON]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == erasure["id"]
    from lrs.services import Services
    from lrs.settings import Settings

    rotated = Services.build(Settings.from_env())
    try:
        with rotated.store.db.read() as cur:
            assert rotated.keyring.decrypt(rotated.keyring.person_id(BOB), sealed, cur) == b"Bob's notes"
    finally:
        rotated.close()
