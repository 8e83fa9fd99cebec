"""How busy the rest of the machine was while a phase ran (a 2-core machine is easily shared).

CPU time per process is read from ``/proc`` before and after a phase. The harness's
own process tree (the LRS server, the load generators) and PostgreSQL's processes
are the benchmark; anything else is *other load*, reported in cores (1.0 = one core
busy all along), so that a figure taken on a busy machine is seen as such.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _snapshot() -> dict[int, tuple[int, int, str]]:
    """pid -> (cpu ticks, ppid, name)."""
    out: dict[int, tuple[int, int, str]] = {}
    for entry in Path("/proc").iterdir() if Path("/proc").exists() else []:
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        name = raw[raw.find("(") + 1: raw.rfind(")")]
        fields = raw[raw.rfind(")") + 2:].split()
        # fields[0] is state (field 3); utime/stime are fields 14/15. Children's times
        # (cutime/cstime) are left out: they would count a shell's whole test run again.
        ticks = int(fields[11]) + int(fields[12])
        out[int(entry.name)] = (ticks, int(fields[1]), name)
    return out


def _mine(snap: dict[int, tuple[int, int, str]]) -> set[int]:
    root = os.getpid()
    mine = {root}
    changed = True
    while changed:
        changed = False
        for pid, (_, ppid, _) in snap.items():
            if ppid in mine and pid not in mine:
                mine.add(pid)
                changed = True
    return mine


class Phase:
    def __init__(self) -> None:
        self.result: dict[str, Any] = {}


@contextmanager
def watch() -> Iterator[Phase]:
    """``with watch() as phase: ...`` then ``phase.result``: other load during the block."""
    phase = Phase()
    before = _snapshot()
    t0 = time.monotonic()
    try:
        yield phase
    finally:
        after = _snapshot()
        seconds = max(time.monotonic() - t0, 1e-6)
        mine = _mine(after) | _mine(before)
        others: dict[str, float] = {}
        database = 0.0
        for pid, (ticks, _, name) in after.items():
            if pid in mine:
                continue
            delta = (ticks - before[pid][0]) if pid in before else ticks
            if delta <= 0:
                continue
            if name.startswith("postgres"):
                database += delta
                continue
            others[name] = others.get(name, 0.0) + delta
        total = sum(others.values())
        top = sorted(others.items(), key=lambda kv: -kv[1])[:3]
        phase.result = {
            "other_cpu_cores": round(total / _TICK / seconds, 2),
            "postgres_cpu_cores": round(database / _TICK / seconds, 2),
            "top_others": [[name, round(t / _TICK / seconds, 2)] for name, t in top if t / _TICK / seconds >= 0.05],
        }
