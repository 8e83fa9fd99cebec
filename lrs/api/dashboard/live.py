"""How up to date the figures on a page are.

The projection runner's status gives the log head and each view's position;
a page shows the lowest position among the views (its figures include every
statement up to there) and the largest lag. The page's script polls the same
summary and reloads its figures when the position moves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class Live:
    head: int
    position: int
    lag: int
    """Log entries not yet in every view."""
    lag_seconds: float
    at: datetime

    @property
    def at_iso(self) -> str:
        return self.at.isoformat(timespec="seconds")

    @property
    def at_text(self) -> str:
        return self.at.strftime("%H:%M:%S UTC")

    def as_dict(self) -> dict[str, Any]:
        return {"head": self.head, "position": self.position, "lag": self.lag,
                "lag_seconds": self.lag_seconds, "at": self.at_iso}


def summarise(status: Mapping[str, Any], now: datetime | None = None) -> Live:
    """The runner's ``{"head": ..., "views": [{"position", "lag_events", "lag_seconds"}, ...]}``
    as one position and one lag."""
    head = int(status.get("head") or 0)
    views = list(status.get("views") or [])
    position = min((int(v.get("position") or 0) for v in views), default=head)
    lag = max((int(v.get("lag_events") or 0) for v in views), default=0)
    lag_seconds = max((float(v.get("lag_seconds") or 0.0) for v in views), default=0.0)
    return Live(head, position, lag, round(lag_seconds, 3), now or datetime.now(UTC))
