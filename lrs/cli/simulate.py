"""``lrs simulate``: the mentoring simulator's command line (it needs no store:
it talks to an LRS over HTTP; what it does is `lrs.simulate.command.run`)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from lrs.cli import context
from lrs.simulate.command import Options, run

_D = Options(key="", secret="")


@click.command()
@click.option("--programs", type=int, default=_D.programs, show_default=True, help="programs")
@click.option("--mentors", type=int, default=_D.mentors, show_default=True, help="mentors, shared out")
@click.option("--mentees", type=int, default=_D.mentees, show_default=True, help="mentees, shared out")
@click.option("--weeks", type=int, default=_D.weeks, show_default=True, help="weeks of history")
@click.option("--url", default=_D.url, show_default=True, help="the LRS's xAPI endpoint")
@click.option("--key", required=True, help="a credential with statements/write")
@click.option("--secret", required=True, help="the credential's secret")
@click.option("--seed", type=int, default=_D.seed, show_default=True,
              help="the same seed and --end give the same statements")
@click.option("--end", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="last day of the history, YYYY-MM-DD (default: today, UTC); the figures are for "
              "the end of that day")
@click.option("--batch", type=int, default=_D.batch, show_default=True, help="statements per POST")
@click.option("--truth", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="write the figures the views must show (the ground truth) here, as JSON")
def simulate(programs: int, mentors: int, mentees: int, weeks: int, url: str, key: str, secret: str,
             seed: int, end: datetime | None, batch: int, truth: Path | None) -> int:
    """Generate a mentoring programme history and post it over xAPI in batches.

    Prints statements/s, and writes the figures the views must show for it
    (--truth). The profile base and thresholds are the LRS's settings
    (LRS_PROFILE_BASE, LRS_INACTIVE_DAYS, ...).
    """
    options = Options(key=key, secret=secret, programs=programs, mentors=mentors, mentees=mentees,
                      weeks=weeks, url=url, seed=seed, end=end.date() if end else None, batch=batch,
                      truth=truth)
    return run(options, context.settings())
