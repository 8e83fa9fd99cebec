"""``lrs audit ...``: the auditor's commands (mounted by `lrs.cli`).

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

import argparse
import sys
from pathlib import Path
from typing import IO, Any

import orjson

from lrs.audit import feed as audit_feed
from lrs.audit import replay as audit_replay
from lrs.audit.auditor import Audit
from lrs.audit.checkpoint import CheckpointError
from lrs.services import Services


def add_arguments(sub: Any) -> None:
    audit = sub.add_parser("audit", help="audit the store: history feed, hash chain, checkpoints, "
                           "statement history, view replay (docs/AUDIT.md)")
    actions = audit.add_subparsers(dest="audit_action", required=True)

    export = actions.add_parser("export", help="write every event, in store order, as NDJSON")
    export.add_argument("--output", required=True, help="file to write (- for stdout)")
    export.add_argument("--after", default=None, help="resume after this log position")
    export.add_argument("--since", default=None, help="events after this time (ISO 8601)")
    export.add_argument("--until", default=None, help="events up to this time (ISO 8601)")
    export.add_argument("--type", default=None,
                        help="comma-separated event types: " + ", ".join(audit_feed.EVENT_TYPES))
    export.add_argument("--agent", default=None, help="an Agent, as xAPI JSON")
    export.add_argument("--related-agents", action="store_true")
    export.add_argument("--activity", default=None, help="an Activity id")
    export.add_argument("--related-activities", action="store_true")
    export.add_argument("--with-state", action="store_true",
                        help="also write each event's topic and stored bytes (base64): the chain "
                        "can then be recomputed from the file alone")

    verify = actions.add_parser("verify", help="recompute the hash chain from the stored events "
                                "and report the first altered, missing or reordered event")
    verify.add_argument("--checkpoint", default=None,
                        help="a checkpoint file: also check the chain still passes through its head")
    verify.add_argument("--public-key", default=None,
                        help="PEM public key that verifies the checkpoint (default: the configured key)")

    checkpoint = actions.add_parser("checkpoint", help="the chain's head (position, hash, time), signed")
    checkpoint.add_argument("--output", default="-", help="file to write (default: stdout)")

    actions.add_parser("backfill", help="chain the events stored before the chain existed")

    history = actions.add_parser("history", help="every event that touched one statement")
    history.add_argument("statement_id")

    replay = actions.add_parser("replay", help="rebuild a view from the log into scratch space "
                                "and compare it with the live view")
    replay.add_argument("--view", required=True)
    replay.add_argument("--until", default=None, help="a log position or an ISO 8601 time")


def run(services: Services, args: argparse.Namespace) -> int:
    audit = Audit(services.store, services.settings)
    action = args.audit_action
    if action == "export":
        return _export(audit, args)
    if action == "verify":
        return _verify(audit, args)
    if action == "checkpoint":
        try:
            made = audit.checkpoint()
        except CheckpointError as exc:
            return _fail(str(exc), 2)
        _write(args.output, orjson.dumps(made, option=orjson.OPT_INDENT_2) + b"\n")
        print(f"checkpoint: position {made['position']}, hash {made['hash']}", file=sys.stderr)
        return 0
    if action == "backfill":
        bar = ProgressBar("backfill", audit.event_count())
        count = audit.backfill(progress=bar.add)
        bar.done()
        print(f"chained {count} events that had no chain entry")
        return 0
    if action == "history":
        found = audit.statement_history(args.statement_id)
        if found is None:
            return _fail(f"no event about statement {args.statement_id}", 1)
        print(orjson.dumps(found, option=orjson.OPT_INDENT_2).decode())
        return 0
    if action == "replay":
        return _replay(services, args)
    return 2


def _export(audit: Audit, args: argparse.Namespace) -> int:
    values = {name: getattr(args, name.replace("-", "_")) for name in
              ("after", "since", "until", "type", "agent", "activity")}
    params = {k: v for k, v in values.items() if v is not None}
    if args.related_agents:
        params["related_agents"] = "true"
    if args.related_activities:
        params["related_activities"] = "true"
    if args.with_state:
        params["state"] = "true"
    f, errors = audit_feed.parse_filter(params)
    if f is None:
        return _fail("; ".join(f"--{e.path.replace('_', '-')}: {e.message}" for e in errors), 2)
    count = 0
    with _open(args.output) as out:
        for line in audit_feed.ndjson(audit.events(f)):
            out.write(line)
            count += 1
    print(f"exported {count} events", file=sys.stderr)
    return 0


def _verify(audit: Audit, args: argparse.Namespace) -> int:
    checkpoint = None
    if args.checkpoint:
        try:
            checkpoint = Path(args.checkpoint).read_text(encoding="utf-8")
        except OSError as exc:
            return _fail(f"cannot read {args.checkpoint}: {exc}", 2)
    bar = ProgressBar("verify", audit.event_count())
    try:
        result = audit.verify(checkpoint, args.public_key, progress=bar.add)
    except CheckpointError as exc:
        bar.done()
        return _fail(str(exc), 2)
    bar.done()
    print(orjson.dumps(result.as_dict(), option=orjson.OPT_INDENT_2).decode())
    if result.problem is not None:
        print(f"lrs: chain broken at position {result.problem.position} ({result.problem.kind}): "
              f"{result.problem.message}", file=sys.stderr)
    if result.checkpoint is not None and not result.checkpoint["ok"]:
        print(f"lrs: checkpoint not matched: {result.checkpoint['message']}", file=sys.stderr)
    return 0 if result.ok else 1


def _replay(services: Services, args: argparse.Namespace) -> int:
    until = None
    if args.until is not None:
        until, problem = audit_replay.parse_until(args.until)
        if problem:
            return _fail(f"--until: {problem}", 2)
    runner = services.projections
    try:
        outcome = audit_replay.replay(services.store, runner.views, runner.positions(), args.view, until)
    except (audit_replay.UnknownView, audit_replay.ReplayRefused) as exc:
        return _fail(str(exc), 2)
    print(orjson.dumps(outcome.as_dict(), option=orjson.OPT_INDENT_2).decode())
    for table in outcome.tables:
        print(f"{table.table}: {table.matching} rows match, {table.differing} differ "
              f"(live {table.live_rows}, replayed {table.replayed_rows})", file=sys.stderr)
    return 0 if outcome.ok else 1


class ProgressBar:
    """Events done out of a total, on stderr: redrawn in place on a terminal, a
    line per tenth otherwise; silent for stores under 10,000 events."""

    def __init__(self, label: str, total: int, width: int = 30, quiet_below: int = 10_000):
        self.label, self.total, self.width = label, max(total, 1), width
        self.done_count = 0
        self.shown = -1
        self.enabled = total >= quiet_below
        self.tty = sys.stderr.isatty()

    def add(self, count: int) -> None:
        self.done_count += count
        if not self.enabled:
            return
        fraction = min(1.0, self.done_count / self.total)
        step = int(fraction * 100) if self.tty else int(fraction * 10) * 10
        if step == self.shown:
            return
        self.shown = step
        filled = int(fraction * self.width)
        bar = "#" * filled + "-" * (self.width - filled)
        text = f"{self.label} [{bar}] {self.done_count:,}/{self.total:,} events ({fraction:.0%})"
        print(("\r" + text) if self.tty else text, end="" if self.tty else "\n",
              file=sys.stderr, flush=True)

    def done(self) -> None:
        if self.enabled and self.tty:
            print(file=sys.stderr)


def _fail(message: str, code: int) -> int:
    print(f"lrs: {message}", file=sys.stderr)
    return code


class _open:
    def __init__(self, path: str):
        self.path = path
        self.handle: IO[bytes] | None = None

    def __enter__(self) -> IO[bytes]:
        self.handle = sys.stdout.buffer if self.path == "-" else open(self.path, "wb")
        return self.handle

    def __exit__(self, *exc: Any) -> None:
        assert self.handle is not None
        if self.path == "-":
            self.handle.flush()
        else:
            self.handle.close()


def _write(path: str, data: bytes) -> None:
    with _open(path) as out:
        out.write(data)
