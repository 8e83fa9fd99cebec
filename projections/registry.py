"""The asynchronous views the LRS keeps, and what configures them."""

from __future__ import annotations

from dataclasses import dataclass

from projections.mentoring import MentoringView
from projections.mentoring_profile import Vocabulary
from projections.programs import ProgramsView
from projections.view import View


@dataclass(frozen=True)
class ViewSettings:
    """What the views need from configuration (built from `lrs.settings.Settings`
    by the composition root, so that `projections/` never imports `lrs/`)."""

    profile_base: str = "https://mentoring.example.org/xapi"
    inactive_days: int = 30
    at_risk_days: int = 14
    active_days: int = 14
    reinforce_days: float = 30.0
    reinforce_growth: float = 2.0
    matching_manager_levels: int = 1


def build_views(settings: ViewSettings) -> tuple[View, ...]:
    """Every view the projection runner maintains, in a stable order."""
    vocabulary = Vocabulary(settings.profile_base)
    return (MentoringView(vocabulary), ProgramsView(vocabulary))
