"""`lrs simulate` on the command line: its options, and the run that generates,
writes the truth, posts and reports the rate."""

from __future__ import annotations

import json
import math
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO

from lrs.simulate.history import simulate
from lrs.simulate.model import SimulationConfig, SimulationError
from lrs.simulate.transport import HTTPTransport, post_all


def add_arguments(parser: Any) -> None:
    """The `lrs simulate` options (the parser is built in lrs/cli.py)."""
    parser.add_argument("--programs", type=int, default=3, help="programs (default: %(default)s)")
    parser.add_argument("--mentors", type=int, default=40, help="mentors, shared out (default: %(default)s)")
    parser.add_argument("--mentees", type=int, default=120, help="mentees, shared out (default: %(default)s)")
    parser.add_argument("--weeks", type=int, default=12, help="weeks of history (default: %(default)s)")
    parser.add_argument("--url", default="http://127.0.0.1:8000/xapi",
                        help="the LRS's xAPI endpoint (default: %(default)s)")
    parser.add_argument("--key", required=True, help="a credential with statements/write")
    parser.add_argument("--secret", required=True)
    parser.add_argument("--seed", type=int, default=42,
                        help="the same seed and --end give the same statements (default: %(default)s)")
    parser.add_argument("--end", type=date.fromisoformat, default=None,
                        help="last day of the history, YYYY-MM-DD (default: today, UTC); the figures "
                        "are for the end of that day")
    parser.add_argument("--batch", type=int, default=100, help="statements per POST (default: %(default)s)")
    parser.add_argument("--truth", type=Path, default=None,
                        help="write the figures the views must show (the ground truth) here, as JSON")


def config_from(args: Any, settings: Any) -> SimulationConfig:
    """The simulation asked for on the command line, with the profile base and thresholds configured."""
    return SimulationConfig(
        end=args.end or datetime.now(UTC).date(),
        programs=args.programs, mentors=args.mentors, mentees=args.mentees, weeks=args.weeks,
        seed=args.seed, profile_base=settings.profile_base,
        inactive_days=settings.inactive_days, at_risk_days=settings.at_risk_days,
        active_days=settings.active_days,
    )


def run(args: Any, settings: Any, out: TextIO | None = None, err: TextIO | None = None) -> int:
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
