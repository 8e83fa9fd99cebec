"""Start the LRS under gunicorn (``lrs serve``) on a fresh store, and watch it.

Only the CLI and HTTP are used: ``lrs credentials create`` makes the benchmark's
credential (and migrates the fresh store), ``lrs serve`` runs gunicorn. The store is a
new SQLite file in a temporary folder, or a PostgreSQL database created for the run
and dropped at the end. The server's output goes to a log file that is read back for
crashes, worker restarts and tracebacks, so that they are reported, never hidden.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


PORTS_ENV = "BENCH_PORTS"
"""``FIRST-LAST``: the ports the server may take (``--ports``); unset, any free port."""


def free_port() -> int:
    """A free port of 127.0.0.1: the first free one of ``BENCH_PORTS`` when set (a shared
    machine gives each user a range), else one the kernel picks."""
    spec = os.environ.get(PORTS_ENV, "").strip()
    if spec:
        first, _, last = spec.partition("-")
        for port in range(int(first), int(last or first) + 1):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
        raise ServerError(f"{PORTS_ENV}={spec}: no free port in the range")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the harness dies, so no server outlives a killed run."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


class ServerError(RuntimeError):
    pass


@dataclass
class Store:
    """A fresh store for one run: its URL for ``LRS_DATABASE_URL`` and how to clean up."""

    kind: str
    database_url: str
    data_dir: Path
    admin_url: str = ""
    database: str = ""

    @classmethod
    def create(cls, kind: str, *, pg_admin_url: str = DEFAULT_PG_ADMIN_URL) -> Store:
        data_dir = Path(tempfile.mkdtemp(prefix=f"lrs-bench-{kind}-"))
        if kind == "sqlite":
            return cls(kind, f"sqlite:///{data_dir / 'lrs.sqlite3'}", data_dir)
        if kind != "postgres":
            raise ValueError(f"unknown store {kind!r}")
        import psycopg

        name = f"lrs_bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(pg_admin_url, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        base = pg_admin_url.rpartition("/")[0]
        return cls(kind, f"{base}/{name}", data_dir, pg_admin_url, name)

    def version(self) -> str:
        if self.kind == "sqlite":
            import sqlite3

            return f"SQLite {sqlite3.sqlite_version} (WAL, as the LRS configures it)"
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as conn:
            row = conn.execute("SELECT version()").fetchone()
            settings = dict(conn.execute(
                "SELECT name, setting FROM pg_settings WHERE name IN "
                "('synchronous_commit', 'fsync', 'shared_buffers', 'wal_level', 'max_connections', "
                "'autovacuum')"
            ).fetchall())
        return f"{row[0].split(' on ')[0]} ({', '.join(f'{k}={v}' for k, v in sorted(settings.items()))})"

    def analyze(self) -> float:
        """ANALYZE the whole store, as autovacuum (or a DBA) would; returns the seconds it took."""
        t0 = time.perf_counter()
        if self.kind == "sqlite":
            import sqlite3

            conn = sqlite3.connect(self.database_url.removeprefix("sqlite:///"), timeout=60)
            try:
                conn.execute("ANALYZE")
                conn.commit()
            finally:
                conn.close()
        else:
            import psycopg

            with psycopg.connect(self.database_url, autocommit=True) as conn:
                conn.execute("ANALYZE")
        return time.perf_counter() - t0

    def statistics(self) -> dict[str, Any]:
        """Whether the planner has statistics on the LRS's tables (PostgreSQL: when analyzed)."""
        try:
            if self.kind == "sqlite":
                import sqlite3

                conn = sqlite3.connect(f"file:{self.database_url.removeprefix('sqlite:///')}?mode=ro", uri=True)
                try:
                    has = conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"
                                       ).fetchone()[0]
                finally:
                    conn.close()
                return {"sqlite_stat1": bool(has)}
            import psycopg

            with psycopg.connect(self.database_url, autocommit=True) as conn:
                rows = conn.execute(
                    "SELECT relname, n_live_tup, greatest(last_analyze, last_autoanalyze) IS NOT NULL "
                    "FROM pg_stat_user_tables WHERE relname IN ('xapi_statement', 'xapi_statement_key') "
                    "ORDER BY relname").fetchall()
            return {name: {"rows": rows_, "analyzed": analyzed} for name, rows_, analyzed in rows}
        except Exception as exc:
            return {"error": f"{type(exc).__name__}: {exc}"}

    def size_bytes(self) -> int | None:
        try:
            if self.kind == "sqlite":
                return sum(p.stat().st_size for p in self.data_dir.glob("lrs.sqlite3*"))
            import psycopg

            with psycopg.connect(self.database_url, autocommit=True) as conn:
                return int(conn.execute("SELECT pg_database_size(current_database())").fetchone()[0])
        except Exception:
            return None

    def drop(self) -> None:
        if self.kind == "postgres" and self.database:
            import psycopg

            try:
                with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=5) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            except Exception as exc:
                print(f"bench: could not drop database {self.database}: {exc}", file=sys.stderr)
        shutil.rmtree(self.data_dir, ignore_errors=True)


