"""Retries over a real socket (issue 17, point 1): the real server (gunicorn, two
workers, so two processes race for the same id), on each store, under each version."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from typing import Any

import psycopg
import pytest

from tests import factories
from tests.e2e.conftest import Server


def events_of(server: Server, statement_id: str) -> int:
    """How many events the store holds for this statement id, read from the database
    (the library's table: ``stored_events`` in SQLite, ids as hex; ``lrs_events`` in PostgreSQL)."""
    if server.database_url.startswith("sqlite:///"):
        path = server.database_url.removeprefix("sqlite:///")
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            row = conn.execute("SELECT count(*) FROM stored_events WHERE originator_id = ?",
                               (uuid.UUID(statement_id).hex,)).fetchone()
    else:
        with psycopg.connect(server.database_url) as conn:
            row = conn.execute("SELECT count(*) FROM lrs_events WHERE originator_id = %s::uuid",
                               (statement_id,)).fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_sixteen_identical_sends_at_once_all_succeed_with_one_event(server: Server, version: str) -> None:
    # Communication 2.1.2, Data 2.3.1: no timestamp, so the LRS assigns one per attempt
    statement = factories.statement(context={"registration": str(uuid.uuid4())})
    del statement["timestamp"]
    sessions = [server.session(version) for _ in range(16)]
    for http in sessions:  # connected before the race, so the sends start together
        assert http.get(server.url + "/about", timeout=10).status_code == 200
    start = threading.Barrier(16)
    answers: list[tuple[int, Any]] = []

    def send(http: Any) -> None:
        start.wait()
        response = http.post(server.url + "/statements", json=statement, timeout=60)
        answers.append((response.status_code, response.json()))

    threads = [threading.Thread(target=send, args=(http,)) for http in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [(200, [statement["id"]])] * 16
    assert events_of(server, statement["id"]) == 1


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_a_put_retried_after_its_answer_was_lost_answers_204(server: Server, version: str) -> None:
    # Communication 2.1.1: the retry of a committed PUT is a 204, not a 409
    statement = factories.statement()
    del statement["timestamp"]
    http = server.session(version)
    params = {"statementId": statement["id"]}
    assert http.put(server.url + "/statements", params=params, json=statement, timeout=10).status_code == 204
    retried = server.session(version).put(server.url + "/statements", params=params, json=statement,
                                          timeout=10)
    assert retried.status_code == 204
    assert events_of(server, statement["id"]) == 1
