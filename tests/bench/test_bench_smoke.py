"""Smoke test of the benchmark harness: ``python -m bench run --store sqlite --quick``.

Runs the real command in a subprocess (it starts ``lrs serve`` itself) and checks that
the JSON it writes holds every figure the harness promises. It measures nothing: the
figures of a quick run on a test machine mean little.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from numbers import Number
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _number(value: object) -> bool:
    return isinstance(value, Number) and not isinstance(value, bool)


def test_quick_run_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "run", "--store", "sqlite", "--quick", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert elapsed < 60, f"the quick run took {elapsed:.0f} s"
    assert "TARGETS" in proc.stdout and "QUERIES at" in proc.stdout  # the printed table
    r = json.loads(out.read_text())

    # Who and what was measured.
    for key in ("cpu_model", "cores", "memory_gib"):
        assert r["machine"][key], key
    assert r["store"]["kind"] == "sqlite" and r["store"]["version"]
    assert r["server"]["workers"] == [1] and r["server"]["threads"] > 0
    assert r["git"]["commit"]
    assert r["loadgen"]["engine"] in ("wrk", "python")
    assert "traceback" not in r, r.get("traceback")
    assert "run aborted" not in " ".join(r["problems"]), r["problems"]

    # The raw store limit, and the load through the API.
    assert _number(r["raw"]["statements_per_s"]) and r["raw"]["statements_per_s"] > 0
    assert r["raw"]["statements"] == 1000
    assert r["populate"] and r["populate"][-1]["stored"] == 1000

    # Ingest: single POST at each concurrency, batches, PUT.
    suite = r["ingest"]["workers=1"]
    for name in ("post_c1", "post_c16", "batch", "put"):
        fig = suite[name]
        assert "error" not in fig, fig
        for key in ("requests_per_s", "statements_per_s"):
            assert _number(fig[key]) and fig[key] > 0, (name, key, fig)
        for key in ("p50", "p99"):
            assert _number(fig["latency_ms"][key]), (name, key, fig)
    assert suite["batch"]["statements_per_request"] == 100

    # Queries: every filter, on the LRS and as raw SQL, and paging with `more`.
    block = r["queries"]["1000"]
    for kind in ("agent", "verb_since", "activity_related", "registration"):
        fig = block[kind]
        assert "error" not in fig, fig
        for side in ("lrs", "raw"):
            for key in ("p50", "p99"):
                assert _number(fig[side]["latency_ms"][key]), (kind, side, key)
        assert _number(fig["p50_over_raw"])
        assert fig["lrs"]["status"] == {"200": 20}, fig["lrs"]
    for name in ("paging_all", "paging_verb"):
        fig = block[name]
        assert "error" not in fig, fig
        assert fig["pages"] >= 2 and fig["statements"] > 0
        assert _number(fig["first_pages_ms"]["p50"]) and _number(fig["last_pages_ms"]["p50"])
        assert _number(fig["last_over_first_p50"])

    # Projection lag under sustained ingest: POST returned -> the runner's position covers it.
    lag = r["projection_lag"]
    assert lag["measured"] is True and lag["views"], lag
    for key in ("p50", "p99", "max"):
        assert _number(lag["latency_ms"][key]), (key, lag)
    assert lag["posts"] > 0 and lag["not_covered"] == 0, lag

    # Every target is evaluated (held, missed, or not applicable with a reason).
    names = " ".join(t["target"] for t in r["targets"])
    for part in ("batched ingest", "vs raw limit", "single POST c=16 throughput", "single POST c=16 p99",
                 "query agent p99", "query registration p99", "paging_all cost", "projection lag"):
        assert part in names, part
    assert isinstance(r["problems"], list)
