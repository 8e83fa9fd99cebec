"""The ``lrs`` command, on click: one module per group of commands.

| module | commands |
|---|---|
| `serve` | ``serve`` (gunicorn, with the projection runner beside it) |
| `store` | ``migrate``, ``rebuild-index`` |
| `projections` | ``project``, ``projections rebuild|status`` |
| `credentials` | ``credentials create|list|revoke|rotate`` |
| `audit` | ``audit export|verify|checkpoint|backfill|history|replay`` |
| `stream` | ``publish`` (the log onto NATS JetStream) |
| `forwarding` | ``forwarding add|list|remove|records``, ``forward`` (statements to other LRSs) |
| `alerts` | ``alerts run|send-digest`` (webhook on pairs' status changes, the coordinators' daily digest) |
| `simulate` | ``simulate`` (the mentoring simulator, over HTTP) |

`root` holds the group, its help (which lists every setting) and `main`, the
console script; `context` the settings and services of one run; `errors` how a
command fails (one line, exit status 2, never a traceback); `children` the
processes `serve` runs beside its workers; `progress` the progress bar of the
long commands.
"""

from __future__ import annotations

from lrs.cli.root import cli, main

__all__ = ["cli", "main"]
