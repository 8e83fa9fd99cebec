"""``--fresh-vs-analyzed`` (bench.fresh): every figure of both runs side by side with
its ratio, and target 3 of issue 18 judged from them; no run is made here."""

from __future__ import annotations

from typing import Any

from bench import fresh


def run_figures(*, load_s: float, query_p99: float, batch: float) -> dict[str, Any]:
    return {
        "store": {"kind": "postgres"},
        "machine": {"load_average_at_start": [0.1, 0.1, 0.1], "load_average_at_end": [0.2, 0.2, 0.2]},
        "populate": [{"stored": 1000, "seconds": load_s}],
        "queries": {"1000": {"agent": {"lrs": {"latency_ms": {"p50": 5.0, "p99": query_p99}}},
                             "paging_all": {"last_pages_ms": {"p50": 4.0}},
                             "_client_reconnects": 0}},
        "ingest": {"workers=2": {"_stored_before": 1000,
                                 "batch": {"statements_per_s": batch, "latency_ms": {"p99": 40.0}}}},
        "raw": {"statements_per_s": 10_000},
    }


def test_a_fresh_run_as_fast_as_the_analyzed_one_meets_target_3() -> None:
    same = run_figures(load_s=1.0, query_p99=10.0, batch=2000)
    summary = fresh.compare(same, run_figures(load_s=1.0, query_p99=10.0, batch=2000))
    assert summary["target_3"]["holds"] and summary["target_3"]["missed"] == []
    assert {f["fresh_over_analyzed"] for f in summary["figures"]} == {1.0}
    assert "| load through the API" in fresh.render(summary)


def test_a_figure_more_than_15_percent_worse_without_statistics_misses_target_3() -> None:
    slow = run_figures(load_s=5.0, query_p99=12.0, batch=2000)  # load 5x slower, p99 1.2x
    summary = fresh.compare(slow, run_figures(load_s=1.0, query_p99=10.0, batch=2000))
    by_name = {f["figure"]: f for f in summary["figures"]}
    assert by_name["load through the API (batches of the load)"]["fresh_over_analyzed"] == 0.2
    assert by_name["query agent at 1,000 p99"]["fresh_over_analyzed"] == 1.2
    assert set(summary["target_3"]["missed"]) == {
        "load through the API (batches of the load)", "query agent at 1,000 p99"}


def test_faster_without_statistics_is_within() -> None:
    summary = fresh.compare(run_figures(load_s=1.0, query_p99=5.0, batch=3000),
                            run_figures(load_s=1.0, query_p99=10.0, batch=2000))
    assert summary["target_3"]["holds"]
