"""The alerts' settings, checked together: a problem is one `ConfigurationError` naming its setting."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

from lrs.settings import ConfigurationError, Settings

MIN_SECRET_BYTES = 16
MAX_RETRY_SECONDS = 3600.0
"""The longest wait between two calls for one change."""


@dataclass(frozen=True)
class AlertConfig:
    webhook_url: str
    webhook_secret: bytes
    webhook_timeout: float
    retry_seconds: float
    max_attempts: int
    poll_seconds: float
    smtp_host: str
    smtp_port: int
    smtp_from: str
    smtp_user: str
    smtp_password: str
    smtp_starttls: bool
    digest_hour: int
    public_url: str

    @property
    def webhook(self) -> bool:
        return bool(self.webhook_url)

    @property
    def digest(self) -> bool:
        return bool(self.smtp_host)

    @property
    def enabled(self) -> bool:
        """Whether anything is configured (``lrs serve`` then runs the worker)."""
        return self.webhook or self.digest

    def backoff(self, attempts: int) -> float:
        """Seconds before the next call, after ``attempts`` failed ones (1, 2, ...)."""
        return float(min(self.retry_seconds * 2 ** (attempts - 1), MAX_RETRY_SECONDS))

    @classmethod
    def from_settings(cls, settings: Settings) -> AlertConfig:
        url = settings.alert_webhook_url
        if url:
            parsed = urlparse(url)
            if parsed.scheme not in ("http", "https") or not parsed.hostname:
                raise ConfigurationError(f"LRS_ALERT_WEBHOOK_URL must be an http:// or https:// URL, got {url!r}")
            if not settings.alert_webhook_secret:
                raise ConfigurationError("LRS_ALERT_WEBHOOK_SECRET: required with LRS_ALERT_WEBHOOK_URL "
                                         "(the key the notifications are signed with)")
        secret = settings.alert_webhook_secret.encode()
        if secret and len(secret) < MIN_SECRET_BYTES:
            raise ConfigurationError(f"LRS_ALERT_WEBHOOK_SECRET must be at least {MIN_SECRET_BYTES} bytes")
        if settings.smtp_host:
            if not settings.smtp_from or "@" not in settings.smtp_from:
                raise ConfigurationError("LRS_SMTP_FROM: an e-mail address is required with LRS_SMTP_HOST, "
                                         f"got {settings.smtp_from!r}")
            if not 0 < settings.smtp_port < 65536:
                raise ConfigurationError(f"LRS_SMTP_PORT must be a port (1-65535), got {settings.smtp_port}")
            if settings.smtp_password and not settings.smtp_user:
                raise ConfigurationError("LRS_SMTP_USER: required with LRS_SMTP_PASSWORD")
        if not 0 <= settings.digest_hour <= 23:
            raise ConfigurationError(f"LRS_DIGEST_HOUR must be an hour of the day (0-23), got {settings.digest_hour}")
        return cls(
            webhook_url=url, webhook_secret=secret, webhook_timeout=settings.alert_webhook_timeout_seconds,
            retry_seconds=settings.alert_retry_seconds, max_attempts=settings.alert_max_attempts,
            poll_seconds=settings.alert_poll_seconds, smtp_host=settings.smtp_host, smtp_port=settings.smtp_port,
            smtp_from=settings.smtp_from, smtp_user=settings.smtp_user, smtp_password=settings.smtp_password,
            smtp_starttls=settings.smtp_starttls, digest_hour=settings.digest_hour,
            public_url=settings.public_url)
