"""Every ``lrs`` command and option says what it does (issue 16, item 6)."""

from __future__ import annotations

from collections.abc import Iterator

import click

from lrs.cli import cli


def _commands(group: click.Group, prefix: str = "lrs") -> Iterator[tuple[str, click.Command]]:
    for name, command in group.commands.items():
        yield f"{prefix} {name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix} {name}")


def test_every_command_has_help() -> None:
    missing = [path for path, command in _commands(cli) if not (command.help or "").strip()]
    assert missing == []


def test_every_option_has_help() -> None:
    missing = [
        f"{path} {'/'.join(param.opts)}"
        for path, command in _commands(cli)
        for param in command.params
        if isinstance(param, click.Option) and not (param.help or "").strip()
    ]
    assert missing == []
