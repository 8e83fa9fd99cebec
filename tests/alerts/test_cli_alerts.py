"""``lrs alerts run`` (issue 21 point 8): one round from the command line, and settings
that cannot be used refused in one line naming the setting (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lrs.cli import main
from tests.alerts.conftest import SECRET, Receiver


@pytest.fixture
def env(app: Any, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, receiver: Receiver) -> Any:
    monkeypatch.setenv("LRS_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LRS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LRS_ALERT_WEBHOOK_URL", receiver.url)
    monkeypatch.setenv("LRS_ALERT_WEBHOOK_SECRET", SECRET)
    return monkeypatch


def test_run_once_notifies_a_pair_first_seen_at_risk(env: Any, a_pair: None, project: Any, receiver: Receiver,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """Today the pair's last session (2026-01-10) is long past: first seen at risk, it is news."""
    project()
    assert main(["alerts", "run", "--once"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["evaluated"] and printed["delivered"] == 1
    assert [(c["from"], c["to"]) for c in printed["changes"]] == [(None, "inactive")]
    assert json.loads(receiver.calls[0].body)["type"] == "pair.inactive"
    assert main(["alerts", "run", "--once"]) == 0
    assert json.loads(capsys.readouterr().out)["changes"] == [] and len(receiver.calls) == 1


@pytest.mark.parametrize(("variable", "value", "named"), [
    ("LRS_ALERT_WEBHOOK_URL", "ftp://example.org/hook", "LRS_ALERT_WEBHOOK_URL"),
    ("LRS_ALERT_WEBHOOK_SECRET", "", "LRS_ALERT_WEBHOOK_SECRET"),
    ("LRS_ALERT_WEBHOOK_SECRET", "short", "LRS_ALERT_WEBHOOK_SECRET"),
    ("LRS_ALERT_MAX_ATTEMPTS", "many", "LRS_ALERT_MAX_ATTEMPTS"),
])
def test_a_bad_setting_is_one_line_naming_it(env: Any, capsys: pytest.CaptureFixture[str], variable: str,
                                             value: str, named: str) -> None:
    env.setenv(variable, value)
    assert main(["alerts", "run", "--once"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith(f"lrs: {named}")


def test_run_without_alerts_configured_says_what_to_set(env: Any, capsys: pytest.CaptureFixture[str]) -> None:
    env.delenv("LRS_ALERT_WEBHOOK_URL")
    assert main(["alerts", "run", "--once"]) == 2
    assert capsys.readouterr().err.startswith("lrs: LRS_ALERT_WEBHOOK_URL: alerts are not configured")


def test_send_digest_sends_todays_digest_to_each_coordinator_with_an_address(
        env: Any, a_pair: None, project: Any, mailbox: Any, capsys: pytest.CaptureFixture[str]) -> None:
    env.setenv("LRS_SMTP_HOST", "127.0.0.1")
    env.setenv("LRS_SMTP_PORT", str(mailbox.port))
    env.setenv("LRS_SMTP_FROM", "lrs@lrs.test")
    project()
    assert main(["accounts", "create", "carol", "--display-name", "Carol", "--email", "carol@example.org"]) == 0
    capsys.readouterr()
    assert main(["alerts", "send-digest"]) == 0
    assert json.loads(capsys.readouterr().out) == {"sent": ["carol"]}
    [mail] = mailbox.messages
    assert mail["To"] == "carol@example.org" and "Grace Mentor and Ada Mentee" in mail.get_content()
    assert main(["alerts", "send-digest"]) == 0
    assert json.loads(capsys.readouterr().out) == {"sent": []} and len(mailbox.messages) == 1


@pytest.mark.parametrize(("variables", "named"), [
    ({"LRS_SMTP_HOST": "127.0.0.1"}, "LRS_SMTP_FROM"),
    ({"LRS_SMTP_HOST": "127.0.0.1", "LRS_SMTP_FROM": "lrs@lrs.test", "LRS_SMTP_PASSWORD": "pw"}, "LRS_SMTP_USER"),
    ({"LRS_SMTP_HOST": "127.0.0.1", "LRS_SMTP_FROM": "lrs@lrs.test", "LRS_SMTP_PORT": "70000"}, "LRS_SMTP_PORT"),
    ({"LRS_SMTP_STARTTLS": "maybe"}, "LRS_SMTP_STARTTLS"),
    ({"LRS_DIGEST_HOUR": "24"}, "LRS_DIGEST_HOUR"),
])
def test_a_bad_smtp_setting_is_one_line_naming_it(env: Any, capsys: pytest.CaptureFixture[str],
                                                  variables: dict[str, str], named: str) -> None:
    for name, value in variables.items():
        env.setenv(name, value)
    assert main(["alerts", "send-digest"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith(f"lrs: {named}")


def test_send_digest_without_smtp_says_what_to_set(env: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["alerts", "send-digest"]) == 2
    assert capsys.readouterr().err.startswith("lrs: LRS_SMTP_HOST: the digest is not configured")


def test_an_accounts_address_is_set_and_checked(env: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["accounts", "create", "carol", "--display-name", "Carol"]) == 0
    assert json.loads(capsys.readouterr().out)["email"] == ""
    assert main(["accounts", "email", "carol", "carol@example.org"]) == 0
    assert json.loads(capsys.readouterr().out)["email"] == "carol@example.org"
    assert main(["accounts", "email", "carol", "not an address"]) == 2
    assert "not an e-mail address" in capsys.readouterr().err
    assert main(["accounts", "email", "nobody", "a@example.org"]) == 1


@pytest.fixture
def smtp_env(env: Any, project: Any, a_pair: None, capsys: pytest.CaptureFixture[str]) -> Any:
    env.setenv("LRS_SMTP_HOST", "127.0.0.1")
    env.setenv("LRS_SMTP_FROM", "lrs@lrs.test")
    project()
    assert main(["accounts", "create", "carol", "--display-name", "Carol", "--email", "carol@example.org"]) == 0
    capsys.readouterr()
    return env


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # a local test server
def test_send_digest_logs_in_with_the_configured_user(smtp_env: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.alerts.conftest import Mailbox, _free_port

    mailbox = Mailbox(_free_port(), login=("lrs", "s3cret-password"))
    mailbox.start()
    try:
        smtp_env.setenv("LRS_SMTP_PORT", str(mailbox.port))
        smtp_env.setenv("LRS_SMTP_USER", "lrs")
        smtp_env.setenv("LRS_SMTP_PASSWORD", "wrong")
        assert main(["alerts", "send-digest"]) == 1
        assert json.loads(capsys.readouterr().out) == {"sent": [], "failed": ["carol"]} and mailbox.messages == []
        smtp_env.setenv("LRS_SMTP_PASSWORD", "s3cret-password")
        assert main(["alerts", "send-digest"]) == 0
        assert json.loads(capsys.readouterr().out) == {"sent": ["carol"]} and len(mailbox.messages) == 1
    finally:
        mailbox.stop()


def test_send_digest_to_an_unreachable_server_fails_and_names_it(smtp_env: Any,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    from tests.alerts.conftest import _free_port

    smtp_env.setenv("LRS_SMTP_PORT", str(_free_port()))  # nothing listens there
    assert main(["alerts", "send-digest"]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out) == {"sent": [], "failed": ["carol"]}
    assert "LRS_SMTP_HOST 127.0.0.1" in captured.err.splitlines()[-1]
