"""``lrs credentials create --role coordinator --programs IRI,...`` and
``lrs credentials programs KEY IRI,...`` (issue 20, point 1), on both stores."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lrs.cli import main
from tests.access.conftest import OTHER, PROGRAM

UNKNOWN = "https://lrs.example.org/programs/typo"


@pytest.fixture
def env(app: Any, two_programs: None, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI on the store the app wrote both programs to."""
    monkeypatch.setenv("LRS_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LRS_DATA_DIR", str(tmp_path))


def test_create_a_coordinator_for_some_programs(env: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["credentials", "create", "--role", "coordinator", "--programs", f"{PROGRAM},{OTHER}"]) == 0
    assert json.loads(capsys.readouterr().out)["programs"] == sorted([PROGRAM, OTHER])


def test_an_unknown_program_is_refused_without_allow_unknown(env: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["credentials", "create", "--role", "coordinator", "--programs", f"{PROGRAM},{UNKNOWN}"]) == 2
    err = capsys.readouterr().err
    assert UNKNOWN in err and "--allow-unknown" in err and PROGRAM not in err
    main(["credentials", "list"])
    assert all(c["role"] != "coordinator" for c in json.loads(capsys.readouterr().out))


def test_an_unknown_program_is_granted_with_allow_unknown(env: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["credentials", "create", "--role", "coordinator", "--programs", UNKNOWN, "--allow-unknown"]) == 0
    assert json.loads(capsys.readouterr().out)["programs"] == [UNKNOWN]


def test_programs_that_are_not_iris_are_refused(env: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["credentials", "create", "--role", "coordinator", "--programs", "leadership"]) == 2
    assert "not a program IRI: leadership" in capsys.readouterr().err


def test_change_the_programs_of_a_credential(env: None, capsys: pytest.CaptureFixture[str]) -> None:
    main(["credentials", "create", "--key", "coord", "--role", "coordinator", "--programs", PROGRAM])
    capsys.readouterr()
    assert main(["credentials", "programs", "coord", OTHER]) == 0
    assert json.loads(capsys.readouterr().out)["programs"] == [OTHER]
    assert main(["credentials", "programs", "coord", "all"]) == 0
    assert json.loads(capsys.readouterr().out)["programs"] == "all"
    assert main(["credentials", "programs", "nobody", "all"]) == 1