@dataclass
class Server:
    """``lrs serve`` in a subprocess, on a free port of 127.0.0.1."""

    store: Store
    workers: int
    threads: int
    key: str = field(default_factory=lambda: "bench-" + uuid.uuid4().hex[:8])
    secret: str = field(default_factory=lambda: uuid.uuid4().hex)
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    started_at: float = 0.0
    _log: Any = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def xapi_url(self) -> str:
        return self.base_url + "/xapi"

    @property
    def authorization(self) -> str:
        token = base64.b64encode(f"{self.key}:{self.secret}".encode()).decode()
        return f"Basic {token}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update({
            "LRS_DATABASE_URL": self.store.database_url,
            "LRS_DATA_DIR": str(self.store.data_dir),
            "LRS_PUBLIC_URL": self.base_url,
        })
        return env

    def lrs(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "lrs.cli", *args], env=self.env(),
                              capture_output=True, text=True, timeout=timeout, check=False)

    def start(self, *, timeout: float = 60) -> None:
        self.port = free_port()
        created = self.lrs("credentials", "create", "--key", self.key, "--secret", self.secret,
                           "--scopes", "all", "--label", "benchmark")
        if created.returncode != 0:
            raise ServerError(f"lrs credentials create failed:\n{created.stdout}{created.stderr}")
        self.log_path = self.store.data_dir / f"server-{self.port}.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "lrs.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--workers", str(self.workers), "--threads", str(self.threads)],
            env=self.env(), stdout=self._log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent,
        )
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(self.xapi_url + "/about", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise ServerError("the LRS did not start:\n" + self.log_tail(60))
            time.sleep(0.1)
        # Every worker should be up before measuring (gunicorn boots them one by one).
        while self.health()["worker_boots"] < self.workers and time.monotonic() < deadline:
            time.sleep(0.1)
        self.started_at = time.time()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_text(self) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def health(self) -> dict[str, Any]:
        """What the server's log and process say: crashes, restarts, errors."""
        text = self.log_text()
        boots = len(re.findall(r"Booting worker", text))
        report = {
            "alive": self.alive(),
            "exit_code": None if self.proc is None else self.proc.poll(),
            "worker_boots": boots,
            "worker_restarts": max(0, boots - self.workers),
            "worker_timeouts": len(re.findall(r"WORKER TIMEOUT", text)),
            "tracebacks": len(re.findall(r"^Traceback \(most recent call last\)", text, re.M)),
            "error_lines": len(re.findall(r"\[ERROR\]|\[CRITICAL\]", text)),
        }
        return report

    def problems(self) -> list[str]:
        h = self.health()
        out = []
        if not h["alive"]:
            out.append(f"server exited with code {h['exit_code']}")
        for name in ("worker_restarts", "worker_timeouts", "tracebacks", "error_lines"):
            if h[name]:
                out.append(f"{name.replace('_', ' ')}: {h[name]}")
        return out

    def first_traceback(self, max_lines: int = 30) -> str:
        text = self.log_text()
        at = text.find("Traceback (most recent call last)")
        if at < 0:
            return ""
        return "\n".join(text[at:].splitlines()[:max_lines])

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None
