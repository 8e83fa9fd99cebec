"""``lrs credentials ...``: the API credentials (keys, secrets, scopes, roles)."""

from __future__ import annotations

import click
import orjson

from lrs.cli import context
from lrs.cli.errors import Failed, Invalid
from lrs.credentials import DEFAULT_SCOPES, ROLES, SCOPES, UnknownRole, UnknownScope
from lrs.grants import InvalidPrograms, ProgramGrant, parse_programs, unknown_programs
from lrs.services import Services

ALLOW_UNKNOWN = click.option("--allow-unknown", is_flag=True,
                             help="grant program IRIs that no statement names yet")
_ROLES_HELP = "; ".join(f"{r}: {','.join(sorted(s))}" for r, s in ROLES.items())


@click.group()
def credentials() -> None:
    """Manage API credentials (printed as JSON; a secret is shown only when made)."""


@credentials.command()
@click.option("--key", default=None, help="the credential's key (default: a random one)")
@click.option("--secret", default=None, help="its secret (default: a random one, printed once)")
@click.option("--role", type=click.Choice(list(ROLES)), default=None,
              help=f"a named set of scopes ({_ROLES_HELP}); not with --scopes")
@click.option("--scopes", default=None,
              help=f"comma-separated scopes, from: {', '.join(sorted(SCOPES))} "
              f"(default: {','.join(DEFAULT_SCOPES)}); not with --role")
@click.option("--label", default="", help="a note on who or what uses it")
@click.option("--programs", default="all", show_default=True,
              help="program IRIs it may see in the coordinator views, comma-separated, or all "
              "(admin sees all whatever this says)")
@ALLOW_UNKNOWN
def create(key: str | None, secret: str | None, role: str | None, scopes: str | None, label: str,
           programs: str, allow_unknown: bool) -> int:
    """Create a credential and print it, with its secret, as JSON."""
    if role is not None and scopes is not None:
        raise click.UsageError("--role and --scopes cannot be used together")
    granted = None if scopes is None else [s.strip() for s in scopes.split(",") if s.strip()]
    with context.services() as services:
        try:
            credential, made = services.credentials.create(
                key=key, secret=secret, scopes=granted, role=role, label=label,
                programs=_programs(services, programs, allow_unknown))
        except (UnknownScope, UnknownRole, InvalidPrograms) as exc:
            raise Invalid(str(exc)) from None
    click.echo(orjson.dumps({**credential.as_dict(), "secret": made}).decode())
    return 0


@credentials.command()
@click.argument("key")
@click.argument("programs")
@ALLOW_UNKNOWN
def programs(key: str, programs: str, allow_unknown: bool) -> int:
    """Change the programs credential KEY may see: PROGRAMS is IRIs, comma-separated, or all.

    Prints the credential as JSON (exit 1 if KEY is not active).
    """
    with context.services() as services:
        try:
            changed = services.credentials.set_programs(key, _programs(services, programs, allow_unknown))
        except InvalidPrograms as exc:
            raise Invalid(str(exc)) from None
    if changed is None:
        raise Failed(f"no active credential {key!r}")
    click.echo(orjson.dumps(changed.as_dict()).decode())
    return 0


def _programs(services: Services, value: str, allow_unknown: bool) -> ProgramGrant:
    """``--programs``: ``all`` or IRIs; an IRI no statement names needs ``--allow-unknown``."""
    grant = parse_programs(value)
    unknown = [] if allow_unknown else unknown_programs(services.store.db, grant)
    if unknown:
        raise InvalidPrograms(f"no statement names the program {', '.join(unknown)} "
                              "(a typo would grant nothing; --allow-unknown grants it anyway)")
    return grant


@credentials.command("list")
def list_() -> int:
    """List the credentials as JSON (never their secrets)."""
    with context.services() as services:
        listed = services.credentials.list()
    click.echo(orjson.dumps([c.as_dict() for c in listed]).decode())
    return 0


@credentials.command()
@click.argument("key")
def revoke(key: str) -> int:
    """Revoke the credential KEY, and the tokens it was given (exit 1 if none is active)."""
    with context.services() as services:
        revoked = services.credentials.revoke(key)
    if not revoked:
        raise Failed(f"no active credential {key!r}")
    click.echo(f"revoked {key}")
    return 0


@credentials.command()
@click.argument("key")
def rotate(key: str) -> int:
    """Replace the secret of credential KEY and print the new one once, as JSON.

    Tokens issued before are refused from then on (exit 1 if KEY is not active).
    """
    with context.services() as services:
        rotated = services.credentials.rotate(key)
    if rotated is None:
        raise Failed(f"no active credential {key!r}")
    credential, secret = rotated
    click.echo(orjson.dumps({**credential.as_dict(), "secret": secret}).decode())
    return 0
