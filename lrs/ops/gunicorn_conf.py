"""gunicorn settings for running the LRS in production.

`lrs serve` applies them; with gunicorn directly, use this module as its
configuration (``gunicorn -c python:lrs.ops.gunicorn_conf wsgi:app``). They do
these things:

* timeouts that keep slow or stuck clients from holding a worker: a worker
  silent for ``timeout`` seconds is killed and replaced, idle keep-alive
  connections close after ``keepalive`` seconds, and on SIGTERM the workers
  stop accepting, finish the requests in flight and exit within
  ``graceful_timeout``. The worker (`lrs.ops.worker.LRSWorker`) receives each
  request whole in its event loop before a thread answers it, so a client
  trickling its headers or body holds no thread (``LRS_REQUEST_READ_TIMEOUT``).
* the Prometheus multiprocess directory: a fresh one per server start
  (``PROMETHEUS_MULTIPROC_DIR``), set in the master before any worker forks,
  removed when the master exits; a dead worker's live gauges are dropped.
* gunicorn's own log lines in the same JSON format as the LRS's.
* the loaded app frozen out of the garbage collector's walks in each worker
  (`lrs.ops.heap`).
* no control socket: gunicorn would otherwise make one at the same path
  (``~/.gunicorn/gunicorn.ctl``) for every server of a user; the LRS is
  managed by signals (SIGTERM, SIGHUP), not ``gunicornc``.

Module-level names are gunicorn settings; the helpers start with an underscore
or are functions that gunicorn does not know as settings.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from typing import Any

TIMEOUT_SECONDS = 30
GRACEFUL_TIMEOUT_SECONDS = 30
KEEPALIVE_SECONDS = 5

# gunicorn settings (used by `gunicorn -c python:lrs.ops.gunicorn_conf`)
worker_class = "lrs.ops.worker.LRSWorker"  # issue 17: gthread that reads each request whole first
threads = 8
timeout = TIMEOUT_SECONDS
graceful_timeout = GRACEFUL_TIMEOUT_SECONDS
keepalive = KEEPALIVE_SECONDS
accesslog = None  # the LRS writes its own JSON line per request
control_socket_disable = True  # one shared ~/.gunicorn/gunicorn.ctl otherwise


def on_starting(server: Any) -> None:
    """Before the first fork: the metrics directory the workers will share."""
    fresh_metrics_dir()


def post_worker_init(worker: Any) -> None:
    """A worker has loaded the app: keep what it loaded out of the collector's walks."""
    from lrs.ops import heap

    heap.settle()


def child_exit(server: Any, worker: Any) -> None:
    """A worker ended (exited, killed, timed out): drop its live gauges."""
    from lrs.ops.metrics import mark_process_dead

    mark_process_dead(worker.pid)


logconfig_dict: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "WARNING", "handlers": []},
    "formatters": {"json": {"()": "lrs.ops.request_log.JSONFormatter"}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
    },
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
    },
}


def fresh_metrics_dir() -> str:
    """Point ``PROMETHEUS_MULTIPROC_DIR`` at a new empty directory, removed when
    this (master) process exits. Must run before prometheus_client is imported:
    the client picks its multiprocess mode at import."""
    directory = tempfile.mkdtemp(prefix="lrs-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
    master = os.getpid()

    def remove() -> None:
        if os.getpid() == master:  # workers run atexit too; only the master cleans up
            shutil.rmtree(directory, ignore_errors=True)

    atexit.register(remove)
    return directory


def serve_options(*, bind: list[str], timeout_seconds: int, graceful_seconds: int,
                  keepalive_seconds: int) -> dict[str, Any]:
    """The settings `lrs serve` sets on top of its own (workers, threads): `bind`
    lists the main address and, with ``LRS_METRICS_PORT``, the metrics one."""
    return {
        "bind": bind,
        "timeout": timeout_seconds,
        "graceful_timeout": graceful_seconds,
        "keepalive": keepalive_seconds,
        "worker_class": worker_class,
        "child_exit": child_exit,
        "post_worker_init": post_worker_init,
        "logconfig_dict": logconfig_dict,
        "control_socket_disable": control_socket_disable,
    }
