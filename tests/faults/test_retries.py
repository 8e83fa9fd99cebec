"""Retries after the LRS lost the answer to a commit that succeeded (issue 17, points 1, 9).

The worst case for a client: its statements are committed, but it never hears so —
the worker dies while PostgreSQL's reply to the COMMIT is on its way, or the
connection drops then and the LRS answers 503. The client cannot tell that from
a failed write, so it retries; the retry must succeed (Communication 2.1.1, 2.1.2:
the stored statements are equivalent, Data 2.3.1) and each statement stays one
event. The statements carry no timestamp, so the retry's would-be timestamp and
stored differ from the first attempt's. A `CommitProxy` between the LRS and a
throwaway PostgreSQL loses the COMMIT's reply; the database is observed directly.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests

from tests import factories
from tests.faults.commit_proxy import CommitProxy, commit_proxy
from tests.faults.conftest import LRSServer, ThrowawayPostgres, lrs_server
from tests.support import servers

STATEMENTS = "/xapi/statements"


@pytest.fixture
def proxy(throwaway_postgres: ThrowawayPostgres) -> Iterator[CommitProxy]:
    with commit_proxy(throwaway_postgres.port) as running:
        yield running


def through(proxy: CommitProxy, database_url: str) -> str:
    """The database URL by way of the proxy."""
    return database_url.replace(f"127.0.0.1:{proxy.target_port}/", f"127.0.0.1:{proxy.port}/")


def untimed_batch(size: int) -> list[dict[str, Any]]:
    batch = [factories.statement() for _ in range(size)]
    for statement in batch:
        del statement["timestamp"]
    return batch


def events_of(conn: psycopg.Connection[Any], ids: list[str]) -> int:
    row = conn.execute("SELECT count(*) FROM lrs_events WHERE originator_id = ANY(%s::uuid[])",
                       (ids,)).fetchone()
    assert row is not None
    return int(row[0])


def post_in_background(server: LRSServer, batch: list[dict[str, Any]]) -> tuple[threading.Thread, dict[str, Any]]:
    outcome: dict[str, Any] = {}

    def post() -> None:
        try:
            outcome["response"] = server.session().post(server.base + STATEMENTS, json=batch, timeout=120)
        except requests.RequestException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=post)
    thread.start()
    return thread, outcome


def test_retry_after_the_worker_was_killed_mid_commit_succeeds_with_one_event_each(
    proxy: CommitProxy, database_url: str, tmp_path: Path
) -> None:
    # Communication 2.1.2, Data 2.3.1: committed, never acknowledged, retried
    batch = untimed_batch(20)
    ids = [s["id"] for s in batch]
    with lrs_server(through(proxy, database_url), tmp_path, workers=1) as server, \
            psycopg.connect(database_url, autocommit=True) as observer:
        [worker] = server.workers()
        proxy.arm("hold")
        thread, outcome = post_in_background(server, batch)
        assert proxy.caught.wait(60), "the append's COMMIT reached PostgreSQL"
        assert events_of(observer, ids) == 20  # committed, the worker still waiting for the reply
        os.kill(worker, signal.SIGKILL)
        thread.join(timeout=60)
        assert "error" in outcome or outcome["response"].status_code != 200  # never acknowledged
        server.wait_ready()  # gunicorn's new worker
        retried = server.session().post(server.base + STATEMENTS, json=batch, timeout=60)
        assert retried.status_code == 200 and retried.json() == ids
        assert events_of(observer, ids) == 20
        assert server.proc.poll() is None  # the same master throughout


def test_retry_after_a_503_whose_commit_had_succeeded_succeeds_with_one_event_each(
    proxy: CommitProxy, database_url: str, tmp_path: Path
) -> None:
    # Communication 2.1.2, Data 2.3.1: a 503 says "try again", and the retry is accepted
    batch = untimed_batch(20)
    ids = [s["id"] for s in batch]
    with lrs_server(through(proxy, database_url), tmp_path, workers=1) as server, \
            psycopg.connect(database_url, autocommit=True) as observer:
        proxy.arm("drop")
        answer = server.session().post(server.base + STATEMENTS, json=batch, timeout=120)
        assert proxy.caught.is_set(), "the append's COMMIT reached PostgreSQL"
        assert answer.status_code == 503, answer.text
        assert "Retry-After" in answer.headers
        assert events_of(observer, ids) == 20  # committed all the same
        proxy.reopen()
        servers.wait_for(lambda: servers.answers(server.base + "/health/ready"), server.proc, server.log)
        retried = server.session().post(server.base + STATEMENTS, json=batch, timeout=60)
        assert retried.status_code == 200, retried.text
        assert retried.json() == ids
        assert events_of(observer, ids) == 20


def test_retries_sent_at_once_by_many_clients_after_a_lost_commit_all_succeed(
    proxy: CommitProxy, database_url: str, tmp_path: Path
) -> None:
    # Communication 2.1.2: after the worker died mid-commit, eight copies of the retry race
    # on two workers; every one is accepted and the statements stay one event each
    batch = untimed_batch(10)
    ids = [s["id"] for s in batch]
    with lrs_server(through(proxy, database_url), tmp_path, workers=2) as server, \
            psycopg.connect(database_url, autocommit=True) as observer:
        proxy.arm("hold")
        thread, outcome = post_in_background(server, batch)
        assert proxy.caught.wait(60), "the append's COMMIT reached PostgreSQL"
        for worker in server.workers():
            os.kill(worker, signal.SIGKILL)
        thread.join(timeout=60)
        assert "error" in outcome or outcome["response"].status_code != 200
        servers.wait_for(lambda: len(server.workers()) == 2, server.proc, server.log)
        server.wait_ready()
        sessions = [server.session() for _ in range(8)]
        start = threading.Barrier(len(sessions))
        answers: list[tuple[int, Any]] = []

        def retry(http: requests.Session) -> None:
            start.wait()
            response = http.post(server.base + STATEMENTS, json=batch, timeout=60)
            answers.append((response.status_code, response.json()))

        threads = [threading.Thread(target=retry, args=(http,)) for http in sessions]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert answers == [(200, ids)] * 8
        assert events_of(observer, ids) == 10
