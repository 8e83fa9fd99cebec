"""A realistic mentoring programme history, in profile form, and its ground truth.

`lrs simulate` generates what LMSs and apps would send over some weeks
(enrolments, pairings, weekly sessions, videos, comments with replies and
@mentions, goals, feedback, out-of-profile statements and a few mistakes
that are then voided), posts it through the public xAPI API in batches, and
writes the figures the views must show for it (docs/profile/README.md).

The ground truth is computed from the simulator's own record of what it
generated (one `Fact` per effective profile statement), never by reading the
statements back and never with the projection code, so the views can be
checked against it. Everything is a function of the seed and the end date.

Modules: `model` (configuration, people, programs, facts), `vocabulary` (IRIs),
`content` (names, titles, texts), `times` (time formats), `history` (the
generator), `truth` (the ground truth), `transport` (posting), `command`
(``lrs simulate``). The names below are the public ones, imported from here;
the rest of the vocabulary is in `lrs.simulate.vocabulary`.
"""

from __future__ import annotations

from lrs.simulate.command import Options, config_from, run
from lrs.simulate.history import simulate
from lrs.simulate.model import (
    Fact,
    Person,
    Program,
    Simulation,
    SimulationConfig,
    SimulationError,
)
from lrs.simulate.transport import HTTPTransport, Transport, batches, post_all
from lrs.simulate.truth import ground_truth
from lrs.simulate.vocabulary import ATTENDED, COMMENTED, REGISTERED, VOIDED

__all__ = [
    "ATTENDED",
    "COMMENTED",
    "REGISTERED",
    "VOIDED",
    "Fact",
    "HTTPTransport",
    "Options",
    "Person",
    "Program",
    "Simulation",
    "SimulationConfig",
    "SimulationError",
    "Transport",
    "batches",
    "config_from",
    "ground_truth",
    "post_all",
    "run",
    "simulate",
]
