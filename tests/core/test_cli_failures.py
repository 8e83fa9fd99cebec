"""The ``lrs`` command fails clearly (issue 17, item 8): an unusable database URL, an
unreachable store or a bad setting is one line on stderr naming the setting, exit
status 2, no traceback; a SQLite path in a missing folder is refused, not created;
``lrs migrate`` lists what it applied. Real processes (``python -m lrs.cli``)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.support import servers


def _env(**settings: str) -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("LRS_")}, **settings}


def _refused(result: object, setting: str) -> str:
    """The one line of a refusal, checked: exit 2, nothing on stdout, no traceback."""
    assert result.returncode == 2, result  # type: ignore[attr-defined]
    assert result.stdout == ""  # type: ignore[attr-defined]
    lines = result.stderr.splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1 and lines[0].startswith(f"lrs: {setting}"), lines
    return str(lines[0])


@pytest.mark.parametrize("url", ["mysql://lrs@db/lrs", "lrs.sqlite3", "sqlite://relative/lrs.db"])
def test_an_unusable_database_url_is_one_line_naming_it(url: str, tmp_path: Path) -> None:
    _refused(servers.lrs(_env(LRS_DATABASE_URL=url, LRS_DATA_DIR=str(tmp_path)), "credentials", "list"),
             "LRS_DATABASE_URL")


@pytest.mark.postgres
def test_an_unreachable_store_is_one_line_naming_the_setting(tmp_path: Path) -> None:
    url = f"postgresql://postgres@127.0.0.1:{servers.free_port()}/lrs"  # nothing listens there
    line = _refused(servers.lrs(_env(LRS_DATABASE_URL=url), "migrate"), "LRS_DATABASE_URL")
    assert "127.0.0.1" in line


@pytest.mark.postgres
def test_the_runner_that_cannot_reach_its_store_says_so_in_one_json_line() -> None:
    """`lrs project` logs JSON lines (issue 17, item 7): its refusal is one of them."""
    url = f"postgresql://postgres@127.0.0.1:{servers.free_port()}/lrs"
    result = servers.lrs(_env(LRS_DATABASE_URL=url), "project")
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    record = json.loads(line)
    assert record["level"] == "CRITICAL" and record["message"].startswith("LRS_DATABASE_URL: cannot use")


@pytest.mark.postgres
def test_a_missing_postgres_database_is_one_line_naming_the_setting() -> None:
    url = servers.ADMIN_URL.rpartition("/")[0] + "/lrs_no_such_database"
    line = _refused(servers.lrs(_env(LRS_DATABASE_URL=url), "credentials", "list"), "LRS_DATABASE_URL")
    assert "lrs_no_such_database" in line


@pytest.mark.parametrize(("setting", "value"), [
    ("LRS_MAX_QUERY_LIMIT", "lots"), ("LRS_RUN_PROJECTIONS", "perhaps"), ("LRS_LOG_LEVEL", "LOUD"),
])
@pytest.mark.parametrize("command", [("migrate",), ("serve", "--port", "0")])
def test_a_bad_setting_is_one_line_naming_it(setting: str, value: str, command: tuple[str, ...],
                                            tmp_path: Path) -> None:
    env = _env(LRS_DATA_DIR=str(tmp_path / "data"), **{setting: value})
    _refused(servers.lrs(env, *command), setting)
    assert not (tmp_path / "data").exists()  # nothing was made


@pytest.mark.parametrize("setting", ["LRS_TOKEN_PRIVATE_KEY_FILE", "LRS_TOKEN_VERIFY_KEYS_FILES"])
def test_an_unusable_key_file_is_one_line_naming_its_setting(setting: str, tmp_path: Path) -> None:
    (tmp_path / "not-a-key.pem").write_text("hello")
    for path in (tmp_path / "absent.pem", tmp_path / "not-a-key.pem"):
        env = _env(LRS_DATA_DIR=str(tmp_path), **{setting: str(path)})
        _refused(servers.lrs(env, "serve", "--port", str(servers.free_port())), setting)


def test_a_sqlite_path_in_a_missing_folder_is_refused_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "folder"
    line = _refused(servers.lrs(_env(LRS_DATABASE_URL=f"sqlite:///{missing}/lrs.sqlite3"), "migrate"),
                    "LRS_DATABASE_URL")
    assert str(missing) in line and "does not exist" in line
    assert not (tmp_path / "no").exists()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_store(request: pytest.FixtureRequest, tmp_path: Path) -> object:
    with servers.scratch_store(request.param, tmp_path, "lrs_cli") as url:
        yield _env(LRS_DATABASE_URL=url, LRS_DATA_DIR=str(tmp_path))


def test_migrate_on_a_new_store_lists_each_migration_it_applied(fresh_store: dict[str, str]) -> None:
    dialect = "sqlite" if fresh_store["LRS_DATABASE_URL"].startswith("sqlite") else "postgres"
    expected = sorted(p.name for p in (Path(__file__).parents[2] / "migrations" / dialect).glob("*.sql"))
    first = servers.lrs(fresh_store, "migrate")
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0] == f"migrations applied ({len(expected)}):"
    assert [line.strip() for line in lines[1:1 + len(expected)]] == expected
    again = servers.lrs(fresh_store, "migrate")
    assert again.stdout.splitlines()[0] == "migrations applied: none (up to date)"


def test_help_lists_every_setting_and_version_is_printed() -> None:
    from lrs.settings import SETTINGS

    shown = servers.lrs(_env(), "--help")
    assert shown.returncode == 0
    assert all(s.env in shown.stdout for s in SETTINGS)
    version = servers.lrs(_env(), "--version")
    assert version.returncode == 0 and version.stdout.startswith("lrs ")
