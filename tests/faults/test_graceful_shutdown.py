"""SIGTERM to gunicorn (a deploy, a scale-down) finishes the requests in flight
before the server exits: an LMS never sees its POST cut off (issue 12: faults)."""

from __future__ import annotations

import contextlib
import signal
import threading
from pathlib import Path
from typing import Any

import psycopg
import requests

from tests import factories
from tests.faults.conftest import lrs_server, waiting_on_lock


def test_sigterm_finishes_the_request_in_flight_then_exits(database_url: str, tmp_path: Path) -> None:
    database = database_url.rsplit("/", 1)[1]
    statement = factories.statement()
    outcome: dict[str, Any] = {}
    with lrs_server(database_url, tmp_path, workers=1) as server, \
            psycopg.connect(database_url, autocommit=True) as observer, \
            psycopg.connect(database_url) as blocker:
        blocker.execute("LOCK TABLE xapi_statement IN SHARE MODE")  # the POST waits mid-append

        def post() -> None:
            try:
                outcome["response"] = server.session().post(
                    server.base + "/xapi/statements", json=statement, timeout=60)
            except requests.RequestException as exc:
                outcome["error"] = exc

        thread = threading.Thread(target=post)
        thread.start()
        waiting_on_lock(observer, database)
        server.proc.send_signal(signal.SIGTERM)
        assert server.proc.poll() is None, "still running: a request is in flight"
        blocker.rollback()  # the append can go on
        thread.join(timeout=60)
        assert "error" not in outcome, outcome.get("error")
        assert outcome["response"].status_code == 200
        assert outcome["response"].json() == [statement["id"]]
        assert server.proc.wait(timeout=40) == 0
        stored = observer.execute("SELECT count(*) FROM lrs_events WHERE originator_id = %s::uuid",
                                  (statement["id"],)).fetchone()
        assert stored is not None and stored[0] == 1
    with contextlib.suppress(ProcessLookupError):
        server.stop()
