"""``python -m bench.dashboard``: server time of the dashboard's pages for a big program.

Issue 21 point 5: a program page under 200 ms of server time for a program of 1,000
mentees. This script builds a fresh store (or reuses one, ``--database-url``), posts
one `lrs simulate` program of ``--mentees`` mentees and ``--mentors`` mentors through
the xAPI API, brings the views up to date, signs a coordinator in to the dashboard and
times each page ``--runs`` times after one warm-up, through Flask's test client in
this process (no network: the time is the server's, from the request to the last byte
of the answer). It prints, per page, the median, lowest and highest milliseconds and
the size of the answer, and this process's CPU per request. ``--api-runs N`` also times
each coordinator API endpoint of the program N times (issue 18 point 5); ``--out`` writes
it all as JSON with the command and the machine's load average.

    python -m bench.dashboard --store sqlite --keep
    python -m bench.dashboard --database-url sqlite:////tmp/lrs-bench-sqlite-x/lrs.sqlite3 \
        --data-dir /tmp/lrs-bench-sqlite-x --api-runs 30 --out bench/results/dashboard/x.json

It is a measurement, not a test: figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench.server import DEFAULT_PG_ADMIN_URL, Store


def _load(app: Any, mentors: int, mentees: int, weeks: int, end: date) -> None:
    from lrs.simulate import SimulationConfig, post_all, simulate

    history = simulate(SimulationConfig(end=end, programs=1, mentors=mentors, mentees=mentees, weeks=weeks))
    credential, secret = app.extensions["lrs"].credentials.create(scopes=("all",), label="bench")
    client = app.test_client()
    client.environ_base["HTTP_X_EXPERIENCE_API_VERSION"] = "1.0.3"
    auth = (credential.key, secret)

    def transport(batch: list[dict[str, Any]]) -> None:
        answer = client.post("/xapi/statements", json=batch, auth=auth)
        if answer.status_code != 200:
            raise SystemExit(f"posting failed: {answer.status_code} {answer.get_data(as_text=True)[:300]}")

    t0 = time.perf_counter()
    post_all(history.statements, transport, batch_size=500)
    print(f"posted {len(history.statements)} statements in {time.perf_counter() - t0:.0f} s", file=sys.stderr)


def _sign_in(app: Any) -> Any:
    created, secret = app.extensions["lrs"].credentials.create(role="coordinator")
    browser = app.test_client()
    page = browser.get("/dashboard/signin").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    answer = browser.post("/dashboard/signin", data={"csrf_token": token.group(1), "key": created.key,
                                                     "secret": secret, "next": "/dashboard/"})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return browser


def _pages(app: Any, today: date) -> list[tuple[str, str]]:
    """(label, path) of the pages to time, for the store's one program."""
    from projections import mentoring
    from projections.mentoring_profile import Kind

    with app.extensions["lrs"].store.db.read() as cur:
        program = mentoring.programs(cur, None)[0][0]
        mentor = cur.execute("SELECT actor FROM mentoring_fact WHERE program = ? AND kind = ? ORDER BY actor",
                             [program, int(Kind.ENROLLED_MENTOR)]).fetchone()
        mentee = cur.execute("SELECT actor FROM mentoring_fact WHERE program = ? AND kind = ? ORDER BY actor",
                             [program, int(Kind.ENROLLED_MENTEE)]).fetchone()
    pid = quote(program, safe="")
    month = (today - timedelta(days=29)).isoformat()
    pages = [
        ("program", f"/dashboard/program?id={pid}"),
        ("program, last 30 days", f"/dashboard/program?id={pid}&from={month}&to={today.isoformat()}"),
        ("program, page 3 by mentee", f"/dashboard/program?id={pid}&sort=mentee&page=3"),
        ("programs", "/dashboard/"),
        ("compare", "/dashboard/compare"),
    ]
    if mentor is not None:
        pages.append(("mentor", f"/dashboard/mentor?program={pid}&agent={quote(mentor['actor'], safe='')}"))
    if mentee is not None:
        pages.append(("mentee", f"/dashboard/mentee?program={pid}&agent={quote(mentee['actor'], safe='')}"))
    return pages


def _commit() -> str:
    """The code measured: HEAD, and whether the work tree differed from it."""
    import subprocess

    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                           text=True).stdout.strip()
    return head + (" + uncommitted changes" if dirty else "")


_API = ("programs", "program", "program/mentees", "program/mentors", "program/weekly", "program/cohorts",
        "program/pairs-at-risk", "matching", "gaps", "gaps/groups", "reinforcement", "engagement/funnel",
        "engagement/timeline", "engagement/mentions", "engagement/discussion", "outcomes", "profile-issues")
"""The coordinator API endpoints of one program (issue 18 point 5: each p99 < 50 ms)."""


