"""The LRS's Prometheus metrics: every metric object lives here.

One `Metrics` per process (built by `create_app`), with methods that the HTTP
layer and the core call; nothing else imports `prometheus_client` except the
gunicorn hooks. Under several gunicorn workers the client's multiprocess mode
is used: `lrs serve` sets ``PROMETHEUS_MULTIPROC_DIR`` to a fresh directory
before anything imports the client, each worker writes its values to files
there, and a scrape (answered by any worker) sums every worker's files. Values
that belong to the database rather than to a process (log head, the positions
and lag of the asynchronous views) are read at scrape time instead.
"""

from __future__ import annotations

import glob
import os
import struct
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.mmap_dict import MmapedDict
from prometheus_client.registry import Collector

from lrs.store.application import StoreObserver

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_BATCH_BUCKETS = (1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000)
_APPEND_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)

StatusSource = Callable[[], Mapping[str, Any] | None]
"""What the scrape reads from the database: see `database_families`."""


def multiprocess_dir() -> str | None:
    """The directory of the multiprocess mode, when it is on."""
    return os.environ.get(MULTIPROC_ENV) or None


class Metrics(StoreObserver):
    """The metrics of one process. In multiprocess mode the objects write to the
    shared directory and are registered nowhere (a scrape reads the files);
    otherwise they live in this object's own registry, so two apps in one
    process (tests) never share counts."""

    def __init__(self) -> None:
        self.multiprocess = multiprocess_dir() is not None
        if self.multiprocess and values.ValueClass is values.MutexValue:
            raise RuntimeError(
                f"{MULTIPROC_ENV} was set after prometheus_client was imported: "
                "set it before the process starts (lrs serve does)"
            )
        self.registry = None if self.multiprocess else CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "lrs_http_requests", "HTTP requests answered, by resource (Flask endpoint), method and status.",
            ["resource", "method", "status"], registry=r)
        self.request_seconds = Histogram(
            "lrs_http_request_duration_seconds", "Time to answer a request, body included.",
            ["resource", "method"], buckets=_LATENCY_BUCKETS, registry=r)
        self.in_progress = Gauge(
            "lrs_http_requests_in_progress", "Requests being answered now.",
            registry=r, multiprocess_mode="livesum")
        self.statements = Counter(
            "lrs_statements", "Statements received: accepted (new events), deduplicated "
            "(already stored, equivalent: Data 2.3.1) or rejected (in a refused request).",
            ["outcome"], registry=r)
        self.batch_size = Histogram(
            "lrs_statement_batch_size", "Statements per accepted PUT/POST.",
            buckets=_BATCH_BUCKETS, registry=r)
        self.append_seconds = Histogram(
            "lrs_store_append_duration_seconds", "Time of one append to the event store "
            "(events and index rows, one transaction).", ["kind"], buckets=_APPEND_BUCKETS, registry=r)
        self.appended_events = Counter(
            "lrs_store_appended_events", "Events appended to the event store.", ["kind"], registry=r)
        self.auth_failures = Counter(
            "lrs_auth_failures", "Refused authentications (401), by reason.", ["reason"], registry=r)
        self.unavailable = Counter(
            "lrs_store_unavailable", "Requests answered 503 because the store could not be reached.",
            registry=r)

    # --- called by the HTTP layer ------------------------------------------------

    def request_started(self) -> None:
        self.in_progress.inc()

    def request_finished(self, resource: str, method: str, status: int, seconds: float) -> None:
        self.in_progress.dec()
        self.requests.labels(resource, method, str(status)).inc()
        self.request_seconds.labels(resource, method).observe(seconds)

    def statements_rejected(self, count: int) -> None:
        self.statements.labels("rejected").inc(count)

    def batch_accepted(self, count: int) -> None:
        self.batch_size.observe(count)

    def auth_failed(self, reason: str) -> None:
        self.auth_failures.labels(reason).inc()

    def store_unavailable(self) -> None:
        self.unavailable.inc()

    # --- called by the core (`LearningRecordStore.observer`) ----------------------

    def appended(self, kind: str, events: int, seconds: float) -> None:
        self.append_seconds.labels(kind).observe(seconds)
        self.appended_events.labels(kind).inc(events)
        if kind == "statements":
            self.statements.labels("accepted").inc(events)

    def deduplicated(self, count: int) -> None:
        self.statements.labels("deduplicated").inc(count)

    # --- the scrape ----------------------------------------------------------------

    def exposition(self, database: StatusSource | None = None) -> bytes:
        """The text format of every worker's metrics, then what the database says."""
        registry = CollectorRegistry()
        if self.multiprocess:
            directory = multiprocess_dir()
            assert directory is not None
            registry.register(WorkerFilesCollector(directory))
        else:
            assert self.registry is not None
            registry = self.registry
        text = generate_latest(registry)
        if database is not None:
            extra = CollectorRegistry()
            extra.register(_DatabaseCollector(database))
            text += generate_latest(extra)
        return text


