"""The target LRS, as a forwarder sees it: POST a batch of statements, get the answer.

Plain ``urllib`` (no HTTP client among the LRS's runtime dependencies): one request
per batch, Basic authentication, a timeout. Connection failures come back as status
0, so the forwarder decides on one `Answer` whatever went wrong.
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

import orjson


@dataclass(frozen=True)
class Answer:
    status: int
    """The HTTP status; 0 when no answer came (refused, reset, timed out)."""
    body: str

    @property
    def accepted(self) -> bool:
        return 200 <= self.status < 300

    @property
    def conflict(self) -> bool:
        """409: the target holds a statement with one of these ids (Communication 2.1.2)."""
        return self.status == 409

    @property
    def refused(self) -> bool:
        """The target will never take this request as it is (a bad statement, too large)."""
        return self.status in (400, 413)

    @property
    def retry(self) -> bool:
        """Anything else: down, overloaded, misconfigured credential; try again later."""
        return not (self.accepted or self.conflict or self.refused)


class Target:
    def __init__(self, url: str, key: str, secret: str, version: str, timeout: float = 30.0):
        self.url = url.rstrip("/") + "/statements"
        token = base64.b64encode(f"{key}:{secret}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}", "Content-Type": "application/json",
                        "X-Experience-API-Version": version}
        self.timeout = timeout

    def post(self, statements: list[dict[str, Any]]) -> Answer:
        request = urllib.request.Request(self.url, data=orjson.dumps(statements), method="POST",
                                         headers=self.headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return Answer(response.status, response.read(4000).decode("utf-8", "replace"))
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, exc.read(4000).decode("utf-8", "replace"))
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            return Answer(0, repr(exc))