def _api(app: Any, runs: int) -> list[dict[str, Any]]:
    """Each coordinator API endpoint for the store's program, ``runs`` times after a warm-up."""
    from projections import mentoring

    created, secret = app.extensions["lrs"].credentials.create(role="coordinator")
    client = app.test_client()
    with app.extensions["lrs"].store.db.read() as cur:
        pid = quote(mentoring.programs(cur, None)[0][0], safe="")
    found = []
    print(f"{'endpoint':<34} {'p50 ms':>7} {'p95':>6} {'max':>6}   (runs: {runs}; status)")
    for endpoint in _API:
        path = f"/coordinator/{endpoint}" + ("" if endpoint == "programs" else f"?program={pid}")
        answer = client.get(path, auth=(created.key, secret))
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            answer = client.get(path, auth=(created.key, secret))
            answer.get_data()
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"{endpoint:<34} {statistics.median(times):7.1f} {p95:6.1f} {times[-1]:6.1f}   {answer.status_code}")
        found.append({"endpoint": path, "status": answer.status_code, "p50_ms": round(statistics.median(times), 1),
                      "p95_ms": round(p95, 1), "max_ms": round(times[-1], 1),
                      "kb": round(len(answer.get_data()) / 1024, 1)})
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dashboard", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--database-url", help="an already loaded store (skips creating and loading)")
    parser.add_argument("--pg-admin-url", default=DEFAULT_PG_ADMIN_URL)
    parser.add_argument("--mentees", type=int, default=1000)
    parser.add_argument("--mentors", type=int, default=100)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the store made (prints its URL)")
    parser.add_argument("--data-dir", help="the data directory of --database-url's store (its master key)")
    parser.add_argument("--api-runs", type=int, default=0,
                        help="also time each coordinator API endpoint of the program this many times")
    parser.add_argument("--out", help="write the figures, the command and the machine's load as JSON here")
    args = parser.parse_args(argv)

    from lrs.app import create_app
    from lrs.settings import Settings

    today = datetime.now(UTC).date()
    store = None
    if args.database_url:
        url, data_dir = args.database_url, Path(args.data_dir or "/tmp")
    else:
        store = Store.create(args.store, pg_admin_url=args.pg_admin_url)
        url, data_dir = store.database_url, store.data_dir
    app = create_app(Settings(database_url=url, data_dir=str(data_dir), public_url="http://lrs.test"))
    try:
        if store is not None:
            _load(app, args.mentors, args.mentees, args.weeks, today)
        applied = app.extensions["lrs"].projections.catch_up()
        print(f"views caught up ({applied} statements applied)", file=sys.stderr)
        browser = _sign_in(app)
        from lrs.ops import heap

        heap.settle()  # as each served worker does once its app is loaded (gunicorn_conf.post_worker_init)
        load_before = os.getloadavg()
        started = datetime.now(UTC).isoformat(timespec="seconds")
        figures = []
        print(f"{'page':<28} {'median ms':>9} {'min':>6} {'max':>6} {'cpu ms':>6} {'KB':>6}   (runs: {args.runs})")
        for label, path in _pages(app, today):
            answer = browser.get(path)
            assert answer.status_code == 200, (path, answer.status_code)
            times, cpu = [], []
            for _ in range(args.runs):
                t0, c0 = time.perf_counter(), time.process_time()
                answer = browser.get(path)
                answer.get_data()
                times.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
            size = len(answer.get_data()) / 1024
            print(f"{label:<28} {statistics.median(times):9.0f} {min(times):6.0f} {max(times):6.0f}"
                  f" {statistics.median(cpu):6.0f} {size:6.0f}")
            figures.append({"page": label, "path": path, "median_ms": round(statistics.median(times), 1),
                            "min_ms": round(min(times), 1), "max_ms": round(max(times), 1),
                            "cpu_median_ms": round(statistics.median(cpu), 1), "kb": round(size, 1)})
        api = _api(app, args.api_runs) if args.api_runs else []
        if args.out:
            Path(args.out).write_text(json.dumps({
                "command": "python -m bench.dashboard " + " ".join(argv if argv is not None else sys.argv[1:]),
                "store": "postgres" if url.startswith("postgres") else "sqlite",
                "started": started, "runs": args.runs,
                "load_average_before": load_before, "load_average_after": os.getloadavg(),
                "note": "a shared 2-core machine (about 4 agents); cpu_median_ms is this process's CPU"
                        " (SQLite runs in it; PostgreSQL's own CPU is not in it)",
                "commit": _commit(), "pages": figures, "api": api,
            }, indent=2) + "\n")
    finally:
        app.extensions["lrs"].close()
        if store is not None:
            if args.keep:
                print(f"store kept: --database-url {store.database_url}", file=sys.stderr)
            else:
                store.drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
