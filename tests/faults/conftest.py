"""Fault tests: a PostgreSQL server of their own, stopped and started at will,
and the real LRS (``lrs serve``, gunicorn) in front of it.

Never the shared server on 5432: `ThrowawayPostgres` runs ``initdb`` and
``pg_ctl`` (as the ``postgres`` user when run as root: they refuse root) on a
free port, with its data in a temporary directory removed afterwards.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests

from tests.support import servers

pytestmark = pytest.mark.postgres


def _postgres_bin() -> Path:
    root = Path("/usr/lib/postgresql")
    versions = sorted((p for p in root.glob("*/bin") if (p / "pg_ctl").exists()),
                      key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    if not versions:
        pytest.fail("no PostgreSQL server binaries under /usr/lib/postgresql/<version>/bin", pytrace=False)
    return versions[-1]


@dataclass
class ThrowawayPostgres:
    """A PostgreSQL server for one test session: start, stop (even abruptly), start again."""

    bin: Path
    root: Path
    port: int

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, timeout: float = 60) -> None:
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        done = subprocess.run([*as_postgres, *args], capture_output=True, text=True,
                              timeout=timeout, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {done.stdout}\n{done.stderr}")

    def init(self) -> None:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
                  "--auth=trust", "-E", "UTF8", "--no-sync")

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
                   "-c fsync=off -c max_connections=100")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"),
                  "-o", options, "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        """``immediate`` is a crash as far as clients can tell: every connection drops."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def connect(self, database: str = "postgres") -> psycopg.Connection[Any]:
        return psycopg.connect(self.url(database), autocommit=True, connect_timeout=5)


@pytest.fixture(scope="session")
def throwaway_postgres() -> Iterator[ThrowawayPostgres]:
    root = Path(tempfile.mkdtemp(prefix="lrs-faults-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    root.chmod(0o700)
    server = ThrowawayPostgres(_postgres_bin(), root, servers.free_port())
    try:
        server.init()
        server.start()
        yield server
    finally:
        with contextlib.suppress(Exception):
            if server.running():
                server.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def database_url(throwaway_postgres: ThrowawayPostgres) -> Iterator[str]:
    """A fresh database on the throwaway server (which is running)."""
    if not throwaway_postgres.running():
        throwaway_postgres.start()
    name = f"lrs_fault_{uuid.uuid4().hex[:10]}"
    with throwaway_postgres.connect() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield throwaway_postgres.url(name)
    if not throwaway_postgres.running():
        throwaway_postgres.start()
    with throwaway_postgres.connect() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


READY_PATH = "/health/live"
"""What answers once a worker is up (the projections are off in these tests)."""
STOP_SECONDS = 40
"""How long a SIGTERMed server may take to finish its requests before SIGKILL."""


@dataclass
class LRSServer:
    """``lrs serve`` (a gunicorn master and its workers) in its own process group."""

    proc: subprocess.Popen[bytes]
    base: str
    key: str
    secret: str
    log: Path
    env: dict[str, str] = field(repr=False)

    @property
    def master_pid(self) -> int:
        return self.proc.pid

    def session(self) -> requests.Session:
        s = requests.Session()
        s.auth = (self.key, self.secret)
        s.headers["X-Experience-API-Version"] = "1.0.3"
        return s

    def workers(self) -> list[int]:
        """The gunicorn workers: the master's children."""
        found = subprocess.run(["pgrep", "-P", str(self.master_pid)], capture_output=True,
                               text=True, check=False).stdout.split()
        return [int(pid) for pid in found]

    def wait_ready(self, timeout: float = 60) -> None:
        """Until a request is answered (a worker is up); a guard against hanging, not a timing."""
        servers.wait_for(lambda: servers.answers(self.base + READY_PATH), self.proc, self.log, timeout)

    def stop(self) -> None:
        servers.stop(self.proc, STOP_SECONDS)


@contextlib.contextmanager
def lrs_server(database_url: str, tmp_path: Path, *, workers: int = 1,
               **settings: str) -> Iterator[LRSServer]:
    """The LRS on a free port against `database_url`, stopped afterwards."""
    port = servers.free_port()
    env = {**os.environ, "LRS_DATABASE_URL": database_url, "LRS_DATA_DIR": str(tmp_path),
           "LRS_PUBLIC_URL": f"http://127.0.0.1:{port}", "LRS_RUN_PROJECTIONS": "false",
           "LRS_METRICS_ACCESS": "open", **settings}
    key, secret = servers.create_credential(env, "fault", "--scopes", "all")
    log_path = tmp_path / f"server-{port}.log"
    try:
        with servers.start_server(env, port, log_path, "--workers", str(workers), "--threads", "4",
                                  ready_path=READY_PATH, stop_timeout=STOP_SECONDS) as proc:
            yield LRSServer(proc, f"http://127.0.0.1:{port}", key, secret, log_path, env)
    except BaseException:
        print(f"--- the LRS's log ({log_path}) ---\n" + log_path.read_text()[-20000:])  # shown on failure
        raise


def waiting_on_lock(admin: psycopg.Connection[Any], database: str, timeout: float = 30) -> int:
    """The pid of the backend of `database` that waits for a lock (the LRS's append,
    blocked by a test's lock); fails when none does within `timeout` (a hang guard)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
            (database,)).fetchone()
        if row is not None:
            return int(row[0])
        time.sleep(0.02)
    raise AssertionError("no request of the LRS reached the blocked append")


def holds_lock_on(conn: psycopg.Connection[Any], pid: int, table: str) -> bool:
    """Whether backend `pid` holds a lock on `table` (it has written to it in its
    transaction). `conn` must be on the LRS's database: relation ids are per database."""
    row = conn.execute(
        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "WHERE l.pid = %s AND c.relname = %s AND l.granted", (pid, table)).fetchone()
    return bool(row and row[0])
