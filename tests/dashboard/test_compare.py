"""Issue 21 point 7 (in part): the programs side by side on their main figures, with
sparklines that name their scale. Cohorts within a program are not compared yet."""

from __future__ import annotations

from typing import Any

from lrs.api.dashboard.charts import sparkline
from tests.dashboard.conftest import Browser, Program


def test_the_compare_page_lists_each_program_with_its_figures(coordinator: Browser, program: Program) -> None:
    html = coordinator.get("/dashboard/compare").get_data(as_text=True)
    assert f'<tr data-program="{program.id}">' in html
    assert '<td data-label="Mentees" class="num">3</td>' in html
    assert '<td data-label="Mean rating" class="num">4.00</td>' in html


def test_the_compare_page_keeps_the_range(coordinator: Browser, program: Program) -> None:
    html = coordinator.get("/dashboard/compare?from=2001-01-01&to=2001-12-31").get_data(as_text=True)
    assert '<td data-label="Mentees" class="num">0</td>' in html
    assert "from=2001-01-01" in html


def test_a_sparkline_with_a_scale_names_its_lowest_and_highest_value() -> None:
    svg = str(sparkline([3, None, 4.5, 5], label="rating", scale=True))
    assert ">max 5<" in svg and ">min 3<" in svg


def test_a_sparkline_without_values_draws_no_scale(app: Any) -> None:
    assert "max" not in str(sparkline([None], label="rating", scale=True))
