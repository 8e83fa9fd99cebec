"""The alerts against real receivers: an HTTP server in a thread (the webhook) and
aiosmtpd (the digest), on both stores, with the worker's clock set by the test."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from lrs.alerts.config import AlertConfig
from lrs.alerts.worker import AlertWorker
from tests.projections import factories as f
from tests.projections.support import post
from xapi.prepare import parse_timestamp

SECRET = "a-webhook-secret-of-32-bytes-ok!"


@dataclass
class Call:
    path: str
    headers: Message
    """Case-insensitive, as HTTP header names are."""
    body: bytes


@dataclass
class Receiver:
    """A webhook receiver: records each POST, answers ``status``; can be stopped and started
    again on the same port (down, then up)."""

    port: int
    status: int = 200
    calls: list[Call] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.calls.append(Call(self.path, self.headers, body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver(_free_port())
    found.start()
    yield found
    found.stop()


class Clock:
    """The worker's clock, moved by the test."""

    def __init__(self, at: str):
        self.now = parse_timestamp(at)

    def set(self, at: str) -> None:
        self.now = parse_timestamp(at)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock("2026-01-12T08:00:00Z")


@pytest.fixture
def config(settings: Any, receiver: Receiver) -> AlertConfig:
    return AlertConfig.from_settings(replace(
        settings, alert_webhook_url=receiver.url, alert_webhook_secret=SECRET, alert_retry_seconds=30.0,
        alert_webhook_timeout_seconds=5.0))


@pytest.fixture
def worker(app: Any, project: Any, config: AlertConfig, clock: Clock) -> Any:
    """Brings the views up to date, then one round of the worker at the clock's time."""
    built = AlertWorker(app.extensions["lrs"], config, clock=clock)

    def tick() -> Any:
        project()
        return built.tick()

    tick.worker = built  # type: ignore[attr-defined]
    return tick


@pytest.fixture
def a_pair(client: Any) -> None:
    """Grace mentors Ada from 2026-01-05; their one session is on 2026-01-10."""
    post(client,
         f.enrolment(f.GRACE, "mentor"), f.enrolment(f.ADA, "mentee"), f.pairing(f.GRACE, f.ADA),
         f.session(f.ADA, f.GRACE, "2026-01-10T10:00:00Z"))


@dataclass
class Mailbox:
    """A real SMTP server (aiosmtpd) on a local port: the messages it accepted."""

    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    controller: Any = None
    login: tuple[str, str] | None = None
    """When set, the server requires this user name and password (AUTH, without TLS here)."""

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        mailbox = self

        class Handler:
            async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
                parsed = BytesParser(policy=policy.default).parsebytes(envelope.original_content or envelope.content)
                mailbox.messages.append(parsed)  # type: ignore[arg-type]
                return "250 OK"

        if self.login is None:
            self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        else:
            from aiosmtpd.smtp import AuthResult, LoginPassword

            expected = self.login

            def authenticate(_server: Any, _session: Any, _envelope: Any, _mechanism: str, data: Any) -> Any:
                given = (data.login.decode(), data.password.decode()) if isinstance(data, LoginPassword) else None
                # handled=False: aiosmtpd then answers a refusal with 535 itself (its default, True, means
                # "the authenticator already replied", so the client waited for an answer until its timeout).
                return AuthResult(success=given == expected, handled=False)

            self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, auth_required=True,
                                         auth_require_tls=False, authenticator=authenticate)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    found = Mailbox(_free_port())
    found.start()
    yield found
    found.stop()


@pytest.fixture
def digest_config(config: AlertConfig, mailbox: Mailbox) -> AlertConfig:
    return replace(config, smtp_host="127.0.0.1", smtp_port=mailbox.port, smtp_from="lrs@lrs.test", digest_hour=7)
