"""``lrs accounts create|list|disable|reset|programs`` (issue 20, point 2), on both stores."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lrs.cli import main
from tests.access.conftest import PROGRAM


@pytest.fixture
def env(app: Any, two_programs: None, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("LRS_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LRS_DATA_DIR", str(tmp_path))
    return app.extensions["lrs"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    status = main(["accounts", *args])
    out = capsys.readouterr().out
    return status, json.loads(out) if out.strip() else None


def test_create_prints_the_account_with_a_one_time_password(env: Any, capsys: pytest.CaptureFixture[str]) -> None:
    status, created = run(capsys, "create", "ada", "--display-name", "Ada Lovelace", "--role", "coordinator",
                          "--programs", PROGRAM)
    assert status == 0 and created["programs"] == [PROGRAM] and created["must_change_password"]
    assert env.accounts.verify("ada", created["password"]).display_name == "Ada Lovelace"


def test_an_unknown_program_needs_allow_unknown(env: Any, capsys: pytest.CaptureFixture[str]) -> None:
    typo = "https://lrs.example.org/programs/typo"
    assert main(["accounts", "create", "ada", "--display-name", "Ada", "--programs", typo]) == 2
    assert "--allow-unknown" in capsys.readouterr().err and env.accounts.get("ada") is None
    assert run(capsys, "create", "ada", "--display-name", "Ada", "--programs", typo, "--allow-unknown")[0] == 0


def test_list_never_shows_passwords(env: Any, capsys: pytest.CaptureFixture[str]) -> None:
    _, created = run(capsys, "create", "ada", "--display-name", "Ada")
    status, listed = run(capsys, "list")
    assert status == 0 and [a["name"] for a in listed] == ["ada"]
    assert created["password"] not in json.dumps(listed) and "password" not in listed[0]


def test_disable_and_reset(env: Any, capsys: pytest.CaptureFixture[str]) -> None:
    _, created = run(capsys, "create", "ada", "--display-name", "Ada")
    status, reset = run(capsys, "reset", "ada")
    assert status == 0 and reset["password"] != created["password"]
    assert env.accounts.verify("ada", created["password"]) is None
    status, disabled = run(capsys, "disable", "ada")
    assert status == 0 and disabled["disabled_at"] is not None
    assert env.accounts.verify("ada", reset["password"]) is None
    assert main(["accounts", "disable", "ada"]) == 1 and main(["accounts", "reset", "nobody"]) == 1


def test_a_bad_name_is_exit_2(env: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["accounts", "create", "has space", "--display-name", "X"]) == 2
    assert "account name" in capsys.readouterr().err
