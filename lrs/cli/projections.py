"""``lrs project`` and ``lrs projections ...``: the asynchronous views."""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

import click
import orjson

from lrs.cli import context
from lrs.cli.children import PARENT_PIPE, stop_with_parent
from lrs.cli.errors import Failed, Invalid
from lrs.cli.progress import ProgressBar
from lrs.ops import heap

log = logging.getLogger("lrs.projections")


@click.command()
@click.option("--source", type=click.Choice(["database", "nats"]), default="database", show_default=True,
              help="read the log from the store, or from the NATS JetStream stream (LRS_NATS_URL; "
              "views on another host and database)")
@PARENT_PIPE
def project(source: str, parent_pipe: int | None) -> int:
    """Run the projection runner alone, in the foreground, until SIGTERM or SIGINT.

    For a separate process or host (``lrs serve --no-projections`` elsewhere).
    It finishes the batch it is in before it stops: each batch is one
    transaction, so stopping never half-applies one. It logs JSON lines on
    stderr, like the server.
    """
    settings = context.log_as_json()
    if source == "nats":  # issue 23
        from lrs.stream import commands as stream_commands

        stop_with_parent(parent_pipe)
        return stream_commands.project(settings)
    stop = threading.Event()

    def on_signal(_signum: int, _frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    stop_with_parent(parent_pipe)
    with context.services() as services:
        names = ", ".join(v.name for v in services.projections.views) or "none"
        heap.settle()  # the runner's batches allocate; what it loaded stays out of the collector's walks
        waits = "LISTEN/NOTIFY" if services.store.db.dialect.announces_appends else "polling"
        log.info("projection runner: views %s; store %s; %s every %g s", names, settings.dialect,
                 waits, settings.projection_poll_seconds)
        services.projections.run(stop)
    log.info("projection runner: stopped")
    return 0


@click.group()
def projections() -> None:
    """Rebuild the asynchronous views or show their status."""


@projections.command()
@click.argument("name", required=False, default=None)
def rebuild(name: str | None) -> int:
    """Empty the view NAME (every view without NAME) and replay the log into it.

    Progress on stderr. The view is rebuilt from log position 0; a view that
    fails on a statement stops the rebuild with exit status 1.
    """
    from lrs.runner import UnknownView, ViewFailed

    with context.services() as services:
        runner = services.projections
        bar = ProgressBar(name or "all views", 0, quiet_below=0)
        try:
            applied = runner.rebuild(name, progress=bar.at)
        except UnknownView:
            known = ", ".join(v.name for v in runner.views) or "none"
            raise Invalid(f"no view {name!r} (views: {known})") from None
        except ViewFailed as exc:
            bar.done()
            raise Failed(f"{exc}: {exc.__cause__!r}") from None
    bar.done()
    click.echo(f"rebuilt {name or 'every view'}: {applied} statements applied")
    return 0


@projections.command()
def status() -> int:
    """The log head and each view's position and lag, as JSON."""
    with context.services() as services:
        click.echo(orjson.dumps(services.projections.status().as_dict()).decode())
    return 0
