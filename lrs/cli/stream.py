"""``lrs publish``: the event log onto NATS JetStream (issue 23; what it does is
`lrs.stream.commands`)."""

from __future__ import annotations

import click

from lrs.cli import context
from lrs.cli.children import PARENT_PIPE, stop_with_parent


@click.command()
@click.option("--once", is_flag=True,
              help="publish what the log holds now, print the status as JSON, and exit")
@PARENT_PIPE
def publish(once: bool, parent_pipe: int | None) -> int:
    """Publish the event log to the NATS JetStream stream (LRS_NATS_URL), in log order.

    Runs until SIGTERM or SIGINT (``lrs serve`` runs one beside its workers when
    LRS_NATS_URL is set).
    """
    from lrs.stream import commands

    settings = context.log_as_json() if not once else context.settings()
    stop_with_parent(parent_pipe)
    return commands.publish(settings, once=once)
