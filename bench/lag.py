"""Projection lag: the time from a POST having returned to the coordinator view showing it.

NOT MEASURED YET: the LRS has no projections (no coordinator view) so far. Statements
are indexed in the append's own transaction, so the statement query index itself has
no lag to measure; the figure this hook is for is the lag of the asynchronous
projections (the coordinator's view) that are still to come.

When they exist, `measure_projection_lag` should, under sustained ingest (a wrk run of
single-statement POSTs at concurrency 16 in the background), POST marker statements
one at a time, note the instant each POST returned, poll the coordinator view's HTTP
endpoint until the marker shows up, and report p50/p99/max of the difference. It must
use HTTP only, like the rest of the harness. Until then it reports that it measured
nothing, and the report prints that, rather than a number.
"""

from __future__ import annotations

from typing import Any

NOT_MEASURED = "not measured: no projections yet"


def measure_projection_lag(server: Any, *, duration: float) -> dict[str, Any]:
    """The projection lag figures; today: an explicit 'not measured'."""
    del server, duration  # the hook's inputs once there is a view to poll
    return {"measured": False, "status": NOT_MEASURED, "latency_ms": None}
