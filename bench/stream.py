"""Figures of the stream (docs/SCALING.md): publish rate against ingest rate, view
lag through the stream, forwarding throughput to a second LRS.

``python -m bench.stream --store sqlite|postgres [--statements N]`` starts a
``nats-server`` of its own (free port, temporary storage), a store of its own
(a SQLite file, or a scratch PostgreSQL database on 127.0.0.1:5432), and, for
forwarding, a second LRS (``lrs serve`` on SQLite). It prints one JSON object.

1. ingest: N statements appended in batches of 100 (in process, no HTTP: the
   store's own rate, which bounds any HTTP figure) — statements/s;
2. publish, catching up: the publisher started after ingest, from position 0
   to the head — events/s;
3. publish, live: ingest again at a fixed rate with the publisher running; the
   publisher's lag (head − published) sampled every 50 ms — max and at the end;
4. view lag through the stream: a projection runner reading the stream
   (``--source nats``) into a second database while statements are appended at
   a fixed rate; per batch, the time from its append returning to the view's
   position covering it — p50/p95/max;
5. forwarding: every statement POSTed by one forwarder to the second LRS, in
   batches of LRS_FORWARDING_BATCH — statements/s.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import psycopg

from bench.statements import Corpus
from lrs.services import Services
from lrs.settings import Settings
from xapi.versions import V1_0_3

AUTHORITY = {"objectType": "Agent", "account": {"homePage": "http://bench.test", "name": "bench"}}
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _nats(root: Path) -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen([shutil.which("nats-server") or "nats-server", "-js", "-a", "127.0.0.1",
                             "-p", str(port), "-sd", str(root / "nats")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.0)
        yield f"nats://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=15)


@contextlib.contextmanager
def _store(kind: str, root: Path, name: str) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{root / (name + '.sqlite3')}"
        return
    database = f"bench_{name}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    try:
        yield f"{ADMIN_URL.rpartition('/')[0]}/{database}"
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _append(services: Services, statements: list[dict[str, Any]], batch: int = 100) -> None:
    for start in range(0, len(statements), batch):
        services.store.record_statements(statements[start:start + batch], authority=AUTHORITY,
                                         version=V1_0_3)


def _paced(services: Services, statements: list[dict[str, Any]], rate: float,
           batch: int = 50) -> list[tuple[float, int]]:
    """Append at `rate` statements/s; (instant the append returned, head then) per batch."""
    done = []
    start = time.monotonic()
    for n, first in enumerate(range(0, len(statements), batch)):
        delay = start + n * batch / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        _append(services, statements[first:first + batch], batch)
        done.append((time.monotonic(), int(services.store.recorder.max_notification_id() or 0)))
    return done


def _phase(name: str) -> None:
    print(f"bench.stream: {name} at {time.strftime('%H:%M:%S')}", file=sys.stderr, flush=True)


def measure(kind: str, count: int, rate: float) -> dict[str, Any]:
    from lrs.forwarding.registry import ForwarderRegistry
    from lrs.forwarding.service import Forwarding
    from lrs.stream.commands import stream_runner
    from lrs.stream.publisher import Publisher, wait_until_published

    corpus = Corpus()
    figures: dict[str, Any] = {"store": kind, "statements": count, "paced_rate": rate}
    with tempfile.TemporaryDirectory() as tmp, _nats(Path(tmp)) as nats_url, \
            _store(kind, Path(tmp), "source") as source_url, _store(kind, Path(tmp), "views") as views_url:
        root = Path(tmp)
        settings = Settings(database_url=source_url, data_dir=tmp, nats_url=nats_url)
        services = Services.build(settings)
        _phase("ingest")
        statements = list(corpus.statements(0, count))
        started = time.perf_counter()
        _append(services, statements)
        figures["ingest_per_s"] = round(count / (time.perf_counter() - started))
        _phase("publish, catching up")
        publisher = Publisher.from_settings(services.store, settings)
        started = time.perf_counter()
        wait_until_published(publisher, seconds=600)
        figures["publish_catch_up_per_s"] = round(count / (time.perf_counter() - started))
        _phase("live: publisher and views from the stream")
        stop = threading.Event()
        lags: list[int] = []
        seen: list[tuple[float, int]] = []  # (instant, the views' lowest position)

        def sample() -> None:
            while not stop.is_set():
                lags.append(publisher.head() - publisher.position())
                stop.wait(0.05)

        def sample_views() -> None:
            while not stop.is_set():
                seen.append((time.monotonic(), min(runner.positions().values())))
                stop.wait(0.02)

        live = [threading.Thread(target=publisher.run, args=(stop,), daemon=True),
                threading.Thread(target=sample, daemon=True)]
        # 4. the views of a second database, kept from the stream, at the same time
        view_services = Services.build(dataclasses.replace(settings, database_url=views_url))
        runner = stream_runner(view_services, settings)
        runner.catch_up()
        live.append(threading.Thread(target=runner.run, args=(stop,), daemon=True))
        live.append(threading.Thread(target=sample_views, daemon=True))
        for thread in live:
            thread.start()
        more = list(corpus.statements(count, count + int(rate * 20)))
        appended = _paced(services, more, rate)
        deadline = time.monotonic() + 120
        while min(runner.positions().values()) < appended[-1][1] and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.1)
        stop.set()
        view_lags = [_covered(seen, head) - returned for returned, head in appended]
        for thread in live:
            thread.join(timeout=30)
        figures["publish_live_max_lag_events"] = max(lags) if lags else None
        figures["publish_live_p95_lag_events"] = _quantile([float(v) for v in lags], 0.95)
        figures["view_lag_through_stream_s"] = {
            "p50": round(max(0.0, statistics.median(view_lags)), 3),
            "p95": _quantile([max(0.0, v) for v in view_lags], 0.95),
            "max": round(max(0.0, max(view_lags)), 3), "sampled_every_s": 0.02}
        runner.source.close()  # type: ignore[attr-defined]
        view_services.close()
        _phase("forwarding")
        with _target(root) as (url, key, secret):
            registry = ForwarderRegistry(services.store.db)
            registry.add(url=url, key=key, secret=secret, name="bench")
            total = count + len(more)
            started = time.perf_counter()
            forwarding = Forwarding(registry, settings)
            forwarding.forward_available()
            forwarding.link.close()
            seconds = time.perf_counter() - started
            figures["forwarding_per_s"] = round(total / seconds)
            figures["forwarding_batch"] = settings.forwarding_batch
        publisher.close()
        services.close()
    return figures


@contextlib.contextmanager
def _target(root: Path) -> Iterator[tuple[str, str, str]]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LRS_")}
    env.update({"LRS_DATABASE_URL": f"sqlite:///{root / 'target.sqlite3'}", "LRS_DATA_DIR": str(root),
                "LRS_LOG_LEVEL": "WARNING"})
    key, secret = "bench-target", uuid.uuid4().hex
    subprocess.run([sys.executable, "-m", "lrs.cli", "credentials", "create", "--key", key,
                    "--secret", secret, "--scopes", "all"], env=env, check=True, capture_output=True)
    with open(root / "target.log", "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "lrs.cli", "serve", "--port", str(port),
                                 "--no-projections"], env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        import urllib.request

        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/xapi/about", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/xapi", key, secret
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)


def _covered(seen: list[tuple[float, int]], position: int) -> float:
    """The first sampled instant at which the views' position had reached `position`."""
    return next((instant for instant, reached in seen if reached >= position), float("inf"))


def _quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stream", description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--statements", type=int, default=20_000)
    parser.add_argument("--rate", type=float, default=500.0, help="paced appends, statements/s")
    args = parser.parse_args(argv)
    print(orjson.dumps(measure(args.store, args.statements, args.rate)).decode())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
