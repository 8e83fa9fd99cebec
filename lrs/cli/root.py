"""``lrs``: the group every command hangs from, its help and `main`."""

from __future__ import annotations

import logging
import textwrap
from collections.abc import Sequence
from importlib import metadata

import click

from lrs.cli.context import Run
from lrs.cli.errors import STARTUP_FAILED, refusal
from lrs.settings import SETTINGS

log = logging.getLogger("lrs.cli")


def _environment_epilog() -> str:
    """Every setting as ``lrs --help`` shows it (from `lrs.settings.SETTINGS`);
    ``\\b`` keeps click from re-wrapping the lines."""
    lines = ["Environment variables (every setting; docs/OPERATIONS.md):", "", "\b"]
    for s in SETTINGS:
        default = s.shown_default.replace("`", "")
        lines.append(f"  {s.env}  (default: {default})")
        lines.extend(textwrap.wrap(s.help.replace("`", ""), 76, initial_indent="      ",
                                   subsequent_indent="      ", break_on_hyphens=False))
    return "\n".join(lines)


def _version() -> str:
    try:
        return metadata.version("lrs")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


@click.group(epilog=_environment_epilog(), context_settings={"help_option_names": ["-h", "--help"],
                                                             "max_content_width": 100})
@click.version_option(_version(), "--version", prog_name="lrs", message="%(prog)s %(version)s",
                      help="Print the version and exit.")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """An event-sourced xAPI Learning Record Store (xAPI 1.0.3 and 2.0.0).

    Every command reads its settings from the environment (listed below). A
    setting, store or address that cannot be used is one line on stderr naming
    it, with exit status 2.
    """
    ctx.ensure_object(Run)


def _mount() -> None:
    from lrs.cli import (
        accounts,
        alerts,
        audit,
        credentials,
        forwarding,
        privacy,
        projections,
        serve,
        simulate,
        store,
        stream,
    )

    cli.add_command(serve.serve)
    cli.add_command(store.migrate)
    cli.add_command(store.rebuild_index)
    cli.add_command(projections.project)
    cli.add_command(projections.projections)
    cli.add_command(stream.publish)
    cli.add_command(forwarding.forwarding)  # issue 23
    cli.add_command(forwarding.forward)
    cli.add_command(credentials.credentials)
    cli.add_command(accounts.accounts)  # issue 20
    cli.add_command(alerts.alerts)  # issue 21 point 8
    cli.add_command(audit.audit)
    cli.add_command(simulate.simulate)
    cli.add_command(privacy.erase)  # issue 19
    cli.add_command(privacy.store)
    cli.add_command(privacy.keys)


_mount()


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``lrs`` with `argv` (default: the process's arguments); returns the exit
    status. A usage error exits (``SystemExit(2)``) after printing the usage, as
    argparse did; an unusable setting or store returns 2 after one line."""
    run = Run()
    try:
        result = cli.main(args=list(argv) if argv is not None else None, prog_name="lrs",
                          standalone_mode=False, obj=run)
    except click.UsageError as exc:
        exc.show()
        raise SystemExit(exc.exit_code) from None
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort:
        click.echo("lrs: aborted", err=True)
        return 1
    except Exception as exc:
        refused = refusal(exc, run.settings_if_read)
        if run.logs_json:  # a daemon's failure is a log line like its others
            if refused is None:
                log.critical("stopped by an unexpected error", exc_info=exc)
                return 1
            log.critical(refused.message)
            return STARTUP_FAILED
        if refused is None:
            raise
        refused.show()
        return STARTUP_FAILED
    return result if isinstance(result, int) else 0
