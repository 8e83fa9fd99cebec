"""A gunicorn worker killed with SIGKILL in the middle of a batch leaves no
partial batch: the batch's events and index rows are one transaction, which
PostgreSQL rolls back when the worker's connection dies (issue 12: faults)."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from typing import Any

import psycopg
import requests

from tests import factories
from tests.faults.conftest import LRSServer, holds_lock_on, lrs_server, waiting_on_lock


def _stored(conn: Any, ids: list[str]) -> tuple[int, int]:
    """(events, index rows) of these statement ids."""
    events = conn.execute("SELECT count(*) FROM lrs_events WHERE originator_id = ANY(%s::uuid[])",
                          (ids,)).fetchone()[0]
    rows = conn.execute("SELECT count(*) FROM xapi_statement WHERE statement_id = ANY(%s)",
                        (ids,)).fetchone()[0]
    return int(events), int(rows)


def _post_in_background(server: LRSServer, batch: list[dict[str, Any]]) -> tuple[threading.Thread, dict[str, Any]]:
    outcome: dict[str, Any] = {}

    def post() -> None:
        try:
            outcome["response"] = server.session().post(server.base + "/xapi/statements", json=batch,
                                                         timeout=60)
        except requests.RequestException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=post)
    thread.start()
    return thread, outcome


def test_worker_killed_mid_batch_leaves_nothing_of_the_batch(database_url: str, tmp_path: Path) -> None:
    """Data 2.1.2 (a batch is stored whole or not at all) under a crash: the worker is
    SIGKILLed after the batch's events are written but before its transaction commits."""
    database = database_url.rsplit("/", 1)[1]
    batch = [factories.statement() for _ in range(300)]
    ids = [s["id"] for s in batch]
    with lrs_server(database_url, tmp_path, workers=1) as server, \
            psycopg.connect(database_url, autocommit=True) as observer, \
            psycopg.connect(database_url) as blocker:
        [worker] = server.workers()
        # Hold the index table: the append writes the events, then waits for it, mid-transaction.
        blocker.execute("LOCK TABLE xapi_statement IN SHARE MODE")
        thread, outcome = _post_in_background(server, batch)
        backend = waiting_on_lock(observer, database)
        assert holds_lock_on(observer, backend, "lrs_events"), "the events are written, uncommitted"
        os.kill(worker, signal.SIGKILL)
        thread.join(timeout=60)
        blocker.rollback()  # release the index table
        assert "error" in outcome or outcome["response"].status_code != 200  # never acknowledged
        assert _stored(observer, ids) == (0, 0)
        # gunicorn replaces the worker; the client's retry stores the whole batch, once.
        server.wait_ready()
        retried = server.session().post(server.base + "/xapi/statements", json=batch, timeout=60)
        assert retried.status_code == 200 and retried.json() == ids
        assert _stored(observer, ids) == (300, 300)
        assert server.proc.poll() is None  # the same master throughout
