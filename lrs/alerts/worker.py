"""The alerts worker: evaluate, deliver, digest, on a clock that tests can set.

`AlertWorker.tick` does one round at the clock's time: the pairs' statuses are
evaluated only when the mentoring view shows the whole log (while it lags, as
during a rebuild, a pair could look at risk for want of the sessions not yet
applied); then the webhook calls that are due are made, and from
``LRS_DIGEST_HOUR`` on the day's digests are sent (`digest`), once the statuses
are up to date (a digest is sent once a day: it must not say what a lagging
view says). `run` repeats it every
``LRS_ALERT_POLL_SECONDS`` until stopped.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from lrs.alerts import changes, digest, webhook
from lrs.alerts.config import AlertConfig
from lrs.services import Services

log = logging.getLogger("lrs.alerts")

Clock = Callable[[], datetime]
VIEW = "mentoring"
"""The view the statuses are read from."""


def utc_now() -> datetime:
    return datetime.now(UTC)


def epoch_us(moment: datetime) -> int:
    return int(moment.timestamp()) * 1_000_000 + moment.microsecond


@dataclass
class Tick:
    evaluated: bool = False
    changes: list[changes.Change] = field(default_factory=list)
    delivery: webhook.Round | None = None
    digests: list[str] = field(default_factory=list)
    """The accounts sent their digest of the day."""


class AlertWorker:
    def __init__(self, services: Services, config: AlertConfig, *, clock: Clock = utc_now,
                 send: webhook.Post = webhook.post):
        self.services, self.config, self.clock, self.send = services, config, clock, send

    def views_caught_up(self) -> bool:
        """Whether the mentoring view shows every statement of the log (measured on the
        wall clock, whatever the worker's clock says)."""
        status = self.services.projections.status(utc_now())
        return any(v.name == VIEW and v.lag_seconds == 0 for v in status.views)

    def evaluate(self, now: datetime) -> list[changes.Change] | None:
        """The changes of the pairs' statuses at ``now``, recorded; None while the view lags."""
        if not self.views_caught_up():
            return None
        return changes.evaluate(self.services.store.db, self.services.view_settings, epoch_us(now),
                                public_url=self.config.public_url, deliver=self.config.webhook)

    def tick(self) -> Tick:
        now = self.clock()
        now_us = epoch_us(now)
        done = Tick()
        found = self.evaluate(now)
        if found is not None:
            done.evaluated, done.changes = True, found
        if self.config.webhook:
            done.delivery = webhook.deliver_due(self.services.store.db, self.config, now_us, self.send)
        if self.config.digest and done.evaluated and now.hour >= self.config.digest_hour:
            done.digests = self.send_digests(now).sent
        return done

    def send_digests(self, now: datetime | None = None) -> digest.Sent:
        """The day's digest to each coordinator who has not had it (whatever the hour)."""
        return digest.send_due(self.services.store.db, self.services.accounts.list(), self.config,
                               now or self.clock())

    def run(self, stop: threading.Event) -> None:
        """Tick until ``stop`` is set; a failed round is logged and the next one tried."""
        while not stop.is_set():
            try:
                self.tick()
            except Exception:
                log.exception("alerts: the round failed; trying again in %g s", self.config.poll_seconds)
            stop.wait(self.config.poll_seconds)
