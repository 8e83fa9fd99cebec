"""End-to-end: the real server (``lrs serve``, gunicorn) over a socket, per store."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests

from tests.support import servers


@dataclass
class Server:
    url: str
    """The xAPI endpoint, without a trailing slash."""
    key: str
    secret: str
    database_url: str
    env: dict[str, str]

    def session(self, version: str = "1.0.3") -> requests.Session:
        s = requests.Session()
        s.auth = (self.key, self.secret)
        s.headers["X-Experience-API-Version"] = version
        return s

    def lrs(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run the ``lrs`` command against this server's store."""
        return servers.lrs(self.env, *args, timeout=timeout)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("lrs")
    with servers.scratch_store(request.param, data_dir, "lrs_e2e") as database_url:
        port = servers.free_port()
        env = {**os.environ, "LRS_DATABASE_URL": database_url, "LRS_DATA_DIR": str(data_dir),
               "LRS_PUBLIC_URL": f"http://127.0.0.1:{port}"}
        key, secret = servers.create_credential(env, "e2e", "--scopes", "all", "--label", "end-to-end tests")
        with servers.start_server(env, port, data_dir / "server.log", "--workers", "2"):
            yield Server(f"http://127.0.0.1:{port}/xapi", key, secret, database_url, env)
