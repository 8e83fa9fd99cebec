"""End-to-end: the real server (``lrs serve``, gunicorn) over a socket, per store."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import requests

from tests.conftest import ADMIN_URL


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    """The xAPI endpoint, without a trailing slash."""
    key: str
    secret: str
    database_url: str
    env: dict[str, str]

    def session(self, version: str = "1.0.3") -> requests.Session:
        s = requests.Session()
        s.auth = (self.key, self.secret)
        s.headers["X-Experience-API-Version"] = version
        return s

    def lrs(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run the ``lrs`` command against this server's store."""
        return subprocess.run(
            [sys.executable, "-m", "lrs.cli", *args],
            env=self.env, capture_output=True, text=True, timeout=120, check=False,
        )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group, SIGKILL it if it lingers."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("lrs")
    dropdb = None
    if request.param == "sqlite":
        database_url = f"sqlite:///{data_dir / 'lrs.sqlite3'}"
    else:
        name = f"lrs_e2e_{uuid.uuid4().hex[:10]}"
        try:
            with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
                admin.execute(f'CREATE DATABASE "{name}"')
        except psycopg.OperationalError as exc:
            pytest.fail(f"PostgreSQL is unreachable at {ADMIN_URL}: {exc}", pytrace=False)
        database_url = f"{ADMIN_URL.rpartition('/')[0]}/{name}"
        dropdb = name
    port = _free_port()
    env = {**os.environ, "LRS_DATABASE_URL": database_url, "LRS_DATA_DIR": str(data_dir),
           "LRS_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    key, secret = "e2e-" + uuid.uuid4().hex[:8], uuid.uuid4().hex
    created = subprocess.run(
        [sys.executable, "-m", "lrs.cli", "credentials", "create", "--key", key, "--secret", secret,
         "--scopes", "all", "--label", "end-to-end tests"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert created.returncode == 0, created.stderr
    log = open(Path(data_dir) / "server.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "lrs.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the workers go with the master
    )
    url = f"http://127.0.0.1:{port}/xapi"
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(url + "/about", timeout=5).status_code == 200:
                break
        except requests.RequestException:  # not listening yet, or a worker still booting
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            _stop(proc)
            pytest.fail("the server did not start:\n" + (Path(data_dir) / "server.log").read_text())
        time.sleep(0.1)
    try:
        yield Server(url, key, secret, database_url, env)
    finally:
        _stop(proc)
        log.close()
        if dropdb:
            with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{dropdb}" WITH (FORCE)')
