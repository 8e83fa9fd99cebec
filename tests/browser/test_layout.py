"""Issue 21 point 6: the layout holds from 360 px to 1920 px. At a phone's, a laptop's and
a wide screen's width, each main page (programs, a program, its cohorts, matching, check gaps, engagement and
outcomes, a mentee, a mentor, compare, search) is drawn
in Chromium, screenshot (``LRS_SCREENSHOT_DIR`` keeps them, else the test's temporary
directory) and checked: nothing wider than the window, no word broken across lines
(card labels, headers, dates; long IRIs and people's texts may wrap), "To" on the line of
its input, and on a phone the narrow chart shown (its text ~10 px), not the wide one."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.browser.conftest import Server
from tests.browser.test_dashboard import first_program, signed_in

WIDTHS = (360, 1366, 1920)

BROKEN_WORDS = """() => {
  // Words (3+ letters or digits) whose characters sit on more than one line.
  const skip = 'code, small.iri, td.said, svg, script, style';
  const walker = document.createTreeWalker(document.querySelector('main') || document.body, NodeFilter.SHOW_TEXT);
  const broken = [];
  let node;
  while ((node = walker.nextNode())) {
    const el = node.parentElement;
    if (!el || el.closest(skip) || !el.getClientRects().length) continue;
    for (const m of node.textContent.matchAll(/[\\p{L}\\p{N}][\\p{L}\\p{N}\\-\\/]{2,}/gu)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (tops.size > 1) broken.push(m[0] + ' in ' + el.tagName.toLowerCase() + '.' + el.className);
      if (broken.length > 10) return broken;
    }
  }
  return broken;
}"""

WIDER_THAN_WINDOW = """() => [...document.querySelectorAll('body *')]
  .filter(e => !e.closest('.table-wrap') && e.getBoundingClientRect().right > window.innerWidth + 1)
  .map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 5)"""


def _pages(page: Any, server: Server) -> list[tuple[str, str]]:
    """(name, path) of the pages to check: programs, the first program, its first pair's
    mentee and mentor, its cohorts, the comparison of programs, a search for a person."""
    signed_in(page, server)
    first_program(page)
    program = page.url.split("/dashboard", 1)[1]
    mentee = page.locator("tr.pair td[data-label='Mentee'] a").first.get_attribute("href")
    mentor = page.locator("tr.pair td[data-label='Mentor'] a").first.get_attribute("href")
    query = urlencode({"program": parse_qs(urlsplit(program).query)["id"][0]})
    tables = [(name, f"/program/{name}?{query}") for name in ("cohorts", "matching", "gaps", "engagement", "outcomes")]
    return [("programs", "/"), ("program", program), *tables, ("mentee", mentee.split("/dashboard", 1)[1]),
            ("mentor", mentor.split("/dashboard", 1)[1]), ("compare", "/compare"), ("search", "/search?q=an")]


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("LRS_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_the_width_without_broken_words(page: Any, server: Server, width: int,
                                                        tmp_path: Path) -> None:
    pages = _pages(page, server)
    page.set_viewport_size({"width": width, "height": 900})
    folder = _shots(tmp_path)
    for name, path in pages:
        page.goto("/dashboard" + path)
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (name, width, page.evaluate(WIDER_THAN_WINDOW))
        assert page.evaluate(BROKEN_WORDS) == [], (name, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_to_stays_on_the_line_of_its_input(page: Any, server: Server, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    signed_in(page, server)
    label = page.locator("label[for='range-to']").bounding_box()
    field = page.locator("#range-to").bounding_box()
    assert label and field
    assert abs((label["y"] + label["height"] / 2) - (field["y"] + field["height"] / 2)) < field["height"] / 2


def test_a_phone_shows_the_narrow_charts_with_readable_text(page: Any, server: Server) -> None:
    page.set_viewport_size({"width": 360, "height": 800})
    signed_in(page, server)
    first_program(page)
    assert not page.locator("#chart-activity svg.chart-wide").is_visible()
    narrow = page.locator("#chart-activity svg.chart-narrow")
    assert narrow.is_visible()
    box = narrow.bounding_box()
    assert box and box["width"] / 320 * 11 >= 9.5, box  # its 11-unit text drawn at ~10 px, not 5


def test_a_wide_screen_shows_the_wide_charts(page: Any, server: Server) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    signed_in(page, server)
    first_program(page)
    assert page.locator("#chart-activity svg.chart-wide").is_visible()
    assert not page.locator("#chart-activity svg.chart-narrow").is_visible()
    assert re.search(r"\d", page.locator("#chart-activity svg.chart-wide text.tick").first.text_content() or "")
