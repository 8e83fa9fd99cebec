"""``/health/live`` and ``/health/ready``: for load balancers and orchestrators.

Unauthenticated, JSON, 200 or 503. *Live* says the process answers HTTP and
touches nothing else (a failing database must not get every worker restarted).
*Ready* says this process can serve: the store answers, every migration is
applied (`lrs migrate`), and no asynchronous view lags the log by more than
``LRS_READY_MAX_LAG_SECONDS``. The checks cost a few queries, so each process
runs them at most once per ``CACHE_SECONDS`` and, while one request runs them,
the others get the previous answer instead of piling up on a dead database.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, Response, current_app

from lrs.api.http import json_response
from lrs.ops.availability import RETRY_AFTER_SECONDS
from lrs.services import Services

log = logging.getLogger("lrs.health")

CACHE_SECONDS = 1.0
EXTENSION = "lrs_readiness"


class Readiness:
    """The readiness checks of one process, cached."""

    def __init__(self, services: Services, *, max_lag_seconds: float,
                 cache_seconds: float = CACHE_SECONDS,
                 clock: Callable[[], float] = time.monotonic):
        self.services = services
        self.max_lag_seconds = max_lag_seconds
        self.cache_seconds = cache_seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._last: dict[str, Any] | None = None
        self._taken = float("-inf")

    def snapshot(self) -> dict[str, Any]:
        """The latest checks: run now when the cached ones are too old, unless
        another thread is running them (then its previous answer)."""
        if self._last is not None and self.clock() - self._taken < self.cache_seconds:
            return self._last
        if not self._lock.acquire(blocking=self._last is None):
            assert self._last is not None
            return self._last
        try:
            if self._last is None or self.clock() - self._taken >= self.cache_seconds:
                self._last = self._check()
                self._taken = self.clock()
            return self._last
        finally:
            self._lock.release()

    def _check(self) -> dict[str, Any]:
        report: dict[str, Any] = {"store": False, "pending_migrations": None, "log_head": None,
                                  "views": {}, "problems": []}
        try:
            report["pending_migrations"] = self.services.store.db.pending_migrations()
            report["store"] = True
        except Exception as exc:
            log.warning("readiness: the store is unreachable", extra=_fields(error=_describe(exc)))
            report["problems"].append("store unreachable")  # details in the log only
            return report
        if report["pending_migrations"]:
            report["problems"].append("migrations not applied: " + ", ".join(report["pending_migrations"]))
        try:
            status = self.services.projections.status()
        except Exception as exc:
            log.warning("readiness: no projection status", extra=_fields(error=_describe(exc)))
            report["problems"].append("projection status unavailable")
            return report
        report["log_head"] = status.head
        for view in status.views:
            report["views"][view.name] = {"position": view.position, "lag_events": view.lag_events,
                                          "lag_seconds": round(view.lag_seconds, 3)}
            if view.lag_seconds > self.max_lag_seconds:
                report["problems"].append(
                    f"view {view.name} lags {view.lag_seconds:.0f} s (at most {self.max_lag_seconds:g})")
        return report


def readiness() -> Readiness:
    return current_app.extensions[EXTENSION]  # type: ignore[no-any-return]


def init_app(app: Flask, services: Services) -> None:
    app.extensions[EXTENSION] = Readiness(
        services, max_lag_seconds=services.settings.ready_max_lag_seconds)
    app.register_blueprint(blueprint())


def blueprint() -> Blueprint:
    bp = Blueprint("health", __name__, url_prefix="/health")

    @bp.route("/live", methods=["GET", "HEAD"])
    def live() -> Response:
        return json_response({"status": "live"}, headers={"Cache-Control": "no-store"})

    @bp.route("/ready", methods=["GET", "HEAD"])
    def ready() -> Response:
        report = readiness().snapshot()
        ok = not report["problems"]
        body = {
            "status": "ready" if ok else "unavailable",
            "checks": {
                "store": report["store"],
                "pending_migrations": report["pending_migrations"],
                "log_head": report["log_head"],
                "views": report["views"],
            },
            "problems": report["problems"],
        }
        headers = {"Cache-Control": "no-store"}
        if not ok:
            headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return json_response(body, 200 if ok else 503, headers)

    return bp


def _describe(exc: BaseException) -> str:
    """The error's class and first line: enough to act on, never a connection string."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {first}"[:300]


def _fields(**values: Any) -> dict[str, Any]:
    return {"fields": values}
