"""The lägesbild's server-side SVG charts: well-formed, accessible, CSP-safe, correct."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from trygg.situation import charts

pytestmark = pytest.mark.nodb

SVG = "{http://www.w3.org/2000/svg}"
NBSP = "\xa0"


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


def parse(svg):
    return ET.fromstring(str(svg))


def texts(root, cls=None):
    return [
        el.text
        for el in root.iter(f"{SVG}text")
        if cls is None or cls in el.get("class", "").split()
    ]


def number(text):
    return float(text.replace(NBSP, "").replace(",", "."))


def luminance(hex_colour):
    """WCAG 2.1 relative luminance."""
    channels = []
    for offset in (1, 3, 5):
        c = int(hex_colour[offset : offset + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(hex_colour):
    return 1.05 / (luminance(hex_colour) + 0.05)


def hour_matrix():
    """Counts that rise towards Saturday evening; the maximum (40) at lör 21."""
    matrix = [[(day + 1) * (hour % 6) for hour in range(24)] for day in range(7)]
    matrix[5][21] = 40
    return matrix


def year_of_weeks(start=dt.date(2025, 12, 1), n=52):
    weeks = [start + dt.timedelta(weeks=i) for i in range(n)]
    counts = [(i * 7) % 19 for i in range(n)]
    mean = [8 + (i % 5) * 0.5 for i in range(n)]
    low = [m - 3.5 for m in mean]
    high = [m + 4.25 for m in mean]
    return weeks, counts, mean, low, high


def heatmap(**kwargs):
    kwargs.setdefault("title", "Händelser per veckodag och timme")
    kwargs.setdefault("description", "Flest händelser lördag kväll.")
    kwargs.setdefault("id_prefix", "heat")
    return charts.weekday_hour_heatmap(kwargs.pop("matrix", hour_matrix()), **kwargs)


def trend(*series, **kwargs):
    kwargs.setdefault("title", "Skadegörelse, 52 veckor")
    kwargs.setdefault("description", "Antalet ligger inom det normala.")
    kwargs.setdefault("id_prefix", "trend")
    return charts.trend_chart(*(series or year_of_weeks()), **kwargs)


def bars(labels=("Sigtuna kommun", "Polisen", "Sigtunahem"), values=(1234, 2.5, 0), **kwargs):
    kwargs.setdefault("title", "Händelser per rapporterande organisation")
    kwargs.setdefault("description", "Sigtuna kommun rapporterar flest.")
    kwargs.setdefault("id_prefix", "bars")
    return charts.bar_chart(list(labels), list(values), **kwargs)


ALL_CHARTS = {
    "heatmap": heatmap,
    "heatmap-buckets": lambda **kw: heatmap(
        matrix=[[d, 0, 3, 1] for d in range(7)], column_labels=["natt", "morgon", "dag", "kväll"]
    ),
    "heatmap-empty": lambda **kw: heatmap(matrix=[[0] * 24] * 7),
    "trend": trend,
    "trend-empty": lambda **kw: trend([], [], None, None, None),
    "bars": bars,
    "bars-empty": lambda **kw: bars([], []),
}


@pytest.mark.parametrize("name", ALL_CHARTS)
def test_every_chart_is_an_accessible_csp_safe_svg(name):
    root = parse(ALL_CHARTS[name]())

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    x, y, width, height = (float(v) for v in root.get("viewBox").split())
    assert (x, y) == (0, 0) and width > 0 and height > 0
    assert "DejaVu Sans" in root.get("font-family")
    ids = {el.get("id"): el for el in root.iter() if el.get("id")}
    title = ids[root.get("aria-labelledby")]
    desc = ids[root.get("aria-describedby")]
    assert title.tag == f"{SVG}title" and title.text
    assert desc.tag == f"{SVG}desc" and desc.text
    assert root[0] is title and root[1] is desc  # first children, as SVG asks
    for el in root.iter():
        assert el.tag not in (f"{SVG}style", f"{SVG}script", f"{SVG}foreignObject")
        assert "style" not in el.attrib
        assert not any(attr.startswith("on") for attr in el.attrib)
        assert not any("href" in attr for attr in el.attrib)


def test_ids_follow_the_prefix_and_bad_prefixes_are_refused():
    first, second = parse(heatmap(id_prefix="week-47-heat")), parse(heatmap(id_prefix="other"))
    assert first.get("aria-labelledby") == "week-47-heat-title"
    assert first.get("aria-describedby") == "week-47-heat-desc"
    assert second.get("aria-labelledby") == "other-title"
    for prefix in ("", "1abc", 'x" onload="alert(1)', "a b", None):
        with pytest.raises(ValueError):
            heatmap(id_prefix=prefix)


def test_heatmap_has_a_cell_per_weekday_and_hour_and_the_darkest_is_the_maximum():
    root = parse(heatmap())
    cells = [el for el in root.iter(f"{SVG}rect") if el.get("class") == "chart-cell"]
    assert len(cells) == 7 * 24

    darkest = min(cells, key=lambda cell: luminance(cell.get("fill")))
    assert darkest.find(f"{SVG}title").text == "lördag kl. 21: 40"
    # No other cell is as dark.
    assert sum(luminance(c.get("fill")) == luminance(darkest.get("fill")) for c in cells) == 1
    # WCAG 2.1 AA non-text contrast for the darker cells.
    assert contrast_with_white(darkest.get("fill")) >= 3
    # Rows are laid out Monday first, and each column is one hour.
    assert texts(root, "chart-row") == ["mån", "tis", "ons", "tor", "fre", "lör", "sön"]
    assert texts(root, "chart-tick-x") == ["00", "03", "06", "09", "12", "15", "18", "21"]
    assert "Klockslag" in texts(root)


def test_heatmap_colours_grow_darker_with_the_count_and_zero_cells_are_outlined():
    matrix = hour_matrix()
    root = parse(heatmap(matrix=matrix))
    cells = [el for el in root.iter(f"{SVG}rect") if el.get("class") == "chart-cell"]
    values = [value for row in matrix for value in row]
    by_value = {}
    for cell, value in zip(cells, values, strict=True):
        by_value.setdefault(value, set()).add(cell.get("fill"))
        if value == 0:
            assert cell.get("fill") == "#ffffff" and cell.get("stroke")
    assert all(len(fills) == 1 for fills in by_value.values())  # one colour per count
    ordered = [luminance(by_value[v].pop()) for v in sorted(by_value) if v > 0]
    assert ordered == sorted(ordered, reverse=True)  # monotonic: survives greyscale
    # The legend names the scale's ends.
    assert texts(root, "chart-legend-min") == ["1"]
    assert texts(root, "chart-legend-max") == ["40"]
    # The whole palette is ordered in lightness, and its dark end passes 3:1.
    palette = [luminance(c) for c in charts.SEQUENTIAL_COLOURS]
    assert palette == sorted(palette, reverse=True)
    assert contrast_with_white(charts.heat_colour(40, 1, 40)) >= 3


def test_heatmap_takes_time_of_day_buckets_with_their_labels():
    labels = ["natt 00–06", "morgon 06–12", "dag 12–18", "kväll 18–24"]
    matrix = [[0, 1, 2, 3] for _ in range(7)]
    matrix[6][0] = 9
    root = parse(heatmap(matrix=matrix, column_labels=labels, column_title="Tid på dygnet"))
    cells = [el for el in root.iter(f"{SVG}rect") if el.get("class") == "chart-cell"]
    assert len(cells) == 7 * 4
    assert texts(root, "chart-tick-x") == labels
    assert "Tid på dygnet" in texts(root)
    darkest = min(cells, key=lambda cell: luminance(cell.get("fill")))
    assert darkest.find(f"{SVG}title").text == "söndag natt 00–06: 9"


def y_scale(root):
    """Value of a y coordinate, read from the chart's own tick lines and labels."""
    lines = [
        el
        for el in root.iter(f"{SVG}line")
        if el.get("class") in ("chart-grid", "chart-axis") and el.get("y1") == el.get("y2")
    ]
    ticks = [number(t) for t in texts(root, "chart-tick-y")]
    assert len(lines) == len(ticks)
    (y0, v0), (y1, v1) = (
        (float(lines[0].get("y1")), ticks[0]),
        (float(lines[-1].get("y1")), ticks[-1]),
    )
    return lambda y: v0 + (y - y0) * (v1 - v0) / (y1 - y0)


