"""`lrs simulate`: its options, and the run that generates, writes the truth,
posts and reports the rate (the command line itself is `lrs.cli.simulate`)."""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO

from lrs.simulate.history import simulate
from lrs.simulate.model import SimulationConfig, SimulationError
from lrs.simulate.transport import HTTPTransport, post_all


@dataclass(frozen=True)
class Options:
    """What ``lrs simulate`` was asked for (its options: `lrs.cli.simulate`)."""

    key: str
    """A credential with statements/write."""
    secret: str
    programs: int = 3
    mentors: int = 40
    """Mentors, shared out over the programs."""
    mentees: int = 120
    """Mentees, shared out over the programs."""
    weeks: int = 12
    url: str = "http://127.0.0.1:8000/xapi"
    seed: int = 42
    """The same seed and `end` give the same statements."""
    end: date | None = None
    """Last day of the history (default: today, UTC); the figures are for the end of that day."""
    batch: int = 100
    """Statements per POST."""
    truth: Path | None = None
    """Where to write the figures the views must show (the ground truth), as JSON."""


def config_from(args: Options, settings: Any) -> SimulationConfig:
    """The simulation asked for on the command line, with the profile base and thresholds configured."""
    return SimulationConfig(
        end=args.end or datetime.now(UTC).date(),
        programs=args.programs, mentors=args.mentors, mentees=args.mentees, weeks=args.weeks,
        seed=args.seed, profile_base=settings.profile_base,
        inactive_days=settings.inactive_days, at_risk_days=settings.at_risk_days,
        active_days=settings.active_days, reinforce_days=settings.reinforce_days,
        reinforce_growth=settings.reinforce_growth, matching_manager_levels=settings.matching_manager_levels,
    )


def run(args: Options, settings: Any, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """`lrs simulate`: generate, write the truth, post, report the rate."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    if args.batch < 1:
        err.write("lrs: --batch must be at least 1\n")
        return 2
    try:
        config = config_from(args, settings)
        sim = simulate(config)
    except SimulationError as exc:
        err.write(f"lrs: {exc}\n")
        return 2
    truth = sim.truth()
    truth["additions"] = sim.additions_truth()
    if args.truth is not None:
        args.truth.write_text(json.dumps(truth, indent=2, ensure_ascii=False) + "\n")
    out.write(f"{len(sim.statements)} statements for {config.programs} programs, {config.weeks} weeks "
              f"ending {config.end.isoformat()} (at = {truth['at']}), seed {config.seed}\n")
    transport = HTTPTransport(args.url, args.key, args.secret)
    try:
        seconds = post_all(sim.statements, transport, args.batch, progress=err)
    except SimulationError as exc:
        err.write(f"lrs: {exc}\n")
        return 1
    finally:
        transport.close()
    rate = len(sim.statements) / seconds if seconds > 0 else float("inf")
    out.write(f"posted {len(sim.statements)} statements in {math.ceil(len(sim.statements) / args.batch)} "
              f"batches of {args.batch} in {seconds:.2f} s: {rate:.0f} statements/s\n")
    for program in truth["programs"]:
        t = program["tracking"]
        out.write(f"  {program['name']} <{program['id']}>: {t['mentors']} mentors, {t['mentees']} mentees, "
                  f"{t['pairs']} pairs, {t['sessions']} sessions, {len(t['pairs_at_risk'])} pairs at risk\n")
    if args.truth is not None:
        out.write(f"ground truth written to {args.truth}\n")
    return 0
