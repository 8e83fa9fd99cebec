"""Projection lag: from a POST having returned to the projection runner's
tracking position covering it, under sustained ingest at a fixed rate.

How it is measured:

* a separate load-generator process (``python -m bench.lag generate``) POSTs
  batches of statements on an open-loop schedule (request i leaves at
  ``start + i * batch / rate``, whatever the answers' latency, over several
  keep-alive connections) and records, for each POST, the instant its answer
  arrived (``time.monotonic``, one clock for every process of the machine)
  and the statement ids it stored;
* meanwhile the harness polls the runner's tracking table (the
  ``eventsourcing`` library's single-row tracking, one row per view) every
  `POLL_S` and records (instant, lowest position over the views);
* afterwards each POST's statements are looked up in the statement index to
  get their log positions; the POST's lag is the first polled instant at which
  every view's position had reached its highest position, minus the instant
  the POST returned (0 when the runner was there first).

The lag therefore includes the runner's wake-up (polling interval on SQLite,
NOTIFY on PostgreSQL), reading the batch, the views' work and the commit, and
`POLL_S` of sampling resolution at most. The runner is the one `lrs serve`
starts beside gunicorn, with the views `build_views` returns.
"""

from __future__ import annotations

import argparse
import bisect
import http.client
import os
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import orjson

from bench.server import _die_with_parent
from bench.statements import Corpus

NOT_MEASURED = "not measured: no projections yet"
ROOT = Path(__file__).resolve().parent.parent
POLL_S = 0.005
"""How often the harness reads the tracking positions."""
XAPI_HEADERS = {"X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"}


def measure_projection_lag(server: Any, *, duration: float, rate: float = 2000, batch: int = 100,
                           concurrency: int = 4, seed: int = 20261103) -> dict[str, Any]:
    """The projection lag figures, or why there are none."""
    if server is None or duration <= 0:
        return {"measured": False, "status": NOT_MEASURED, "latency_ms": None}
    tracker = Tracker(server.store.kind, server.store.database_url)
    try:
        views = tracker.view_names()
        if not views:
            return {"measured": False, "status": "not measured: build_views returns no view",
                    "latency_ms": None}
        caught_up_s = tracker.wait_caught_up(timeout=600)
        # Its result goes to a file: through a pipe it would block on a full buffer
        # while the harness is busy sampling.
        output = Path(server.store.data_dir) / f"lag-load-{uuid.uuid4().hex[:8]}.json"
        generator = subprocess.Popen(
            [sys.executable, "-m", "bench.lag", "generate", "--url", server.base_url,
             "--authorization", server.authorization, "--rate", str(rate), "--batch", str(batch),
             "--concurrency", str(concurrency), "--duration", str(duration), "--seed", str(seed),
             "--out", str(output)],
            cwd=ROOT, preexec_fn=_die_with_parent,
        )
        samples = tracker.sample_while(lambda _covered: generator.poll() is None)
        if generator.returncode != 0 or not output.exists():
            raise RuntimeError(f"the lag load generator failed (exit code {generator.returncode})")
        load = orjson.loads(output.read_bytes())
        # Then until the runner has covered everything posted (or gives up after a minute).
        head = tracker.head()
        deadline = time.monotonic() + 60
        samples += tracker.sample_while(
            lambda covered: covered < head and time.monotonic() < deadline)
        positions = tracker.positions_of([i for post in load["posts"] for i in post["ids"]])
    finally:
        tracker.close()
    lags = _lags(load["posts"], positions, samples)
    figures = _summary(lags)
    achieved = load["statements"] / load["seconds"] if load["seconds"] else 0.0
    status = (f"p50 {figures['p50']} ms, p99 {figures['p99']} ms, max {figures['max']} ms "
              f"at {achieved:,.0f} statements/s ({len(lags)} POSTs of {batch}; views: {', '.join(views)})")
    missing = len(load["posts"]) - len(lags)
    return {
        "measured": True, "status": status, "latency_ms": figures, "views": views,
        "rate_target": rate, "statements_per_s": round(achieved, 1), "batch": batch,
        "concurrency": concurrency, "duration_s": duration, "posts": len(load["posts"]),
        "failed_posts": load["failed"], "not_covered": missing, "late_sends": load["late"],
        "post_latency_ms": load["post_latency_ms"], "caught_up_before_s": round(caught_up_s, 2),
        "poll_s": POLL_S,
    }


