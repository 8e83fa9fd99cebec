"""``python -m bench compare A.json B.json ...``: runs side by side, as Markdown tables.

Each column is one run's figures (per worker count for ingest); used to write the
figures in docs/PERFORMANCE.md from the JSON the runs wrote.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _f(v: Any, digits: int = 1) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    return f"{v:,}" if isinstance(v, int) else str(v)


def _label(r: dict[str, Any], name: str) -> str:
    stats = ", ANALYZE" if r["config"].get("analyze_after_load") else ""
    return f"{r['store']['kind']}{stats} ({name})"


def _md(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def render(paths: list[Path]) -> str:
    runs = [(p.stem, json.loads(p.read_text())) for p in paths]
    lines: list[str] = []

    # ingest: one column per run and worker count
    cols: list[tuple[str, dict[str, Any], float | None]] = []
    for name, r in runs:
        raw = (r.get("raw") or {}).get("statements_per_s")
        for label, suite in (r.get("ingest") or {}).items():
            cols.append((f"{_label(r, name)} {label}", suite, raw))
    if cols:
        names = sorted({k for _, suite, _ in cols for k in suite if not k.startswith("_")},
                       key=lambda k: (k.startswith("put"), k.startswith("batch"),
                                      int(k[6:]) if k.startswith("post_c") else 0))
        rows = []
        for key in names:
            row = [key]
            for _, suite, raw in cols:
                fig = suite.get(key) or {}
                if "statements_per_s" not in fig:
                    row.append("error" if "error" in fig else "-")
                    continue
                of_raw = f" ({fig['statements_per_s'] / raw:.2f})" if raw else ""
                row.append(f"{_f(fig['statements_per_s'])}{of_raw}; {_f(fig['latency_ms']['p50'])} / "
                           f"{_f(fig['latency_ms']['p99'])} ms")
            rows.append(row)
        rows.append(["raw store limit"] + [_f(raw) for _, _, raw in cols])
        lines.append("Ingest: statements/s (of raw); p50 / p99 ms")
        lines += _md(["run"] + [c[0] for c in cols], rows)
        lines.append("")

    # queries: one table per size
    sizes = sorted({int(s) for _, r in runs for s in (r.get("queries") or {})})
    for size in sizes:
        header = ["query"]
        present = [(name, r) for name, r in runs if str(size) in (r.get("queries") or {})]
        header += [_label(r, name) for name, r in present]
        kinds = ["agent", "verb_since", "activity_related", "registration", "paging_all", "paging_verb"]
        rows = []
        for kind in kinds:
            row = [kind]
            for _, r in present:
                fig = r["queries"][str(size)].get(kind) or {}
                if "error" in fig or not fig:
                    row.append("error" if fig else "-")
                elif kind.startswith("paging"):
                    row.append(f"{_f(fig['first_pages_ms']['p50'], 2)} -> {_f(fig['last_pages_ms']['p50'], 2)} "
                               f"ms (x{_f(fig['last_over_first_p50'], 2)})")
                else:
                    lat = fig["lrs"]["latency_ms"]
                    raw = (fig.get("raw") or {}).get("latency_ms") or {}
                    row.append(f"{_f(lat['p50'], 2)} / {_f(lat['p99'], 2)} (raw {_f(raw.get('p50'), 2)} / "
                               f"{_f(raw.get('p99'), 2)}; x{_f(fig.get('p50_over_raw'))})")
            rows.append(row)
        lines.append(f"Queries at {size:,} statements: p50 / p99 ms (raw p50 / p99; LRS p50 over raw p50)")
        lines += _md(header, rows)
        lines.append("")

    rows = []
    for name, r in runs:
        for p in r.get("populate") or []:
            rows.append([_label(r, name), f"{p['from']:,} -> {p['to']:,}", _f(p["statements_per_s"]),
                         _f(p["seconds"])])
    if rows:
        lines.append("Loading through the API (500-statement batches, 4 connections)")
        lines += _md(["run", "statements", "statements/s", "seconds"], rows)
    return "\n".join(lines)


def main(paths: list[str]) -> int:
    print(render([Path(p) for p in paths]))
    return 0