def test_trend_band_lies_between_low_and_high_and_the_line_follows_the_counts():
    weeks, counts, mean, low, high = year_of_weeks()
    root = parse(trend(weeks, counts, mean, low, high))
    value_at = y_scale(root)
    points = [el for el in root.iter(f"{SVG}circle") if el.get("class") == "chart-point"]
    xs = [float(p.get("cx")) for p in points]
    assert len(points) == 52
    assert xs == sorted(xs)
    for point, count in zip(points, counts, strict=True):
        assert value_at(float(point.get("cy"))) == pytest.approx(count, abs=0.02)

    (band,) = [el for el in root.iter(f"{SVG}polygon") if el.get("class") == "chart-band"]
    coordinates = [tuple(map(float, pair.split(","))) for pair in band.get("points").split()]
    assert len(coordinates) == 2 * 52
    upper, lower = coordinates[:52], coordinates[52:][::-1]
    for i in range(52):
        assert upper[i][0] == pytest.approx(xs[i]) and lower[i][0] == pytest.approx(xs[i])
        assert value_at(upper[i][1]) == pytest.approx(high[i], abs=0.02)
        assert value_at(lower[i][1]) == pytest.approx(low[i], abs=0.02)
    for x, y in coordinates:
        i = min(range(52), key=lambda k: abs(xs[k] - x))
        assert low[i] - 0.02 <= value_at(y) <= high[i] + 0.02

    (mean_line,) = [el for el in root.iter(f"{SVG}polyline") if el.get("class") == "chart-mean"]
    mean_points = [tuple(map(float, p.split(","))) for p in mean_line.get("points").split()]
    assert [value_at(y) for _x, y in mean_points] == pytest.approx(mean, abs=0.02)
    # Greyscale: the band is much lighter than the mean line, which is lighter than the
    # count line.
    line = next(el for el in root.iter(f"{SVG}polyline") if el.get("class") == "chart-line")
    assert luminance(band.get("fill")) > luminance(mean_line.get("stroke"))
    assert luminance(mean_line.get("stroke")) > luminance(line.get("stroke"))
    assert mean_line.get("stroke-dasharray")


