"""How the ``lrs`` command fails: one line on stderr, never a traceback.

A setting that cannot be used, a store that cannot be reached or opened, an
address that cannot be listened on: ``lrs: <what> ...`` naming the setting or
option, exit status 2, before anything is created or printed. A command that
ran and found a problem (a broken chain, an unknown credential) exits 1.
"""

from __future__ import annotations

import sqlite3
from typing import IO, Any
from urllib.parse import urlparse

import click
import psycopg

from lrs.ops.availability import store_unavailable
from lrs.settings import ConfigurationError, Settings

STARTUP_FAILED = 2
"""The exit status of a command refused before it did anything."""


class Refused(click.ClickException):
    """The command cannot start: a setting, the store or an address is unusable."""

    exit_code = STARTUP_FAILED

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"lrs: {self.message}", err=True, file=file)


class Failed(click.ClickException):
    """The command ran and found a problem (a broken chain, no such credential)."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"lrs: {self.message}", err=True, file=file)


class Invalid(Failed):
    """A value given to the command cannot be used (an unknown scope, view, time)."""

    exit_code = 2


def refusal(exc: BaseException, settings: Settings | None) -> Refused | None:
    """The one-line refusal for `exc` when it is a configuration or store problem
    (None for anything else: a bug keeps its traceback)."""
    if isinstance(exc, ConfigurationError):
        return Refused(str(exc))
    if store_unavailable(exc):
        where = redacted(settings.resolved_database_url) if settings is not None else "the store"
        return Refused(f"LRS_DATABASE_URL: cannot use the store at {where}: {_reason(exc)}")
    return None


def _reason(exc: BaseException) -> str:
    """The driver's own words for why (the first driver error in the chain of
    causes, else `exc`'s), first line only."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    told = next((e for e in chain if isinstance(e, psycopg.Error | sqlite3.Error)), exc)
    text = str(told).strip().splitlines()
    return text[0].strip() if text else type(told).__name__


def redacted(url: str) -> str:
    """A database URL without its password, for messages."""
    parsed = urlparse(url)
    if parsed.password:
        return url.replace(f":{parsed.password}@", ":***@")
    return url
