"""The ``lrs`` command's credential and maintenance verbs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lrs.cli import main


@pytest.fixture
def env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("LRS_DATABASE_URL", database_url)
    monkeypatch.setenv("LRS_DATA_DIR", str(tmp_path))
    return database_url


def test_credentials_create_prints_the_credential_as_json(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["credentials", "create", "--key", "lms", "--secret", "s3cret", "--scopes",
                 "statements/write,statements/read"]) == 0
    created = json.loads(capsys.readouterr().out)
    assert created["key"] == "lms" and created["secret"] == "s3cret"
    assert created["scopes"] == ["statements/read", "statements/write"]


def test_credentials_list_never_shows_secrets(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["credentials", "create", "--key", "lms", "--secret", "s3cret"])
    capsys.readouterr()
    assert main(["credentials", "list"]) == 0
    listed = capsys.readouterr().out
    assert "lms" in listed and "s3cret" not in listed and "secret" not in json.loads(listed)[0]


def test_credentials_revoke_marks_the_credential_revoked(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["credentials", "create", "--key", "lms"])
    assert main(["credentials", "revoke", "lms"]) == 0
    capsys.readouterr()
    main(["credentials", "list"])
    assert json.loads(capsys.readouterr().out)[0]["revoked_at"] is not None
    assert main(["credentials", "revoke", "lms"]) == 1


def test_credentials_create_rejects_an_unknown_scope(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    # Communication 4.2 lists the scopes.
    assert main(["credentials", "create", "--scopes", "statements/delete"]) == 2
    assert "statements/delete" in capsys.readouterr().err


def test_migrate_is_idempotent(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate"]) == 0
    capsys.readouterr()
    assert main(["migrate"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_credentials_create_with_a_role_gets_the_scopes_of_the_role(
    env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["credentials", "create", "--key", "coord", "--role", "coordinator"]) == 0
    created = json.loads(capsys.readouterr().out)
    assert created["role"] == "coordinator" and created["scopes"] == ["coordinator/read"]


def test_credentials_create_with_a_role_and_scopes_is_refused(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["credentials", "create", "--role", "admin", "--scopes", "all"])


def test_credentials_create_without_role_or_scopes_gets_the_default_scopes(
    env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["credentials", "create", "--key", "lms"])
    created = json.loads(capsys.readouterr().out)
    assert created["scopes"] == ["statements/read/mine", "statements/write"] and created["role"] is None


def test_credentials_rotate_prints_a_new_secret(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["credentials", "create", "--key", "lms", "--secret", "s3cret"])
    capsys.readouterr()
    assert main(["credentials", "rotate", "lms"]) == 0
    rotated = json.loads(capsys.readouterr().out)
    assert rotated["secret"] != "s3cret" and rotated["secret_rotated_at"] is not None
