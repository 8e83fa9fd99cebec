"""The dashboard in a real browser: Debian's Chromium driven by Playwright, against the
real server (``lrs serve``, its own process group, a free port, a fresh store) filled
by ``lrs simulate`` with a fixed seed. One server per store for the whole module.

Chromium is never downloaded: Playwright launches ``/usr/bin/chromium``. When it is
missing these tests fail (CI installs it), they do not skip.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support import servers

CHROMIUM = "/usr/bin/chromium"
SEED = "20261130"
SIMULATION = ["--programs", "2", "--mentors", "6", "--mentees", "16", "--weeks", "10", "--seed", SEED]


@dataclass
class Server:
    base: str
    """http://127.0.0.1:PORT, without a trailing slash."""
    coordinator: tuple[str, str]
    provider: tuple[str, str]
    env: dict[str, str]
    downloads: Path
    log: Path
    truth: dict[str, Any] = field(default_factory=dict)

    def signed_in_session(self) -> requests.Session:
        """A requests session signed in to the dashboard (as a browser would)."""
        http = requests.Session()
        form = http.get(self.base + "/dashboard/signin", timeout=10).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert token, form
        response = http.post(self.base + "/dashboard/signin", timeout=30, allow_redirects=False, data={
            "csrf_token": token.group(1), "key": self.coordinator[0], "secret": self.coordinator[1]})
        assert response.status_code == 302, response.text
        return http

    def coordinator_api(self) -> requests.Session:
        http = requests.Session()
        http.auth = self.coordinator
        return http

    def post_statements(self, statements: list[dict[str, Any]]) -> None:
        response = requests.post(self.base + "/xapi/statements", json=statements, auth=self.provider,
                                 headers={"X-Experience-API-Version": "1.0.3"}, timeout=30)
        assert response.status_code == 200, response.text

    def wait_for_views(self, http: requests.Session, timeout: float = 120) -> dict[str, Any]:
        """Until the projections have taken in every statement stored so far."""
        deadline = time.monotonic() + timeout
        while True:
            live = http.get(self.base + "/dashboard/status.json", timeout=10).json()
            if live["head"] > 0 and live["lag"] == 0:
                return dict(live)
            if time.monotonic() > deadline:
                pytest.fail(f"the views did not catch up: {live}\n{self.log.read_text()[-3000:]}")
            time.sleep(0.2)


def _lrs(env: dict[str, str], *args: str) -> str:
    done = servers.lrs(env, *args, timeout=300)
    assert done.returncode == 0, f"lrs {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("dashboard")
    with servers.scratch_store(request.param, data_dir, "lrs_browser") as database_url:
        port = servers.free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "LRS_DATABASE_URL": database_url, "LRS_DATA_DIR": str(data_dir),
               "LRS_PUBLIC_URL": base, "LRS_DASHBOARD_POLL_SECONDS": "1"}
        credentials = {role: servers.create_credential(env, role, "--role", role)
                       for role in ("coordinator", "provider")}
        log = data_dir / "server.log"
        with servers.start_server(env, port, log, "--workers", "2"):
            truth_file = data_dir / "truth.json"
            _lrs(env, "simulate", "--url", base + "/xapi", "--key", credentials["provider"][0],
                 "--secret", credentials["provider"][1], "--truth", str(truth_file), *SIMULATION)
            made = Server(base, credentials["coordinator"], credentials["provider"], env,
                          data_dir / "downloads", log, json.loads(truth_file.read_text()))
            made.wait_for_views(made.signed_in_session())
            yield made


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, once per module."""
    if shutil.which("chromium") is None or not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: apt-get install -y chromium (CI does this)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any, server: Server) -> Iterator[Any]:
    """A fresh browser context (no cookies) and page; CSP violations and script errors
    on any page fail the test."""
    context = chromium.new_context(accept_downloads=True, base_url=server.base)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert [p for p in problems if "status of 403" not in p] == []


def sign_in(page: Any, key: str, secret: str) -> None:
    page.goto("/dashboard/")
    page.get_by_label("Key").fill(key)
    page.get_by_label("Secret").fill(secret)
    page.get_by_role("button", name="Sign in").click()
