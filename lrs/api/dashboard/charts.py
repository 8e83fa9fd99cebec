"""Line and bar charts drawn as SVG on the server.

No chart library and no script: a page's charts are markup, so they work with
a Content-Security-Policy that forbids inline scripts, offline, and before any
JavaScript runs. Every text that reaches the SVG (titles, labels, series
names) is escaped here. Colours come from CSS classes (``series-0``,
``series-1``, ...), never from style attributes, which the policy forbids too.

Each chart is a `Chart` (labels along x, one or more `Series`), the same
object the page renders as the chart's table alternative.
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

Number = float | int


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Number | None]
    """One value per label; None where there is nothing to draw (no rating that week)."""


@dataclass(frozen=True)
class Chart:
    title: str
    labels: Sequence[str]
    series: Sequence[Series]
    y_label: str = ""
    description: str = ""
    formats: Callable[[Number], str] = field(default=lambda v: _number(v))
    partial: frozenset[int] = frozenset()
    """Indexes of labels whose period is cut by the range (its first or last week): drawn
    hatched or hollow and named "partial", so a week half over does not read as a drop."""

    def label_of(self, index: int) -> str:
        """The x label as text says it: with "(partial)" for a cut period."""
        label = self.labels[index]
        return f"{label} (partial)" if index in self.partial else label

    @property
    def has_data(self) -> bool:
        return any(v is not None for s in self.series for v in s.values)


@dataclass(frozen=True)
class _Frame:
    """Where the plot area sits inside the SVG, and how values map into it."""

    width: int
    height: int
    left: int = 48
    right: int = 12
    top: int = 12
    bottom: int = 40

    @property
    def plot_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> float:
        return self.height - self.top - self.bottom

    def y(self, value: float, top_value: float) -> float:
        return self.top + self.plot_height * (1 - (value / top_value if top_value else 0))


def nice_ticks(maximum: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least ``maximum`` (steps of 1, 2 or 5 × 10^k)."""
    if maximum <= 0 or not math.isfinite(maximum):
        return [0.0, 1.0]
    raw_step = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw_step)
    ticks = [0.0]
    while ticks[-1] < maximum - 1e-9:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


NARROW = (320, 260)
"""A phone's chart: drawn in a 320-unit box, so its 11-unit text stays ~10 px on a 300 px
screen (the 640-unit chart would shrink it to 5 px)."""


def for_widths(draw: Callable[..., Markup], chart: Chart) -> Markup:
    """The chart twice: for wide screens and for phones (CSS shows one of them)."""
    return Markup(draw(chart) + draw(chart, width=NARROW[0], height=NARROW[1], variant="narrow"))


def _frame(chart: Chart, width: int, height: int) -> _Frame:
    """The frame, its bottom margin grown by the legend's extra rows."""
    rows = len({y for _, y in _legend_places(chart, width, 0)})
    extra = 14 * max(rows - 1, 0)
    return _Frame(width, height + extra, bottom=40 + extra)


