"""The real server in tests: ``lrs serve`` (gunicorn) in its own process group on a
free port, with a log file, waited for until it answers, stopped with its workers;
and the scratch stores it runs on (a SQLite file, or a PostgreSQL database created
for the test and dropped after it).

One place for what the end-to-end, browser and fault tests all need, so that a
change to how the server starts or stops is made once.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests

ADMIN_URL = os.environ.get("LRS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
"""The PostgreSQL server the tests use (trust auth), as its administrative database."""



def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def lrs(env: Mapping[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the ``lrs`` command (``python -m lrs.cli``) with `env`; its output captured."""
    return subprocess.run([sys.executable, "-m", "lrs.cli", *args], env=dict(env), capture_output=True,
                          text=True, timeout=timeout, check=False)


def create_credential(env: Mapping[str, str], prefix: str, *options: str) -> tuple[str, str]:
    """A new credential made with ``lrs credentials create --key … --secret … *options``."""
    key, secret = f"{prefix}-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    created = lrs(env, "credentials", "create", "--key", key, "--secret", secret, *options)
    assert created.returncode == 0, created.stderr
    return key, secret


def stop(proc: subprocess.Popen[Any], timeout: float = 15) -> None:
    """SIGTERM the server's process group (master and workers), SIGKILL it if it lingers.
    Safe to call again on a server already stopped."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def answers(url: str) -> bool:
    """Whether a GET of `url` is answered 200 (False while nothing listens yet)."""
    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.RequestException:
        return False


def wait_for(condition: Callable[[], bool], proc: subprocess.Popen[Any], log: Path,
             seconds: float = 60) -> None:
    """Until `condition()` holds; fails with the server's log when the server exits or
    `seconds` pass (a guard against hanging, not a timing)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail("gave up waiting; server log:\n" + (log.read_text() if log.exists() else "(none)"))
        time.sleep(0.05)


@contextlib.contextmanager
def start_server(env: Mapping[str, str], port: int, log: Path, *options: str,
                 ready_path: str = "/xapi/about", stderr: int = subprocess.STDOUT,
                 stop_timeout: float = 15) -> Iterator[subprocess.Popen[bytes]]:
    """``lrs serve --port PORT *options`` in its own process group (its workers go with
    the master), stdout (and stderr unless told otherwise) to `log`; yields once
    `ready_path` answers 200 and stops the whole group afterwards."""
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "lrs.cli", "serve", "--port", str(port), *options],
            env=dict(env), stdout=out, stderr=stderr, start_new_session=True,
        )
    try:
        wait_for(lambda: answers(f"http://127.0.0.1:{port}{ready_path}"), proc, log)
        yield proc
    finally:
        stop(proc, stop_timeout)


@contextlib.contextmanager
def scratch_database(prefix: str) -> Iterator[str]:
    """A PostgreSQL database of its own on the shared server, dropped afterwards; yields its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is unreachable at {ADMIN_URL}: {exc}", pytrace=False)
    try:
        yield f"{ADMIN_URL.rpartition('/')[0]}/{name}"
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def scratch_store(kind: str, data_dir: Path, prefix: str) -> Iterator[str]:
    """The database URL of a fresh store: a SQLite file in `data_dir` (kind ``sqlite``)
    or a scratch PostgreSQL database (kind ``postgres``)."""
    if kind == "sqlite":
        yield f"sqlite:///{data_dir / 'lrs.sqlite3'}"
    else:
        with scratch_database(prefix) as url:
            yield url
