"""``python -m bench run``: the LRS benchmark, one command (see docs/PERFORMANCE.md).

A run, against a fresh store:

1. starts ``lrs serve`` (gunicorn) on a free port of 127.0.0.1 (`bench.server`);
2. for each size: loads the corpus up to it through the HTTP API (500-statement
   batches, in parallel), writes the same statements into the raw tables
   (`bench.raw`), and times the four filters and paging, on the LRS and as raw SQL
   (`bench.queries`);
3. at the largest size, runs the ingest benchmarks with a separate load-generator
   process (`bench.load`): single-statement POST at several concurrency levels,
   POST of 100-statement batches, PUT; once per worker count asked for;
4. projection lag: a named hook that says it measured nothing (`bench.lag`);
5. prints a table and writes JSON (`bench.report`), with the machine, the store,
   the worker count, the code measured, and every problem the server showed.

``--fresh-vs-analyzed`` makes the run twice, never analyzed and analyzed, and
compares every figure (`bench.fresh`).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import lag, load, noise, procs, queries, raw, report
from bench.server import DEFAULT_PG_ADMIN_URL, PORTS_ENV, Server, Store
from bench.statements import STATEMENTS_PER_REGISTRATION, Corpus, parse_sizes

NOISY_CORES = 0.3
"""Other processes using this many cores during a phase make its figures suspect: warned."""


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the benchmark against a fresh store")
    run.add_argument("--store", choices=("sqlite", "postgres"), required=True)
    run.add_argument("--size", default="10k,100k",
                     help="stored sizes at which queries are timed, e.g. 10k,100k or 1M (default 10k,100k)")
    run.add_argument("--workers", default=None,
                     help="gunicorn workers; a list (1,2) repeats the ingest benchmarks for each "
                          "(default: the LRS's own default, 1 on SQLite, 2 on PostgreSQL)")
    run.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker (default 8)")
    run.add_argument("--duration", type=float, default=10, help="seconds per ingest measurement (default 10)")
    run.add_argument("--concurrency", default="1,4,16,64",
                     help="concurrency levels of the single-statement POST benchmark (default 1,4,16,64)")
    run.add_argument("--batch-size", type=int, default=100, help="statements per batch POST (default 100)")
    run.add_argument("--batch-concurrency", type=int, default=4, help="connections for batch POST (default 4)")
    run.add_argument("--put-concurrency", type=int, default=16, help="connections for PUT (default 16)")
    run.add_argument("--queries", type=int, default=200, help="requests per query kind (default 200)")
    run.add_argument("--query-limit", type=int, default=100, help="limit= of every query (default 100)")
    run.add_argument("--page-results", type=int, default=10_000,
                     help="statements to page through with `more` (default 10000)")
    run.add_argument("--page-walks", type=int, default=2, help="walks through the pages (default 2)")
    run.add_argument("--load-batch", type=int, default=500, help="statements per POST when loading (default 500)")
    run.add_argument("--load-concurrency", type=int, default=4, help="parallel loaders (default 4)")
    run.add_argument("--seed", type=int, default=20261103)
    run.add_argument("--loadgen", choices=("auto", "wrk", "python"), default="auto",
                     help="ingest load generator: wrk when installed (auto), else Python")
    run.add_argument("--pg-admin-url", default=os.environ.get("BENCH_PG_ADMIN_URL", DEFAULT_PG_ADMIN_URL),
                     help="PostgreSQL URL used to CREATE and DROP the run's database")
    run.add_argument("--out", default="bench-results.json", help="JSON output (default bench-results.json)")
    run.add_argument("--quick", action="store_true",
                     help="a tiny run of a few seconds (1k statements, short ingest): the smoke test's")
    run.add_argument("--analyze", action="store_true",
                     help="ANALYZE the store after each load, as autovacuum would on a production "
                          "PostgreSQL (default: measure the store as the LRS leaves it)")
    run.add_argument("--fresh-vs-analyzed", action="store_true",
                     help="the run twice, each on a new store: never analyzed, then with --analyze; "
                          "OUT holds every figure of both with its ratio (issue 18 target 3, bench.fresh)")
    run.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS",
                     help="first wait up to SECONDS for the 1-minute load average to fall below 0.5")
    run.add_argument("--lag-rate", type=float, default=2000,
                     help="statements/s of sustained ingest while projection lag is measured (default 2000)")
    lag_only = sub.add_parser("lag", help="projection lag alone: a fresh store, lrs serve (with its "
                              "projection runner), sustained ingest at a fixed rate")
    lag_only.add_argument("--store", choices=("sqlite", "postgres"), required=True)
    lag_only.add_argument("--rate", type=float, default=2000, help="statements/s (default 2000)")
    lag_only.add_argument("--batch", type=int, default=100, help="statements per POST (default 100)")
    lag_only.add_argument("--concurrency", type=int, default=4, help="connections (default 4)")
    lag_only.add_argument("--duration", type=float, default=20, help="seconds of ingest (default 20)")
    lag_only.add_argument("--preload", type=int, default=0,
                          help="statements stored (and projected) before measuring (default 0)")
    lag_only.add_argument("--workers", type=int, default=None)
    lag_only.add_argument("--pg-admin-url", default=os.environ.get("BENCH_PG_ADMIN_URL", DEFAULT_PG_ADMIN_URL))
    lag_only.add_argument("--out", default="bench-lag.json")
    compare = sub.add_parser("compare", help="print runs' JSON side by side as Markdown tables")
    compare.add_argument("files", nargs="+")
    for one in (run, lag_only):
        one.add_argument("--ports", default=os.environ.get(PORTS_ENV), metavar="FIRST-LAST",
                         help="ports the LRS server may listen on, e.g. 18300-18399 (default: any free port)")
    run.add_argument("--strict", action="store_true",
                     help="exit 1 when the server showed problems or requests failed")
    return parser


def apply_quick(ns: argparse.Namespace) -> None:
    ns.size = "1000"
    ns.duration = 2
    ns.concurrency = "1,16"
    ns.batch_concurrency = 2
    ns.put_concurrency = 4
    ns.queries = 20
    ns.page_results = 500
    ns.page_walks = 1
    ns.load_concurrency = 2


class Run:
    def __init__(self, ns: argparse.Namespace):
        self.ns = ns
        self.sizes = parse_sizes(ns.size)
        default_workers = 1 if ns.store == "sqlite" else 2
        self.workers = _ints(ns.workers) if ns.workers else [default_workers]
        self.corpus = Corpus(ns.seed)
        self.engine = ns.loadgen
        if self.engine == "auto":
            self.engine = "wrk" if load.wrk_available() else "python"
        if self.engine == "wrk" and not load.wrk_available():
            raise SystemExit("bench: --loadgen wrk, but wrk is not installed (apt-get install wrk)")
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.results: dict[str, Any] = {
            "bench": "lrs-bench/1",
            "command": " ".join([Path(sys.executable).name, "-m", "bench", *sys.argv[1:]]),
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": report.machine_info(),
            "git": report.git_info(),
            "store": {"kind": ns.store},
            "server": {"workers": self.workers, "threads": ns.threads},
            "loadgen": {"engine": self.engine, "version": load.wrk_version() if self.engine == "wrk" else
                        f"python {sys.version.split()[0]}, http.client"},
            "config": {
                "sizes": self.sizes, "duration_s": ns.duration, "post_concurrency": _ints(ns.concurrency),
                "batch_size": ns.batch_size, "batch_concurrency": ns.batch_concurrency,
                "put_concurrency": ns.put_concurrency, "queries": ns.queries, "query_limit": ns.query_limit,
                "page_results": ns.page_results, "page_walks": ns.page_walks, "load_batch": ns.load_batch,
                "load_concurrency": ns.load_concurrency, "seed": ns.seed, "quick": ns.quick,
                "analyze_after_load": ns.analyze,
                "statement_bytes_mean": self._mean_statement_bytes(),
            },
            "populate": [],
            "queries": {},
            "ingest": {},
        }
        self.stored = 0  # corpus statements loaded so far
        self.server: Server | None = None
        self.sampler: procs.Sampler | None = None
        self.store: Store | None = None
        self.raw: raw.RawStore | None = None

    def _mean_statement_bytes(self) -> int:
        import orjson

        return round(sum(len(orjson.dumps(self.corpus.statement(i))) for i in range(200)) / 200)

    def log(self, msg: str) -> None:
        print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    def check_server(self, phase: str) -> bool:
        assert self.server is not None
        for p in self.server.problems():
            self.problems.append(f"{phase}: server: {p}")
        if self.server.health()["tracebacks"] and not self.results.get("server_first_traceback"):
            self.results["server_first_traceback"] = self.server.first_traceback()
        if not self.server.alive():
            self.results["server_log_tail"] = self.server.log_tail(80)
            return False
        return True

    def note_noise(self, phase: str, result: dict[str, Any]) -> None:
        if result.get("other_cpu_cores", 0) >= NOISY_CORES:
            top = ", ".join(f"{n} {c}" for n, c in result.get("top_others", []))
            self.warnings.append(f"{phase}: other processes used {result['other_cpu_cores']} core(s) ({top})")

    def wait_quiet(self, seconds: float) -> None:
        """Wait (up to `seconds`) for the 1-minute load average to fall below 0.5."""
        deadline = time.monotonic() + seconds
        while os.getloadavg()[0] >= 0.5 and time.monotonic() < deadline:
            self.log(f"waiting for a quiet machine: load average {os.getloadavg()[0]:.2f}")
            time.sleep(min(15, max(1, deadline - time.monotonic())))

    # --- phases ---------------------------------------------------------------------

    def start_server(self, workers: int) -> None:
        assert self.store is not None
        if self.server is not None:
            self.stop_sampler()
            self.server.stop()
            self._server_reports.append(self.server.health())
        self.server = Server(self.store, workers=workers, threads=self.ns.threads)
        self.log(f"starting lrs serve: {workers} worker(s) x {self.ns.threads} threads")
        self.server.start()
        assert self.server.proc is not None
        self.sampler = procs.Sampler(self.server.proc.pid).start()
        self.results["server"].setdefault("rss", []).append({"workers": workers})

    def stop_sampler(self) -> None:
        """The RSS figures of the server being stopped (issue 18 target 8)."""
        if self.sampler is not None:
            self.results["server"]["rss"][-1].update(self.sampler.stop())
            self.sampler = None

    def runner_mark(self) -> dict[str, Any] | None:
        """The runner's CPU ticks and the statements stored, once it has caught up (target 6)."""
        assert self.server is not None and self.sampler is not None
        tracker = lag.Tracker(self.server.store.kind, self.server.store.database_url)
        try:
            waited = tracker.wait_caught_up(timeout=600)
        finally:
            tracker.close()
        pid = self.sampler.runner_pid()
        ticks = procs.cpu_ticks(pid) if pid is not None else None
        if ticks is None:
            return None
        return {"pid": pid, "ticks": ticks, "statements": self.stored + self._ingested,
                "waited_s": round(waited, 2), "at": time.monotonic()}

    def runner_cpu(self, phase: str, before: dict[str, Any] | None) -> None:
        """Runner CPU per statement from `before` to now, when the same runner ran throughout."""
        after = self.runner_mark()
        if before is None or after is None or after["pid"] != before["pid"]:
            return
        statements = after["statements"] - before["statements"]
        seconds = procs.cpu_seconds(after["ticks"] - before["ticks"])
        fig = {"statements": statements, "runner_cpu_s": round(seconds, 2),
               "wall_s": round(after["at"] - before["at"], 1), "caught_up_wait_s": after["waited_s"],
               "ms_per_statement": round(1000 * seconds / statements, 3) if statements else None}
        self.results.setdefault("runner_cpu", {})[phase] = fig
        self.log(f"  runner CPU over {phase}: {fig['ms_per_statement']} ms per statement "
                 f"({seconds:.1f} s for {statements:,})")

    def populate_to(self, size: int) -> None:
        assert self.server is not None
        self.log(f"loading statements {self.stored:,} -> {size:,} through the API")
        with noise.watch() as phase:
            r = load.run_populate(base_url=self.server.base_url, authorization=self.server.authorization,
                                  seed=self.ns.seed, start=self.stored, stop=size, batch=self.ns.load_batch,
                                  concurrency=self.ns.load_concurrency)
        r.update({"from": self.stored, "to": size, "noise": phase.result})
        self.note_noise(f"loading to {size:,}", phase.result)
        self.results["populate"].append(r)
        self.log(f"  {r['stored']:,} stored in {r['seconds']:.1f} s ({r['statements_per_s']:,} statements/s)")
        if r["failed_batches"]:
            self.problems.append(f"loading {self.stored:,}->{size:,}: {r['failed_batches']} batch(es) failed: "
                                 + "; ".join(r["failures"][:2]))
        self.stored = size

    def grow_raw(self, size: int) -> None:
        assert self.raw is not None
        self.log(f"raw store: writing statements up to {size:,}")
        inc = self.raw.grow_to(size)
        self.raw.analyze()
        self.log(f"  raw: {inc['statements_per_s']:,} statements/s")

    def time_queries(self, size: int) -> None:
        assert self.server is not None
        ns = self.ns
        client = queries.Client("127.0.0.1", self.server.port, self.server.authorization)
        block: dict[str, Any] = {}
        self.results["queries"][str(size)] = block
        watcher = noise.watch()
        phase = watcher.__enter__()
        try:
            self.log(f"queries at {size:,}: {ns.queries} of each kind")
            plan = queries.plan(self.corpus, size, repeat=ns.queries, limit=ns.query_limit, client=client,
                                raw=self.raw)
            for kind in queries.KINDS:
                fig: dict[str, Any] = {"title": queries.KIND_TITLES[kind]}
                block[kind] = fig
                try:
                    fig["lrs"] = queries.run_kind(client, plan.targets[kind])
                    if self.raw is not None:
                        fig["raw"] = queries.run_raw_kind(self.raw, plan.targets[kind], ns.query_limit)
                        lp50, rp50 = fig["lrs"]["latency_ms"]["p50"], fig["raw"]["latency_ms"]["p50"]
                        fig["p50_over_raw"] = round(lp50 / rp50, 1) if lp50 and rp50 else None
                    if fig["lrs"]["wrong_answers"]:
                        self.problems.append(f"query {kind} at {size:,}: wrong answers, e.g. "
                                             + fig["lrs"]["wrong_answers"][0])
                    bad = {k: v for k, v in fig["lrs"]["status"].items() if k != "200"}
                    if bad:
                        self.problems.append(f"query {kind} at {size:,}: non-200 answers {bad}")
                except Exception as exc:
                    fig["error"] = f"{type(exc).__name__}: {exc}"
                    self.problems.append(f"query {kind} at {size:,}: {fig['error']}")
            for name, first in (("paging_all", f"/xapi/statements?limit={ns.query_limit}"),
                                ("paging_verb", f"/xapi/statements?verb={queries.verb_iri('experienced')}"
                                                f"&limit={ns.query_limit}")):
                self.log(f"  {name}: following more through {ns.page_results:,} results")
                try:
                    fig = queries.paging(client, first, results=ns.page_results, walks=ns.page_walks)
                    if name == "paging_all" and self.raw is not None:
                        fig["raw"] = queries.raw_paging(self.raw, results=ns.page_results,
                                                        limit=ns.query_limit, walks=ns.page_walks)
                    block[name] = fig
                    if fig["duplicates"] or fig["errors"]:
                        self.problems.append(f"{name} at {size:,}: {fig['duplicates']} repeated statement(s), "
                                             f"errors: {fig['errors'][:1]}")
                except Exception as exc:
                    block[name] = {"error": f"{type(exc).__name__}: {exc}"}
                    self.problems.append(f"{name} at {size:,}: {block[name]['error']}")
        finally:
            block["_client_reconnects"] = client.reconnects
            client.close()
            watcher.__exit__(None, None, None)
            self.results.setdefault("query_noise", {})[str(size)] = phase.result
            self.note_noise(f"queries at {size:,}", phase.result)

    def ingest_suite(self, workers: int, workdir: Path) -> None:
        assert self.server is not None
        ns = self.ns
        label = f"workers={workers}"
        suite: dict[str, Any] = {"_stored_before": self.stored + self._ingested}
        self.results["ingest"][label] = suite
        runs: list[tuple[str, str, int, int]] = [
            (f"post_c{c}", "post", c, 1) for c in _ints(ns.concurrency)]
        runs.append(("batch", "batch", ns.batch_concurrency, ns.batch_size))
        runs.append(("put", "put", ns.put_concurrency, 1))
        for name, mode, conc, per in runs:
            self.log(f"ingest {label}: {name} ({mode}, c={conc}, {ns.duration:g} s, {self.engine})")
            bodies = self._bodies[mode]
            before = self.runner_mark()
            try:
                with noise.watch() as phase:
                    r = load.run_ingest(self.engine, base_url=self.server.base_url,
                                        authorization=self.server.authorization, mode=mode, bodies=bodies,
                                        concurrency=conc, duration=ns.duration, statements_per_request=per,
                                        workdir=workdir)
                r["noise"] = phase.result
                self.note_noise(f"ingest {label} {name}", phase.result)
            except Exception as exc:
                suite[name] = {"error": f"{type(exc).__name__}: {exc}"}
                self.problems.append(f"ingest {label} {name}: {suite[name]['error'][:300]}")
                if not self.check_server(f"ingest {label} {name}"):
                    return
                continue
            suite[name] = r
            self._ingested += r["ok_requests"] * per
            self.runner_cpu(f"{label} {name}", before)
            self.log(f"  {r['requests_per_s']:,} req/s, {r['statements_per_s']:,} statements/s, "
                     f"p50 {r['latency_ms']['p50']} ms, p99 {r['latency_ms']['p99']} ms, "
                     f"failed {r['failed_requests']}")
            if r["failed_requests"]:
                self.problems.append(f"ingest {label} {name}: {r['failed_requests']} failed request(s) "
                                     f"{r['status']} {r['socket_errors']}; first error: {r['first_error'][:200]}")
            if r["ok_requests"] == 0:
                self.problems.append(f"ingest {label} {name}: no request succeeded")
            if not self.check_server(f"ingest {label} {name}"):
                return

    # --- the run --------------------------------------------------------------------

    def execute(self) -> int:
        ns = self.ns
        t_start = time.time()
        self._server_reports: list[dict[str, Any]] = []
        self._ingested = 0
        if ns.wait_quiet:
            self.wait_quiet(ns.wait_quiet)
            self.results["machine"]["load_average_at_start"] = list(os.getloadavg())
        try:
            self.store = Store.create(ns.store, pg_admin_url=ns.pg_admin_url)
            self.results["store"]["version"] = self.store.version()
            workdir = self.store.data_dir
            self._bodies = {
                "post": load.write_bodies(workdir / "post.jsonl", "post", seed=ns.seed, count=1000),
                "put": load.write_bodies(workdir / "put.jsonl", "put", seed=ns.seed, count=1000),
                "batch": load.write_bodies(workdir / "batch.jsonl", "batch", seed=ns.seed, count=20,
                                           batch=ns.batch_size),
            }
            self.start_server(self.workers[0])
            self.raw = raw.open_raw(ns.store, self.corpus, database_url=self.store.database_url,
                                    folder=workdir)
            ok = True
            loading = self.runner_mark()
            for size in self.sizes:
                # With --analyze, statistics are refreshed whenever the store has doubled,
                # as autovacuum's analyze threshold would (roughly) while it grows.
                steps = [size]
                if ns.analyze:
                    steps, at = [], max(self.stored, 10_000)
                    while at * 2 < size:
                        at *= 2
                        steps.append(at // STATEMENTS_PER_REGISTRATION * STATEMENTS_PER_REGISTRATION)
                    steps = [n for n in steps if n > self.stored] + [size]
                for step in steps:
                    self.populate_to(step)
                    if not (ok := self.check_server(f"loading to {step:,}")):
                        break
                    if ns.analyze:
                        seconds = self.store.analyze()
                        self.log(f"ANALYZE of the store (--analyze) took {seconds:.1f} s")
                if not ok:
                    break
                self.results.setdefault("statistics", {})[str(size)] = self.store.statistics()
                self.grow_raw(size)
                self.time_queries(size)
                if not (ok := self.check_server(f"queries at {size:,}")):
                    break
            self.results["raw"] = self.raw.summary()
            self.results["raw"]["indexes_of_the_lrs"] = raw.index_inventory(ns.store, self.store.database_url)
            self.results["raw"]["lrs_index_rows_per_statement"] = raw.lrs_key_rows_per_statement(
                ns.store, self.store.database_url)
            if ok:
                self.runner_cpu("loading", loading)
                for i, workers in enumerate(self.workers):
                    if i > 0:
                        self.start_server(workers)
                    self.ingest_suite(workers, workdir)
                    if not self.check_server(f"ingest workers={workers}"):
                        break
            self.log(f"projection lag: sustained ingest at {ns.lag_rate:g} statements/s")
            self.results["projection_lag"] = lag.measure_projection_lag(
                self.server, duration=ns.duration, rate=ns.lag_rate)
            self.log(f"  {self.results['projection_lag']['status']}")
        except KeyboardInterrupt:
            self.problems.append("run interrupted")
        except Exception as exc:
            self.problems.append(f"run aborted: {type(exc).__name__}: {exc}")
            self.results["traceback"] = traceback.format_exc()
            self.log(self.results["traceback"])
        finally:
            if self.server is not None:
                self.check_server("end of run")
                self.results["server"]["log_tail"] = self.server.log_tail(20)
                self.stop_sampler()
                self.server.stop()
                self.results["server"]["health"] = [*self._server_reports, self.server.health()]
            if self.store is not None:
                self.results["store"]["size_bytes_end"] = self.store.size_bytes()
            if self.raw is not None:
                try:
                    self.raw.close()
                except Exception:
                    pass
            if self.store is not None:
                self.store.drop()
        self.results.setdefault("projection_lag", lag.measure_projection_lag(None, duration=0))
        self.results["machine"]["load_average_at_end"] = list(os.getloadavg())
        self.results["seconds"] = round(time.time() - t_start, 1)
        self.results["problems"] = list(dict.fromkeys(self.problems))
        self.results["warnings"] = list(dict.fromkeys(self.warnings))
        self.results["targets"] = report.evaluate_targets(self.results)
        out = Path(ns.out)
        report.write_json(self.results, out)
        print(report.render(self.results))
        print(f"\nJSON written to {out}")
        return 1 if (ns.strict and self.results["problems"]) else 0


def _terminate(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # run the cleanup (stop the server, drop the store) on SIGTERM too


def main(argv: list[str] | None = None) -> int:
    import signal

    signal.signal(signal.SIGTERM, _terminate)
    ns = build_parser().parse_args(argv)
    if getattr(ns, "ports", None):
        os.environ[PORTS_ENV] = ns.ports  # bench.server.free_port reads it, in this run and the next
    if ns.command == "compare":
        from bench import compare

        return compare.main(ns.files)
    if ns.command == "lag":
        return lag.run_alone(ns)
    if ns.quick:
        apply_quick(ns)
    if ns.fresh_vs_analyzed:
        from bench import fresh

        return fresh.run(ns, Run)
    return Run(ns).execute()


if __name__ == "__main__":
    raise SystemExit(main())
