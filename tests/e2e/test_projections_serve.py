"""`lrs serve` runs one projection runner beside gunicorn, and `lrs project` runs
it alone (issue 5, item 3): real processes, real signals, on each store."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
import requests

from tests import factories
from tests.support import servers


@dataclass
class Store:
    database_url: str
    data_dir: Path
    env: dict[str, str]


@dataclass
class Served:
    proc: subprocess.Popen[bytes]
    url: str
    auth: tuple[str, str]
    log: Path


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A fresh store of each kind."""
    data_dir = tmp_path_factory.mktemp("lrs-projections")
    with servers.scratch_store(request.param, data_dir, "lrs_e2e") as database_url:
        env = {**os.environ, "LRS_DATABASE_URL": database_url, "LRS_DATA_DIR": str(data_dir)}
        yield Store(database_url, data_dir, env)


def _lrs(store: Store, *args: str) -> subprocess.CompletedProcess[str]:
    return servers.lrs(store.env, *args)


@contextlib.contextmanager
def _serving(store: Store, *options: str) -> Iterator[Served]:
    """`lrs serve` on the store, with a new credential `all` + `admin`."""
    key, secret = servers.create_credential(store.env, "e2e", "--scopes", "all,admin")
    port = servers.free_port()
    log = store.data_dir / f"serve-{port}.log"
    env = {**store.env, "LRS_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    with servers.start_server(env, port, log, "--workers", "2", *options) as proc:
        yield Served(proc, f"http://127.0.0.1:{port}", (key, secret), log)


def _runners_in_group(pgid: int) -> list[int]:
    """Pids of `lrs project` processes in a process group."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        group = int(stat.rpartition(")")[2].split()[2])
        if group == pgid and b"lrs.cli" in argv and b"project" in argv:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_serve_runs_one_runner_that_brings_the_views_to_the_head(store: Store) -> None:
    """Issue 5: `lrs serve` runs the runner by default, one process beside the
    workers; a POST is reflected in every view's position."""
    with _serving(store) as served:
        log = served.log
        servers.wait_for(lambda: len(_runners_in_group(served.proc.pid)) >= 1, served.proc, log)
        assert len(_runners_in_group(served.proc.pid)) == 1
        http = requests.Session()
        http.auth = served.auth
        batch = [factories.statement() for _ in range(5)]
        posted = http.post(served.url + "/xapi/statements", json=batch,
                           headers={"X-Experience-API-Version": "1.0.3"}, timeout=10)
        assert posted.status_code == 200
        head = http.get(served.url + "/projections/status", timeout=10).json()["head"]
        assert head >= 5

        def caught_up() -> bool:
            status = http.get(served.url + "/projections/status", timeout=10).json()
            return all(v["position"] >= head for v in status["views"])

        servers.wait_for(caught_up, served.proc, log)
        views = http.get(served.url + "/projections/status", timeout=10).json()["views"]
        assert views, "build_views returned no view to watch"
        assert all(v["lag_events"] == 0 and v["lag_seconds"] == 0 for v in views)


def test_serve_with_no_projections_runs_no_runner(store: Store) -> None:
    """Issue 5: `--no-projections` leaves the runner to `lrs project` elsewhere."""
    with _serving(store, "--no-projections") as served:
        assert _runners_in_group(served.proc.pid) == []


def test_the_runner_stops_with_the_server(store: Store) -> None:
    """Issue 5: the runner is stopped when the server stops (SIGTERM to the master only)."""
    with _serving(store) as served:
        servers.wait_for(lambda: len(_runners_in_group(served.proc.pid)) == 1, served.proc, served.log)
        (runner,) = _runners_in_group(served.proc.pid)
        os.kill(served.proc.pid, signal.SIGTERM)
        served.proc.wait(timeout=60)
        deadline = time.monotonic() + 30
        while _alive(runner) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(runner)


def test_lrs_project_stops_cleanly_on_sigterm(store: Store) -> None:
    """Issue 5: `lrs project` runs in the foreground until SIGTERM, then exits 0."""
    proc = subprocess.Popen([sys.executable, "-m", "lrs.cli", "project"], env=store.env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        assert proc.stderr is not None
        started = orjson.loads(proc.stderr.readline())  # issue 17: its log lines are JSON too
        assert started["message"].startswith("projection runner:"), started
        proc.send_signal(signal.SIGTERM)
        _, rest = proc.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
    assert proc.returncode == 0, rest
    assert [orjson.loads(line)["message"] for line in rest.splitlines()] == ["projection runner: stopped"]


def test_projections_status_command_prints_json(store: Store) -> None:
    """Issue 5: `lrs projections status` prints the head and the views as JSON."""
    result = _lrs(store, "projections", "status")
    assert result.returncode == 0, result.stderr
    status = orjson.loads(result.stdout)
    assert set(status) == {"head", "views"}
    assert all(set(v) == {"name", "position", "lag_events", "lag_seconds"} for v in status["views"])


def test_projections_rebuild_command_rebuilds_every_view_with_a_progress_bar(store: Store) -> None:
    """Issue 5: `lrs projections rebuild` replays the log into every view, progress on stderr."""
    result = _lrs(store, "projections", "rebuild")
    assert result.returncode == 0, result.stderr
    assert "rebuilt every view" in result.stdout
    assert "100%" in result.stderr
    status = orjson.loads(_lrs(store, "projections", "status").stdout)
    assert all(v["position"] == status["head"] for v in status["views"])


def test_projections_rebuild_of_an_unknown_view_is_an_error(store: Store) -> None:
    result = _lrs(store, "projections", "rebuild", "no_such_view")
    assert result.returncode == 2
    assert "no view 'no_such_view'" in result.stderr


def _view_rows(services: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every view's tables, sorted: what a view shows, whatever it is."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with services.store.db.read() as cur:
        for view in services.projections.views:
            for table in view.tables:
                found = cur.execute(f"SELECT * FROM {table}").fetchall()
                rows[table] = sorted(tuple(str(v) for v in dict(r).values()) for r in found)
    return rows


def test_lrs_project_killed_mid_stream_resumes_without_double_counting(store: Store) -> None:
    """Issue 5: a runner killed (SIGKILL) between or inside batches resumes from its last
    commit; the views then equal a rebuild from position 0, row for row."""
    from datetime import date

    from lrs.services import Services
    from lrs.settings import Settings
    from lrs.simulate import SimulationConfig, simulate
    from xapi.versions import V1_0_3

    settings = Settings(database_url=store.database_url, data_dir=str(store.data_dir))
    services = Services.build(settings)
    try:
        history = simulate(SimulationConfig(end=date(2026, 11, 27), programs=2, mentors=8,
                                            mentees=30, weeks=12, seed=7)).statements
        authority = {"objectType": "Agent", "account": {"homePage": "http://lrs.test", "name": "kill"}}
        for at in range(0, len(history), 100):
            services.store.record_statements(history[at:at + 100], authority=authority, version=V1_0_3)
        runner = services.projections
        assert runner.views, "build_views returned no view to watch"
        head = runner.head()
        env = {**store.env, "LRS_PROJECTION_BATCH_SIZE": "5"}

        def lowest() -> int:
            return min(runner.positions().values())

        first = subprocess.Popen([sys.executable, "-m", "lrs.cli", "project"], env=env,
                                 stderr=subprocess.DEVNULL, start_new_session=True)
        start = lowest()
        deadline = time.monotonic() + 60
        while lowest() == start and time.monotonic() < deadline:
            time.sleep(0.002)
        os.killpg(first.pid, signal.SIGKILL)  # mid-stream: some batches committed, one maybe open
        first.wait(timeout=10)
        killed_at = lowest()
        assert start < killed_at < head, (start, killed_at, head)

        second = subprocess.Popen([sys.executable, "-m", "lrs.cli", "project"], env=store.env,
                                  stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + 120
            while lowest() < head and time.monotonic() < deadline:
                time.sleep(0.01)
        finally:
            os.killpg(second.pid, signal.SIGTERM)
            second.wait(timeout=60)
        assert lowest() >= head
        resumed = _view_rows(services)
        runner.rebuild()
        assert _view_rows(services) == resumed
    finally:
        services.close()
