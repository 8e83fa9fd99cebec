"""Metrics under several gunicorn workers (issues 12 and 17): whichever worker answers
the scrape, it reports the sum over every worker, including workers that died
(prometheus-client's multiprocess mode, set up by ``lrs serve``), and a scrape never
fails while workers are killed and replaced: each new worker's files are created
while others scrape (`lrs.ops.metrics.WorkerFilesCollector`)."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import requests
from prometheus_client.parser import text_string_to_metric_families

from tests import factories
from tests.faults.conftest import LRSServer, lrs_server

WORKERS = 2
STATEMENTS = 10


def accepted(server: LRSServer) -> float:
    answer = requests.get(server.base + "/metrics", timeout=10)
    assert answer.status_code == 200, answer.text
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            if sample.name == "lrs_statements_total" and sample.labels.get("outcome") == "accepted":
                return float(sample.value)
    return 0.0


def post_statements(server: LRSServer) -> None:
    for _ in range(STATEMENTS):  # a new connection each: the workers share them
        assert requests.post(server.base + "/xapi/statements", json=factories.statement(),
                             auth=(server.key, server.secret), timeout=10,
                             headers={"X-Experience-API-Version": "1.0.3"}).status_code == 200


def replace_workers(server: LRSServer, pids: set[int]) -> None:
    """SIGKILL `pids`, then until gunicorn has started as many others (a hang guard)."""
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while not (len(server.workers()) == WORKERS and not pids & set(server.workers())):
        assert time.monotonic() < deadline, "gunicorn did not replace the workers"
        time.sleep(0.05)


def test_every_scrape_sums_all_workers_even_after_they_are_killed(database_url: str, tmp_path: Path) -> None:
    with lrs_server(database_url, tmp_path, workers=WORKERS) as server:
        post_statements(server)
        assert {accepted(server) for _ in range(6)} == {STATEMENTS}
        replace_workers(server, set(server.workers()))
        server.wait_ready()
        assert {accepted(server) for _ in range(6)} == {STATEMENTS}


def test_scrapes_answer_while_workers_come_and_go(database_url: str, tmp_path: Path) -> None:
    """Scrapes without a pause while one worker after another is killed and replaced:
    every one that is answered is a 200 with the whole sum (none a 500)."""
    with lrs_server(database_url, tmp_path, workers=WORKERS) as server:
        post_statements(server)
        answers: list[int | float] = []
        stop = threading.Event()

        def scrape() -> None:
            while not stop.is_set():
                try:
                    answer = requests.get(server.base + "/metrics", timeout=10)
                except requests.RequestException:
                    continue  # the worker answering it was killed
                if answer.status_code != 200:
                    answers.append(answer.status_code)
                    continue
                for family in text_string_to_metric_families(answer.text):
                    for sample in family.samples:
                        if sample.name == "lrs_statements_total" and sample.labels.get("outcome") == "accepted":
                            answers.append(float(sample.value))

        scraper = threading.Thread(target=scrape)
        scraper.start()
        try:
            for _ in range(4):
                replace_workers(server, {server.workers()[0]})
                server.wait_ready()
        finally:
            stop.set()
            scraper.join()
        assert answers, "no scrape was answered"
        assert set(answers) == {float(STATEMENTS)}, sorted(set(map(str, answers)))
