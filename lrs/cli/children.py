"""The long-running commands ``lrs serve`` starts beside its workers (``lrs project``,
``lrs publish``), and how they stop with it.

A child is started by the gunicorn master before the workers fork, and stopped by
it (SIGTERM, then SIGKILL after 30 s) when the master exits. A master that is
killed runs no exit hook, so each child also watches a pipe whose write end only
the master holds (the workers close their copy as they fork): when the master is
gone, however it went, the pipe ends and the child sends itself SIGTERM, which it
handles as if an operator had sent it (finishing the batch it is in)."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading

import click

log = logging.getLogger("lrs.serve")

PARENT_PIPE = click.option(
    "--parent-pipe", type=int, default=None, hidden=True,
    help="(given by lrs serve) the read end of a pipe: stop when it ends, i.e. when the server "
    "that started this process is gone, even killed")
"""The hidden option of the commands `lrs serve` runs as children."""


def stop_with_parent(fd: int | None) -> None:
    """SIGTERM to this process when the pipe `fd` ends (nothing when `fd` is None)."""
    if fd is None:
        return

    def watch() -> None:
        with contextlib.suppress(OSError):
            while os.read(fd, 64):
                pass
        log.warning("the server that started this process is gone; stopping")
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-pipe", daemon=True).start()


class Child:
    """``lrs COMMAND`` as a child of `lrs serve`'s master, with the same environment."""

    def __init__(self, *command: str) -> None:
        self.command = command
        """The words after ``lrs`` (``project``; ``alerts``, ``run``)."""
        self.proc: subprocess.Popen[bytes] | None = None
        self.pipe: int | None = None

    def start(self) -> None:
        read, self.pipe = os.pipe()
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "lrs.cli", *self.command, "--parent-pipe", str(read)],
                pass_fds=(read,))
        finally:
            os.close(read)

    def forget_in_worker(self) -> None:
        """In a freshly forked worker: drop the master's end of the pipe."""
        if self.pipe is not None:
            os.close(self.pipe)
            self.pipe = None

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
        except ChildProcessError:  # already reaped by gunicorn's SIGCHLD handler
            pass
