"""When the database goes away, requests fail fast with 503, ``Retry-After`` and a
JSON body (never a 500, never a hang), readiness says so, and the LRS recovers
by itself when the database is back, with no restart; every statement it
acknowledged is stored (issue 12: faults)."""

from __future__ import annotations

import time
from pathlib import Path

import psycopg
import requests

from tests import factories
from tests.faults.conftest import LRSServer, ThrowawayPostgres, lrs_server

CONNECT_TIMEOUT = 2
"""LRS_POSTGRES_CONNECT_TIMEOUT for these tests: the longest a request waits for a connection."""


def _post(server: LRSServer, http: requests.Session, statement: dict[str, object]) -> requests.Response:
    return http.post(server.base + "/xapi/statements", json=statement, timeout=30)


def test_database_outage_gives_503_then_recovers_without_restart(
    throwaway_postgres: ThrowawayPostgres, database_url: str, tmp_path: Path
) -> None:
    acknowledged: list[str] = []
    with lrs_server(database_url, tmp_path, workers=2,
                    LRS_POSTGRES_CONNECT_TIMEOUT=str(CONNECT_TIMEOUT),
                    LRS_CREDENTIAL_CACHE_SECONDS="0") as server:
        http = server.session()
        # A connection each: a kept-alive one that gunicorn closes after --keep-alive
        # seconds idle (stopping PostgreSQL can take that long) would race the next POST.
        http.headers["Connection"] = "close"
        workers = sorted(server.workers())
        for _ in range(4):  # every worker has pooled connections that the outage will break
            statement = factories.statement()
            assert _post(server, http, statement).status_code == 200
            acknowledged.append(statement["id"])

        throwaway_postgres.stop("immediate")
        try:
            for _ in range(12):  # broken pooled connections (4 per worker), then none at all
                started = time.monotonic()
                refused = _post(server, http, factories.statement())
                elapsed = time.monotonic() - started
                assert refused.status_code == 503, refused.text
                assert refused.headers["Retry-After"].isdigit()
                assert refused.json()["errors"][0]["rule"] == "store-unavailable"
                assert elapsed < CONNECT_TIMEOUT + 3, f"a request waited {elapsed:.1f} s"
            ready = requests.get(server.base + "/health/ready", timeout=30)
            assert ready.status_code == 503 and ready.json()["checks"]["store"] is False
            assert requests.get(server.base + "/health/live", timeout=5).status_code == 200
        finally:
            throwaway_postgres.start()

        # Back: the same processes serve again (a client retrying after Retry-After succeeds).
        statement = factories.statement()
        deadline = time.monotonic() + 30
        while (answer := _post(server, http, statement)).status_code != 200:
            assert answer.status_code == 503, answer.text
            assert time.monotonic() < deadline, "the LRS did not recover"
            time.sleep(0.2)
        acknowledged.append(statement["id"])
        assert sorted(server.workers()) == workers, "no worker was restarted"
        assert server.proc.poll() is None

    with psycopg.connect(database_url) as conn:
        stored = conn.execute("SELECT count(*) FROM lrs_events WHERE originator_id = ANY(%s::uuid[])",
                              (acknowledged,)).fetchone()
    assert stored is not None and stored[0] == len(acknowledged)
