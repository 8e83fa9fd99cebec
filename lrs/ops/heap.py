"""The garbage collector of a long-running LRS process (a gunicorn worker, the
projection runner).

CPython's full collection walks every tracked object of the process. Once the app
is loaded, most of those live as long as the process: modules, the Flask app and
its routes, compiled templates and schemas, the event classes. A dashboard page of
a 1,000-mentee program allocates some 100,000 rows and groups, enough to set off
full collections that walked all of it again: 30-80 ms of a 200-300 ms page,
measured on 4 December (docs/PERFORMANCE.md, "The dashboard's pages"). `settle`
moves what exists at start into the permanent generation (`gc.freeze`), so a
collection walks only what requests allocated; cycles among those are collected as
before.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Call once a process has loaded what it keeps (after the app is made, before the
    first request or batch): collect what start-up left, then freeze the rest."""
    gc.collect()
    gc.freeze()
