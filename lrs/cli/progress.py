"""The progress bar of the long commands (audit verify/backfill, projections rebuild)."""

from __future__ import annotations

import sys


class ProgressBar:
    """Events done out of a total, on stderr: redrawn in place on a terminal, a
    line per tenth otherwise (logs); silent for totals under `quiet_below`."""

    def __init__(self, label: str, total: int, width: int = 30, quiet_below: int = 10_000):
        self.label, self.total, self.width = label, total, width
        self.done_count = 0
        self.shown = -1
        self.enabled = total >= quiet_below
        self.tty = sys.stderr.isatty()

    def add(self, count: int) -> None:
        """`count` more events done."""
        self.at(self.done_count + count, self.total)

    def at(self, position: int, total: int) -> None:
        """`position` events of `total` done (the total may grow, e.g. a log's head)."""
        self.done_count, self.total = position, total
        if not self.enabled:
            return
        fraction = 1.0 if total <= 0 else min(1.0, position / total)
        step = int(fraction * 100) if self.tty else int(fraction * 10) * 10
        if step == self.shown:
            return
        self.shown = step
        filled = int(fraction * self.width)
        bar = "#" * filled + "-" * (self.width - filled)
        text = f"{self.label} [{bar}] {self.done_count:,}/{self.total:,} events ({fraction:.0%})"
        print(("\r" + text) if self.tty else text, end="" if self.tty else "\n",
              file=sys.stderr, flush=True)

    def done(self) -> None:
        if self.enabled and self.tty and self.shown >= 0:
            print(file=sys.stderr)
