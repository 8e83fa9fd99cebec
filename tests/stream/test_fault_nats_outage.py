"""NATS stopped for 6 s under ingest (issue 23, point 4): ingest is unaffected, the
publisher catches up when NATS is back, and the stream holds every statement once,
in log order. A `nats-server` of the test's own, and the real `lrs serve`."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import orjson
import pytest
import requests

from tests import factories
from tests.stream.conftest import stream_messages
from tests.support import nats, servers

OUTAGE_SECONDS = 6
"""Long enough for the publisher to fail and back off three times (1, 2, 4 s) and for
nats-py to retry its reconnect a dozen times; 20 s exercised the same paths."""


class Ingest(threading.Thread):
    """POSTs batches of statements until stopped; keeps every id accepted and every failure."""

    def __init__(self, url: str, key: str, secret: str):
        super().__init__(daemon=True)
        self.url, self.auth = url, (key, secret)
        self.ids: list[str] = []
        self.failures: list[str] = []
        self.halt = threading.Event()

    def run(self) -> None:
        session = requests.Session()
        session.auth = self.auth
        session.headers["X-Experience-API-Version"] = "1.0.3"
        while not self.halt.is_set():
            batch = [factories.statement() for _ in range(5)]
            answer = session.post(f"{self.url}/xapi/statements", json=batch, timeout=30)
            if answer.status_code == 200:
                self.ids.extend(answer.json())
            else:
                self.failures.append(f"{answer.status_code} {answer.text[:200]}")
            time.sleep(0.02)  # a steady trickle, not a flood: 2 cores are shared

    def accepted(self) -> int:
        return len(self.ids)


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_nats_stopped_under_ingest_loses_and_doubles_nothing(kind: str, tmp_path: Path) -> None:
    server = nats.NatsServer(tmp_path / "nats")
    server.start()
    try:
        with servers.scratch_store(kind, tmp_path, "lrs_nats_outage") as database_url:
            port = servers.free_port()
            env = {**os.environ, "LRS_DATABASE_URL": database_url, "LRS_DATA_DIR": str(tmp_path),
                   "LRS_NATS_URL": server.url, "LRS_NATS_STREAM": "LRS_EVENTS"}
            key, secret = servers.create_credential(env, "outage", "--scopes", "all")
            with servers.start_server(env, port, tmp_path / "server.log", "--no-projections"):
                ingest = Ingest(f"http://127.0.0.1:{port}", key, secret)
                ingest.start()
                _until(lambda: len(stream_messages(server.url, "LRS_EVENTS")) >= 20, "first messages")
                server.stop()
                during_start = ingest.accepted()
                time.sleep(OUTAGE_SECONDS)  # the outage itself, not a wait for something
                accepted_during = ingest.accepted() - during_start
                server.start()
                resumed = ingest.accepted()
                _until(lambda: ingest.accepted() >= resumed + 20, "ingest after the outage")
                ingest.halt.set()
                ingest.join(timeout=60)
                expected = len(ingest.ids)
                _until(lambda: len(stream_messages(server.url, "LRS_EVENTS")) >= expected,
                       "the publisher to catch up", seconds=120)
    finally:
        server.stop()
        found = stream_messages_after_restart(server)
    assert ingest.failures == []
    assert accepted_during > 0, "ingest went on while NATS was down"
    assert [int(m.headers["Lrs-Position"]) for m in found] == list(range(1, expected + 1))
    assert [orjson.loads(m.body)["id"] for m in found] == ingest.ids


def stream_messages_after_restart(server: nats.NatsServer) -> list:
    """What the stream holds, read from the server started again on its own storage."""
    server.start()
    try:
        return stream_messages(server.url, "LRS_EVENTS")
    finally:
        server.stop()


def _until(condition, what: str, seconds: float = 60) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.2)