def line_chart(chart: Chart, *, width: int = 640, height: int = 240, variant: str = "wide") -> Markup:
    """One polyline per series with a circle on every point (a `<title>` gives its value)."""
    frame = _frame(chart, width, height)
    ticks = _ticks(chart)
    top = ticks[-1]
    count = len(chart.labels)
    step = frame.plot_width / max(count - 1, 1)

    def x(i: int) -> float:
        return frame.left + (i * step if count > 1 else frame.plot_width / 2)

    parts = _open(chart, frame, ticks, variant)
    parts += _x_labels(chart, frame, x)
    for index, series in enumerate(chart.series):
        css = f"series-{index % 6}"
        points = [(x(i), frame.y(float(v), top), v, i) for i, v in enumerate(series.values) if v is not None]
        # A gap (None) breaks the line: one polyline per run of values; a partial
        # period's point is drawn hollow, joined by a dashed line.
        run: list[str] = []
        for i, v in enumerate(series.values):
            if v is None or i in chart.partial:
                parts.append(_polyline(run, css))
                run = []
            if v is not None and i not in chart.partial:
                run.append(f"{x(i):.1f},{frame.y(float(v), top):.1f}")
        parts.append(_polyline(run, css))
        for (ax, ay, _, i), (bx, by, _, j) in itertools.pairwise(points):
            if j == i + 1 and (i in chart.partial or j in chart.partial):
                parts.append(f'<polyline class="line partial {css}" fill="none" '
                             f'points="{ax:.1f},{ay:.1f} {bx:.1f},{by:.1f}"/>')
        for px, py, v, i in points:
            cut = " partial" if i in chart.partial else ""
            parts.append(
                f'<circle class="point {css}{cut}" cx="{px:.1f}" cy="{py:.1f}" r="3">'
                f"<title>{escape(series.name)}, {escape(chart.label_of(i))}: {escape(chart.formats(v))}</title>"
                "</circle>"
            )
    parts.append(_legend(chart, frame))
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(chart: Chart, *, width: int = 640, height: int = 240, variant: str = "wide") -> Markup:
    """Grouped bars: one group per label, one bar per series."""
    frame = _frame(chart, width, height)
    ticks = _ticks(chart)
    top = ticks[-1]
    count = max(len(chart.labels), 1)
    group = frame.plot_width / count
    bars = max(len(chart.series), 1)
    bar_width = max(group * 0.8 / bars, 1.0)

    def centre(i: int) -> float:
        return frame.left + group * (i + 0.5)

    parts = _open(chart, frame, ticks, variant)
    parts += _x_labels(chart, frame, centre)
    baseline = frame.y(0, top)
    for index, series in enumerate(chart.series):
        css = f"series-{index % 6}"
        for i, v in enumerate(series.values):
            if v is None:
                continue
            bx = centre(i) - group * 0.4 + index * bar_width
            by = frame.y(float(v), top)
            cut = " partial" if i in chart.partial else ""
            parts.append(
                f'<rect class="bar {css}{cut}" x="{bx:.1f}" y="{by:.1f}" width="{bar_width:.1f}" '
                f'height="{max(baseline - by, 0):.1f}">'
                f"<title>{escape(series.name)}, {escape(chart.label_of(i))}: "
                f"{escape(chart.formats(v))}</title></rect>"
            )
    parts.append(_legend(chart, frame))
    parts.append("</svg>")
    return Markup("".join(parts))


