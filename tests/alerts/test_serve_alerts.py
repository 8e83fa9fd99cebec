"""``lrs serve`` runs the alerts worker beside the projection runner when alerts are
configured (issue 21 point 8): statements posted over HTTP reach the webhook and the
digest, end to end, on both stores; a bad alert setting stops ``lrs serve`` in one line."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.alerts.conftest import SECRET, Mailbox, Receiver
from tests.projections import factories as f
from tests.support.servers import create_credential, free_port, lrs, scratch_store, start_server, wait_for


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_env(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    with scratch_store(request.param, tmp_path, "lrs_alerts") as url:
        yield {**os.environ, "LRS_DATABASE_URL": url, "LRS_DATA_DIR": str(tmp_path)}


def test_serve_notifies_the_webhook_and_mails_the_digest(store_env: dict[str, str], receiver: Receiver,
                                                         mailbox: Mailbox, tmp_path: Path) -> None:
    env = {**store_env, "LRS_ALERT_WEBHOOK_URL": receiver.url, "LRS_ALERT_WEBHOOK_SECRET": SECRET,
           "LRS_ALERT_POLL_SECONDS": "0.2", "LRS_SMTP_HOST": "127.0.0.1", "LRS_SMTP_PORT": str(mailbox.port),
           "LRS_SMTP_FROM": "lrs@lrs.test", "LRS_DIGEST_HOUR": "0"}
    assert lrs(env, "migrate").returncode == 0
    key, secret = create_credential(env, "alerts")
    port, log = free_port(), tmp_path / "serve.log"
    with start_server(env, port, log) as proc:
        # the pair's only session is long past: first seen inactive, which is news
        response = requests.post(
            f"http://127.0.0.1:{port}/xapi/statements", auth=(key, secret), timeout=30,
            headers={"X-Experience-API-Version": "1.0.3"},
            json=[f.enrolment(f.GRACE, "mentor"), f.enrolment(f.ADA, "mentee"), f.pairing(f.GRACE, f.ADA),
                  f.session(f.ADA, f.GRACE, "2026-01-10T10:00:00Z")])
        assert response.status_code == 200
        wait_for(lambda: len(receiver.calls) == 1, proc, log)
        created = lrs(env, "accounts", "create", "carol", "--display-name", "Carol", "--email", "carol@example.org")
        assert created.returncode == 0, created.stderr
        wait_for(lambda: any("Grace Mentor and Ada Mentee" in m.get_content() for m in mailbox.messages), proc, log)
    body = json.loads(receiver.calls[0].body)
    assert (body["type"], body["mentee"]["name"]) == ("pair.inactive", "Ada Mentee")
    assert len(receiver.calls) == 1 and len(mailbox.to("carol@example.org")) == 1


def test_serve_refuses_a_bad_alert_setting_in_one_line(store_env: dict[str, str]) -> None:
    env = {**store_env, "LRS_ALERT_WEBHOOK_URL": "http://127.0.0.1:9/hook"}  # no secret
    done = lrs(env, "serve", "--port", str(free_port()))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "lrs: LRS_ALERT_WEBHOOK_SECRET: required with LRS_ALERT_WEBHOOK_URL "
        "(the key the notifications are signed with)"]
