"""What every command shares: the settings, read once per run, and the services
built from them (closed when the command ends)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import click

from lrs.services import Services
from lrs.settings import Settings


class Run:
    """One run of ``lrs``: its settings, read from the environment when first
    asked (so that ``--help`` and ``--version`` work whatever the environment)."""

    def __init__(self) -> None:
        self._settings: Settings | None = None
        self.logs_json = False
        """A long-running command (`lrs project`, `lrs publish`) that logs JSON lines:
        its failures are JSON lines too, never a bare traceback (`root.main`)."""

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = Settings.from_env()
        return self._settings

    @property
    def settings_if_read(self) -> Settings | None:
        return self._settings


def current() -> Run:
    """The run of the command being executed."""
    run = click.get_current_context().find_object(Run)
    if run is None:  # a command invoked outside `lrs` (e.g. a test of one command)
        run = click.get_current_context().ensure_object(Run)
    return run


def settings() -> Settings:
    return current().settings


def log_as_json() -> Settings:
    """For a long-running command: its logs, and its failures, as JSON lines on
    stderr at ``LRS_LOG_LEVEL``, like the server's. Returns the settings."""
    from lrs.ops.request_log import configure_logging

    run = current()
    configure_logging(run.settings.log_level)  # a bad setting here is still a plain line
    run.logs_json = True
    return run.settings


@contextlib.contextmanager
def services() -> Iterator[Services]:
    """The store, credentials and views of this run, migrated; closed afterwards."""
    built = Services.build(settings())
    try:
        yield built
    finally:
        built.close()
