"""What each figure of the dashboard means, one click away from the figure.

The texts say what docs/profile/README.md ("Program tracking", "Mentee progress")
defines, in a coordinator's words; each tile's label links to its entry
(``/dashboard/definitions#<figure>``), so a number is never read without its rule.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Definition:
    figure: str
    label: str
    text: str


DEFINITIONS: tuple[Definition, ...] = (
    Definition("mentors", "Mentors", "People enrolled in the program as mentors, or named as the mentor of a "
               "pairing, up to the end of the range."),
    Definition("mentees", "Mentees", "People enrolled in the program as mentees up to the end of the range."),
    Definition("pairs", "Pairs", "Mentor and mentee pairs: from pairing statements and from sessions held "
               "together, up to the end of the range."),
    Definition("active_pairs", "Active pairs", "Pairs with a session in the {active_days} days before the "
               "reference instant (the end of the range, or now)."),
    Definition("pairs_at_risk", "Pairs at risk", "Pairs whose mentee is not inactive and has had no session "
               "for {at_risk_days} days (or none yet), or has an overdue goal. The status filter 'at risk' "
               "lists exactly these."),
    Definition("pairs_inactive", "Inactive pairs", "Pairs whose mentee has done nothing in the program for "
               "{inactive_days} days, or nothing at all. The status filter 'inactive' lists exactly these."),
    Definition("sessions_per_pair_per_month", "Sessions per pair per month", "Sessions in the range, divided "
               "by the pairs, divided by the range's length in 30-day months."),
    Definition("goal_attainment_rate", "Goal attainment", "Goals met divided by goals set, in the range."),
    Definition("median_days_to_goal", "Median days to goal", "The median number of days from a goal being "
               "set to its being met, over the goals met in the range."),
    Definition("feedback_count", "Feedback given", "Feedback statements in the range."),
    Definition("mean_rating", "Mean feedback rating", "The mean rating (1 to 5) of the rated feedback in the "
               "range."),
)

BY_FIGURE = {d.figure: d for d in DEFINITIONS}
