"""Charts for the monthly report, drawn on the server as inline SVG.

The report page and the PDF that WeasyPrint makes from the same HTML show the same charts, and
neither needs JavaScript. The site's Content-Security-Policy (``style-src 'self'``) blocks inline
``style`` attributes and ``<style>`` elements, so every look is set with SVG presentation
attributes. The same arguments always give byte-identical markup.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from reports.tables import percent

__all__ = ["Series", "bar_chart", "line_chart"]

SVG_NS = "http://www.w3.org/2000/svg"

# The viewBox is 600 units wide. On a 390 px phone, inside the page's and a card's padding, a chart
# is about 336 px wide (0.56 px a unit), so 20-unit text comes out near 11 px. The chart is as wide
# as its container: on a desktop the page's CSS should cap it (the root has class "report-chart").
WIDTH = 600
FONT_SIZE = 20
TITLE_SIZE = 22
FONT_FAMILY = "Helvetica, Arial, sans-serif"
# Widths of text are guessed from its length (there is no font metrics on the server); these
# average advances, as a fraction of the font size, err on the wide side.
CHAR_WIDTH = 0.58
BOLD_CHAR_WIDTH = 0.62

INK = "#1a1a1a"
MUTED_INK = "#4a4a4a"  # tick labels; 8.9:1 on white
GRID = "#d9d9d9"
AXIS = "#767676"

# Dark enough for WCAG AA contrast on white, so a colour can also carry text.
COLOURS = ("#1f5f5b", "#8a3b12", "#3b4a9a", "#6b2f6b", "#2f6b2f", "#5b5b5b")
# A dash pattern per series as well, so that colour is not the only cue (and a black-and-white
# print still tells the lines apart).
DASHES = (None, "9 5", "2 4", "12 4 2 4", "12 4 2 4 2 4", "4 8")

PLOT_HEIGHT = 220
GRID_INTERVALS = 4
EDGE = 4  # room left at the sides for text whose width was guessed short
LABEL_GAP = 12  # the least room between two month labels
LEGEND_SAMPLE = 30  # length of the line drawn before each name in the legend
BAR_HEIGHT = 26
BAR_LABEL_LINES = 2
NO_DATA = "No data for these months"

# XML 1.0 forbids these characters even when escaped; a name holding one would make the chart
# unreadable to anything that parses it as SVG rather than as HTML.
_XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class Series:
    """One line of a line chart. ``values`` has one entry per label; ``None`` means no data that
    month, and the line breaks there."""

    name: str
    values: list[float | None]


def line_chart(
    *,
    title: str,
    labels: list[str],
    series: list[Series],
    unit: str = "%",
    y_max: float | None = None,
) -> SafeString:
    """An SVG line chart of ``series`` over the months in ``labels``.

    The y axis runs from 0 to ``y_max``; by default that is 100 for percentages (or a round number
    above the largest value, should one exceed 100) and otherwise the smallest round number at or
    above the largest value, and at least 1. A value outside the axis is drawn at its edge; the
    description still reads out the true value.
    """
    for one in series:
        if len(one.values) != len(labels):
            raise ValueError(
                f"Series {one.name!r} has {len(one.values)} values for {len(labels)} labels."
            )
    if y_max is not None and not y_max > 0:
        raise ValueError(f"y_max must be above 0, not {y_max!r}.")

    values = [[_finite(value) for value in one.values] for one in series]
    chart_id = _chart_id("line", title, labels, [one.name for one in series], values, unit, y_max)
    present = [value for row in values for value in row if value is not None]
    if not labels or not present:
        return _empty_chart(title=title, chart_id=chart_id)

    top = y_max if y_max is not None else _default_y_max(max(present), unit)
    ticks = [top * step / GRID_INTERVALS for step in range(GRID_INTERVALS + 1)]
    tick_texts = [_format_value(tick, unit, decimals=2) for tick in ticks]
    widest_label = max(_text_width(label) for label in labels)

    # Room on the left for the tick labels, and on both sides for half of a month label centred
    # on the first or last point.
    left = max(max(_text_width(text) for text in tick_texts) + 8, widest_label / 2) + EDGE
    right = WIDTH - max(widest_label / 2, 8) - EDGE
    title_markup, y = _title_lines(title)
    plot_top = y + 18
    plot_bottom = plot_top + PLOT_HEIGHT

    if len(labels) == 1:
        xs = [(left + right) / 2]
    else:
        xs = [left + index * (right - left) / (len(labels) - 1) for index in range(len(labels))]

    def y_of(value: float) -> float:
        share = min(max(value / top, 0.0), 1.0)
        return plot_bottom - share * PLOT_HEIGHT

    body = [title_markup]
    body.append(_grid(ticks, tick_texts, y_of, left, right))
    body.append(_month_labels(labels, xs, plot_bottom + FONT_SIZE + 8))
    for index, row in enumerate(values):
        body.append(_series_marks(index, row, xs, y_of))
    height = plot_bottom + FONT_SIZE + 14
    if len(series) >= 2:
        legend_markup, height = _legend([one.name for one in series], height + 12)
        body.append(legend_markup)

    return _svg(
        chart_id=chart_id,
        title=title,
        desc=_line_desc(title, labels, series, values, unit),
        height=height + 6,
        body=body,
    )


def bar_chart(*, title: str, bars: list[tuple[str, float]], unit: str = "") -> SafeString:
    """An SVG chart of horizontal bars, in the order given: each label on the left, each value at
    its bar's end, the longest bar as wide as the chart allows. No bars give the "No data" chart."""
    values = [_finite(value) for _, value in bars]
    chart_id = _chart_id("bar", title, [label for label, _ in bars], values, unit)
    if not bars:
        return _empty_chart(title=title, chart_id=chart_id)

    value_texts = [_value_or_no_data(value, unit) for value in values]
    label_column = min(max(_text_width(label) for label, _ in bars), WIDTH * 0.4)
    label_right = EDGE + label_column
    bar_left = label_right + 10
    bar_room = WIDTH - bar_left - 6 - max(_text_width(text) for text in value_texts) - EDGE
    largest = max((value for value in values if value is not None), default=0.0)
    scale = bar_room / largest if largest > 0 else 0.0

    title_markup, y = _title_lines(title)
    y += 16
    bars_top = y
    rows = []
    for (label, _), value, value_text in zip(bars, values, value_texts, strict=True):
        lines = _wrap(label, label_column, FONT_SIZE, BAR_LABEL_LINES)
        row_height = max(BAR_HEIGHT, len(lines) * (FONT_SIZE + 4))
        middle = y + row_height / 2
        width = max(value or 0.0, 0.0) * scale
        # The block of label lines is centred on its bar.
        first_baseline = middle - (len(lines) - 1) * (FONT_SIZE + 4) / 2 + FONT_SIZE * 0.35
        cells = [
            _text(line, x=label_right, y=first_baseline + number * (FONT_SIZE + 4), anchor="end")
            for number, line in enumerate(lines)
        ]
        cells.append(
            _element(
                "rect",
                {
                    "x": bar_left,
                    "y": middle - BAR_HEIGHT / 2,
                    "width": width,
                    "height": BAR_HEIGHT,
                    "fill": COLOURS[0],
                },
            )
        )
        cells.append(_text(value_text, x=bar_left + width + 6, y=middle + FONT_SIZE * 0.35))
        rows.append(_element("g", {"class": "report-chart-bar"}, *cells))
        y += row_height + 10

    # The zero line the bars grow from, so that a bar of 0 is still seen to start somewhere.
    axis = _element(
        "line",
        {"x1": bar_left, "x2": bar_left, "y1": bars_top - 4, "y2": y - 6, "stroke": AXIS},
    )
    desc = ", ".join(f"{label}: {text}" for (label, _), text in zip(bars, value_texts, strict=True))
    return _svg(
        chart_id=chart_id,
        title=title,
        desc=f"{title}. {desc}.",
        height=y,
        body=[title_markup, axis, _element("g", {"class": "report-chart-bars"}, *rows)],
    )


