"""The report's SVG charts, read back as XML: what is drawn, where, and how it is labelled."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from reports.charts import Series, bar_chart, line_chart

NS = {"svg": "http://www.w3.org/2000/svg"}
MONTHS = [
    "Dec 25",
    "Jan 26",
    "Feb 26",
    "Mar 26",
    "Apr 26",
    "May 26",
    "Jun 26",
    "Jul 26",
    "Aug 26",
    "Sep 26",
    "Oct 26",
    "Nov 26",
]
HOSTILE = "<script>alert(1)</script> & \"quotes\" 'too'\x01"


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))  # noqa: S314 (our own markup)


def _group(root: ET.Element, name: str) -> list[ET.Element]:
    return root.findall(f".//svg:g[@class='report-chart-{name}']", NS)


def _texts(element: ET.Element) -> list[str]:
    return [text.text or "" for text in element.iterfind(".//svg:text", NS)]


def _desc(root: ET.Element) -> str:
    return root.find("svg:desc", NS).text


def _occupancy(*series: Series, **options) -> ET.Element:
    return _parse(
        line_chart(title="Occupancy by month", labels=MONTHS, series=list(series), **options)
    )


def _months(*values: float | None) -> list[float | None]:
    """Twelve values: the ones given, then the rest at 80."""
    return [*values, *[80.0] * (12 - len(values))]


def test_it_draws_a_dot_for_each_month_with_data():
    root = _occupancy(Series("All houses", _months(82, 83, None, 85)))

    [series] = _group(root, "series")
    assert len(series.findall("svg:circle", NS)) == 11
    assert len(series.findall("svg:polyline", NS)) == 2


def test_a_month_without_data_splits_the_line():
    root = _parse(
        line_chart(
            title="Chores",
            labels=MONTHS[:5],
            series=[Series("All houses", [60, 70, None, 80, 90])],
        )
    )

    [series] = _group(root, "series")
    lines = series.findall("svg:polyline", NS)
    assert [len(line.get("points").split()) for line in lines] == [2, 2]
    assert len(series.findall("svg:circle", NS)) == 4


def test_a_lone_month_between_gaps_is_a_dot_without_a_line():
    root = _parse(
        line_chart(
            title="Chores",
            labels=MONTHS[:5],
            series=[Series("All houses", [None, 70, None, 80, 90])],
        )
    )

    [series] = _group(root, "series")
    [line] = series.findall("svg:polyline", NS)
    assert len(line.get("points").split()) == 2
    assert len(series.findall("svg:circle", NS)) == 3


def test_it_places_values_on_the_y_axis():
    root = _occupancy(Series("All houses", _months(50, 100, 0)), y_max=100)

    [grid] = _group(root, "grid")
    assert _texts(grid) == ["0%", "25%", "50%", "75%", "100%"]
    grid_ys = [float(line.get("y1")) for line in grid.findall("svg:line", NS)]
    zero, top = grid_ys[0], grid_ys[-1]
    circles = _group(root, "series")[0].findall("svg:circle", NS)
    assert float(circles[0].get("cy")) == pytest.approx((zero + top) / 2, abs=0.1)
    assert float(circles[1].get("cy")) == pytest.approx(top, abs=0.1)
    assert float(circles[2].get("cy")) == pytest.approx(zero, abs=0.1)


def test_it_draws_a_value_above_y_max_at_the_top():
    root = _occupancy(Series("All houses", _months(120)), y_max=100)

    grid_ys = [float(line.get("y1")) for line in _group(root, "grid")[0].findall("svg:line", NS)]
    first = _group(root, "series")[0].find("svg:circle", NS)
    assert float(first.get("cy")) == pytest.approx(grid_ys[-1], abs=0.1)
    assert "Dec 25 120.0%" in _desc(root)


@pytest.mark.parametrize(
    ("unit", "values", "ticks"),
    [
        ("%", [10, 20], ["0%", "25%", "50%", "75%", "100%"]),
        ("%", [104, 20], ["0%", "50%", "100%", "150%", "200%"]),
        ("", [7, 3], ["0", "2", "4", "6", "8"]),
        ("", [40, 3], ["0", "10", "20", "30", "40"]),
        ("", [41, 3], ["0", "20", "40", "60", "80"]),
        ("", [9, 3], ["0", "2.5", "5", "7.5", "10"]),
        ("", [0, 0], ["0", "0.25", "0.5", "0.75", "1"]),
    ],
)
def test_the_y_axis_ends_at_a_round_number_by_default(unit, values, ticks):
    root = _parse(
        line_chart(title="Meetings", labels=MONTHS[:2], series=[Series("All", values)], unit=unit)
    )

    assert _texts(_group(root, "grid")[0]) == ticks


def test_it_shows_every_month_label_that_fits():
    root = _parse(
        line_chart(title="Chores", labels=MONTHS[:4], series=[Series("All", [1, 2, 3, 4])])
    )

    assert _texts(_group(root, "labels")[0]) == MONTHS[:4]


def test_it_thins_month_labels_but_keeps_the_last():
    root = _occupancy(Series("All houses", _months()))

    shown = _texts(_group(root, "labels")[0])
    assert shown == MONTHS[1::2]
    assert shown[-1] == "Nov 26"


def test_thinned_labels_do_not_overlap():
    root = _occupancy(Series("All houses", _months()))

    xs = [float(text.get("x")) for text in _group(root, "labels")[0].findall("svg:text", NS)]
    gaps = [b - a for a, b in zip(xs, xs[1:], strict=False)]
    # "Dec 25" at 20 units is about 60 wide.
    assert min(gaps) > 70


def test_the_legend_appears_only_for_two_or_more_series():
    one = _occupancy(Series("All houses", _months()))
    two = _occupancy(Series("Harbor House", _months()), Series("Cedar House", _months(70)))

    assert _group(one, "legend") == []
    [legend] = _group(two, "legend")
    assert _texts(legend) == ["Harbor House", "Cedar House"]


def test_series_differ_in_colour_and_dash():
    names = ["A", "B", "C", "D", "E", "F"]
    root = _occupancy(*(Series(name, _months(10 * index)) for index, name in enumerate(names)))

    looks = [
        (line.get("stroke"), line.get("stroke-dasharray"))
        for series in _group(root, "series")
        for line in series.findall("svg:polyline", NS)
    ]
    assert len(looks) == 6
    assert len({colour for colour, _ in looks}) == 6
    assert len({dash for _, dash in looks}) == 6


def test_it_escapes_hostile_text():
    markup = line_chart(
        title=HOSTILE,
        labels=[HOSTILE, "Jan 26"],
        series=[Series(HOSTILE, [1, 2]), Series("Cedar House", [2, 1])],
    )

    assert "<script" not in markup
    root = _parse(markup)
    assert root.find(".//svg:script", NS) is None
    clean = HOSTILE.replace("\x01", "")
    assert root.find("svg:title", NS).text == clean
    assert _texts(_group(root, "legend")[0])[0] == clean
    assert f"{clean}: {clean} 1.0%" in _desc(root)


def test_the_bar_chart_escapes_hostile_text():
    markup = bar_chart(title=HOSTILE, bars=[(HOSTILE, 3)])

    assert "<script" not in markup
    root = _parse(markup)
    assert root.find(".//svg:script", NS) is None
    assert root.find("svg:title", NS).text == HOSTILE.replace("\x01", "")


@pytest.mark.parametrize(
    "markup",
    [
        line_chart(
            title="Occupancy",
            labels=MONTHS,
            series=[Series("A", _months(None, 50)), Series("B", _months())],
        ),
        bar_chart(title="Exits", bars=[("Relapse", 2), ("Completed", 5)]),
        line_chart(title="Occupancy", labels=[], series=[]),
    ],
    ids=["line", "bar", "empty"],
)
def test_it_uses_no_inline_styles(markup):
    """The site's CSP (style-src 'self') would block them."""
    root = _parse(markup)

    assert root.find(".//svg:style", NS) is None
    assert [element.tag for element in root.iter() if "style" in element.attrib] == []


