"""Posting a history to an LRS: in batches, over one kept-alive HTTP connection."""

from __future__ import annotations

import base64
import http.client
import json
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TextIO
from urllib.parse import urlparse

from lrs.simulate.model import SimulationError

Transport = Callable[[list[dict[str, Any]]], None]
"""Posts one batch of statements; raises SimulationError when the LRS refuses it."""


def batches(statements: Sequence[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(statements), size):
        yield list(statements[start:start + size])


def post_all(statements: Sequence[dict[str, Any]], transport: Transport, batch_size: int = 100,
             progress: TextIO | None = None) -> float:
    """Post every statement in order, batch by batch; the seconds it took."""
    started = time.perf_counter()
    done = 0
    for batch in batches(statements, batch_size):
        transport(batch)
        done += len(batch)
        if progress is not None and progress.isatty():
            elapsed = time.perf_counter() - started
            progress.write(f"\r{done}/{len(statements)} statements, {done / max(elapsed, 1e-9):.0f}/s")
            progress.flush()
    if progress is not None:
        progress.write("\n")
    return time.perf_counter() - started


class HTTPTransport:
    """POSTs batches to `<url>/statements` over one kept-alive connection, Basic auth, xAPI 1.0.3."""

    def __init__(self, url: str, key: str, secret: str, timeout: float = 60.0) -> None:
        parsed = urlparse(url.rstrip("/"))
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise SimulationError(f"--url must be an http(s) URL, got {url!r}")
        self.scheme, self.host, self.port = parsed.scheme, parsed.hostname, parsed.port
        self.path = parsed.path + "/statements"
        self.timeout = timeout
        token = base64.b64encode(f"{key}:{secret}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}", "Content-Type": "application/json",
                        "X-Experience-API-Version": "1.0.3"}
        self._connection: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            cls = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
            self._connection = cls(self.host, self.port, timeout=self.timeout)
        return self._connection

    def __call__(self, batch: list[dict[str, Any]]) -> None:
        body = json.dumps(batch, ensure_ascii=False).encode()
        for attempt in (1, 2):  # one retry on a dropped keep-alive connection
            connection = self._connect()
            try:
                connection.request("POST", self.path, body=body, headers=self.headers)
                response = connection.getresponse()
                text = response.read().decode(errors="replace")
            except (ConnectionError, http.client.HTTPException, OSError) as exc:
                self.close()
                if attempt == 2:
                    raise SimulationError(f"POST {self.path}: {exc}") from None
                continue
            if response.status != 200:
                raise SimulationError(f"POST {self.path}: {response.status} {text[:2000]}")
            return

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
