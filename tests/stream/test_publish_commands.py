"""`lrs publish` and `lrs serve` with LRS_NATS_URL set (issue 23, point 1), as processes."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
import requests

from tests import factories
from tests.stream.conftest import delete_stream, stream_messages
from tests.support import nats, servers


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def stream_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    url = nats.require_shared()
    name, prefix = nats.unique_stream()
    with servers.scratch_store(request.param, tmp_path, "lrs_stream") as database_url:
        yield {**os.environ, "LRS_DATABASE_URL": database_url, "LRS_DATA_DIR": str(tmp_path),
               "LRS_NATS_URL": url, "LRS_NATS_STREAM": name, "LRS_NATS_SUBJECT_PREFIX": prefix}
    delete_stream(url, name)


def _wait_for_stream(env: dict[str, str], count: int, seconds: float = 60) -> list[int]:
    deadline = time.monotonic() + seconds
    while True:
        found = stream_messages(env["LRS_NATS_URL"], env["LRS_NATS_STREAM"])
        if len(found) >= count or time.monotonic() > deadline:
            return [int(m.headers["Lrs-Position"]) for m in found]
        time.sleep(0.1)


def test_serve_publishes_the_log_beside_the_workers(stream_env: dict[str, str], tmp_path: Path) -> None:
    """`lrs serve` with LRS_NATS_URL runs one publisher: statements posted over HTTP reach
    the stream, each once, in log order."""
    port = servers.free_port()
    key, secret = servers.create_credential(stream_env, "pub", "--scopes", "all")
    with servers.start_server(stream_env, port, tmp_path / "server.log", "--no-projections"):
        session = requests.Session()
        session.auth = (key, secret)
        session.headers["X-Experience-API-Version"] = "1.0.3"
        for _ in range(3):
            posted = session.post(f"http://127.0.0.1:{port}/xapi/statements",
                                  json=[factories.statement() for _ in range(4)], timeout=30)
            assert posted.status_code == 200, posted.text
        assert _wait_for_stream(stream_env, 12) == list(range(1, 13))


def test_publish_once_prints_the_status_after_publishing_the_log(stream_env: dict[str, str]) -> None:
    servers.create_credential(stream_env, "pub", "--scopes", "all")  # the store exists, migrated
    done = servers.lrs(stream_env, "publish", "--once")
    assert done.returncode == 0, done.stderr
    status = orjson.loads(done.stdout)
    assert status == {"stream": stream_env["LRS_NATS_STREAM"], "head": 0, "position": 0, "lag_events": 0}


def test_publish_without_a_nats_url_says_so(stream_env: dict[str, str]) -> None:
    env = {**stream_env, "LRS_NATS_URL": ""}
    done = servers.lrs(env, "publish")
    assert done.returncode == 2
    assert "LRS_NATS_URL" in done.stderr


def test_forwarding_add_list_remove_from_the_command_line(stream_env: dict[str, str]) -> None:
    added = servers.lrs(stream_env, "forwarding", "add", "--url", "https://regional.example.org/xapi",
                        "--key", "k", "--secret", "s3cret", "--verb", "http://adlnet.gov/expapi/verbs/completed",
                        "--verb", "http://adlnet.gov/expapi/verbs/attended", "--version", "2.0.0",
                        "--name", "regional")
    assert added.returncode == 0, added.stderr
    assert "s3cret" not in added.stdout
    assert orjson.loads(added.stdout)["verbs"] == ["http://adlnet.gov/expapi/verbs/completed",
                                                   "http://adlnet.gov/expapi/verbs/attended"]
    listed = orjson.loads(servers.lrs(stream_env, "forwarding", "list").stdout)
    assert [(f["name"], f["version"], f["position"], f["lag"]) for f in listed] == [("regional", "2.0.0", 0, 0)]
    assert servers.lrs(stream_env, "forwarding", "remove", "regional").returncode == 0
    assert orjson.loads(servers.lrs(stream_env, "forwarding", "list").stdout) == []
    assert servers.lrs(stream_env, "forwarding", "remove", "regional").returncode == 1


def test_forwarding_add_with_a_bad_url_names_it(stream_env: dict[str, str]) -> None:
    done = servers.lrs(stream_env, "forwarding", "add", "--url", "regional", "--key", "k", "--secret", "s")
    assert done.returncode == 2
    assert "url" in done.stderr and "Traceback" not in done.stderr


def test_forward_once_prints_the_forwarders(stream_env: dict[str, str]) -> None:
    servers.lrs(stream_env, "forwarding", "add", "--url", "http://127.0.0.1:9/xapi", "--key", "k",
                "--secret", "s", "--name", "idle")
    done = servers.lrs(stream_env, "forward", "--once")
    assert done.returncode == 0, done.stderr
    assert [f["name"] for f in orjson.loads(done.stdout)] == ["idle"]