@pytest.mark.parametrize(
    "markup",
    [
        line_chart(title="Occupancy", labels=MONTHS, series=[Series("A", _months(82.123456))]),
        bar_chart(title="Exits", bars=[("Relapse", 2), ("Completed", 7)]),
    ],
    ids=["line", "bar"],
)
def test_it_scales_to_its_container(markup):
    root = _parse(markup)

    assert root.get("width") == "100%"
    assert root.get("height") is None
    assert root.get("preserveAspectRatio")
    assert root.get("viewBox").startswith("0 0 600 ")
    # Coordinates keep one decimal at most.
    numbers = re.findall(r'="(-?[\d.]+)"', str(markup))
    assert numbers
    assert all(len(number.partition(".")[2]) <= 1 for number in numbers)


def test_it_is_named_by_its_title_and_description():
    root = _occupancy(Series("All houses", _months()))

    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.get("role") == "img"
    assert root.find("svg:title", NS).get("id") == title_id
    assert root.find("svg:desc", NS).get("id") == desc_id
    assert title_id.startswith("chart-occupancy-by-month-")


def test_the_same_input_gives_the_same_markup():
    def draw():
        return line_chart(
            title="Occupancy", labels=MONTHS, series=[Series("All houses", _months(82))]
        )

    assert draw() == draw()


