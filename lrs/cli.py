"""The ``lrs`` command: serve, migrate, manage credentials, rebuild the index."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

import orjson

from lrs.credentials import DEFAULT_SCOPES, ROLES, SCOPES, UnknownRole, UnknownScope
from lrs.grants import InvalidPrograms, ProgramGrant, parse_programs, unknown_programs
from lrs.services import Services
from lrs.settings import Settings

FIRST_CREDENTIAL_SCOPES = ("all", "coordinator/read", "audit/read")
"""What the credential `lrs serve` creates on a store with none may do."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lrs", description="An event-sourced xAPI Learning Record Store.")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the LRS under gunicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=None,
                       help="worker processes (default: 1 on SQLite, 2 on PostgreSQL)")
    serve.add_argument("--threads", type=int, default=8, help="threads per worker")
    # --- running it in production (issue 12): see lrs/ops/gunicorn_conf.py ---
    serve.add_argument("--timeout", type=int, default=30,
                       help="seconds a worker may be silent before it is killed and replaced")
    serve.add_argument("--graceful-timeout", type=int, default=30,
                       help="seconds the workers have to finish requests in flight on SIGTERM")
    serve.add_argument("--keep-alive", type=int, default=5,
                       help="seconds an idle keep-alive connection is kept open")
    serve.add_argument("--no-projections", action="store_true",
                       help="do not run the projection runner beside the server "
                       "(run `lrs project` elsewhere; also LRS_RUN_PROJECTIONS=false)")

    sub.add_parser("migrate", help="create or upgrade the index and view tables")
    sub.add_parser(
        "rebuild-index",
        help="rebuild every derived table (statement index, Activities, Agents, documents) "
        "from the events alone",
    )

    # --- asynchronous views (issue 5) ---
    project = sub.add_parser("project", help="run the projection runner alone, in the foreground, "
                             "until SIGTERM or SIGINT (for a separate process or host)")
    project.add_argument("--source", choices=("database", "nats"), default="database",
                         help="read the log from the store (default) or from the NATS JetStream "
                         "stream (LRS_NATS_URL; views on another host and database, issue 23)")
    views = sub.add_parser("projections", help="rebuild the asynchronous views or show their status")
    views_sub = views.add_subparsers(dest="projections_action", required=True)
    rebuild = views_sub.add_parser("rebuild", help="empty a view (every view without NAME) "
                                   "and replay the log into it from position 0")
    rebuild.add_argument("name", nargs="?", default=None)
    views_sub.add_parser("status", help="the log head and each view's position and lag, as JSON")

    # --- the log on NATS JetStream (issue 23) ---
    publish = sub.add_parser("publish", help="publish the event log to the NATS JetStream stream "
                             "(LRS_NATS_URL), in log order, until SIGTERM or SIGINT")
    publish.add_argument("--once", action="store_true",
                         help="publish what the log holds now, print the status as JSON, and exit")

    # --- the mentoring simulator (issue 5) ---
    from lrs.simulate import add_arguments as simulate_arguments

    simulate_arguments(sub.add_parser(
        "simulate", help="generate a mentoring programme history, post it over xAPI in batches "
        "(printing statements/s) and write the figures the views must show for it"))

    # --- audit (issue 6) ---
    from lrs.audit.cli import add_arguments as audit_arguments

    audit_arguments(sub)

    creds = sub.add_parser("credentials", help="manage API credentials").add_subparsers(
        dest="action", required=True)
    create = creds.add_parser("create", help="create a credential and print it as JSON")
    create.add_argument("--key", default=None)
    create.add_argument("--secret", default=None)
    granted = create.add_mutually_exclusive_group()
    granted.add_argument("--role", choices=list(ROLES), default=None,
                         help="a named set of scopes: "
                         + "; ".join(f"{r}: {','.join(sorted(s))}" for r, s in ROLES.items()))
    granted.add_argument("--scopes", default=None,
                         help=f"comma-separated scopes, from: {', '.join(sorted(SCOPES))} "
                         f"(default: {','.join(DEFAULT_SCOPES)})")
    create.add_argument("--label", default="")
    # issue 20: what the credential sees of the coordinator views
    create.add_argument("--programs", default="all",
                        help="program IRIs it may see in the coordinator views, comma-separated, "
                        "or all (default: all; admin sees all whatever this says)")
    create.add_argument("--allow-unknown", action="store_true",
                        help="grant program IRIs that no statement names yet")
    grant = creds.add_parser("programs", help="change the programs a credential may see")
    grant.add_argument("key")
    grant.add_argument("programs", help="program IRIs, comma-separated, or all")
    grant.add_argument("--allow-unknown", action="store_true",
                       help="grant program IRIs that no statement names yet")
    creds.add_parser("list", help="list credentials as JSON (never secrets)")
    revoke = creds.add_parser("revoke", help="revoke a credential (and the tokens it was given)")
    revoke.add_argument("key")
    rotate = creds.add_parser("rotate", help="replace a credential's secret and print the new one")
    rotate.add_argument("key")

    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if args.command == "serve":
        return _serve(settings, args)
    if args.command == "project":
        if args.source == "nats":  # issue 23
            from lrs.stream import commands as stream_commands

            return stream_commands.project(settings)
        return _project(settings)
    if args.command == "publish":  # issue 23
        from lrs.stream import commands as stream_commands

        return stream_commands.publish(settings, once=args.once)
    if args.command == "simulate":  # needs no store: it talks to the LRS over HTTP
        from lrs.simulate import run as simulate

        return simulate(args, settings)
    services = Services.build(settings)
    try:
        return _run(services, args)
    finally:
        services.close()


