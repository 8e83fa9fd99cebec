"""The garbage collector of a served worker (lrs.ops.heap): what the worker loaded is
frozen out of the collector's walks once the app is loaded, in every worker that
`lrs serve` (or gunicorn with lrs.ops.gunicorn_conf) starts."""

from __future__ import annotations

import subprocess
import sys

_WORKER_STARTED = """
import gc
from lrs.ops import gunicorn_conf
options = gunicorn_conf.serve_options(bind=["127.0.0.1:0"], timeout_seconds=30, graceful_seconds=30,
                                      keepalive_seconds=5)
assert options["post_worker_init"] is gunicorn_conf.post_worker_init
before = gc.get_freeze_count()
options["post_worker_init"](None)
print(before, gc.get_freeze_count())
"""


def test_a_worker_freezes_what_it_loaded_once_the_app_is_loaded() -> None:
    done = subprocess.run([sys.executable, "-c", _WORKER_STARTED], capture_output=True, text=True, check=True)
    before, after = (int(n) for n in done.stdout.split())
    assert before == 0
    assert after > 1000  # modules, functions, classes: all of it now outside the collector's walks
