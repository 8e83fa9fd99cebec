"""`lrs serve` as an operator meets it (issue 17, item 7): a port in use is refused
before anything is made or printed and leaves no process; a killed master takes its
projection runner with it; no gunicorn control socket; every log line is JSON.
Real processes and real signals, on each store."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import psycopg
import pytest
import requests

from tests.support import servers


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """A fresh store of each kind, and a HOME of the test's own (where gunicorn would
    put its control socket)."""
    with servers.scratch_store(request.param, tmp_path, "lrs_serve") as database_url:
        environ = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"}
        yield {**environ, "LRS_DATABASE_URL": database_url, "LRS_DATA_DIR": str(tmp_path),
               "HOME": str(tmp_path / "home")}


def _group(pgid: int) -> list[tuple[int, str]]:
    """The live processes of a process group: (pid, command line)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
            argv = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append((int(entry.name), argv))
    return found


def _runner(pgid: int) -> list[int]:
    return [pid for pid, argv in _group(pgid) if "lrs.cli project" in argv]


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def _wait_until(condition: object, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _credentials(database_url: str) -> int:
    """How many credentials the store holds (0 when its tables were never made)."""
    if database_url.startswith("sqlite:///"):
        path = Path(database_url.removeprefix("sqlite://"))
        if not path.exists():
            return 0
        import sqlite3

        with contextlib.closing(sqlite3.connect(path)) as db:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            return db.execute("SELECT count(*) FROM lrs_credential").fetchone()[0] if "lrs_credential" in tables else 0
    with psycopg.connect(database_url) as db:
        if db.execute("SELECT to_regclass('lrs_credential')").fetchone()[0] is None:
            return 0
        return int(db.execute("SELECT count(*) FROM lrs_credential").fetchone()[0])


def test_serve_on_a_port_in_use_is_one_line_exit_2_and_nothing_made(env: dict[str, str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.Popen([sys.executable, "-m", "lrs.cli", "serve", "--port", str(port)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2, err
    assert out == ""  # no endpoint, no new secret
    assert err.splitlines() == [f"lrs: --port: cannot listen on 127.0.0.1:{port}: another process listens there"]
    assert _group(proc.pid) == []  # no runner (or anything else) left behind
    assert _credentials(env["LRS_DATABASE_URL"]) == 0


def test_serve_on_a_metrics_port_in_use_names_the_setting(env: dict[str, str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        metrics = taken.getsockname()[1]
        result = servers.lrs({**env, "LRS_METRICS_PORT": str(metrics)}, "serve", "--port",
                             str(servers.free_port()))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("lrs: LRS_METRICS_PORT: cannot listen") and len(result.stderr.splitlines()) == 1


def test_serve_with_the_metrics_port_equal_to_its_own_is_refused(env: dict[str, str]) -> None:
    port = servers.free_port()
    result = servers.lrs({**env, "LRS_METRICS_PORT": str(port)}, "serve", "--port", str(port))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("lrs: LRS_METRICS_PORT:") and len(result.stderr.splitlines()) == 1


@contextlib.contextmanager
def _serve(env: dict[str, str], tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
    port = servers.free_port()
    log = tmp_path / f"serve-{port}.stderr"
    with log.open("w") as stderr, servers.start_server(env, port, tmp_path / f"serve-{port}.stdout",
                                                        stderr=stderr.fileno()) as proc:
        yield proc, port, log


def test_a_killed_server_takes_its_projection_runner_with_it(env: dict[str, str], tmp_path: Path) -> None:
    """SIGKILL to the master alone: nothing can run its exit hooks, yet the runner stops."""
    with _serve(env, tmp_path) as (proc, _port, _log):
        assert _wait_until(lambda: len(_runner(proc.pid)) == 1)
        (runner,) = _runner(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        assert _wait_until(lambda: not _alive(runner)), "the runner outlived the killed master"
        assert _wait_until(lambda: _group(proc.pid) == []), _group(proc.pid)  # the workers went too


def test_serve_makes_no_gunicorn_control_socket(env: dict[str, str], tmp_path: Path) -> None:
    """Two servers of one user run side by side, neither with `~/.gunicorn/gunicorn.ctl`."""
    home = Path(env["HOME"])
    with _serve(env, tmp_path), _serve(env, tmp_path):
        assert not (home / ".gunicorn").exists()


def test_every_line_serve_logs_is_json_the_runners_included(env: dict[str, str], tmp_path: Path) -> None:
    with _serve(env, tmp_path) as (_proc, port, log):
        assert requests.get(f"http://127.0.0.1:{port}/xapi/about", timeout=10).status_code == 200
        assert _wait_until(lambda: "projection runner:" in log.read_text())
    lines = log.read_text().splitlines()
    records = [orjson.loads(line) for line in lines]  # every line parses
    loggers = {r["logger"] for r in records}
    assert "lrs.projections" in loggers and "gunicorn.error" in loggers
