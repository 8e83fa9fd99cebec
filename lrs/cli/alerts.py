"""``lrs alerts run``: the alerts worker (issue 21 point 8; what it does is `lrs.alerts`)."""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

import click
import orjson

from lrs.alerts.config import AlertConfig
from lrs.cli import context
from lrs.cli.children import PARENT_PIPE, stop_with_parent
from lrs.cli.errors import Failed, Refused

log = logging.getLogger("lrs.alerts")


@click.group()
def alerts() -> None:
    """Notify when a pair's status changes (webhook) and send the daily digests (e-mail)."""


def _config() -> AlertConfig:
    config = AlertConfig.from_settings(context.settings())
    if not config.enabled:
        raise Refused("LRS_ALERT_WEBHOOK_URL: alerts are not configured (set it, or LRS_SMTP_HOST for the digest)")
    return config


@alerts.command()
@click.option("--once", is_flag=True,
              help="one round (evaluate, deliver what is due, the digests from LRS_DIGEST_HOUR), print it as JSON, "
              "and exit")
@PARENT_PIPE
def run(once: bool, parent_pipe: int | None) -> int:
    """Evaluate the pairs' statuses and deliver the notifications, until SIGTERM or SIGINT.

    ``lrs serve`` runs one beside its workers when alerts are configured. It logs
    JSON lines on stderr, like the server.
    """
    from lrs.alerts.worker import AlertWorker

    if once:
        config = _config()
        with context.services() as services:
            tick = AlertWorker(services, config).tick()
        delivery = tick.delivery
        click.echo(orjson.dumps({
            "evaluated": tick.evaluated,
            "changes": [{"id": c.id, "program": c.program, "mentor": c.mentor, "mentee": c.mentee,
                         "from": c.from_status, "to": c.to_status} for c in tick.changes],
            "delivered": delivery.delivered if delivery else 0,
            "failed": delivery.failed if delivery else 0,
            "given_up": delivery.given_up if delivery else 0,
            "digests": tick.digests,
        }).decode())
        return 0
    context.log_as_json()
    config = _config()
    stop = threading.Event()

    def on_signal(_signum: int, _frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    stop_with_parent(parent_pipe)
    with context.services() as services:
        log.info("alerts worker: webhook %s; digest %s; every %g s", config.webhook_url or "off",
                 f"at {config.digest_hour}:00 UTC" if config.digest else "off", config.poll_seconds)
        AlertWorker(services, config).run(stop)
    log.info("alerts worker: stopped")
    return 0


@alerts.command("send-digest")
def send_digest() -> int:
    """Send today's digest now (whatever LRS_DIGEST_HOUR says) to each coordinator who has not had it.

    The pairs' statuses are evaluated first (when the views are up to date). Prints
    the accounts sent to as JSON (and those it could not send to: exit 1). Needs
    LRS_SMTP_HOST and LRS_SMTP_FROM.
    """
    from lrs.alerts.worker import AlertWorker, utc_now

    config = _config()
    if not config.digest:
        raise Refused("LRS_SMTP_HOST: the digest is not configured (the SMTP server to send it through)")
    with context.services() as services:
        worker = AlertWorker(services, config)
        now = utc_now()
        if worker.evaluate(now) is None:
            raise Failed("the mentoring view lags the log: the digest would say what it says; try again once "
                         "`lrs projections status` shows no lag")
        done = worker.send_digests(now)
    click.echo(orjson.dumps({"sent": done.sent, **({"failed": done.failed} if done.failed else {})}).decode())
    if done.failed:
        raise Failed(f"the digest could not be sent to {', '.join(done.failed)} through LRS_SMTP_HOST "
                     f"{config.smtp_host}:{config.smtp_port} (the log says why)")
    return 0
