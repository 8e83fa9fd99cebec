"""``lrs forwarding add|list|remove|records`` (the forwarders of this store) and
``lrs forward`` (running them): statement forwarding to other LRSs, issue 23;
what they do is `lrs.forwarding`."""

from __future__ import annotations

import click
import orjson

from lrs.cli import context
from lrs.cli.children import PARENT_PIPE, stop_with_parent
from lrs.cli.errors import Failed, Invalid
from lrs.forwarding.registry import VERSIONS, ForwarderExists, ForwarderRegistry, InvalidForwarder


@click.group()
def forwarding() -> None:
    """The forwarders that copy statements to other LRSs (printed as JSON; never secrets)."""


@forwarding.command()
@click.option("--url", required=True, help="the target LRS's xAPI endpoint, e.g. https://lrs.example.org/xapi")
@click.option("--key", required=True, help="the key of the target's credential (HTTP Basic)")
@click.option("--secret", required=True, help="its secret")
@click.option("--verb", "verbs", multiple=True, help="forward only statements with this verb IRI "
              "(repeat for several; default: every verb)")
@click.option("--activity", "activities", multiple=True, help="forward only statements whose object "
              "or a context activity is this IRI (repeat for several; default: any)")
@click.option("--version", type=click.Choice(VERSIONS), default="1.0.3", show_default=True,
              help="the xAPI version sent to the target; statements are converted to it")
@click.option("--name", default=None, help="the forwarder's name (default: a random fwd-...)")
def add(url: str, key: str, secret: str, verbs: tuple[str, ...], activities: tuple[str, ...],
        version: str, name: str | None) -> int:
    """Add a forwarder; it starts from the stream's first statement."""
    with context.services() as services:
        try:
            added = ForwarderRegistry(services.store.db).add(
                url=url, key=key, secret=secret, verbs=verbs, activities=activities, version=version,
                name=name)
        except InvalidForwarder as exc:
            raise Invalid(str(exc)) from None
        except ForwarderExists as exc:
            raise Invalid(f"a forwarder named {exc} exists already") from None
    click.echo(orjson.dumps(added.as_dict()).decode())
    return 0


@forwarding.command(name="list")
def list_forwarders() -> int:
    """Every forwarder with its position, lag and last error."""
    with context.services() as services:
        found = ForwarderRegistry(services.store.db).all()
    click.echo(orjson.dumps([f.as_dict() for f in found]).decode())
    return 0


@forwarding.command()
@click.argument("name")
def remove(name: str) -> int:
    """Remove forwarder NAME (its durable consumer is deleted by `lrs forward`)."""
    with context.services() as services:
        if not ForwarderRegistry(services.store.db).remove(name):
            raise Failed(f"no forwarder {name!r}")
    click.echo(f"removed {name}")
    return 0


@forwarding.command()
@click.argument("name")
@click.option("--outcome", type=click.Choice(("conflict", "refused")), default=None,
              help="only the 409s (already held by the target) or only the dead letters")
def records(name: str, outcome: str | None) -> int:
    """What the target answered for statements of NAME it did not simply accept."""
    with context.services() as services:
        registry = ForwarderRegistry(services.store.db)
        if registry.get(name) is None:
            raise Failed(f"no forwarder {name!r}")
        click.echo(orjson.dumps(registry.records(name, outcome)).decode())
    return 0


@click.command()
@click.option("--once", is_flag=True, help="forward up to the stream's end, print the forwarders, exit")
@PARENT_PIPE
def forward(once: bool, parent_pipe: int | None) -> int:
    """Run every forwarder (LRS_NATS_URL) until SIGTERM or SIGINT.

    ``lrs serve`` runs this beside its workers when LRS_NATS_URL is set.
    """
    from lrs.forwarding import commands

    settings = context.log_as_json() if not once else context.settings()
    stop_with_parent(parent_pipe)
    return commands.forward(settings, once=once)