def _empty_chart(*, title: str, chart_id: str) -> SafeString:
    """A small chart that says there is nothing to draw, keeping the title so the page reads the
    same with or without data."""
    title_markup, y = _title_lines(title)
    box_top = y + 12
    box = _element(
        "rect",
        {
            "x": 1,
            "y": box_top,
            "width": WIDTH - 2,
            "height": 64,
            "rx": 6,
            "fill": "#f5f5f5",
            "stroke": GRID,
        },
    )
    words = _text(
        NO_DATA, x=WIDTH / 2, y=box_top + 32 + FONT_SIZE * 0.35, anchor="middle", fill=MUTED_INK
    )
    return _svg(
        chart_id=chart_id,
        title=title,
        desc=f"{NO_DATA}.",
        height=box_top + 66,
        body=[title_markup, box, words],
    )


def _svg(*, chart_id: str, title: str, desc: str, height: float, body: list[str]) -> SafeString:
    """The root element: sized by its viewBox alone so it scales to the width it is given, and
    named for assistive technology by its title and description."""
    attrs = {
        "xmlns": SVG_NS,
        "viewBox": f"0 0 {WIDTH} {_num(height)}",
        "width": "100%",
        "preserveAspectRatio": "xMidYMid meet",
        "role": "img",
        "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
        "class": "report-chart",
        "font-family": FONT_FAMILY,
        "font-size": FONT_SIZE,
        "fill": INK,
    }
    markup = _element(
        "svg",
        attrs,
        _element("title", {"id": f"{chart_id}-title"}, _esc(title)),
        _element("desc", {"id": f"{chart_id}-desc"}, _esc(desc)),
        *body,
    )
    # Every piece of text and every attribute value went through _esc.
    return mark_safe(markup)  # noqa: S308


