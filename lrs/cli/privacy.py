"""``lrs erase``, ``lrs store compact`` and ``lrs keys rotate`` (issue 19; docs/PRIVACY.md).

``erase`` is the admin API's ``POST /admin/erasures`` from a shell: the same command
(`lrs.privacy.erasure.Erasures.erase`), printing what was erased as JSON. ``store
compact`` makes the database files forget what was deleted or overwritten (an erased
person's index rows, documents, key). ``keys rotate`` re-wraps every person's data key
and the person-id key under a new master key; no event is rewritten.
"""

from __future__ import annotations

import base64
import getpass
import os
import secrets
import sqlite3
from typing import Any

import click
import orjson
import psycopg

from lrs.cli import context
from lrs.cli.errors import Failed
from lrs.privacy.keys import PersonKeyring, decode_master_key
from xapi.errors import RequestError


@click.command()
@click.option("--agent", "agent_json", required=True,
              help='the Agent to erase, as JSON: \'{"mbox":"mailto:ada@example.com"}\'')
@click.option("--reason", default="", help="why (kept with the erasure and its event: no personal data)")
def erase(agent_json: str, reason: str) -> int:
    """Erase a person: their key destroyed, their statements and documents no longer returned.

    Prints the erasure as JSON (its id, the person's keyed hash, what was done). A
    second erasure of the same person prints the first one. Exit 1 for an Agent that
    is not valid JSON or not a valid Agent, or a person this store never saw.
    """
    try:
        agent: Any = orjson.loads(agent_json)
    except orjson.JSONDecodeError as exc:
        raise Failed(f"--agent is not JSON: {exc}") from None
    with context.services() as services:
        try:
            erased = services.erasures.erase(agent, requested_by=f"cli:{getpass.getuser()}", reason=reason)
        except RequestError as exc:
            details = "; ".join(f"{e.path}: {e.message}" for e in exc.errors)
            raise Failed(f"{exc.message}" + (f" ({details})" if details else "")) from None
    click.echo(orjson.dumps(erased.as_dict(), option=orjson.OPT_INDENT_2).decode())
    if not erased.created:
        click.echo("(erased already: nothing was done now)", err=True)
    return 0


@click.group()
def store() -> None:
    """The store's files."""


@store.command()
def compact() -> int:
    """Make the database files forget deleted and overwritten rows.

    SQLite: ``PRAGMA secure_delete``, ``VACUUM`` and ``PRAGMA wal_checkpoint(TRUNCATE)``
    (the file is rewritten and the WAL emptied); PostgreSQL: ``VACUUM FULL`` (every table
    rewritten). Run after erasures (docs/PRIVACY.md); it takes the database's write lock
    (PostgreSQL: an exclusive lock per table) while it runs.
    """
    settings = context.settings()
    with context.services():  # migrated and reachable, or the one-line refusal
        pass
    if settings.dialect == "sqlite":
        path = settings.eventsourcing_env()["SQLITE_DBNAME"]
        before = _sizes(path)
        connection = sqlite3.connect(path, isolation_level=None, timeout=30)
        try:
            connection.execute("PRAGMA secure_delete = ON")
            connection.execute("VACUUM")
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
        click.echo(f"compacted {path}: {before} -> {_sizes(path)} bytes (file + WAL)")
        return 0
    with psycopg.connect(settings.resolved_database_url, autocommit=True) as postgres:
        postgres.execute("VACUUM FULL")
    click.echo("compacted: VACUUM FULL done")
    return 0


def _sizes(path: str) -> int:
    return sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))


@click.group()
def keys() -> None:
    """The master key that wraps every person's data key."""


@keys.command()
@click.option("--new-key-file", required=True, type=click.Path(dir_okay=False),
              help="the new master key (base64); generated there (mode 0600) when the file does not exist")
def rotate(new_key_file: str) -> int:
    """Re-wrap every data key and the person-id key under a new master key.

    No event is rewritten and every person keeps their id. Run it with the LRS
    stopped, then start it with ``LRS_MASTER_KEY_FILE`` naming the new file and
    destroy the old key (and its backups) once the new one is backed up.
    """
    if not os.path.exists(new_key_file):
        fd = os.open(new_key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(base64.b64encode(secrets.token_bytes(32)).decode("ascii") + "\n")
    try:
        with open(new_key_file, encoding="ascii") as f:
            new_master = decode_master_key(f.read())
    except (OSError, ValueError) as exc:
        raise Failed(f"--new-key-file: {exc}") from None
    with context.services() as services:
        new = PersonKeyring(new_master)
        with services.store.db.transaction(commit=True) as cur:
            count = services.keyring.rewrap_all(new, cur)
    click.echo(f"re-wrapped {count} data keys and the person-id key under {new_key_file}; "
               f"start the LRS with LRS_MASTER_KEY_FILE={new_key_file}")
    return 0
