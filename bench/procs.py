"""The server's own processes through a run: each one's resident memory, and the
projection runner's CPU (issue 18 targets 6 and 8).

Read from ``/proc`` (no psutil): ``VmRSS`` of ``/proc/PID/status`` and
``utime + stime`` of ``/proc/PID/stat``. The processes are the ``lrs serve``
master's children: its gunicorn workers (forked, same command line) and the
children it starts beside them (``lrs.cli project``: the projection runner).

A `Sampler` thread reads every worker's and the runner's RSS each `INTERVAL_S`
from the server's start to its stop, so the figure is the peak through the whole
load (loading, queries, ingest), not one reading at the end.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

INTERVAL_S = 1.0
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def rss_kb(pid: int) -> int | None:
    """Resident set size of `pid` in kB, or None once it has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def cpu_ticks(pid: int) -> int | None:
    """utime + stime of `pid` (its own, not its reaped children's), in clock ticks."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rfind(")") + 2:].split()
    return int(fields[11]) + int(fields[12])


def cpu_seconds(ticks: int) -> float:
    return ticks / _TICK


def children(pid: int) -> dict[int, str]:
    """pid -> role (``worker``, ``runner``, or the child's command words) of `pid`'s children."""
    out: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
            if int(raw[raw.rfind(")") + 2:].split()[1]) != pid:
                continue
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError, IndexError):
            continue
        words = [a.decode(errors="replace") for a in argv if a]
        if "serve" in words:
            out[int(entry.name)] = "worker"
        elif "project" in words:
            out[int(entry.name)] = "runner"
        else:
            out[int(entry.name)] = " ".join(words[words.index("lrs.cli") + 1:] if "lrs.cli" in words else words)[:40]
    return out


class Sampler:
    """RSS of a server's workers and runner, sampled in a thread from `start` to `stop`."""

    def __init__(self, master_pid: int, interval: float = INTERVAL_S):
        self.master_pid = master_pid
        self.interval = interval
        self.t0 = time.monotonic()
        self.samples: dict[int, list[tuple[float, int]]] = {}
        self.roles: dict[int, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="rss-sampler", daemon=True)

    def start(self) -> Sampler:
        self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> None:
        now = round(time.monotonic() - self.t0, 1)
        for pid, role in children(self.master_pid).items():
            self.roles.setdefault(pid, role)
            kb = rss_kb(pid)
            if kb is not None:
                self.samples.setdefault(pid, []).append((now, kb))

    def runner_pid(self) -> int | None:
        self.sample()
        return next((pid for pid, role in self.roles.items() if role == "runner" and cpu_ticks(pid) is not None),
                    None)

    def stop(self) -> dict[str, Any]:
        """Per process: role, RSS first / peak / last in MB and a series of about 40 points."""
        self._stop.set()
        self._thread.join(timeout=5)
        out: dict[str, Any] = {"interval_s": self.interval, "processes": []}
        for pid, series in self.samples.items():
            step = max(1, len(series) // 40)
            out["processes"].append({
                "pid": pid, "role": self.roles.get(pid, "?"),
                "rss_mb_first": round(series[0][1] / 1024, 1),
                "rss_mb_peak": round(max(kb for _, kb in series) / 1024, 1),
                "rss_mb_last": round(series[-1][1] / 1024, 1),
                "samples": len(series),
                "series_s_mb": [[t, round(kb / 1024, 1)] for t, kb in series[::step]],
            })
        workers = [p for p in out["processes"] if p["role"] == "worker"]
        out["worker_rss_mb_peak"] = max((p["rss_mb_peak"] for p in workers), default=None)
        runners = [p for p in out["processes"] if p["role"] == "runner"]
        out["runner_rss_mb_peak"] = max((p["rss_mb_peak"] for p in runners), default=None)
        return out
