"""``python -m bench run ... --fresh-vs-analyzed``: how much the LRS depends on planner statistics.

Issue 18's target 3: on a freshly created database with autovacuum off and no
``ANALYZE``, every ingest and query figure within 15 % of the analyzed run. The
mode makes the run twice, each on a store of its own, with the same corpus, sizes
and loads: first as the LRS leaves the store (no ``ANALYZE`` ever: a new
production database in its first minutes, or any database on a machine whose
autovacuum is off), then with ``--analyze`` (statistics refreshed as the store
doubles, and after the last load). Each run's JSON is written as a normal run
(``OUT-fresh.json``, ``OUT-analyzed.json``, which ``python -m bench compare``
reads); ``OUT`` holds the figures side by side with their ratio, fresh over
analyzed, and whether each is within the 15 %.

A ratio is "within" when the fresh run is at most 15 % worse: throughput at least
0.85 of the analyzed run's, latency at most 1.15 of it (being faster without
statistics is no problem to fix).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

TOLERANCE = 0.15


def run(ns: argparse.Namespace, make_run: Callable[[argparse.Namespace], Any]) -> int:
    """Both runs, then the comparison; exit status 1 when either run failed (with ``--strict``)."""
    out = Path(ns.out)
    results: dict[str, dict[str, Any]] = {}
    status = 0
    for label, analyze in (("fresh", False), ("analyzed", True)):
        one = copy.copy(ns)
        one.analyze = analyze
        one.out = str(out.with_name(f"{out.stem}-{label}{out.suffix or '.json'}"))
        status |= make_run(one).execute()
        results[label] = json.loads(Path(one.out).read_text())
    summary = compare(results["fresh"], results["analyzed"])
    summary["command"] = results["fresh"]["command"]
    summary["runs"] = {label: str(out.with_name(f"{out.stem}-{label}{out.suffix or '.json'}").name)
                       for label in results}
    out.write_text(json.dumps(summary, indent=2) + "\n")
    print(render(summary))
    print(f"\nJSON written to {out}")
    return status


def _ratio(fresh: float | None, analyzed: float | None) -> float | None:
    return round(fresh / analyzed, 2) if fresh and analyzed else None


def _figure(name: str, unit: str, fresh: float | None, analyzed: float | None,
            higher_is_better: bool) -> dict[str, Any]:
    ratio = _ratio(fresh, analyzed)
    within = None
    if ratio is not None:
        within = ratio >= 1 - TOLERANCE if higher_is_better else ratio <= 1 + TOLERANCE
    return {"figure": name, "unit": unit, "fresh": fresh, "analyzed": analyzed,
            "fresh_over_analyzed": ratio, "within_15_percent": within}


def _load_rate(r: dict[str, Any]) -> float | None:
    """Statements/s of the whole load through the API (every step of it)."""
    stored = sum(p.get("stored", 0) for p in r.get("populate", []))
    seconds = sum(p.get("seconds", 0) for p in r.get("populate", []))
    return round(stored / seconds) if seconds else None


def _figures(fresh: dict[str, Any], analyzed: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield _figure("load through the API (batches of the load)", "statements/s",
                  _load_rate(fresh), _load_rate(analyzed), True)
    for size, block in fresh.get("queries", {}).items():
        other = analyzed.get("queries", {}).get(size, {})
        for kind, fig in block.items():
            if kind.startswith("_") or not isinstance(fig, dict):
                continue
            twin = other.get(kind) or {}
            if "lrs" in fig:
                for pct in ("p50", "p99"):
                    yield _figure(f"query {kind} at {int(size):,} {pct}", "ms",
                                  fig["lrs"]["latency_ms"].get(pct),
                                  (twin.get("lrs") or {}).get("latency_ms", {}).get(pct), False)
            elif "last_pages_ms" in fig:
                yield _figure(f"{kind} at {int(size):,} last pages p50", "ms",
                              fig["last_pages_ms"].get("p50"),
                              (twin.get("last_pages_ms") or {}).get("p50"), False)
    for label, suite in fresh.get("ingest", {}).items():
        other = analyzed.get("ingest", {}).get(label, {})
        for name, fig in suite.items():
            if name.startswith("_") or "statements_per_s" not in fig:
                continue
            twin = other.get(name) or {}
            yield _figure(f"ingest {name} ({label})", "statements/s",
                          fig["statements_per_s"], twin.get("statements_per_s"), True)
            yield _figure(f"ingest {name} ({label}) p99", "ms", fig["latency_ms"].get("p99"),
                          (twin.get("latency_ms") or {}).get("p99"), False)


def compare(fresh: dict[str, Any], analyzed: dict[str, Any]) -> dict[str, Any]:
    """Every figure of both runs with its ratio; target 3 holds when all are within 15 %."""
    figures = list(_figures(fresh, analyzed))
    missed = [f["figure"] for f in figures if f["within_15_percent"] is False]
    return {
        "bench": "lrs-bench-fresh-vs-analyzed/1",
        "store": fresh.get("store", {}).get("kind"),
        "git": fresh.get("git"),
        "raw_statements_per_s": {"fresh": (fresh.get("raw") or {}).get("statements_per_s"),
                                 "analyzed": (analyzed.get("raw") or {}).get("statements_per_s")},
        "load_average": {label: {"start": r["machine"].get("load_average_at_start"),
                                 "end": r["machine"].get("load_average_at_end")}
                         for label, r in (("fresh", fresh), ("analyzed", analyzed))},
        "load_average_now": list(os.getloadavg()),
        "warnings": {"fresh": fresh.get("warnings", []), "analyzed": analyzed.get("warnings", [])},
        "problems": {"fresh": fresh.get("problems", []), "analyzed": analyzed.get("problems", [])},
        "figures": figures,
        "target_3": {"goal": "every figure of the fresh run within 15 % of the analyzed run",
                     "holds": not missed and bool(figures), "missed": missed},
    }


def render(summary: dict[str, Any]) -> str:
    def f(v: Any) -> str:
        if v is None:
            return "-"
        return f"{v:,.1f}" if isinstance(v, float) else f"{v:,}"

    lines = [f"Fresh (no ANALYZE) vs analyzed, {summary['store']}: fresh / analyzed, "
             f"within = at most {TOLERANCE:.0%} worse",
             "| figure | unit | fresh | analyzed | ratio | within |", "|---|---|---|---|---|---|"]
    for fig in summary["figures"]:
        within = {True: "yes", False: "NO", None: "-"}[fig["within_15_percent"]]
        lines.append(f"| {fig['figure']} | {fig['unit']} | {f(fig['fresh'])} | {f(fig['analyzed'])} | "
                     f"{f(fig['fresh_over_analyzed'])} | {within} |")
    raw = summary["raw_statements_per_s"]
    lines.append(f"raw COPY limit (statements/s): fresh run {f(raw['fresh'])}, analyzed run {f(raw['analyzed'])}")
    target = summary["target_3"]
    lines.append(f"target 3 holds: {target['holds']}" + (f"; missed: {', '.join(target['missed'])}"
                                                           if target["missed"] else ""))
    return "\n".join(lines)
