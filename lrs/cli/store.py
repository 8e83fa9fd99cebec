"""``lrs migrate`` and ``lrs rebuild-index``: the store's tables."""

from __future__ import annotations

import click

from lrs.cli import context
from lrs.store.rebuilds import rebuild_documents, rebuild_statement_views


@click.command()
def migrate() -> int:
    """Create or upgrade the index and view tables; list each migration applied.

    Safe to run again (and by several processes at once): what is applied
    already is left alone. A store made before the audit hash chain gets its
    chain now.
    """
    from lrs.audit.auditor import Audit

    with context.services() as services:  # building them migrates; they say what was applied
        applied = services.migrations_applied
        if applied:
            click.echo(f"migrations applied ({len(applied)}):")
            for name in applied:
                click.echo(f"  {name}")
        else:
            click.echo("migrations applied: none (up to date)")
        if chained := Audit(services.store, services.settings).backfill():
            click.echo(f"audit chain: {chained} events chained")
    return 0


@click.command("rebuild-index")
def rebuild_index() -> int:
    """Rebuild every derived table from the events alone.

    The statement index, Activity definitions, Agents and current documents are
    emptied and written again from the event log (the asynchronous views have
    their own command: ``lrs projections rebuild``).
    """
    with context.services() as services:
        count = rebuild_statement_views(services.store)
        documents = rebuild_documents(services.store, skip=services.erasures.skips_document())
    click.echo(f"rebuilt from the event store: {count} statements, {documents} documents")
    return 0