def test_different_input_gives_different_ids():
    first = _occupancy(Series("All houses", _months(82)))
    second = _occupancy(Series("All houses", _months(83)))
    renamed = _occupancy(Series("Harbor House", _months(82)))

    ids = {root.find("svg:title", NS).get("id") for root in (first, second, renamed)}
    assert len(ids) == 3


def test_the_description_reads_out_the_values():
    root = _occupancy(Series("All houses", _months(82, None, 82.5, 82.25, 82.04)))

    assert _desc(root).startswith(
        "Occupancy by month, Dec 25 to Nov 26. "
        "All houses: Dec 25 82.0%, Jan 26 no data, Feb 26 82.5%, Mar 26 82.3%, Apr 26 82.0%,"
    )


def test_plain_numbers_have_no_unit():
    root = _parse(
        line_chart(title="Meetings", labels=MONTHS[:2], series=[Series("All", [3, 4.5])], unit="")
    )

    assert "All: Dec 25 3, Jan 26 4.5." in _desc(root)


@pytest.mark.parametrize(
    ("labels", "series"),
    [
        ([], []),
        ([], [Series("All houses", [])]),
        (MONTHS[:3], []),
        (MONTHS[:3], [Series("All houses", [None, None, None]), Series("B", [None] * 3)]),
    ],
    ids=["no labels", "no labels with a series", "no series", "every value missing"],
)
def test_no_data_gives_a_small_chart_that_says_so(labels, series):
    root = _parse(line_chart(title="Meeting attendance", labels=labels, series=series))

    assert root.find("svg:title", NS).text == "Meeting attendance"
    assert "Meeting attendance" in _texts(root)
    assert "No data for these months" in _texts(root)
    assert _desc(root) == "No data for these months."
    assert root.find(".//svg:circle", NS) is None
    assert root.find(".//svg:polyline", NS) is None


def test_a_bar_chart_without_bars_says_no_data():
    root = _parse(bar_chart(title="Discharges by exit reason", bars=[]))

    assert "No data for these months" in _texts(root)
    assert root.find(".//svg:g[@class='report-chart-bar']", NS) is None


def test_it_rejects_a_series_of_the_wrong_length():
    with pytest.raises(ValueError, match="3 values for 2 labels"):
        line_chart(title="Chores", labels=MONTHS[:2], series=[Series("All", [1, 2, 3])])


def test_bar_widths_are_proportional_to_values():
    root = _parse(
        bar_chart(
            title="Discharges by exit reason",
            bars=[("Completed program", 8), ("Relapse", 2), ("Moved out", 4), ("Other", 0)],
        )
    )

    rows = _group(root, "bar")
    widths = [float(row.find("svg:rect", NS).get("width")) for row in rows]
    assert widths[0] > 300
    assert widths[1:] == [pytest.approx(widths[0] * share, abs=0.1) for share in (0.25, 0.5, 0)]


def test_bars_keep_their_order_and_show_label_and_value():
    root = _parse(
        bar_chart(
            title="Discharges by exit reason",
            bars=[("Relapse", 2), ("Completed program", 8)],
            unit="%",
        )
    )

    [first, second] = _group(root, "bar")
    assert _texts(first) == ["Relapse", "2.0%"]
    assert _texts(second) == ["Completed program", "8.0%"]
    label, value = first.findall("svg:text", NS)
    rect = first.find("svg:rect", NS)
    assert float(label.get("x")) <= float(rect.get("x"))
    assert float(value.get("x")) > float(rect.get("x")) + float(rect.get("width"))
    assert _desc(root) == "Discharges by exit reason. Relapse: 2.0%, Completed program: 8.0%."


def test_a_long_bar_label_wraps_onto_two_lines():
    root = _parse(
        bar_chart(
            title="Exits",
            bars=[("Asked to leave for a rule violation after a warning", 3), ("Other", 1)],
        )
    )

    lines = _texts(_group(root, "bar")[0])[:-1]
    assert len(lines) == 2
    assert lines[-1].endswith("…")
