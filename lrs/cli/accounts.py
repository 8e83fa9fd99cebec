"""``lrs accounts ...``: people's accounts for the dashboard (issue 20).

``create`` and ``reset`` print the account as JSON with its one-time
``password``, shown only then; its owner chooses their own at the first
sign-in. ``disable`` and ``reset`` end the account's sessions at once.
"""

from __future__ import annotations

from typing import Any

import click
import orjson

from lrs.accounts import ACCOUNT_ROLES, AccountError
from lrs.cli import context
from lrs.cli.credentials import ALLOW_UNKNOWN, _programs
from lrs.cli.errors import Failed, Invalid
from lrs.grants import InvalidPrograms


@click.group()
def accounts() -> None:
    """Manage people's accounts (dashboard sign-in; printed as JSON, never passwords)."""


@accounts.command()
@click.argument("name")
@click.option("--display-name", required=True, help="what the dashboard shows (the person's name)")
@click.option("--role", type=click.Choice(ACCOUNT_ROLES), default="coordinator", show_default=True,
              help="what the account may do (only coordinator and admin open the dashboard)")
@click.option("--programs", default="all", show_default=True,
              help="program IRIs it may see in the coordinator views, comma-separated, or all")
@click.option("--email", default="", help="where the account's daily digest of its programs goes (LRS_SMTP_HOST)")
@ALLOW_UNKNOWN
def create(name: str, display_name: str, role: str, programs: str, email: str, allow_unknown: bool) -> int:
    """Create account NAME and print it as JSON with a one-time password (shown only now)."""
    with context.services() as services:
        try:
            account, password = services.accounts.create(
                name, display_name=display_name, role=role,
                programs=_programs(services, programs, allow_unknown), email=email)
        except (AccountError, InvalidPrograms) as exc:
            raise Invalid(str(exc)) from None
    return _print({**account.as_dict(), "password": password})


@accounts.command("list")
def list_() -> int:
    """List the accounts as JSON (never passwords)."""
    with context.services() as services:
        return _print([a.as_dict() for a in services.accounts.list()])


@accounts.command()
@click.argument("name")
def disable(name: str) -> int:
    """Refuse account NAME from now on and end its sessions (exit 1 if none is active)."""
    with context.services() as services:
        disabled = services.accounts.disable(name)
        if disabled is None:
            raise Failed(f"no active account {name!r}")
        services.sessions.end_all("account", name)
    return _print(disabled.as_dict())


@accounts.command()
@click.argument("name")
def reset(name: str) -> int:
    """Give account NAME a new one-time password (printed once) and end its sessions."""
    with context.services() as services:
        done = services.accounts.reset(name)
        if done is None:
            raise Failed(f"no account {name!r}")
        services.sessions.end_all("account", name)
    account, password = done
    return _print({**account.as_dict(), "password": password})


@accounts.command()
@click.argument("name")
@click.argument("programs")
@ALLOW_UNKNOWN
def programs(name: str, programs: str, allow_unknown: bool) -> int:
    """Change the programs account NAME may see: IRIs, comma-separated, or all."""
    with context.services() as services:
        try:
            changed = services.accounts.set_programs(name, _programs(services, programs, allow_unknown))
        except InvalidPrograms as exc:
            raise Invalid(str(exc)) from None
    if changed is None:
        raise Failed(f"no account {name!r}")
    return _print(changed.as_dict())


@accounts.command()
@click.argument("name")
@click.argument("address")
def email(name: str, address: str) -> int:
    """Send account NAME's daily digest to ADDRESS ("" for no digest)."""
    with context.services() as services:
        try:
            changed = services.accounts.set_email(name, address)
        except AccountError as exc:
            raise Invalid(str(exc)) from None
    if changed is None:
        raise Failed(f"no account {name!r}")
    return _print(changed.as_dict())


def _print(value: Any) -> int:
    click.echo(orjson.dumps(value).decode())
    return 0
