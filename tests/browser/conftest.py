"""The dashboard in a real browser: Debian's Chromium driven by Playwright, against the
real server (``lrs serve``, its own process group, a free port, a fresh store) filled
by ``lrs simulate`` with a fixed seed. One server per store for the whole module.

Chromium is never downloaded: Playwright launches ``/usr/bin/chromium``. When it is
missing these tests fail (CI installs it), they do not skip.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests

from tests.conftest import ADMIN_URL

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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def _lrs(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "lrs.cli", *args], env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, f"lrs {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("dashboard")
    dropdb = None
    if request.param == "sqlite":
        database_url = f"sqlite:///{data_dir / 'lrs.sqlite3'}"
    else:
        dropdb = f"lrs_browser_{uuid.uuid4().hex[:10]}"
        try:
            with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
                admin.execute(f'CREATE DATABASE "{dropdb}"')
        except psycopg.OperationalError as exc:
            pytest.fail(f"PostgreSQL is unreachable at {ADMIN_URL}: {exc}", pytrace=False)
        database_url = f"{ADMIN_URL.rpartition('/')[0]}/{dropdb}"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "LRS_DATABASE_URL": database_url, "LRS_DATA_DIR": str(data_dir),
           "LRS_PUBLIC_URL": base, "LRS_DASHBOARD_POLL_SECONDS": "1"}
    credentials = {}
    for role in ("coordinator", "provider"):
        key, secret = f"{role}-{uuid.uuid4().hex[:6]}", uuid.uuid4().hex
        _lrs(env, "credentials", "create", "--key", key, "--secret", secret, "--role", role)
        credentials[role] = (key, secret)
    log = data_dir / "server.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "lrs.cli", "serve", "--port", str(port), "--workers", "2"],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(requests.RequestException):
                if requests.get(base + "/xapi/about", timeout=5).status_code == 200:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the server did not start:\n" + log.read_text())
            time.sleep(0.1)
        truth_file = data_dir / "truth.json"
        _lrs(env, "simulate", "--url", base + "/xapi", "--key", credentials["provider"][0],
             "--secret", credentials["provider"][1], "--truth", str(truth_file), *SIMULATION)
        import json

        made = Server(base, credentials["coordinator"], credentials["provider"], env,
                      data_dir / "downloads", log, json.loads(truth_file.read_text()))
        made.wait_for_views(made.signed_in_session())
        yield made
    finally:
        _stop(proc)
        if dropdb:
            with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{dropdb}" WITH (FORCE)')


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
