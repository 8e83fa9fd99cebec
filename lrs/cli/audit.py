"""``lrs audit ...``: the auditor's commands (docs/AUDIT.md).

| command | what it does |
|---|---|
| ``export [--after N] [filters] --output FILE`` | the history feed, NDJSON, to a file (``-``: stdout) |
| ``verify [--checkpoint FILE [--public-key PEM]]`` | recompute the chain; exit 1 on the first problem |
| ``checkpoint [--output FILE]`` | the chain's head, signed |
| ``backfill`` | chain the events stored before the chain existed |
| ``history ID`` | every event that touched one statement |
| ``replay --view NAME [--until POSITION|TIME]`` | rebuild a view from the log and compare |
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import click
import orjson

from lrs.audit import feed as audit_feed
from lrs.audit import replay as audit_replay
from lrs.audit.auditor import Audit
from lrs.audit.checkpoint import CheckpointError
from lrs.cli import context
from lrs.cli.errors import Failed, Invalid
from lrs.cli.progress import ProgressBar


@click.group()
def audit() -> None:
    """Audit the store: history feed, hash chain, checkpoints, statement history, view replay."""


@audit.command()
@click.option("--output", required=True, help="file to write (- for stdout)")
@click.option("--after", default=None, help="resume after this log position")
@click.option("--since", default=None, help="events after this time (ISO 8601)")
@click.option("--until", default=None, help="events up to this time (ISO 8601)")
@click.option("--type", "types", default=None,
              help="comma-separated event types: " + ", ".join(audit_feed.EVENT_TYPES))
@click.option("--agent", default=None, help="an Agent, as xAPI JSON")
@click.option("--related-agents", is_flag=True, help="--agent also matches where the Agent is not the actor")
@click.option("--activity", default=None, help="an Activity id")
@click.option("--related-activities", is_flag=True,
              help="--activity also matches where the Activity is not the object")
@click.option("--with-state", is_flag=True,
              help="also write each event's topic and stored bytes (base64): the chain can then be "
              "recomputed from the file alone")
def export(output: str, after: str | None, since: str | None, until: str | None, types: str | None,
           agent: str | None, related_agents: bool, activity: str | None, related_activities: bool,
           with_state: bool) -> int:
    """Write every event, in store order, as NDJSON."""
    values = {"after": after, "since": since, "until": until, "type": types, "agent": agent,
              "activity": activity}
    params = {k: v for k, v in values.items() if v is not None}
    if related_agents:
        params["related_agents"] = "true"
    if related_activities:
        params["related_activities"] = "true"
    if with_state:
        params["state"] = "true"
    f, errors = audit_feed.parse_filter(params)
    if f is None:
        raise Invalid("; ".join(f"--{e.path.replace('_', '-')}: {e.message}" for e in errors))
    count = 0
    with context.services() as services, _open(output) as out:
        for line in audit_feed.ndjson(Audit(services.store, services.settings).events(f)):
            out.write(line)
            count += 1
    click.echo(f"exported {count} events", err=True)
    return 0


@audit.command()
@click.option("--checkpoint", "checkpoint_file", default=None,
              help="a checkpoint file: also check the chain still passes through its head")
@click.option("--public-key", default=None,
              help="PEM public key that verifies the checkpoint (default: the configured key)")
def verify(checkpoint_file: str | None, public_key: str | None) -> int:
    """Recompute the hash chain from the stored events.

    Reports the first altered, missing or reordered event (exit status 1).
    """
    checkpoint = None
    if checkpoint_file:
        try:
            checkpoint = Path(checkpoint_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise Invalid(f"cannot read {checkpoint_file}: {exc}") from None
    with context.services() as services:
        auditor = Audit(services.store, services.settings)
        bar = ProgressBar("verify", auditor.event_count())
        try:
            result = auditor.verify(checkpoint, public_key, progress=bar.add)
        except CheckpointError as exc:
            bar.done()
            raise Invalid(str(exc)) from None
    bar.done()
    click.echo(orjson.dumps(result.as_dict(), option=orjson.OPT_INDENT_2).decode())
    if result.problem is not None:
        click.echo(f"lrs: chain broken at position {result.problem.position} ({result.problem.kind}): "
                   f"{result.problem.message}", err=True)
    if result.checkpoint is not None and not result.checkpoint["ok"]:
        click.echo(f"lrs: checkpoint not matched: {result.checkpoint['message']}", err=True)
    return 0 if result.ok else 1


@audit.command()
@click.option("--output", default="-", show_default=True, help="file to write (- for stdout)")
def checkpoint(output: str) -> int:
    """The chain's head (position, hash, time), signed with the checkpoint key."""
    with context.services() as services:
        try:
            made = Audit(services.store, services.settings).checkpoint()
        except CheckpointError as exc:
            raise Invalid(str(exc)) from None
    with _open(output) as out:
        out.write(orjson.dumps(made, option=orjson.OPT_INDENT_2) + b"\n")
    click.echo(f"checkpoint: position {made['position']}, hash {made['hash']}", err=True)
    return 0


@audit.command()
def backfill() -> int:
    """Chain the events stored before the chain existed."""
    with context.services() as services:
        auditor = Audit(services.store, services.settings)
        bar = ProgressBar("backfill", auditor.event_count())
        count = auditor.backfill(progress=bar.add)
    bar.done()
    click.echo(f"chained {count} events that had no chain entry")
    return 0


@audit.command()
@click.argument("statement_id")
def history(statement_id: str) -> int:
    """Every event that touched the statement STATEMENT_ID, as JSON (exit 1 if none)."""
    with context.services() as services:
        found = Audit(services.store, services.settings).statement_history(statement_id)
    if found is None:
        raise Failed(f"no event about statement {statement_id}")
    click.echo(orjson.dumps(found, option=orjson.OPT_INDENT_2).decode())
    return 0


@audit.command()
@click.option("--view", required=True, help="the view to replay (see lrs projections status)")
@click.option("--until", default=None, help="a log position or an ISO 8601 time (default: the head)")
def replay(view: str, until: str | None) -> int:
    """Rebuild a view from the log into scratch space and compare it with the live view.

    Exit status 1 when a table differs.
    """
    position = None
    if until is not None:
        position, problem = audit_replay.parse_until(until)
        if problem:
            raise Invalid(f"--until: {problem}")
    with context.services() as services:
        runner = services.projections
        try:
            outcome = audit_replay.replay(services.store, runner.views, runner.positions(), view, position)
        except (audit_replay.UnknownView, audit_replay.ReplayRefused) as exc:
            raise Invalid(str(exc)) from None
    click.echo(orjson.dumps(outcome.as_dict(), option=orjson.OPT_INDENT_2).decode())
    for table in outcome.tables:
        click.echo(f"{table.table}: {table.matching} rows match, {table.differing} differ "
                   f"(live {table.live_rows}, replayed {table.replayed_rows})", err=True)
    return 0 if outcome.ok else 1


@contextlib.contextmanager
def _open(path: str) -> Iterator[IO[bytes]]:
    """`path` opened for writing bytes; ``-`` is stdout."""
    if path == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    with open(path, "wb") as handle:
        yield handle
