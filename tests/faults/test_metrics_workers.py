"""Metrics under several gunicorn workers (issue 12): whichever worker answers the
scrape, it reports the sum over every worker, including workers that died
(prometheus-client's multiprocess mode, set up by ``lrs serve``)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import requests
from prometheus_client.parser import text_string_to_metric_families

from tests import factories
from tests.faults.conftest import LRSServer, lrs_server


def accepted(server: LRSServer) -> float:
    text = requests.get(server.base + "/metrics", timeout=10).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "lrs_statements_total" and sample.labels.get("outcome") == "accepted":
                return float(sample.value)
    return 0.0


def test_every_scrape_sums_all_workers_even_after_they_are_killed(database_url: str, tmp_path: Path) -> None:
    with lrs_server(database_url, tmp_path, workers=2) as server:
        for _ in range(10):  # a new connection each: the workers share them
            assert requests.post(server.base + "/xapi/statements", json=factories.statement(),
                                 auth=(server.key, server.secret), timeout=10,
                                 headers={"X-Experience-API-Version": "1.0.3"}).status_code == 200
        assert {accepted(server) for _ in range(6)} == {10.0}
        original = set(server.workers())
        for pid in original:
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while not (len(server.workers()) == 2 and not original & set(server.workers())):
            assert time.monotonic() < deadline, "gunicorn did not replace the workers"
            time.sleep(0.05)
        server.wait_ready()
        assert {accepted(server) for _ in range(6)} == {10.0}
