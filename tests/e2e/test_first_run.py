"""The README's first command: `lrs serve` on an empty store prints a credential
that works for xAPI, the coordinator views and the dashboard (SQLite, the default)."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator

import pytest
import requests

from tests.support import servers


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    data_dir = tmp_path_factory.mktemp("first-run")
    port = servers.free_port()
    env = {k: v for k, v in os.environ.items() if k != "LRS_DATABASE_URL"}
    env.update({"LRS_DATA_DIR": str(data_dir), "LRS_PUBLIC_URL": f"http://127.0.0.1:{port}"})
    printed_to = data_dir / "serve.out"
    with servers.start_server(env, port, printed_to, stderr=subprocess.DEVNULL):
        printed = printed_to.read_text()
        key = re.search(r"key:\s+(\S+)", printed)
        secret = re.search(r"secret:\s+(\S+)", printed)
        assert key and secret, printed
        yield f"http://127.0.0.1:{port}", key.group(1), secret.group(1)


def test_first_credential_reads_and_writes_statements(first_run: tuple[str, str, str]) -> None:
    base, key, secret = first_run
    headers = {"X-Experience-API-Version": "1.0.3"}
    answer = requests.get(base + "/xapi/statements", auth=(key, secret), headers=headers, timeout=10)
    assert answer.status_code == 200


def test_first_credential_reads_the_coordinator_api(first_run: tuple[str, str, str]) -> None:
    base, key, secret = first_run
    answer = requests.get(base + "/coordinator/programs", auth=(key, secret), timeout=10)
    assert answer.status_code == 200


def test_first_credential_is_not_an_administrator(first_run: tuple[str, str, str]) -> None:
    base, key, secret = first_run
    answer = requests.get(base + "/admin/credentials", auth=(key, secret), timeout=10)
    assert answer.status_code == 403