def sparkline(values: Sequence[Number | None], *, label: str, width: int = 120, height: int = 32,
              scale: bool = False) -> Markup:
    """A small trend line without axes, for a card; ``label`` says what it shows. With
    ``scale`` its lowest and highest values are written at its right, so two sparklines
    side by side are not read as on one axis."""
    box = width + (44 if scale else 0)
    present = [(i, float(v)) for i, v in enumerate(values) if v is not None]
    parts = [
        (
            f'<svg class="sparkline" role="img" aria-label="{escape(label)}" '
            f'viewBox="0 0 {box} {height}" width="{box}" height="{height}">'
            f"<title>{escape(label)}</title>"
        )
    ]
    if present:
        low = min(v for _, v in present)
        high = max(v for _, v in present)
        span = (high - low) or 1.0
        step = (width - 4) / max(len(values) - 1, 1)
        coords = [
            (2 + i * step, height - 2 - (v - low) / span * (height - 4)) for i, v in present
        ]
        parts.append(_polyline([f"{cx:.1f},{cy:.1f}" for cx, cy in coords], "series-0"))
        last_x, last_y = coords[-1]
        parts.append(f'<circle class="point series-0" cx="{last_x:.1f}" cy="{last_y:.1f}" r="2"/>')
        if scale:
            parts.append(
                f'<text class="tick" x="{width + 4}" y="10">{escape("max " + _number(high))}</text>'
                f'<text class="tick" x="{width + 4}" y="{height - 2}">{escape("min " + _number(low))}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def _ticks(chart: Chart) -> list[float]:
    values = [float(v) for s in chart.series for v in s.values if v is not None]
    return nice_ticks(max(values, default=0.0))


def _open(chart: Chart, frame: _Frame, ticks: list[float], variant: str = "wide") -> list[str]:
    # Stable across processes (unlike hash()), so a refreshed page keeps its ids.
    title_id = "chart-" + hashlib.sha1(
        "\0".join([chart.title, *chart.labels, *(s.name for s in chart.series)]).encode()
    ).hexdigest()[:10] + ("" if variant == "wide" else f"-{variant}")
    parts = [
        (
            f'<svg class="chart chart-{variant}" role="img" aria-labelledby="{title_id}" '
            f'viewBox="0 0 {frame.width} {frame.height}" preserveAspectRatio="xMidYMid meet">'
            f'<title id="{title_id}">{escape(chart.title)}</title>'
        )
    ]
    if chart.description:
        parts.append(f"<desc>{escape(chart.description)}</desc>")
    top = ticks[-1]
    # y axis, with a grid line and a label per tick
    for tick in ticks:
        y = frame.y(tick, top)
        parts.append(
            f'<line class="grid" x1="{frame.left}" x2="{frame.width - frame.right}" '
            f'y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="tick" x="{frame.left - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(chart.formats(tick))}</text>"
        )
    bottom = frame.top + frame.plot_height
    parts.append(
        f'<line class="axis" x1="{frame.left}" x2="{frame.left}" y1="{frame.top}" y2="{bottom:.1f}"/>'
        f'<line class="axis" x1="{frame.left}" x2="{frame.width - frame.right}" '
        f'y1="{bottom:.1f}" y2="{bottom:.1f}"/>'
    )
    if chart.y_label:
        parts.append(
            f'<text class="axis-label" transform="rotate(-90)" x="{-(frame.top + frame.plot_height / 2):.1f}" '
            f'y="12" text-anchor="middle">{escape(chart.y_label)}</text>'
        )
    return parts


def _x_labels(chart: Chart, frame: _Frame, x: Callable[[int], float]) -> list[str]:
    """A label under every n-th point, so that they never overlap."""
    count = len(chart.labels)
    every = max(1, math.ceil(count / max(frame.plot_width // 70, 1)))
    y = frame.top + frame.plot_height + 16
    return [
        f'<text class="tick" x="{x(i):.1f}" y="{y:.1f}" text-anchor="middle">{escape(label)}</text>'
        for i, label in enumerate(chart.labels)
        if i % every == 0
    ]


def _legend_places(chart: Chart, width: int, first_y: float) -> list[tuple[float, float]]:
    """Where each series' legend entry starts: in rows that fit the width."""
    if len(chart.series) < 2:
        return []
    places = []
    left = float(_Frame(width, 0).left)
    x, y = left, first_y
    for series in chart.series:
        needed = 22 + 7 * len(series.name)
        if x > left and x + needed > width - 4:
            x, y = left, y + 14
        places.append((x, y))
        x += needed
    return places


def _legend(chart: Chart, frame: _Frame) -> str:
    rows = len({y for _, y in _legend_places(chart, frame.width, 0)})
    first_y = frame.height - 6 - 14 * max(rows - 1, 0)
    parts = []
    for index, (series, (x, y)) in enumerate(zip(chart.series, _legend_places(chart, frame.width, first_y),
                                                 strict=False)):
        css = f"series-{index % 6}"
        parts.append(
            f'<rect class="swatch {css}" x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10"/>'
            f'<text class="legend" x="{x + 14:.1f}" y="{y:.1f}">{escape(series.name)}</text>'
        )
    return "".join(parts)


def _polyline(points: list[str], css: str) -> str:
    if not points:
        return ""
    if len(points) == 1:
        return ""  # a single value is drawn by its circle alone
    return f'<polyline class="line {css}" fill="none" points="{" ".join(points)}"/>'


def _number(value: Number) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(int(value))