def _run(services: Services, args: argparse.Namespace) -> int:
    if args.command == "migrate":
        # Services.build has migrated already; it says what it applied.
        applied = services.migrations_applied
        print(f"migrations applied: {', '.join(applied) if applied else 'none (up to date)'}")
        # audit (issue 6): a store created before the hash chain gets its chain now.
        from lrs.audit.auditor import Audit

        if chained := Audit(services.store, services.settings).backfill():
            print(f"audit chain: {chained} events chained")
        return 0
    if args.command == "rebuild-index":
        count = services.store.rebuild_index()
        documents = services.store.rebuild_documents()
        print(f"rebuilt from the event store: {count} statements, {documents} documents")
        return 0
    if args.command == "projections":
        return _projections(services, args)
    if args.command == "audit":  # issue 6
        from lrs.audit import cli as audit_cli

        return audit_cli.run(services, args)
    if args.action == "create":
        scopes = None if args.scopes is None else [s.strip() for s in args.scopes.split(",") if s.strip()]
        try:
            programs = _programs(services, args.programs, args.allow_unknown)
            credential, secret = services.credentials.create(
                key=args.key, secret=args.secret, scopes=scopes, role=args.role, label=args.label,
                programs=programs)
        except (UnknownScope, UnknownRole, InvalidPrograms) as exc:
            print(f"lrs: {exc}", file=sys.stderr)
            return 2
        print(orjson.dumps({**credential.as_dict(), "secret": secret}).decode())
        return 0
    if args.action == "programs":
        try:
            changed = services.credentials.set_programs(
                args.key, _programs(services, args.programs, args.allow_unknown))
        except InvalidPrograms as exc:
            print(f"lrs: {exc}", file=sys.stderr)
            return 2
        if changed is None:
            print(f"lrs: no active credential {args.key!r}", file=sys.stderr)
            return 1
        print(orjson.dumps(changed.as_dict()).decode())
        return 0
    if args.action == "list":
        print(orjson.dumps([c.as_dict() for c in services.credentials.list()]).decode())
        return 0
    if args.action == "revoke":
        if services.credentials.revoke(args.key):
            print(f"revoked {args.key}")
            return 0
        print(f"lrs: no active credential {args.key!r}", file=sys.stderr)
        return 1
    if args.action == "rotate":
        rotated = services.credentials.rotate(args.key)
        if rotated is None:
            print(f"lrs: no active credential {args.key!r}", file=sys.stderr)
            return 1
        credential, secret = rotated
        print(orjson.dumps({**credential.as_dict(), "secret": secret}).decode())
        return 0
    return 2


def _programs(services: Services, value: str, allow_unknown: bool) -> ProgramGrant:
    """``--programs``: ``all`` or IRIs; an IRI no statement names needs ``--allow-unknown``."""
    grant = parse_programs(value)
    unknown = [] if allow_unknown else unknown_programs(services.store.db, grant)
    if unknown:
        raise InvalidPrograms(f"no statement names the program {', '.join(unknown)} "
                              "(a typo would grant nothing; --allow-unknown grants it anyway)")
    return grant


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from gunicorn.app.base import BaseApplication

    from lrs.ops import gunicorn_conf

    gunicorn_conf.fresh_metrics_dir()  # issue 12: before anything imports prometheus_client
    services = Services.build(settings)  # migrate once, before the workers start
    from lrs.audit.auditor import (
        Audit,  # audit (issue 6): chain what was stored before the chain
    )

    Audit(services.store, settings).backfill()
    url = f"http://{args.host}:{args.port}/xapi"
    print(f"LRS endpoint: {url}")
    print(f"store: {settings.dialect} ({_redacted(settings.resolved_database_url)})")
    if not services.credentials.list():
        # The owner's first credential: every xAPI resource, and read access to the
        # coordinator views (API and dashboard) and the audit log; not the admin API.
        credential, secret = services.credentials.create(
            scopes=list(FIRST_CREDENTIAL_SCOPES), label="first credential")
        print(f"A credential with scopes {', '.join(FIRST_CREDENTIAL_SCOPES)} was created "
              "(the secret is shown only now):")
        print(f"  key:    {credential.key}")
        print(f"  secret: {secret}")
        print(f"  try:    curl -u {credential.key}:{secret} -H 'X-Experience-API-Version: 1.0.3' "
              f"{url}/statements")
        print(f"  dashboard: http://{args.host}:{args.port}/dashboard/ (sign in with this key and secret)")
    else:
        print("Credentials exist already; create another with: lrs credentials create --scopes all "
              "(or --role provider|reader|coordinator|auditor|admin)")
    services.close()
    sys.stdout.flush()

    workers = args.workers or (1 if settings.dialect == "sqlite" else 2)
    # One projection runner beside the workers (not one per worker): started by the
    # master before it forks them, stopped when the master exits.
    runner = _RunnerProcess() if settings.run_projections and not args.no_projections else None
    # issue 23: with LRS_NATS_URL set, one publisher process beside them too.
    publisher = _RunnerProcess("publish") if settings.nats_url else None
    children = [c for c in (runner, publisher) if c is not None]

    class _Gunicorn(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": f"{args.host}:{args.port}",
                "workers": workers,
                "worker_class": "gthread",
                "threads": args.threads,
                "timeout": 60,
                "graceful_timeout": 30,
                "accesslog": None,
            }
            options.update(gunicorn_conf.serve_options(  # issue 12: timeouts, metrics, JSON logs
                bind=[f"{args.host}:{args.port}"]
                + ([f"{args.host}:{settings.metrics_port}"] if settings.metrics_port else []),
                timeout_seconds=args.timeout, graceful_seconds=args.graceful_timeout,
                keepalive_seconds=args.keep_alive))
            for name, value in options.items():
                self.cfg.set(name, value)
            if children:
                self.cfg.set("on_starting", lambda _server: _each(children, "start"))
                self.cfg.set("on_exit", lambda _server: _each(children, "stop"))

        def load(self) -> Any:
            from lrs.app import create_app

            return create_app(settings)

    _Gunicorn().run()
    return 0


