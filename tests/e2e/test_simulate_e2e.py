"""`lrs simulate` against a real `lrs serve`, then the coordinator API over the socket (issue 5)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import requests

from tests.e2e.conftest import Server
from tests.simulate.coordinator import compare, read_all


def _coordinator(server: Server) -> requests.Session:
    """A session with a new `coordinator` credential, made with `lrs credentials create`."""
    created = server.lrs("credentials", "create", "--role", "coordinator", "--label", "coordinator")
    assert created.returncode == 0, created.stderr
    credential = json.loads(created.stdout)
    http = requests.Session()
    http.auth = (credential["key"], credential["secret"])
    return http


def _wait_until_views_are_current(server: Server, http: requests.Session) -> dict[str, Any]:
    """Poll /projections/status until every view has reached the log head (the runner that
    `lrs serve` starts works in the background)."""
    root = server.url.rsplit("/xapi", 1)[0]
    deadline = time.monotonic() + 120
    while True:
        status = http.get(root + "/projections/status", timeout=10).json()
        if status["head"] > 0 and all(v["position"] == status["head"] for v in status["views"]):
            return dict(status)
        assert time.monotonic() < deadline, f"the views did not catch up: {status}"
        time.sleep(0.2)


def test_simulate_then_query_the_coordinator_api(server: Server, tmp_path: Path) -> None:
    """The README's two commands: `lrs simulate` posts a history over HTTP and writes its ground
    truth; the coordinator API, over the socket, then gives exactly those figures."""
    truth_file = tmp_path / "truth.json"
    simulated = server.lrs(
        "simulate", "--programs", "2", "--mentors", "4", "--mentees", "10",
        "--weeks", "6", "--seed", "11", "--end", "2026-11-27", "--batch", "40",
        "--url", server.url, "--key", server.key, "--secret", server.secret, "--truth", str(truth_file),
        timeout=300,
    )
    assert simulated.returncode == 0, simulated.stderr
    truth = json.loads(truth_file.read_text())
    assert f"posted {truth['statements']['posted']} statements" in simulated.stdout
    assert "statements/s" in simulated.stdout

    http = _coordinator(server)
    status = _wait_until_views_are_current(server, http)
    assert status["head"] == truth["statements"]["posted"]
    root = server.url.rsplit("/xapi", 1)[0]

    def get(path: str, params: dict[str, str]) -> Any:
        response = http.get(root + path, params=params, headers={"Accept": "application/json"}, timeout=30)
        assert response.status_code == 200, (path, params, response.text)
        return response.json()

    problems = compare(read_all(get, truth), truth)
    assert not problems, f"{len(problems)} figures differ from the ground truth:\n" + "\n".join(problems)


def test_simulate_refuses_a_wrong_secret_and_says_so(server: Server) -> None:
    """A refused batch stops the run with exit status 1 and the LRS's answer on stderr."""
    simulated = server.lrs(
        "simulate", "--programs", "1", "--mentors", "1", "--mentees", "2",
        "--weeks", "1", "--url", server.url, "--key", server.key, "--secret", "wrong",
    )
    assert simulated.returncode == 1
    assert "401" in simulated.stderr