def _chart_id(kind: str, title: str, *content: object) -> str:
    """An id for the chart's title and description: readable from the title, told apart from
    other charts on the page by a hash of everything drawn, and the same on every render."""
    payload = json.dumps([kind, title, *content], ensure_ascii=True)
    digest = hashlib.sha256(payload.encode()).hexdigest()[:8]
    slug = slugify(title)[:40].strip("-") or "chart"
    return f"chart-{slug}-{digest}"


def _default_y_max(largest: float, unit: str) -> float:
    """100 for percentages that fit under it; otherwise the smallest 4 × step at or above the
    largest value (and at least 1), where the step is 1, 2, 2.5 or 5 times a power of ten, so
    that every grid line falls on a round number."""
    if unit == "%" and largest <= 100:
        return 100.0
    target = max(largest, 1.0)
    exponent = math.floor(math.log10(target / GRID_INTERVALS))
    for power in (exponent, exponent + 1):
        for multiple in (1, 2, 2.5, 5):
            top = round(GRID_INTERVALS * multiple * 10.0**power, 6)
            if top >= target:
                return top
    raise AssertionError("unreachable: 4 × 10^(exponent + 1) is above the target")


def _finite(value: float | None) -> float | None:
    """The value as a float (a Decimal from an aggregate will do), or None for a missing one;
    NaN and infinity count as missing."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def _format_value(value: float, unit: str, *, decimals: int = 1) -> str:
    """82 → "82%", 82.5 → "82.5%", 82.04 → "82%": at most ``decimals`` places, no trailing
    zeros. Halves round up, as people reading a report expect (82.25 → "82.3%")."""
    # repr gives the shortest decimal that is this float, so 82.25 is not 82.2499…
    exact = Decimal(repr(float(value)))
    text = str(exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    return f"{text}{unit}"


def _value_or_no_data(value: float | None, unit: str) -> str:
    """A figure in words: a percentage as the report writes every percentage (the axis's
    round ticks keep their short form)."""
    if value is None:
        return "no data"
    return percent(value) if unit == "%" else _format_value(value, unit)


def _num(value: float) -> str:
    """A coordinate, to one decimal: enough for a 600-unit drawing, and short markup."""
    return _format_value(value, "")


def _text_width(text: str, size: float = FONT_SIZE, *, bold: bool = False) -> float:
    return len(text) * size * (BOLD_CHAR_WIDTH if bold else CHAR_WIDTH)


def _truncate(text: str, width: float, size: float, *, bold: bool = False) -> str:
    """The text, cut short with an ellipsis if it would be wider than ``width``."""
    if _text_width(text, size, bold=bold) <= width:
        return text
    fits = max(int(width / (size * (BOLD_CHAR_WIDTH if bold else CHAR_WIDTH))) - 1, 1)
    return text[:fits].rstrip() + "…"


def _wrap(text: str, width: float, size: float, max_lines: int, *, bold: bool = False) -> list[str]:
    """The text broken at spaces into lines no wider than ``width``; what does not fit in
    ``max_lines`` is cut short with an ellipsis on the last line."""
    lines: list[str] = []
    for word in text.split():
        joined = f"{lines[-1]} {word}" if lines else word
        if lines and _text_width(joined, size, bold=bold) <= width:
            lines[-1] = joined
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    return [_truncate(line, width, size, bold=bold) for line in lines]


def _title_lines(title: str) -> tuple[str, float]:
    """The visible title (up to two lines) and the y where the space below it starts."""
    lines = _wrap(title, WIDTH, TITLE_SIZE, 2, bold=True)
    texts = []
    y = 0.0
    for line in lines:
        y += TITLE_SIZE + 4
        texts.append(_text(line, x=0, y=y, size=TITLE_SIZE, weight="bold"))
    return _element("g", {"class": "report-chart-title"}, *texts), y + 6


def _grid(
    ticks: list[float], texts: list[str], y_of: Callable[[float], float], left: float, right: float
) -> str:
    """Horizontal grid lines with their values on the left, from 0 (the axis) up."""
    marks = []
    for tick, text in zip(ticks, texts, strict=True):
        y = y_of(tick)
        marks.append(
            _element(
                "line",
                {
                    "x1": left,
                    "x2": right,
                    "y1": y,
                    "y2": y,
                    "stroke": AXIS if tick == 0 else GRID,
                    "stroke-width": 1,
                },
            )
        )
        marks.append(_text(text, x=left - 8, y=y + FONT_SIZE * 0.35, anchor="end", fill=MUTED_INK))
    return _element("g", {"class": "report-chart-grid"}, *marks)


def _month_labels(labels: list[str], xs: list[float], baseline: float) -> str:
    """The labels under the x axis: every one if they fit, else every second or third (and so on)
    counted back from the last, so the latest month is always named."""
    spacing = xs[1] - xs[0] if len(xs) > 1 else WIDTH
    needed = max(_text_width(label) for label in labels) + LABEL_GAP
    step = 1
    while step < len(labels) and step * spacing < needed:
        step += 1
    last = len(labels) - 1
    texts = [
        _text(label, x=x, y=baseline, anchor="middle")
        for index, (label, x) in enumerate(zip(labels, xs, strict=True))
        if (last - index) % step == 0
    ]
    return _element("g", {"class": "report-chart-labels"}, *texts)


def _series_marks(
    index: int, values: list[float | None], xs: list[float], y_of: Callable[[float], float]
) -> str:
    """One series: a polyline for each run of months with data (a month without data leaves a
    gap) and a dot at every value. A run of one month is only a dot."""
    colour, dash = _series_style(index)
    runs: list[list[tuple[float, float]]] = [[]]
    for x, value in zip(xs, values, strict=True):
        if value is None:
            runs.append([])
        else:
            runs[-1].append((x, y_of(value)))
    lines = [
        _element(
            "polyline",
            {
                "points": " ".join(f"{_num(x)},{_num(y)}" for x, y in run),
                "fill": "none",
                "stroke": colour,
                "stroke-width": 2.5,
                "stroke-dasharray": dash,
                "stroke-linejoin": "round",
            },
        )
        for run in runs
        if len(run) >= 2
    ]
    # A white ring keeps dots of different series apart where they meet.
    dots = [
        _element(
            "circle",
            {"cx": x, "cy": y, "r": 4.5, "fill": colour, "stroke": "#fff", "stroke-width": 1.5},
        )
        for run in runs
        for x, y in run
    ]
    return _element("g", {"class": "report-chart-series"}, *lines, *dots)


def _series_style(index: int) -> tuple[str, str | None]:
    """Colour and dash pattern of the index-th series; past six they repeat, with the dashes
    shifted so that no two of the first 36 look alike."""
    return COLOURS[index % len(COLOURS)], DASHES[(index + index // len(COLOURS)) % len(DASHES)]


def _legend(names: list[str], top: float) -> tuple[str, float]:
    """A key of line sample and name per series, in rows as wide as the chart; returns the markup
    and the y below it."""
    entries = []
    x = 0.0
    baseline = top + FONT_SIZE
    for index, name in enumerate(names):
        colour, dash = _series_style(index)
        name = _truncate(name, WIDTH - LEGEND_SAMPLE - 8, FONT_SIZE)
        width = LEGEND_SAMPLE + 8 + _text_width(name)
        if x > 0 and x + width > WIDTH:
            x = 0.0
            baseline += FONT_SIZE + 10
        middle = baseline - FONT_SIZE * 0.35
        entries.append(
            _element(
                "g",
                {"class": "report-chart-legend-entry"},
                _element(
                    "line",
                    {
                        "x1": x,
                        "x2": x + LEGEND_SAMPLE,
                        "y1": middle,
                        "y2": middle,
                        "stroke": colour,
                        "stroke-width": 2.5,
                        "stroke-dasharray": dash,
                    },
                ),
                _element(
                    "circle", {"cx": x + LEGEND_SAMPLE / 2, "cy": middle, "r": 4.5, "fill": colour}
                ),
                _text(name, x=x + LEGEND_SAMPLE + 8, y=baseline),
            )
        )
        x += width + 24
    return _element("g", {"class": "report-chart-legend"}, *entries), baseline + 6


def _line_desc(
    title: str,
    labels: list[str],
    series: list[Series],
    values: list[list[float | None]],
    unit: str,
) -> str:
    """What the chart shows, in words: "Occupancy, Dec 25 to Nov 26. All houses: Dec 25 82%,
    Jan 26 no data, …"."""
    span = labels[0] if len(labels) == 1 else f"{labels[0]} to {labels[-1]}"
    parts = [f"{title}, {span}."]
    for one, row in zip(series, values, strict=True):
        readings = ", ".join(
            f"{label} {_value_or_no_data(value, unit)}"
            for label, value in zip(labels, row, strict=True)
        )
        parts.append(f"{one.name}: {readings}.")
    return " ".join(parts)


def _text(
    content: str,
    *,
    x: float,
    y: float,
    anchor: str | None = None,
    fill: str | None = None,
    size: float | None = None,
    weight: str | None = None,
) -> str:
    attrs = {
        "x": x,
        "y": y,
        "text-anchor": anchor,
        "fill": fill,
        "font-size": size,
        "font-weight": weight,
    }
    return _element("text", attrs, _esc(content))


def _element(tag: str, attrs: dict[str, str | float | None], *children: str) -> str:
    """Markup for one element. Attribute values are escaped here (numbers rounded to one
    decimal; None leaves the attribute out); children must already be markup, from _element or
    _esc."""
    parts = [tag]
    for name, value in attrs.items():
        if value is None:
            continue
        text = _num(value) if isinstance(value, int | float) else value
        parts.append(f'{name}="{_esc(text)}"')
    opening = " ".join(parts)
    if not children:
        return f"<{opening}/>"
    return f"<{opening}>{''.join(children)}</{tag}>"


def _esc(text: str) -> str:
    """Text made safe for both HTML and XML: escaped, and without the control characters XML
    cannot hold."""
    return escape(_XML_FORBIDDEN.sub("", text))