def test_trend_band_has_a_gap_where_the_baseline_is_unknown():
    weeks, counts, mean, low, high = year_of_weeks(n=10)
    low[4] = high[4] = mean[4] = None
    root = parse(trend(weeks, counts, mean, low, high))
    bands = [el for el in root.iter(f"{SVG}polygon") if el.get("class") == "chart-band"]
    assert [len(b.get("points").split()) for b in bands] == [8, 10]


@pytest.mark.parametrize(
    "top, expected",
    [
        (0.4, [0, 1]),
        (3, [0, 1, 2, 3]),
        (7, [0, 2, 4, 6, 8]),
        (20, [0, 5, 10, 15, 20]),
        (123, [0, 25, 50, 75, 100, 125]),
        (4321, [0, 1000, 2000, 3000, 4000, 5000]),
    ],
)
def test_nice_ticks_are_round_start_at_zero_and_cover_the_maximum(top, expected):
    assert charts.nice_ticks(top) == expected


def test_trend_y_ticks_start_at_zero_and_cover_the_highest_value():
    weeks, counts, mean, low, high = year_of_weeks()
    counts[-1] = 37
    root = parse(trend(weeks, counts, mean, low, high))
    ticks = [number(t) for t in texts(root, "chart-tick-y")]
    assert ticks[0] == 0
    assert ticks[-1] >= max(counts + high)
    steps = {b - a for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1 and steps.pop() in (1, 2, 5, 10)

    # A baseline above every count still fits, and fractional values are fine.
    root = parse(trend(weeks[:3], [0, 1, 0], [2.5] * 3, [0.5] * 3, [6.5] * 3))
    ticks = [number(t) for t in texts(root, "chart-tick-y")]
    assert ticks[0] == 0 and ticks[-1] >= 6.5


def test_trend_x_axis_has_iso_week_labels_at_sensible_intervals():
    weeks, counts, mean, low, high = year_of_weeks(start=dt.date(2025, 12, 1))  # 2025-W49
    root = parse(trend(weeks, counts, mean, low, high))
    labels = texts(root, "chart-tick-x")
    assert 6 <= len(labels) <= 13
    assert labels[-1] == f"v {weeks[-1].isocalendar().week}"  # the latest week is labelled
    assert all(label.startswith("v ") for label in labels)
    assert texts(root, "chart-tick-year") == ["2025", "2026"]
    # A short series labels every week.
    root = parse(trend(weeks[:5], counts[:5], None, None, None))
    assert texts(root, "chart-tick-x") == ["v 49", "v 50", "v 51", "v 52", "v 1"]


def test_trend_accepts_dates_tuples_and_iso_strings_for_weeks():
    dates = [dt.date(2025, 11, 17), dt.date(2025, 11, 26), dt.date(2025, 11, 30)]
    tuples = [(2025, 47), (2025, 48), (2025, 48)]
    strings = ["2025-W47", "2025-W48", "2025W48"]
    args = ([3, 4, 5], [4, 4, 4], [2, 2, 2], [6, 6, 6])
    assert trend(dates, *args) == trend(tuples, *args) == trend(strings, *args)
    for bad in (["2025-47"], [(2025, 54)], [47]):
        with pytest.raises(ValueError):
            trend(bad, [1], None, None, None)


def test_trend_draws_without_a_baseline_and_with_a_single_week():
    root = parse(trend([dt.date(2026, 3, 2)], [4], [3], [1], [5]))
    assert len([el for el in root.iter(f"{SVG}circle") if el.get("class") == "chart-point"]) == 1
    assert len([el for el in root.iter(f"{SVG}polygon") if el.get("class") == "chart-band"]) == 1
    root = parse(trend([dt.date(2026, 3, 2), dt.date(2026, 3, 9)], [4, 0], None, None, None))
    assert not list(root.iter(f"{SVG}polygon"))
    assert "Normalintervall" not in texts(root)
    assert "Antal händelser" in texts(root)


def test_bar_chart_puts_labels_left_and_swedish_values_at_the_bar_ends():
    root = parse(bars(["Sigtuna kommun", "Polisen", "Sigtunahem"], [1234, 2.5, 0]))
    assert texts(root, "chart-label") == ["Sigtuna kommun", "Polisen", "Sigtunahem"]
    assert texts(root, "chart-value") == [f"1{NBSP}234", "2,5", "0"]
    groups = [el for el in root.iter(f"{SVG}g") if el.get("class") == "chart-bar"]
    widths = []
    for group in groups:
        rect = group.find(f"{SVG}rect")
        label, value = group.findall(f"{SVG}text")
        if rect is None:
            widths.append(0)
            continue
        widths.append(float(rect.get("width")))
        assert float(label.get("x")) < float(rect.get("x"))  # label left of the bar
        assert float(value.get("x")) >= float(rect.get("x")) + float(rect.get("width"))
    assert widths[1] / widths[0] == pytest.approx(2.5 / 1234, rel=0.01)
    assert widths[2] == 0


def test_bar_chart_shortens_long_labels_and_keeps_them_whole_in_the_tooltip():
    long_name = "Fastighetsbolaget med ett mycket långt namn som aldrig tar slut AB"
    root = parse(bars([long_name, "Polisen"], [3, 1]))
    shown = texts(root, "chart-label")[0]
    assert shown.endswith("…") and len(shown) < len(long_name)
    group = next(el for el in root.iter(f"{SVG}g") if el.get("class") == "chart-bar")
    assert group.find(f"{SVG}title").text == f"{long_name}: 3"


def test_texts_are_escaped():
    evil = "<script>alert(\"x\")</script> & \x00 'quoted'"
    for svg in (
        heatmap(title=evil, description=evil),
        trend(title=evil, description=evil),
        bars([evil, "b"], [1, 2], title=evil, description=evil),
        heatmap(matrix=[[1, 2]] * 7, column_labels=[evil, "b"], column_title=evil),
        trend(*year_of_weeks(n=3), count_label=evil),
    ):
        assert "<script>" not in str(svg)
        root = parse(svg)  # still well-formed
        assert not list(root.iter(f"{SVG}script"))
        assert root[0].tag == f"{SVG}title" and root[0].text
    root = parse(bars([evil, "b"], [1, 2], title=evil, description=evil))
    expected = evil.replace("\x00", "")
    assert root.find(f"{SVG}title").text == expected
    assert root.find(f"{SVG}desc").text == expected


def test_output_is_deterministic():
    for build in ALL_CHARTS.values():
        assert str(build()) == str(build())
    assert str(trend(*year_of_weeks())) == str(trend(*year_of_weeks()))


@pytest.mark.parametrize(
    "build",
    [
        lambda: heatmap(matrix=[[0] * 24 for _ in range(7)]),
        lambda: heatmap(matrix=[[] for _ in range(7)], column_labels=[]),
        lambda: trend([], [], None, None, None),
        lambda: trend([dt.date(2026, 1, 5)] * 2, [0, 0], [0, 0], [0, 0], [0, 0]),
        lambda: bars([], []),
        lambda: bars(["Polisen"], [0]),
    ],
)
def test_empty_data_says_so(build):
    root = parse(build())
    assert texts(root, "chart-empty") == ["Inga händelser"]
    assert root.get("role") == "img" and root.find(f"{SVG}title").text


@pytest.mark.parametrize(
    "build",
    [
        lambda: heatmap(matrix=[[1] * 24] * 6),
        lambda: heatmap(matrix=[[1] * 24] * 6 + [[1] * 23]),
        lambda: heatmap(matrix=[[1] * 23] * 7),
        lambda: heatmap(matrix=[[1] * 4] * 7, column_labels=["a", "b", "c"]),
        lambda: trend(*year_of_weeks(n=3)[:1], [1, 2], None, None, None),
        lambda: trend(*year_of_weeks(n=3)[:2], [1, 2], None, None),
        lambda: trend(*year_of_weeks(n=3)[:3], [1, 2, 3, 4], None),
        lambda: trend(*year_of_weeks(n=3)[:4], [5, 5]),
        lambda: bars(["a", "b"], [1]),
        lambda: bars(["a"], [1, 2]),
    ],
)
def test_mismatched_lengths_are_refused(build):
    with pytest.raises(ValueError):
        build()


@pytest.mark.parametrize(
    "build",
    [
        lambda: heatmap(matrix=[[-1] * 24] * 7),
        lambda: heatmap(matrix=[[float("nan")] * 24] * 7),
        lambda: bars(["a"], ["12"]),
        lambda: bars(["a"], [float("inf")]),
        lambda: trend([dt.date(2026, 1, 5)], [1], [1], [3], [2]),  # low above high
        lambda: trend([dt.date(2026, 1, 5)], [None], None, None, None),
    ],
)
def test_invalid_values_are_refused(build):
    with pytest.raises(ValueError):
        build()


def test_numpy_inputs_are_accepted():
    import numpy as np

    matrix = np.array(hour_matrix(), dtype=np.int64)
    assert heatmap(matrix=matrix) == heatmap()
    weeks, counts, mean, low, high = year_of_weeks(n=8)
    as_arrays = [np.array(counts, dtype=np.int64), np.array(mean), np.array(low), np.array(high)]
    assert trend(weeks, *as_arrays) == trend(weeks, counts, mean, low, high)


def test_numbers_are_formatted_the_swedish_way():
    assert charts.format_number(2.5) == "2,5"
    assert charts.format_number(2.25) == "2,3"
    assert charts.format_number(3.0) == "3"
    assert charts.format_number(12345) == f"12{NBSP}345"


def test_weasyprint_renders_the_charts_into_a_pdf():
    import weasyprint

    html = (
        '<!doctype html><html lang="sv"><body>'
        f"{heatmap()}{trend(*year_of_weeks(n=12))}"
        "</body></html>"
    )
    pdf = weasyprint.HTML(string=html).write_pdf()
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
