"""A second LRS for the forwarding tests: the real ``lrs serve`` on a SQLite store of
its own, started by the test, with a credential the forwarders use; and readers
of what it holds."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from tests.support import servers


@dataclass
class TargetLRS:
    url: str
    """Its xAPI endpoint."""
    key: str
    secret: str
    port: int
    env: dict[str, str]
    log: Path

    def session(self) -> requests.Session:
        session = requests.Session()
        session.auth = (self.key, self.secret)
        session.headers["X-Experience-API-Version"] = "1.0.3"
        return session

    def statements(self) -> list[dict[str, Any]]:
        """Every statement it holds, in its own stored order."""
        session, found = self.session(), []
        answer = session.get(f"{self.url}/statements", params={"limit": 500, "ascending": "true"},
                             timeout=30).json()
        found += answer["statements"]
        while answer.get("more"):
            base = self.url.rsplit("/xapi", 1)[0]
            answer = session.get(base + answer["more"], timeout=30).json()
            found += answer["statements"]
        return found

    _stack: contextlib.ExitStack | None = None

    def start(self) -> None:
        self._stack = contextlib.ExitStack()
        self._stack.enter_context(servers.start_server(self.env, self.port, self.log, "--no-projections"))

    def stop(self) -> None:
        """The whole server gone (master and workers): a target that is down."""
        if self._stack is not None:
            self._stack.close()
            self._stack = None


@contextlib.contextmanager
def target_lrs(root: Path, **settings: str) -> Iterator[TargetLRS]:
    """A second LRS, running (use `running()` again to restart it after a stop)."""
    root.mkdir(parents=True, exist_ok=True)
    port = servers.free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LRS_")}
    env.update({"LRS_DATABASE_URL": f"sqlite:///{root / 'target.sqlite3'}", "LRS_DATA_DIR": str(root),
                "LRS_PUBLIC_URL": f"http://127.0.0.1:{port}", **settings})
    key, secret = servers.create_credential(env, "target", "--scopes", "all")
    target = TargetLRS(f"http://127.0.0.1:{port}/xapi", key, secret, port, env, root / "target.log")
    target.start()
    try:
        yield target
    finally:
        target.stop()