def _lags(posts: list[dict[str, Any]], positions: dict[str, int],
          samples: list[tuple[float, int]]) -> list[float]:
    """Seconds from each POST's return to the first sample covering its statements."""
    times = [t for t, _ in samples]
    covered = [p for _, p in samples]
    # The lowest position over views never goes down; make the series monotonic anyway.
    for i in range(1, len(covered)):
        covered[i] = max(covered[i], covered[i - 1])
    lags = []
    for post in posts:
        wanted = [positions[i] for i in post["ids"] if i in positions]
        if not wanted or len(wanted) != len(post["ids"]):
            continue
        at = bisect.bisect_left(covered, max(wanted))
        if at == len(covered):
            continue  # never covered within the run
        lags.append(max(0.0, times[at] - post["returned"]))
    return lags


def _summary(lags: list[float]) -> dict[str, float | None]:
    ordered = sorted(lags)

    def q(p: float) -> float | None:
        if not ordered:
            return None
        return round(1000 * ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)

    return {"p50": q(0.50), "p90": q(0.90), "p99": q(0.99), "max": q(1.0)}


class Tracker:
    """Reads the runner's tracking table and the statement index, directly."""

    def __init__(self, kind: str, database_url: str):
        self.kind = kind
        if kind == "sqlite":
            path = urlparse(database_url).path
            self.conn: Any = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self.table = "tracking"
            self.mark = "?"
        else:
            import psycopg

            self.conn = psycopg.connect(database_url, autocommit=True)
            self.table = "lrs_tracking"
            self.mark = "%s"

    def _all(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return list(self.conn.execute(sql.replace("?", self.mark), params).fetchall())

    def view_names(self) -> list[str]:
        rows = self._all(f"SELECT application_name FROM {self.table} "
                         "WHERE application_name <> '__migration__' ORDER BY application_name")
        return [r[0] for r in rows]

    def covered(self) -> int:
        rows = self._all(f"SELECT MIN(notification_id) FROM {self.table} "
                         "WHERE application_name <> '__migration__'")
        return int(rows[0][0] or 0)

    def head(self) -> int:
        table = "stored_events" if self.kind == "sqlite" else "lrs_events"
        column = "rowid" if self.kind == "sqlite" else "notification_id"
        return int(self._all(f"SELECT MAX({column}) FROM {table}")[0][0] or 0)

    def wait_caught_up(self, timeout: float) -> float:
        started = time.monotonic()
        head = self.head()
        while self.covered() < head and time.monotonic() - started < timeout:
            time.sleep(0.1)
        return time.monotonic() - started

    def sample_while(self, go_on: Callable[[int], bool]) -> list[tuple[float, int]]:
        """(instant, lowest position) every `POLL_S` while `go_on(lowest position)`."""
        samples = [(time.monotonic(), self.covered())]
        while go_on(samples[-1][1]):
            time.sleep(POLL_S)
            samples.append((time.monotonic(), self.covered()))
        return samples

    def positions_of(self, ids: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for at in range(0, len(ids), 500):
            chunk = ids[at:at + 500]
            marks = ",".join("?" * len(chunk))
            for sid, position in self._all(
                f"SELECT statement_id, position FROM xapi_statement WHERE statement_id IN ({marks})",
                tuple(chunk),
            ):
                found[str(sid)] = int(position)
        return found

    def close(self) -> None:
        self.conn.close()


# --- `python -m bench lag`: the lag alone ---------------------------------------------------


def run_alone(ns: argparse.Namespace) -> int:
    """A fresh store, `lrs serve` with its runner, optionally preloaded, then the lag."""
    from datetime import datetime

    from bench import load, report
    from bench.server import Server, Store

    store = Store.create(ns.store, pg_admin_url=ns.pg_admin_url)
    workers = ns.workers or (1 if ns.store == "sqlite" else 2)
    server = Server(store, workers=workers, threads=8)
    result: dict[str, Any] = {
        "bench": "lrs-bench-lag/1",
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": report.machine_info(), "git": report.git_info(),
        "store": {"kind": ns.store, "version": store.version()},
        "server": {"workers": workers, "threads": 8}, "preload": ns.preload,
    }
    try:
        server.start()
        if ns.preload:
            result["populate"] = load.run_populate(
                base_url=server.base_url, authorization=server.authorization, seed=20261103,
                start=0, stop=ns.preload, batch=500, concurrency=2)
            # Statistics, as autovacuum would keep them (see "--analyze" of the full run).
            result["analyze_s"] = round(store.analyze(), 2)
        result["projection_lag"] = measure_projection_lag(
            server, duration=ns.duration, rate=ns.rate, batch=ns.batch, concurrency=ns.concurrency)
        if ns.preload:
            # The runner's own speed, apart from ingest: every view replayed from 0.
            started = time.monotonic()
            rebuilt = server.lrs("projections", "rebuild", timeout=1800)
            seconds = time.monotonic() - started
            total = ns.preload + result["projection_lag"].get("posts", 0) * ns.batch
            result["rebuild"] = {
                "ok": rebuilt.returncode == 0, "seconds": round(seconds, 2), "statements": total,
                "statements_per_s": round(total / seconds) if seconds else None,
                "output": rebuilt.stdout.strip()[-300:] or rebuilt.stderr.strip()[-300:],
            }
        result["server_problems"] = server.problems()
    finally:
        server.stop()
        store.drop()
    Path(ns.out).write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    print(f"PROJECTION LAG ({ns.store}, {workers} worker(s)): {result['projection_lag']['status']}")
    if "rebuild" in result:
        print(f"REBUILD of every view: {result['rebuild']['statements']:,} statements in "
              f"{result['rebuild']['seconds']} s ({result['rebuild']['statements_per_s']:,} statements/s, "
              "process start included)")
    print(f"JSON written to {ns.out}")
    return 0


# --- the load generator (a separate process) ------------------------------------------------


def generate(ns: argparse.Namespace) -> dict[str, Any]:
    """POST `batch` statements per request on a fixed schedule for `duration` seconds."""
    url = urlparse(ns.url)
    corpus = Corpus(ns.seed)
    templates = [orjson.dumps([corpus.statement(20_000_000 + n * ns.batch + j, with_id=False)
                               for j in range(ns.batch)]) for n in range(50)]
    headers = {**XAPI_HEADERS, "Authorization": ns.authorization}
    interval = ns.batch / ns.rate
    lock = threading.Lock()
    posts: list[dict[str, Any]] = []
    latencies: list[float] = []
    failed = late = 0
    next_slot = [0]
    start = time.monotonic() + 0.2
    stop = start + ns.duration

    def run() -> None:
        nonlocal failed, late
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        while True:
            with lock:
                i = next_slot[0]
                next_slot[0] += 1
            due = start + i * interval
            if due >= stop or time.monotonic() >= stop:
                break  # the schedule is done, or the LRS fell behind it: the rate shows how far
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            elif wait < -0.01:
                with lock:
                    late += 1
            docs = orjson.loads(templates[i % len(templates)])
            ids = [str(uuid.uuid4()) for _ in docs]
            for doc, sid in zip(docs, ids, strict=True):
                doc["id"] = sid
            sent = time.monotonic()
            try:
                conn.request("POST", url.path.rstrip("/") + "/xapi/statements",
                             body=orjson.dumps(docs), headers=headers)
                resp = conn.getresponse()
                resp.read()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
                with lock:
                    failed += 1
                continue
            returned = time.monotonic()
            with lock:
                latencies.append(returned - sent)
                if resp.status == 200:
                    posts.append({"returned": returned, "ids": ids})
                else:
                    failed += 1
        conn.close()

    threads = [threading.Thread(target=run) for _ in range(ns.concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = max(ns.duration, (max((p["returned"] for p in posts), default=start) - start))
    return {"posts": posts, "failed": failed, "late": late, "seconds": seconds,
            "statements": len(posts) * ns.batch, "post_latency_ms": _summary(latencies)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.lag")
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="the load generator (run by the harness)")
    gen.add_argument("--url", required=True)
    gen.add_argument("--authorization", required=True)
    gen.add_argument("--rate", type=float, default=2000)
    gen.add_argument("--batch", type=int, default=100)
    gen.add_argument("--concurrency", type=int, default=4)
    gen.add_argument("--duration", type=float, default=10)
    gen.add_argument("--seed", type=int, default=20261103)
    gen.add_argument("--out", required=True, help="where the result (JSON) is written")
    ns = parser.parse_args(argv)
    Path(ns.out).write_bytes(orjson.dumps(generate(ns)))
    os._exit(0)  # no interpreter teardown of finished threads: the result is out


if __name__ == "__main__":
    raise SystemExit(main())
