"""Where the write path's time goes: py-spy on one gunicorn worker under ingest load.

``python -m bench.profile --store postgres``: a fresh store, ``lrs serve`` with ONE
worker (and its projection runner, as in production), ``--preload`` statements loaded
and ANALYZEd, then wrk drives single-statement POSTs (or batches, ``--mode batch``) for
``--duration`` seconds while ``py-spy record`` samples the worker (on-CPU samples only,
GIL holders or not). Printed and written as JSON:

* CPU seconds per statement of the worker, the runner, PostgreSQL's backends and the load
  generator (from ``/proc``), so the split between Python and the database is visible;
* the share of the worker's on-CPU samples under each of a few frames that name the
  steps of the write path (inclusive), and the top functions by own (self) samples.

py-spy must be installed (``.venv/bin/pip install py-spy``) and allowed to ptrace the
worker (root, or ``kernel.yama.ptrace_scope=0``).
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson

from bench import load, report
from bench.server import DEFAULT_PG_ADMIN_URL, Server, Store

# Frames naming the steps of the write path, matched as substrings of "function (file)".
STEPS: list[tuple[str, str]] = [
    ("whole request (Flask dispatch)", "full_dispatch_request"),
    ("before-request hooks: limits, metrics, auth", "preprocess_request"),
    ("after-request hooks", "process_response"),
    ("JSON parse (orjson/json loads)", "loads ("),
    ("validation (xapi/validation.py, marshmallow)", "validate_statements ("),
    ("preparing stored statements (xapi/prepare.py)", "xapi/prepare.py"),
    ("group commit: one append for the group", "_commit_group"),
    ("recorder insert (events + derived rows)", "insert_events ("),
    ("derived rows in the transaction", "_write_derived"),
    ("audit hash chain", "chain_appended"),
    ("statement index rows", "statement_index.py"),
    ("psycopg execute", "execute (psycopg"),
    ("response JSON dumps", "dumps ("),
    ("logging (request log lines)", "emit (logging"),
]


def _cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except OSError:
        return 0


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], check=False, capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


def analyse(raw_lines: list[str], top: int = 25) -> dict[str, Any]:
    """Inclusive shares of the STEPS and the top self-time functions, from py-spy's raw output."""
    total = 0
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    for line in raw_lines:
        stack, _, count_s = line.rstrip().rpartition(" ")
        if not stack or not count_s.isdigit():
            continue
        count = int(count_s)
        frames = stack.split(";")
        # Only the request-handling threads: gunicorn's own loop is not the write path.
        total += count
        seen = set()
        for label, needle in STEPS:
            if any(needle in f for f in frames) and label not in seen:
                inclusive[label] += count
                seen.add(label)
        leaf = frames[-1]
        own[leaf.split(":")[0] if ":" in leaf else leaf] += count
    share = {label: round(100 * inclusive[label] / total, 1) if total else None for label, _ in STEPS}
    if total:  # gunicorn's HTTP parsing and socket I/O, the thread pool: outside Flask
        share["outside Flask (gunicorn HTTP, sockets, threads)"] = round(
            100 * (total - inclusive[STEPS[0][0]]) / total, 1)
    return {"samples": total, "inclusive_percent": share,
            "top_self": [(f, round(100 * c / total, 1)) for f, c in own.most_common(top)]}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.profile")
    p.add_argument("--store", choices=("sqlite", "postgres"), required=True)
    p.add_argument("--mode", choices=("post", "batch"), default="post")
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--duration", type=float, default=20)
    p.add_argument("--preload", type=int, default=10_000)
    p.add_argument("--rate", type=int, default=200, help="py-spy samples per second")
    p.add_argument("--pg-admin-url", default=os.environ.get("BENCH_PG_ADMIN_URL", DEFAULT_PG_ADMIN_URL))
    p.add_argument("--out", default="bench-profile.json")
    ns = p.parse_args(argv)
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    store = Store.create(ns.store, pg_admin_url=ns.pg_admin_url)
    server = Server(store, workers=1, threads=8)
    result: dict[str, Any] = {"machine": report.machine_info(), "git": report.git_info(),
                              "store": ns.store, "mode": ns.mode, "concurrency": ns.concurrency,
                              "workers": 1, "threads": 8, "load_average_start": os.getloadavg()}
    try:
        server.start()
        assert server.proc is not None
        load.run_populate(base_url=server.base_url, authorization=server.authorization, seed=20261103,
                          start=0, stop=ns.preload, batch=500, concurrency=2)
        store.analyze()
        kids = _children(server.proc.pid)
        runner = [k for k in kids if " project" in _cmdline(k)]
        workers = [k for k in kids if k not in runner]
        worker = workers[0]
        per = 100 if ns.mode == "batch" else 1
        bodies = load.write_bodies(store.data_dir / f"{ns.mode}.jsonl", ns.mode, seed=20261103,
                                   count=20 if per > 1 else 1000, batch=100)
        pg = _postgres_pids() if ns.store == "postgres" else []
        tracked = {"worker": [worker], "runner": runner, "gunicorn master": [server.proc.pid],
                   "postgres": pg}
        before = {k: sum(_cpu_ticks(x) for x in v) for k, v in tracked.items()}
        raw_path = store.data_dir / "pyspy.txt"
        spy = subprocess.Popen([py_spy, "record", "--pid", str(worker), "--rate", str(ns.rate),
                                "--duration", str(int(ns.duration)), "--format", "raw", "--nonblocking", "--gil",
                                "--output", str(raw_path)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
        engine = "wrk" if load.wrk_available() else "python"
        t0 = time.monotonic()
        ingest = load.run_ingest(engine, base_url=server.base_url, authorization=server.authorization,
                                 mode=ns.mode, bodies=bodies, concurrency=ns.concurrency,
                                 duration=ns.duration, statements_per_request=per, workdir=store.data_dir)
        wall = time.monotonic() - t0
        _, spy_err = spy.communicate(timeout=60)
        hz = os.sysconf("SC_CLK_TCK")
        after = {k: sum(_cpu_ticks(x) for x in v) for k, v in tracked.items()}
        statements = ingest["ok_requests"] * per
        result["ingest"] = {k: ingest[k] for k in ("requests_per_s", "statements_per_s", "latency_ms",
                                                   "ok_requests", "failed_requests")}
        result["wall_s"] = round(wall, 1)
        result["cpu_ms_per_statement"] = {
            k: round(1000 * (after[k] - before[k]) / hz / statements, 3) if statements else None
            for k in tracked}
        result["cpu_cores_used"] = {k: round((after[k] - before[k]) / hz / wall, 2) for k in tracked}
        lines = raw_path.read_text().splitlines() if raw_path.exists() else []
        if raw_path.exists():  # the collapsed stacks, for flame graphs (e.g. speedscope)
            shutil.copyfile(raw_path, Path(ns.out).with_suffix(".stacks.txt"))
        result["profile"] = analyse(lines)
        result["py_spy_stderr"] = spy_err.decode(errors="replace")[-500:]
        result["load_average_end"] = os.getloadavg()
        result["server_problems"] = server.problems()
    finally:
        server.stop()
        store.drop()
    Path(ns.out).write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    print(orjson.dumps({k: v for k, v in result.items() if k not in ("machine", "git")},
                       option=orjson.OPT_INDENT_2).decode())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