def _each(children: list[_RunnerProcess], action: str) -> None:
    for child in children:
        getattr(child, action)()


def _redacted(url: str) -> str:
    from urllib.parse import urlparse

    parsed = urlparse(url)
    if parsed.password:
        return url.replace(f":{parsed.password}@", ":***@")
    return url


# --- asynchronous views (issue 5) ---
def _project(settings: Settings) -> int:
    """`lrs project`: the runner alone until SIGTERM/SIGINT; finishes the batch
    it is in (each batch is one transaction, so stopping never half-applies)."""
    import signal
    import threading

    stop = threading.Event()

    def on_signal(_signum: int, _frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    services = Services.build(settings)
    try:
        names = ", ".join(v.name for v in services.projections.views) or "none"
        print(f"projection runner: views {names}; store {settings.dialect}; "
              f"{'LISTEN/NOTIFY' if settings.dialect == 'postgres' else 'polling'} "
              f"every {settings.projection_poll_seconds:g} s", file=sys.stderr, flush=True)
        services.projections.run(stop)
    finally:
        services.close()
    print("projection runner: stopped", file=sys.stderr, flush=True)
    return 0


def _projections(services: Services, args: argparse.Namespace) -> int:
    from lrs.runner import UnknownView, ViewFailed

    runner = services.projections
    if args.projections_action == "status":
        print(orjson.dumps(runner.status().as_dict()).decode())
        return 0
    bar = _ProgressBar(args.name or "all views")
    try:
        applied = runner.rebuild(args.name, progress=bar)
    except UnknownView:
        known = ", ".join(v.name for v in runner.views) or "none"
        print(f"lrs: no view {args.name!r} (views: {known})", file=sys.stderr)
        return 2
    except ViewFailed as exc:
        bar.done()
        print(f"lrs: {exc}: {exc.__cause__!r}", file=sys.stderr)
        return 1
    bar.done()
    print(f"rebuilt {args.name or 'every view'}: {applied} statements applied")
    return 0


class _ProgressBar:
    """A progress bar on stderr: redrawn in place on a terminal, a line per
    tenth otherwise (logs)."""

    def __init__(self, label: str, width: int = 30):
        self.label = label
        self.width = width
        self.tty = sys.stderr.isatty()
        self.shown = -1

    def __call__(self, position: int, head: int) -> None:
        fraction = 1.0 if head <= 0 else min(1.0, position / head)
        step = int(fraction * 100) if self.tty else int(fraction * 10) * 10
        if step == self.shown:
            return
        self.shown = step
        filled = int(fraction * self.width)
        line = (f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
                f"{fraction * 100:3.0f}% {position}/{head}")
        print(("\r" + line) if self.tty else line, end="" if self.tty else "\n",
              file=sys.stderr, flush=True)

    def done(self) -> None:
        if self.tty and self.shown >= 0:
            print(file=sys.stderr, flush=True)


class _RunnerProcess:
    """`lrs project` (or another long-running command: `lrs publish`) as a child of
    `lrs serve`'s master, with the same environment."""

    def __init__(self, command: str = "project") -> None:
        self.command = command
        self.proc: Any = None

    def start(self) -> None:
        import subprocess

        self.proc = subprocess.Popen([sys.executable, "-m", "lrs.cli", self.command])

    def stop(self) -> None:
        import subprocess

        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
        except ChildProcessError:  # already reaped by gunicorn's SIGCHLD handler
            pass


if __name__ == "__main__":
    raise SystemExit(main())
