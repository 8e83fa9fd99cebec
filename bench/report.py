"""What a run found: machine facts, the targets, a printed table and the JSON file."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# Issue 18's targets (PostgreSQL on the same 2-core machine); docs/PERFORMANCE.md "Targets (issue 18)".
BATCH_MIN_STATEMENTS_PER_S = 5_000
BATCH_MIN_OF_RAW = 0.5
POST_C1_P50_MAX_MS = 3.0
RUNNER_MAX_CPU_MS_PER_STATEMENT = 0.15
WORKER_MAX_RSS_MB = 250.0
POST_MIN_REQUESTS_PER_S = 1_000
POST_TARGET_CONCURRENCY = 16
P99_MAX_MS = 50.0
QUERY_TARGET_SIZE = 1_000_000
PAGING_MAX_DEPTH_RATIO = 1.5
LAG_RATE = 2_000
"""Statements/s of sustained ingest at which the projection lag target is set."""
LAG_P99_MAX_MS = 1_000.0
"""Paging is 'independent of depth' when the last pages' p50 is within 1.5x the first pages'."""


# --- machine --------------------------------------------------------------------------


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def machine_info() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    mem_kb = next((int(line.split()[1]) for line in _read("/proc/meminfo").splitlines()
                   if line.startswith("MemTotal:")), 0)
    return {
        "cpu_model": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average_at_start": list(os.getloadavg()),
    }


def git_info() -> dict[str, Any]:
    """The code measured: the commit and, since the tree may be changing, what differs from it."""
    def git(*args: str) -> str:
        out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return out.stdout

    commit = git("rev-parse", "HEAD").strip()
    changed = [line[3:] for line in git("status", "--porcelain").splitlines()
               if not line[3:].startswith(("bench/", "docs/", "tests/bench/"))]
    diff = git("diff", "HEAD", "--", "lrs", "xapi", "projections", "migrations", "wsgi.py")
    return {
        "commit": commit or None,
        "subject": git("log", "-1", "--format=%s").strip() or None,
        "uncommitted_changes_outside_bench": changed,
        "uncommitted_diff_sha256": hashlib.sha256(diff.encode()).hexdigest()[:16] if diff else None,
    }


# --- targets --------------------------------------------------------------------------


def _target(name: str, goal: str, measured: Any, holds: bool | None, note: str = "") -> dict[str, Any]:
    return {"target": name, "goal": goal, "measured": measured, "holds": holds, "note": note}


def evaluate_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    store = results["store"]["kind"]
    note_store = "" if store == "postgres" else "targets are set for PostgreSQL; SQLite reported for reference"
    out: list[dict[str, Any]] = []
    raw_rate = (results.get("raw") or {}).get("statements_per_s")
    for label, suite in (results.get("ingest") or {}).items():
        batch = suite.get("batch")
        if batch and "statements_per_s" in batch:
            rate = batch["statements_per_s"]
            out.append(_target(f"batched ingest ({label})", f">= {BATCH_MIN_STATEMENTS_PER_S:,} statements/s",
                               rate, rate >= BATCH_MIN_STATEMENTS_PER_S, note_store))
            if raw_rate:
                ratio = round(rate / raw_rate, 3)
                out.append(_target(f"batched ingest vs raw limit ({label})", f">= {BATCH_MIN_OF_RAW} of raw",
                                   ratio, ratio >= BATCH_MIN_OF_RAW, note_store))
        for what, name in (("single POST", f"post_c{POST_TARGET_CONCURRENCY}"), ("PUT", "put")):
            post = suite.get(name)
            if post and "requests_per_s" in post:
                conc = post.get("concurrency", POST_TARGET_CONCURRENCY)
                out.append(_target(f"{what} c={conc} throughput ({label})",
                                   f">= {POST_MIN_REQUESTS_PER_S:,} requests/s", post["requests_per_s"],
                                   post["requests_per_s"] >= POST_MIN_REQUESTS_PER_S, note_store))
                p99 = post["latency_ms"]["p99"]
                out.append(_target(f"{what} c={conc} p99 ({label})", f"< {P99_MAX_MS:g} ms",
                                   p99, p99 is not None and p99 < P99_MAX_MS, note_store))
        one = suite.get("post_c1")
        if one and "latency_ms" in one:
            p50 = one["latency_ms"]["p50"]
            out.append(_target(f"single POST c=1 p50 ({label})", f"< {POST_C1_P50_MAX_MS:g} ms", p50,
                               p50 is not None and p50 < POST_C1_P50_MAX_MS, note_store))
    for size, block in (results.get("queries") or {}).items():
        at_target = int(size) >= QUERY_TARGET_SIZE
        for kind, fig in block.items():
            if kind.startswith("_"):
                continue
            if kind.startswith("paging"):
                ratio = fig.get("last_over_first_p50")
                out.append(_target(f"{kind} cost independent of depth at {int(size):,}",
                                   f"last/first page p50 <= {PAGING_MAX_DEPTH_RATIO}", ratio,
                                   None if ratio is None else ratio <= PAGING_MAX_DEPTH_RATIO, note_store))
                continue
            p99 = (fig.get("lrs") or {}).get("latency_ms", {}).get("p99")
            note = note_store
            if not at_target:
                note = (note + "; " if note else "") + "the target is set at 1M statements: indicative"
            out.append(_target(f"query {kind} p99 at {int(size):,}", f"< {P99_MAX_MS:g} ms", p99,
                               None if p99 is None else p99 < P99_MAX_MS, note))
    for phase, fig in (results.get("runner_cpu") or {}).items():
        ms = fig.get("ms_per_statement")
        out.append(_target(f"runner CPU per statement, {phase}", f"<= {RUNNER_MAX_CPU_MS_PER_STATEMENT} ms", ms,
                           None if ms is None else ms <= RUNNER_MAX_CPU_MS_PER_STATEMENT, note_store))
    for rss in (results.get("server") or {}).get("rss") or []:
        peak = rss.get("worker_rss_mb_peak")
        out.append(_target(f"worker RSS peak ({rss.get('workers')} worker(s))", f"< {WORKER_MAX_RSS_MB:g} MB", peak,
                           None if peak is None else peak < WORKER_MAX_RSS_MB, note_store))
    lag = results.get("projection_lag") or {}
    if lag.get("measured"):
        p99 = lag["latency_ms"]["p99"]
        rate = lag.get("statements_per_s") or 0
        note = note_store
        if rate < 0.95 * lag.get("rate_target", LAG_RATE):
            note = (note + "; " if note else "") + f"the LRS took only {rate:,.0f} statements/s"
        out.append(_target(f"projection lag p99 at {lag.get('rate_target', LAG_RATE):,.0f} statements/s",
                           f"< {LAG_P99_MAX_MS:g} ms", p99,
                           None if p99 is None else p99 < LAG_P99_MAX_MS, note))
    else:
        out.append(_target("projection lag", "measured under sustained ingest", None, None,
                           lag.get("status", "")))
    return out


# --- printing ---------------------------------------------------------------------------


def _f(v: Any, digits: int = 1) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def _row(cells: list[str], widths: list[int]) -> str:
    return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True)))


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return [_row(header, widths), _row(["-" * w for w in widths], widths),
            *(_row(r, widths) for r in rows)]


def render(results: dict[str, Any]) -> str:
    m, st, srv = results["machine"], results["store"], results["server"]
    git = results["git"]
    lines = [
        f"LRS benchmark: {st['kind']} ({st.get('version', '?')})",
        f"machine: {m['cpu_model']}, {m['cores']} cores, {m['memory_gib']} GiB; "
        f"load average at start {', '.join(f'{x:.2f}' for x in m['load_average_at_start'])}",
        f"server: lrs serve (gunicorn gthread), workers {srv['workers']} x {srv['threads']} threads; "
        f"load generator: {results['loadgen']['engine']} ({results['loadgen'].get('version') or ''})",
        "store statistics: "
        + ("ANALYZE after each load (--analyze)" if results["config"].get("analyze_after_load")
           else "as the LRS leaves them"),
        f"code: {git.get('commit') or '?'}"
        + (f" + uncommitted changes in {len(git['uncommitted_changes_outside_bench'])} file(s)"
           if git.get("uncommitted_changes_outside_bench") else ""),
        "",
    ]
    raw = results.get("raw") or {}
    raw_rate = raw.get("statements_per_s")
    if raw:
        lines.append(f"raw store limit: {_f(raw_rate)} statements/s ({raw.get('method')}; "
                     f"{raw.get('statements'):,} statements, ~{raw.get('index_rows_per_statement')} "
                     f"index rows each)")
        lines.append("")

    rows = []
    for p in results.get("populate") or []:
        rate = p.get("statements_per_s")
        rows.append([f"load {p['from']:,} -> {p['to']:,} ({p['batch']}/POST, c={p['concurrency']})",
                     _f(rate and rate / p["batch"]), _f(rate), _f(p["batch_latency_ms"]["p50"]),
                     _f(p["batch_latency_ms"]["p99"]), _f(p["failed_batches"]),
                     _f(rate / raw_rate if rate and raw_rate else None, 3)])
    for label, suite in (results.get("ingest") or {}).items():
        for name, r in suite.items():
            if name.startswith("_"):
                continue
            if "error" in r:
                rows.append([f"{label} {name}", "ERROR", r["error"][:60], "", "", "", ""])
                continue
            title = {"post": "POST 1 statement", "batch": f"POST {r['statements_per_request']} statements",
                     "put": "PUT 1 statement"}[r["mode"]]
            rows.append([f"{label} {title}, c={r['concurrency']}", _f(r["requests_per_s"]),
                         _f(r["statements_per_s"]), _f(r["latency_ms"]["p50"]), _f(r["latency_ms"]["p99"]),
                         _f(r["failed_requests"]),
                         _f(r["statements_per_s"] / raw_rate if raw_rate else None, 3)])
    if rows:
        at = (results.get("ingest") or {}) and next(iter(results["ingest"].values())).get("_stored_before")
        lines.append("INGEST" + (f" (into a store of {at:,} statements)" if at else ""))
        lines += _table(["", "req/s", "stmts/s", "p50 ms", "p99 ms", "failed", "of raw"], rows)
        lines.append("")

    for size, block in (results.get("queries") or {}).items():
        rows = []
        for kind, fig in block.items():
            if kind.startswith(("paging", "_")):
                continue
            lrs, rawq = fig.get("lrs") or {}, fig.get("raw") or {}
            if "error" in fig:
                rows.append([kind, "ERROR", fig["error"][:60], "", "", "", "", ""])
                continue
            ok = sum(v for k, v in lrs["status"].items() if k == "200")
            rows.append([fig.get("title", kind), _f(lrs["latency_ms"]["p50"], 2), _f(lrs["latency_ms"]["p99"], 2),
                         _f(rawq.get("latency_ms", {}).get("p50"), 2), _f(rawq.get("latency_ms", {}).get("p99"), 2),
                         _f(fig.get("p50_over_raw"), 1), _f(lrs["mean_statements"]),
                         f"{ok}/{lrs['requests']}" + (" WRONG" if lrs["wrong_answers"] else "")])
        for kind, fig in block.items():
            if not kind.startswith("paging"):
                continue
            if "error" in fig:
                rows.append([kind, "ERROR", fig["error"][:60], "", "", "", "", ""])
                continue
            rawp = fig.get("raw") or {}
            rows.append([f"{kind}: first pages", _f(fig["first_pages_ms"]["p50"], 2),
                         _f(fig["first_pages_ms"]["p99"], 2), _f(rawp.get("first_pages_ms", {}).get("p50"), 2),
                         _f(rawp.get("first_pages_ms", {}).get("p99"), 2), "",
                         _f(fig["statements"]), f"{fig['pages']} pages"])
            rows.append([f"{kind}: last pages", _f(fig["last_pages_ms"]["p50"], 2),
                         _f(fig["last_pages_ms"]["p99"], 2), _f(rawp.get("last_pages_ms", {}).get("p50"), 2),
                         _f(rawp.get("last_pages_ms", {}).get("p99"), 2), "",
                         f"x{_f(fig['last_over_first_p50'], 2)} deep",
                         f"{fig['duplicates']} dup" + (" ERR" if fig["errors"] else "")])
        lines.append(f"QUERIES at {int(size):,} stored statements (limit {results['config']['query_limit']}, "
                     f"{results['config']['queries']} of each, one client)")
        lines += _table(["", "p50 ms", "p99 ms", "raw p50", "raw p99", "x raw", "stmts", "ok"], rows)
        lines.append("")

    lag = results.get("projection_lag") or {}
    lines.append(f"PROJECTION LAG: {lag.get('status', 'not measured')}")
    lines.append("")
    cpu = results.get("runner_cpu") or {}
    if cpu:
        lines.append("PROJECTION RUNNER CPU per statement (utime + stime, until it had caught up)")
        lines.extend(f"  {phase}: {_f(fig.get('ms_per_statement'), 3)} ms ({fig.get('runner_cpu_s')} s for "
                     f"{fig.get('statements', 0):,} statements)" for phase, fig in cpu.items())
        lines.append("")
    for rss in (results.get("server") or {}).get("rss") or []:
        lines.append(f"RSS PEAK, {rss.get('workers')} worker(s), sampled every {rss.get('interval_s')} s: "
                     f"worker {_f(rss.get('worker_rss_mb_peak'))} MB, runner {_f(rss.get('runner_rss_mb_peak'))} MB")
        lines.extend(f"  {p['role']} {p['pid']}: first {p['rss_mb_first']} MB, peak {p['rss_mb_peak']} MB, "
                     f"last {p['rss_mb_last']} MB" for p in rss.get("processes", []))
        lines.append("")

    rows = [[t["target"], t["goal"], _f(t["measured"], 2) if t["measured"] is not None else "-",
             {True: "holds", False: "MISSED", None: "n/a"}[t["holds"]]]
            for t in results.get("targets") or [] if t["target"] != "projection lag"]
    if rows:
        lines.append("TARGETS" + ("" if st["kind"] == "postgres" else " (set for PostgreSQL; SQLite for reference)"))
        lines += _table(["", "goal", "measured", ""], rows)
        lines.append("")
    warnings = results.get("warnings") or []
    if warnings:
        lines.append(f"WARNINGS (a shared machine: figures of these phases are suspect): {len(warnings)}")
        lines += [f"  - {w}" for w in warnings]
    problems = results.get("problems") or []
    lines.append("PROBLEMS: " + ("none" if not problems else str(len(problems))))
    lines += [f"  - {p}" for p in problems]
    lines.append(f"run took {results.get('seconds', 0):.0f} s")
    return "\n".join(lines)


def write_json(results: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, sort_keys=False) + "\n")
