"""The server-side SVG charts: axes, labels, one mark per value, everything escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from lrs.api.dashboard.charts import (
    Chart,
    Series,
    bar_chart,
    line_chart,
    nice_ticks,
    sparkline,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


def weekly() -> Chart:
    return Chart(
        title="Weekly activity",
        labels=["2026-W01", "2026-W02", "2026-W03"],
        series=[Series("sessions", [3, 0, 7]), Series("comments", [1, 4, None])],
        y_label="statements",
    )


def test_nice_ticks_cover_the_maximum_in_round_steps() -> None:
    assert nice_ticks(7) == [0, 2, 4, 6, 8]
    assert nice_ticks(100) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(4.3) == [0, 1, 2, 3, 4, 5]
    assert nice_ticks(0) == [0, 1]


def test_line_chart_draws_one_point_per_value_with_its_value_as_title() -> None:
    svg = parse(line_chart(weekly()))
    points = svg.findall(f"{SVG}circle")
    assert len(points) == 5  # the None is not drawn
    titles = [p.find(f"{SVG}title").text for p in points]  # type: ignore[union-attr]
    assert "sessions, 2026-W03: 7" in titles and "comments, 2026-W02: 4" in titles


def test_line_chart_has_axes_tick_labels_and_a_title() -> None:
    svg = parse(line_chart(weekly()))
    assert svg.get("role") == "img"
    title = svg.find(f"{SVG}title")
    assert title is not None and title.text == "Weekly activity"
    assert svg.get("aria-labelledby") == title.get("id")
    texts = [t.text for t in svg.findall(f"{SVG}text")]
    assert {"0", "2", "4", "6", "8"} <= set(texts)  # y ticks
    assert "2026-W01" in texts and "statements" in texts  # x labels, y label
    assert len([ln for ln in svg.findall(f"{SVG}line") if ln.get("class") == "axis"]) == 2


def test_higher_values_are_drawn_higher() -> None:
    svg = parse(line_chart(Chart("t", ["a", "b"], [Series("s", [1, 5])])))
    low, high = (float(c.get("cy", "0")) for c in svg.findall(f"{SVG}circle"))
    assert high < low  # SVG y grows downwards


def test_a_gap_breaks_the_line() -> None:
    chart = Chart("t", ["a", "b", "c", "d", "e"], [Series("s", [1, 2, None, 3, 4])])
    lines = parse(line_chart(chart)).findall(f"{SVG}polyline")
    assert [len(ln.get("points", "").split()) for ln in lines] == [2, 2]


def test_bar_chart_draws_one_bar_per_value_with_height_in_proportion() -> None:
    svg = parse(bar_chart(Chart("t", ["a", "b"], [Series("s", [2, 4])])))
    bars = [r for r in svg.findall(f"{SVG}rect") if "bar" in r.get("class", "")]
    assert len(bars) == 2
    assert float(bars[1].get("height", "0")) == 2 * float(bars[0].get("height", "0"))


def test_legend_names_every_series_when_there_are_several() -> None:
    texts = [t.text for t in parse(bar_chart(weekly())).findall(f"{SVG}text")]
    assert "sessions" in texts and "comments" in texts


def test_hostile_text_is_escaped_everywhere() -> None:
    hostile = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
    chart = Chart(hostile, [hostile], [Series(hostile, [1])], y_label=hostile, description=hostile)
    for markup in (line_chart(chart), bar_chart(chart), sparkline([1, 2], label=hostile)):
        assert "<script" not in markup and "<img" not in markup
        svg = parse(markup)  # still well-formed XML: nothing broke out of its attribute
        assert svg.find(f"{SVG}title").text == hostile  # type: ignore[union-attr]


def test_sparkline_of_nothing_is_an_empty_labelled_image() -> None:
    svg = parse(sparkline([None, None], label="rating trend"))
    assert svg.get("aria-label") == "rating trend"
    assert svg.findall(f"{SVG}polyline") == []


def test_chart_knows_whether_it_has_data() -> None:
    assert weekly().has_data
    assert not Chart("t", ["a"], [Series("s", [None])]).has_data