class WorkerFilesCollector(Collector):
    """The sum of every worker's files, as prometheus-client's `MultiProcessCollector`,
    but without the files that cannot be read whole (issue 17, point 7).

    A worker creates its file empty and sizes it a moment later: a scrape in between
    read it and failed with ``struct.error`` (a 500 while gunicorn replaced workers).
    Each file is read through once first; one that is empty (being created), gone
    (a dead worker's live gauges, removed) or torn is left out of this scrape. A
    file only ever goes from empty to readable, and a writer appends an entry before
    it moves the length that readers trust, so a file read whole here is read whole
    again by the merge."""

    def __init__(self, directory: str):
        self.directory = directory

    def collect(self) -> Iterable[Metric]:
        return multiprocess.MultiProcessCollector.merge(readable_files(self.directory), accumulate=True)


def readable_files(directory: str) -> list[str]:
    """The workers' files that can be read whole now."""
    readable = []
    for path in sorted(glob.glob(os.path.join(directory, "*.db"))):
        try:
            for _ in MmapedDict.read_all_values_from_file(path):
                pass
        except (FileNotFoundError, struct.error, RuntimeError, UnicodeDecodeError):
            continue  # removed since, being created, or torn
        readable.append(path)
    return readable


class _DatabaseCollector(Collector):
    """Gauges read at scrape time from the store (one value whichever worker answers)."""

    def __init__(self, source: StatusSource):
        self.source = source

    def collect(self) -> Iterable[GaugeMetricFamily]:
        return database_families(self.source())


def database_families(status: Mapping[str, Any] | None) -> list[GaugeMetricFamily]:
    """Gauges from a readiness snapshot (see `lrs.api.health.Readiness`):
    ``{"store": bool, "pending_migrations": [...], "log_head": int|None,
    "views": {name: {"position": int, "lag_events": int, "lag_seconds": float}}}``."""
    if status is None:
        return []
    up = GaugeMetricFamily("lrs_store_up", "1 when the store answered the last readiness check.")
    up.add_metric([], 1.0 if status.get("store") else 0.0)
    families = [up]
    pending = status.get("pending_migrations")
    if pending is not None:
        gauge = GaugeMetricFamily("lrs_migrations_pending", "Migrations not yet applied (run lrs migrate).")
        gauge.add_metric([], float(len(pending)))
        families.append(gauge)
    head = status.get("log_head")
    if head is not None:
        gauge = GaugeMetricFamily("lrs_log_head_position", "Position of the newest event in the log.")
        gauge.add_metric([], float(head))
        families.append(gauge)
    views = status.get("views") or {}
    if views:
        position = GaugeMetricFamily(
            "lrs_projection_position", "Log position each asynchronous view has applied.", labels=["view"])
        lag_events = GaugeMetricFamily(
            "lrs_projection_lag_events", "Events of the log a view has not applied yet.", labels=["view"])
        lag_seconds = GaugeMetricFamily(
            "lrs_projection_lag_seconds", "How far behind the log a view is, in seconds.", labels=["view"])
        for name, view in sorted(views.items()):
            if view.get("position") is not None:
                position.add_metric([name], float(view["position"]))
            if view.get("lag_events") is not None:
                lag_events.add_metric([name], float(view["lag_events"]))
            if view.get("lag_seconds") is not None:
                lag_seconds.add_metric([name], float(view["lag_seconds"]))
        families += [position, lag_events, lag_seconds]
    return families


def mark_process_dead(pid: int) -> None:
    """gunicorn's ``child_exit``: drop a dead worker's live gauges (its counters stay
    in the sums, as they should)."""
    directory = multiprocess_dir()
    if directory:
        multiprocess.mark_process_dead(pid, directory)
