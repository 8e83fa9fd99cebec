"""NATS for the tests: the shared server (CI's, at ``LRS_TEST_NATS_URL``), and
``nats-server`` processes of their own (one, or a three-node JetStream cluster) on
free ports, with their storage in a temporary directory, stopped, killed and
started again at will.

Tests that need NATS fail, never skip, when it is unreachable.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.support.servers import free_port

SHARED_URL = os.environ.get("LRS_TEST_NATS_URL", "nats://127.0.0.1:4222")
"""The NATS server with JetStream that CI runs (`.ci/run` checks it is up)."""


def reachable(url: str, seconds: float = 2.0) -> bool:
    host, _, port = url.rpartition("//")[2].partition(":")
    try:
        with socket.create_connection((host, int(port or 4222)), timeout=seconds):
            return True
    except OSError:
        return False


def require_shared() -> str:
    if not reachable(SHARED_URL):
        pytest.fail(f"NATS is unreachable at {SHARED_URL} (set LRS_TEST_NATS_URL)", pytrace=False)
    return SHARED_URL


def unique_stream() -> tuple[str, str]:
    """A stream name and subject prefix no other test uses."""
    token = uuid.uuid4().hex[:10]
    return f"LRS_TEST_{token}", f"lrstest{token}"


@dataclass
class NatsServer:
    """One ``nats-server -js`` on 127.0.0.1, optionally a node of a cluster."""

    root: Path
    name: str = "n1"
    port: int = field(default_factory=free_port)
    cluster_port: int = 0
    routes: list[int] = field(default_factory=list)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        binary = shutil.which("nats-server")
        if binary is None:
            pytest.fail("nats-server is not installed", pytrace=False)
        store = self.root / self.name
        store.mkdir(parents=True, exist_ok=True)
        args = [binary, "-js", "-a", "127.0.0.1", "-p", str(self.port), "-sd", str(store),
                "-n", self.name]
        if self.cluster_port:
            args += ["--cluster_name", "lrs-test", "--cluster", f"nats://127.0.0.1:{self.cluster_port}",
                     "--routes", ",".join(f"nats://127.0.0.1:{p}" for p in self.routes)]
        log = open(self.root / f"{self.name}.log", "ab")
        self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + 20
        while not reachable(self.url, 0.5):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"nats-server {self.name} did not start:\n{self.log()}", pytrace=False)
            time.sleep(0.05)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
        self.proc = None

    def kill(self) -> None:
        """SIGKILL: a node that dies, as far as the cluster can tell."""
        self.stop(signal.SIGKILL)

    def log(self) -> str:
        path = self.root / f"{self.name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""


@contextlib.contextmanager
def nats_server(root: Path) -> Iterator[NatsServer]:
    server = NatsServer(root)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class NatsCluster:
    nodes: list[NatsServer]

    @property
    def url(self) -> str:
        return ",".join(n.url for n in self.nodes)


@contextlib.contextmanager
def nats_cluster(root: Path, size: int = 3) -> Iterator[NatsCluster]:
    """A JetStream cluster of `size` nodes; yields once it has a meta leader."""
    cluster_ports = [free_port() for _ in range(size)]
    nodes = [NatsServer(root, name=f"n{i + 1}", cluster_port=cluster_ports[i],
                        routes=[p for j, p in enumerate(cluster_ports) if j != i])
             for i in range(size)]
    for node in nodes:
        node.start()
    cluster = NatsCluster(nodes)
    try:
        _wait_for_jetstream(cluster.url)
        yield cluster
    finally:
        for node in nodes:
            node.stop()


def _wait_for_jetstream(url: str, seconds: float = 30) -> None:
    """Until JetStream answers (a cluster elects its meta leader first)."""
    from lrs.stream.link import NatsLink

    link = NatsLink(url, timeout=2)
    deadline = time.monotonic() + seconds
    try:
        while True:
            try:
                link.run(_account_info(link))
                return
            except Exception as exc:
                if time.monotonic() > deadline:
                    pytest.fail(f"JetStream cluster never became ready: {exc!r}", pytrace=False)
                time.sleep(0.2)
    finally:
        link.close()


async def _account_info(link: Any) -> Any:
    js = await link.jetstream()
    return await js.account_info()
