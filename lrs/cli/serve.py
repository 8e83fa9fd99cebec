"""``lrs serve``: the LRS under gunicorn, with one projection runner beside it.

The order is what makes a failed start clean: the settings and the store's URL
are checked, then the addresses are bound (here, not by gunicorn: a port in use
is one line and exit status 2, before anything is created or printed; gunicorn
is handed the bound sockets, ``fd://N``); only then is the store migrated, the
first credential made and printed, and gunicorn started, with the projection
runner (and, with ``LRS_NATS_URL``, the publisher; with alerts configured, ``lrs alerts
run``) beside it: `lrs.cli.children`.
"""

from __future__ import annotations

import errno
import socket
import sys
from collections.abc import Callable
from typing import Any

import click
from gunicorn.app.base import BaseApplication

from lrs.alerts.config import AlertConfig
from lrs.cli import context
from lrs.cli.children import Child
from lrs.cli.errors import Refused, redacted
from lrs.services import Services
from lrs.settings import Settings
from lrs.store.dialects import dialect_named

FIRST_CREDENTIAL_SCOPES = ("all", "coordinator/read", "audit/read")
"""What the credential `lrs serve` creates on a store with none may do."""


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="port to listen on")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="worker processes (default: 1 on SQLite, 2 on PostgreSQL)")
@click.option("--threads", type=click.IntRange(min=1), default=8, show_default=True,
              help="threads per worker")
@click.option("--timeout", type=click.IntRange(min=1), default=30, show_default=True,
              help="seconds a worker may be silent before it is killed and replaced")
@click.option("--graceful-timeout", type=click.IntRange(min=0), default=30, show_default=True,
              help="seconds the workers have to finish requests in flight on SIGTERM")
@click.option("--keep-alive", type=click.IntRange(min=0), default=5, show_default=True,
              help="seconds an idle keep-alive connection is kept open")
@click.option("--no-projections", is_flag=True,
              help="do not run the projection runner beside the server (run `lrs project` "
              "elsewhere; also LRS_RUN_PROJECTIONS=false)")
def serve(host: str, port: int, workers: int | None, threads: int, timeout: int, graceful_timeout: int,
          keep_alive: int, no_projections: bool) -> int:
    """Run the LRS under gunicorn (and the projection runner beside it).

    On a store without credentials, one is created and its secret printed once.
    A port in use, an unusable setting or an unreachable store is one line on
    stderr and exit status 2, before anything is created or printed.
    """
    settings = context.settings()
    settings.eventsourcing_env()  # an unusable store path is refused before a port is taken
    alerting = AlertConfig.from_settings(settings).enabled  # issue 21 point 8: bad settings refused here too
    if settings.metrics_port and settings.metrics_port == port:
        raise Refused(f"LRS_METRICS_PORT: {port} is the port of the LRS itself (--port); choose another")
    listeners = [listen(host, port, "--port")]
    if settings.metrics_port:
        listeners.append(listen(host, settings.metrics_port, "LRS_METRICS_PORT"))
    try:
        from lrs.ops import gunicorn_conf

        gunicorn_conf.fresh_metrics_dir()  # issue 12: before anything imports prometheus_client
        _prepare_store(settings, f"http://{host}:{port}")
    except BaseException:
        for sock in listeners:
            sock.close()
        raise
    children = [Child("project")] if settings.run_projections and not no_projections else []
    if settings.nats_url:  # issue 23: the log published to NATS JetStream, beside the workers
        children.append(Child("publish"))
        children.append(Child("forward"))  # and the forwarders to other LRSs
    if alerting:  # issue 21 point 8: the alerts worker, beside the projection runner
        children.append(Child("alerts", "run"))
    options = gunicorn_conf.serve_options(
        bind=[f"fd://{sock.detach()}" for sock in listeners],  # gunicorn owns them from here
        timeout_seconds=timeout, graceful_seconds=graceful_timeout, keepalive_seconds=keep_alive)
    _Gunicorn(settings, {
        "workers": workers or dialect_named(settings.dialect).default_workers,
        "threads": threads,
        "accesslog": None,
        **options,
    }, children).run()
    return 0


def listen(host: str, port: int, option: str) -> socket.socket:
    """A socket listening on `host`:`port`, or a `Refused` naming `option`."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as exc:
        raise Refused(f"--host: cannot listen on {host!r}: {exc.strerror}") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn does
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        why = "another process listens there" if exc.errno == errno.EADDRINUSE else exc.strerror
        raise Refused(f"{option}: cannot listen on {host}:{port}: {why}") from None
    return sock


def _prepare_store(settings: Settings, base: str) -> None:
    """Migrate once (before the workers start), chain what predates the audit
    chain, and print the endpoint, and the first credential on a store with none."""
    from lrs.audit.auditor import Audit

    services = Services.build(settings)
    try:
        Audit(services.store, settings).backfill()
        url = f"{base}/xapi"
        lines = [f"LRS endpoint: {url}", f"store: {settings.dialect} ({redacted(settings.resolved_database_url)})"]
        if not services.credentials.list():
            # The owner's first credential: every xAPI resource, and read access to the
            # coordinator views (API and dashboard) and the audit log; not the admin API.
            credential, secret = services.credentials.create(
                scopes=list(FIRST_CREDENTIAL_SCOPES), label="first credential")
            lines += [
                f"A credential with scopes {', '.join(FIRST_CREDENTIAL_SCOPES)} was created "
                "(the secret is shown only now):",
                f"  key:    {credential.key}",
                f"  secret: {secret}",
                f"  try:    curl -u {credential.key}:{secret} -H 'X-Experience-API-Version: 1.0.3' "
                f"{url}/statements",
                f"  dashboard: {base}/dashboard/ (sign in with this key and secret)",
            ]
        else:
            lines.append("Credentials exist already; create another with: lrs credentials create "
                         "--scopes all (or --role provider|reader|coordinator|auditor|admin)")
    finally:
        services.close()
    click.echo("\n".join(lines))
    sys.stdout.flush()


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """gunicorn with the options given here (no command line, no config file)."""

    def __init__(self, settings: Settings, options: dict[str, Any], children: list[Child]):
        self.settings, self.options, self.children = settings, options, children
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)
        children = self.children
        if children:
            # One of each beside the workers (not one per worker): started by the
            # master before it forks them, stopped when the master exits.
            self.cfg.set("on_starting", lambda _server: _each(children, Child.start))
            self.cfg.set("on_exit", lambda _server: _each(children, Child.stop))
            self.cfg.set("post_fork", lambda _server, _worker: _each(children, Child.forget_in_worker))

    def load(self) -> Any:
        from lrs.app import create_app

        return create_app(self.settings)


def _each(children: list[Child], action: Callable[[Child], None]) -> None:
    for child in children:
        action(child)
