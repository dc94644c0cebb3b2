"""Server-side SVG charts for the weekly situation picture (lägesbild).

Every chart function returns one self-contained ``<svg>`` element as a safe string that
works both inline in a page and in a WeasyPrint PDF:

- ``role="img"`` with ``<title>`` and ``<desc>`` referenced by ``aria-labelledby`` and
  ``aria-describedby``; the ids are ``<id_prefix>-title`` and ``<id_prefix>-desc``, so
  every chart on a page needs its own ``id_prefix``. The caller renders the data table
  next to the chart (the chart's text equivalent, WCAG 2.1 AA).
- A ``viewBox`` and ``width="100%"`` and no height, so the chart scales with its
  container; the height follows from the viewBox's aspect ratio.
- Only presentation attributes (fill, stroke, font-size, ...) and ``class`` names
  (``chart-...``) for the page's stylesheet to hook into: no ``style`` attributes, no
  ``<style>`` elements and no scripts, which the strict Content Security Policy blocks.
- Colours that survive greyscale printing: every sequential scale is monotonic in
  lightness, the baseline band is much lighter than the mean line, which is lighter and
  dashed compared with the count line.
- Deterministic output: the same input (and active language) gives the same string.
- Every text is escaped; numbers follow the active locale (decimal comma in Swedish).

Written by hand rather than with a plotting library: matplotlib's SVG backend and pygal
emit ``style`` attributes or ``<style>`` elements (and pygal scripts), which the CSP
forbids, and neither gives accessible, locale-aware output that WeasyPrint renders as is.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

__all__ = [
    "BAND_COLOUR",
    "BAR_COLOUR",
    "FONT_FAMILY",
    "LINE_COLOUR",
    "MEAN_COLOUR",
    "SEQUENTIAL_COLOURS",
    "VIEWBOX_WIDTH",
    "bar_chart",
    "format_number",
    "heat_colour",
    "nice_ticks",
    "trend_chart",
    "weekday_hour_heatmap",
]

FONT_FAMILY = "DejaVu Sans, sans-serif"
VIEWBOX_WIDTH = 760
FONT_SIZE = 12
TICK_FONT_SIZE = 11

TEXT_COLOUR = "#1a1a1a"
MUTED_COLOUR = "#4d4d4d"  # 8.4:1 against white
GRID_COLOUR = "#d9d9d9"
AXIS_COLOUR = "#767676"
EMPTY_CELL_STROKE = "#a6a6a6"
LINE_COLOUR = "#08306b"  # counts: near-black navy, 12.6:1 against white
MEAN_COLOUR = "#595959"  # baseline mean: mid grey, dashed, 7:1 against white
BAND_COLOUR = "#c6dbef"  # baseline band: light, well apart from both lines in greyscale
BAR_COLOUR = "#2171b5"  # 5.0:1 against white

# ColorBrewer "Blues" (9 classes): monotonic in lightness, so it stays ordered in
# greyscale; from about 0.6 of the scale on (#4292c6) a cell has at least 3:1
# contrast against white (WCAG 2.1 1.4.11), the maximum #08306b has 12.6:1.
SEQUENTIAL_COLOURS = (
    "#f7fbff",
    "#deebf7",
    "#c6dbef",
    "#9ecae1",
    "#6baed6",
    "#4292c6",
    "#2171b5",
    "#08519c",
    "#08306b",
)
# Where the smallest positive count sits on the scale: clearly tinted, so that it does
# not look like an empty (zero) cell, which is white with a grey outline.
HEAT_SCALE_START = 0.2

_ID_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")
# Characters XML 1.0 does not allow at all: dropped rather than producing broken SVG.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ISO_WEEK = re.compile(r"(\d{4})-?W(\d{1,2})")


# --- Formatting helpers -------------------------------------------------------------------


def format_number(value) -> str:
    """A count or rate in the active locale: integers as is (grouped with a no-break
    space in Swedish), anything else with one decimal (``2,5``)."""
    rounded = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if rounded == rounded.to_integral_value():
        return number_format(int(rounded), force_grouping=True)
    return number_format(rounded, decimal_pos=1, force_grouping=True)


def _esc(value) -> str:
    """Escaped text for element content and attribute values."""
    return str(escape(_INVALID_XML.sub("", str(value))))


def _c(value: float) -> str:
    """A coordinate, rounded to two decimals, without trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _text_width(text: str, size: float = FONT_SIZE) -> float:
    """A rough width of ``text`` in DejaVu Sans (a wide font: about 0.62 em a character)."""
    return len(text) * size * 0.62


def _text(x, y, content, *, anchor=None, size=None, fill=TEXT_COLOUR, cls=None, weight=None):
    attrs = [f'x="{_c(x)}"', f'y="{_c(y)}"']
    if anchor:
        attrs.append(f'text-anchor="{anchor}"')
    if size:
        attrs.append(f'font-size="{_c(size)}"')
    if weight:
        attrs.append(f'font-weight="{weight}"')
    attrs.append(f'fill="{fill}"')
    if cls:
        attrs.append(f'class="{cls}"')
    return f"<text {' '.join(attrs)}>{_esc(content)}</text>"


def _line(x1, y1, x2, y2, *, stroke, width=1, dash=None, cls=None):
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    extra += f' class="{cls}"' if cls else ""
    return (
        f'<line x1="{_c(x1)}" y1="{_c(y1)}" x2="{_c(x2)}" y2="{_c(y2)}" '
        f'stroke="{stroke}" stroke-width="{_c(width)}"{extra}/>'
    )


def _points(points) -> str:
    return " ".join(f"{_c(x)},{_c(y)}" for x, y in points)


def _svg(id_prefix, title, description, height, body, *, cls) -> SafeString:
    if not isinstance(id_prefix, str) or not _ID_PREFIX.fullmatch(id_prefix):
        raise ValueError(
            "id_prefix must start with a letter and contain only letters, digits, "
            f"'-', '_' and '.': {id_prefix!r}"
        )
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-labelledby="{title_id}" aria-describedby="{desc_id}" '
        f'viewBox="0 0 {VIEWBOX_WIDTH} {_c(height)}" width="100%" '
        f'preserveAspectRatio="xMidYMid meet" font-family="{FONT_FAMILY}" '
        f'font-size="{FONT_SIZE}" class="chart {cls}">'
        f'<title id="{title_id}">{_esc(title)}</title>'
        f'<desc id="{desc_id}">{_esc(description)}</desc>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # every text is escaped


def _empty(id_prefix, title, description, *, cls) -> SafeString:
    height = 80
    body = [
        f'<rect x="0.5" y="0.5" width="{VIEWBOX_WIDTH - 1}" height="{height - 1}" '
        f'fill="#ffffff" stroke="{GRID_COLOUR}" class="chart-frame"/>',
        _text(
            VIEWBOX_WIDTH / 2,
            height / 2 + 6,
            _("Inga händelser"),
            anchor="middle",
            size=16,
            fill=MUTED_COLOUR,
            cls="chart-empty",
        ),
    ]
    return _svg(id_prefix, title, description, height, body, cls=cls)


def _values(values, name, *, allow_none=False) -> list:
    """Validated non-negative finite numbers (``None`` kept where allowed)."""
    result = []
    for value in values:
        if value is None and allow_none:
            result.append(None)
            continue
        if isinstance(value, bool) or not isinstance(value, (numbers.Real, Decimal)):
            raise ValueError(f"{name} must hold numbers, got {value!r}")
        number = float(value)
        if not math.isfinite(number) or number < 0:
            raise ValueError(f"{name} must hold finite numbers of at least 0, got {value!r}")
        result.append(number)
    return result


# --- Colour scale -------------------------------------------------------------------------


def _ramp(t: float) -> str:
    t = min(max(t, 0.0), 1.0)
    position = t * (len(SEQUENTIAL_COLOURS) - 1)
    index = min(int(position), len(SEQUENTIAL_COLOURS) - 2)
    fraction = position - index
    low, high = SEQUENTIAL_COLOURS[index], SEQUENTIAL_COLOURS[index + 1]
    channels = []
    for offset in (1, 3, 5):
        a, b = int(low[offset : offset + 2], 16), int(high[offset : offset + 2], 16)
        channels.append(round(a + (b - a) * fraction))
    return "#{:02x}{:02x}{:02x}".format(*channels)


def heat_colour(value: float, minimum: float, maximum: float) -> str:
    """The heat map's fill for a positive ``value`` on a scale from the smallest to the
    largest positive count (both get the scale's ends)."""
    if maximum <= minimum:
        return _ramp(1.0)
    share = (value - minimum) / (maximum - minimum)
    return _ramp(HEAT_SCALE_START + (1 - HEAT_SCALE_START) * share)


# --- Heat map -----------------------------------------------------------------------------


def _weekdays() -> list[tuple[str, str]]:
    """(abbreviation, full name) per weekday, Monday first."""
    return [
        (pgettext("weekday abbreviation", "mån"), pgettext("weekday", "måndag")),
        (pgettext("weekday abbreviation", "tis"), pgettext("weekday", "tisdag")),
        (pgettext("weekday abbreviation", "ons"), pgettext("weekday", "onsdag")),
        (pgettext("weekday abbreviation", "tor"), pgettext("weekday", "torsdag")),
        (pgettext("weekday abbreviation", "fre"), pgettext("weekday", "fredag")),
        (pgettext("weekday abbreviation", "lör"), pgettext("weekday", "lördag")),
        (pgettext("weekday abbreviation", "sön"), pgettext("weekday", "söndag")),
    ]


def weekday_hour_heatmap(
    matrix: Sequence[Sequence[float]],
    *,
    title: str,
    description: str,
    id_prefix: str,
    column_labels: Sequence[str] | None = None,
    column_title: str | None = None,
    tick_every: int | None = None,
) -> SafeString:
    """A heat map of counts by weekday (7 rows, Monday first) and time of day.

    By default the matrix has 24 columns (hours 0-23), labelled every 3 hours under the
    title "Klockslag". For time-of-day buckets pass ``column_labels`` (one per column,
    every column labelled unless ``tick_every`` says otherwise) and, if wanted, a
    ``column_title``. Zero cells are white with a grey outline; positive cells run from
    light to dark blue between the smallest and the largest positive count, which the
    legend shows. Each cell carries a tooltip (``<title>``) with its count."""
    rows = [list(row) for row in matrix]
    if len(rows) != 7:
        raise ValueError(f"the matrix needs 7 rows (Monday to Sunday), got {len(rows)}")
    columns = len(rows[0])
    if any(len(row) != columns for row in rows):
        raise ValueError("every row of the matrix needs the same number of columns")
    if column_labels is None:
        if columns != 24:
            raise ValueError(f"an hourly matrix needs 24 columns, got {columns}")
        labels = [f"{hour:02d}" for hour in range(24)]
        cell_names = [_("kl. %(hour)s") % {"hour": label} for label in labels]
        tick_every = tick_every or 3
        column_title = _("Klockslag") if column_title is None else column_title
    else:
        labels = [str(label) for label in column_labels]
        if len(labels) != columns:
            raise ValueError(
                f"column_labels has {len(labels)} labels for a matrix of {columns} columns"
            )
        cell_names = labels
        tick_every = tick_every or 1
    if tick_every < 1:
        raise ValueError("tick_every must be at least 1")
    values = [_values(row, "matrix") for row in rows]
    positive = [value for row in values for value in row if value > 0]
    if not positive:
        return _empty(id_prefix, title, description, cls="chart-heatmap")
    minimum, maximum = min(positive), max(positive)

    left, top = 48, 8
    grid_width = VIEWBOX_WIDTH - left - 12
    cell_width, cell_height = grid_width / columns, 26
    grid_bottom = top + 7 * cell_height
    body = []
    for row, ((abbreviation, day), row_values) in enumerate(zip(_weekdays(), values, strict=True)):
        y = top + row * cell_height
        body.append(
            _text(left - 8, y + cell_height / 2 + 4, abbreviation, anchor="end", cls="chart-row")
        )
        for column, value in enumerate(row_values):
            x = left + column * cell_width
            tooltip = f"{day} {cell_names[column]}: {format_number(value)}"
            if value > 0:
                shape = (
                    f'x="{_c(x + 1)}" y="{_c(y + 1)}" width="{_c(cell_width - 2)}" '
                    f'height="{_c(cell_height - 2)}" '
                    f'fill="{heat_colour(value, minimum, maximum)}"'
                )
            else:
                shape = (
                    f'x="{_c(x + 1.5)}" y="{_c(y + 1.5)}" width="{_c(cell_width - 3)}" '
                    f'height="{_c(cell_height - 3)}" fill="#ffffff" '
                    f'stroke="{EMPTY_CELL_STROKE}" stroke-width="1"'
                )
            body.append(f'<rect class="chart-cell" {shape}><title>{_esc(tooltip)}</title></rect>')
    for column in range(0, columns, tick_every):
        x = left + (column + 0.5) * cell_width
        body.append(
            _text(
                x,
                grid_bottom + 15,
                labels[column],
                anchor="middle",
                size=TICK_FONT_SIZE,
                cls="chart-tick-x",
            )
        )
    y = grid_bottom + 22
    if column_title:
        body.append(
            _text(
                left + grid_width / 2,
                y + 14,
                column_title,
                anchor="middle",
                fill=MUTED_COLOUR,
                cls="chart-axis-title",
            )
        )
        y += 22

    # Legend: "Antal händelser  [ ] 0   min [ramp] max"
    swatch = 14
    y += 6
    x = left
    caption = _("Antal händelser")
    body.append(_text(x, y + 11, caption, cls="chart-legend"))
    x += _text_width(caption) + 12
    body.append(
        f'<rect x="{_c(x + 0.5)}" y="{_c(y + 0.5)}" width="{swatch - 1}" height="{swatch - 1}" '
        f'fill="#ffffff" stroke="{EMPTY_CELL_STROKE}" stroke-width="1" class="chart-legend-swatch"/>'
    )
    x += swatch + 4
    body.append(_text(x, y + 11, format_number(0), cls="chart-legend"))
    x += _text_width(format_number(0)) + 24
    steps = 1 if minimum == maximum else 7
    if steps > 1:
        text = format_number(minimum)
        body.append(_text(x, y + 11, text, cls="chart-legend-min"))
        x += _text_width(text) + 4
    for step in range(steps):
        value = maximum if steps == 1 else minimum + (maximum - minimum) * step / (steps - 1)
        body.append(
            f'<rect x="{_c(x)}" y="{_c(y)}" width="20" height="{swatch}" '
            f'fill="{heat_colour(value, minimum, maximum)}" class="chart-legend-swatch"/>'
        )
        x += 20
    body.append(_text(x + 4, y + 11, format_number(maximum), cls="chart-legend-max"))
    height = y + swatch + 8
    return _svg(id_prefix, title, description, height, body, cls="chart-heatmap")


# --- Trend chart --------------------------------------------------------------------------


def _iso_week(value) -> tuple[int, int]:
    """(ISO year, ISO week) from a date (any day of the week), a (year, week[, day])
    tuple such as ``date.isocalendar()``, or a string like ``2025-W47``."""
    if isinstance(value, dt.date):
        year, week, _day = value.isocalendar()
        return year, week
    if isinstance(value, str):
        match = _ISO_WEEK.fullmatch(value.strip())
        if not match:
            raise ValueError(f"not an ISO week: {value!r}")
        year, week = int(match[1]), int(match[2])
    elif isinstance(value, (tuple, list)) and len(value) in (2, 3):
        year, week = int(value[0]), int(value[1])
    else:
        raise ValueError(f"not an ISO week: {value!r}")
    if not 1 <= week <= 53:
        raise ValueError(f"not an ISO week: {value!r}")
    return year, week


def nice_ticks(maximum: float, target: int = 5) -> list[int]:
    """Round y ticks from 0 that cover ``maximum``: steps of 1, 2 or 5 times a power of
    ten (25, 250, ... as well from 25 on), never below 1 (weekly counts are whole)."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / target
    if raw <= 1:
        step = 1
    else:
        magnitude = 10 ** math.floor(math.log10(raw))
        factors = (1, 2, 2.5, 5, 10) if magnitude >= 10 else (1, 2, 5, 10)
        step = next(int(f * magnitude) for f in factors if f * magnitude >= raw)
    return [i * step for i in range(math.ceil(maximum / step - 1e-9) + 1)]


def _runs(flags: list[bool]) -> list[list[int]]:
    """Runs of consecutive indices where ``flags`` is true."""
    runs, current = [], []
    for index, flag in enumerate(flags):
        if flag:
            current.append(index)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _tick_interval(count: int, most: int = 13) -> int:
    for interval in (1, 2, 4, 8, 13, 26, 52):
        if math.ceil(count / interval) <= most:
            return interval
    return math.ceil(count / most)


def trend_chart(
    weeks: Sequence,
    counts: Sequence[float],
    baseline_mean: Sequence[float | None] | None,
    baseline_low: Sequence[float | None] | None,
    baseline_high: Sequence[float | None] | None,
    *,
    title: str,
    description: str,
    id_prefix: str,
    count_label: str | None = None,
    mean_label: str | None = None,
    band_label: str | None = None,
) -> SafeString:
    """A weekly line chart of counts over a baseline band (low to high) and mean line.

    ``weeks`` are dates (any day of the ISO week), ``(iso_year, iso_week)`` tuples or
    ``"2025-W47"`` strings, oldest first. Each baseline is a sequence as long as
    ``weeks`` (``None`` entries for weeks without a baseline) or ``None`` for none at
    all; the band is drawn where both low and high are known. The x axis labels the
    latest week and every k-th week before it ("v 47", the ISO year under the first
    label and at each change of year); the y axis has round ticks from 0."""
    points = [_iso_week(week) for week in weeks]
    count = len(points)
    values = _values(counts, "counts")
    if len(values) != count:
        raise ValueError(f"counts has {len(values)} values for {count} weeks")
    series = {}
    for name, baseline in (
        ("baseline_mean", baseline_mean),
        ("baseline_low", baseline_low),
        ("baseline_high", baseline_high),
    ):
        series[name] = (
            [None] * count if baseline is None else _values(baseline, name, allow_none=True)
        )
        if len(series[name]) != count:
            raise ValueError(f"{name} has {len(series[name])} values for {count} weeks")
    mean, low, high = series["baseline_mean"], series["baseline_low"], series["baseline_high"]
    for index in range(count):
        if low[index] is not None and high[index] is not None and low[index] > high[index]:
            raise ValueError(f"baseline_low is above baseline_high in week {index + 1}")
    in_band = [lo is not None and hi is not None for lo, hi in zip(low, high, strict=True)]
    shown = values + [m for m in mean if m is not None]
    shown += [hi for hi, band in zip(high, in_band, strict=True) if band]
    if count == 0 or max(shown) <= 0:
        return _empty(id_prefix, title, description, cls="chart-trend")

    height, left, right, plot_top = 320, 52, VIEWBOX_WIDTH - 16, 40
    plot_bottom = height - 44
    plot_width, plot_height = right - left, plot_bottom - plot_top
    ticks = nice_ticks(max(shown))
    top_value = ticks[-1]
    step_x = plot_width / count

    def x_of(index):
        return left + (index + 0.5) * step_x

    def y_of(value):
        return plot_bottom - value / top_value * plot_height

    body = []
    # Legend above the plot, only for the series that are drawn.
    count_label = _("Antal händelser") if count_label is None else count_label
    mean_label = _("Normalnivå (medel)") if mean_label is None else mean_label
    band_label = _("Normalintervall") if band_label is None else band_label
    x, y = left, 16
    body.append(_line(x, y, x + 24, y, stroke=LINE_COLOUR, width=2))
    body.append(f'<circle cx="{_c(x + 12)}" cy="{y}" r="3" fill="{LINE_COLOUR}"/>')
    body.append(_text(x + 30, y + 4, count_label, cls="chart-legend"))
    x += 30 + _text_width(count_label) + 24
    if any(m is not None for m in mean):
        body.append(_line(x, y, x + 24, y, stroke=MEAN_COLOUR, width=1.5, dash="6 4"))
        body.append(_text(x + 30, y + 4, mean_label, cls="chart-legend"))
        x += 30 + _text_width(mean_label) + 24
    if any(in_band):
        body.append(
            f'<rect x="{_c(x)}" y="{y - 6}" width="24" height="12" fill="{BAND_COLOUR}" '
            f'class="chart-legend-swatch"/>'
        )
        body.append(_text(x + 30, y + 4, band_label, cls="chart-legend"))

    # Grid and y ticks.
    for tick in ticks:
        y = y_of(tick)
        body.append(
            _line(
                left,
                y,
                right,
                y,
                stroke=AXIS_COLOUR if tick == 0 else GRID_COLOUR,
                cls="chart-axis" if tick == 0 else "chart-grid",
            )
        )
        body.append(
            _text(
                left - 6,
                y + 4,
                format_number(tick),
                anchor="end",
                size=TICK_FONT_SIZE,
                cls="chart-tick-y",
            )
        )

    # Baseline band, one polygon per run of weeks that have one.
    for run in _runs(in_band):
        if len(run) == 1:
            half = step_x * 0.3
            index = run[0]
            outline = [
                (x_of(index) - half, y_of(high[index])),
                (x_of(index) + half, y_of(high[index])),
                (x_of(index) + half, y_of(low[index])),
                (x_of(index) - half, y_of(low[index])),
            ]
        else:
            outline = [(x_of(i), y_of(high[i])) for i in run]
            outline += [(x_of(i), y_of(low[i])) for i in reversed(run)]
        body.append(
            f'<polygon class="chart-band" points="{_points(outline)}" fill="{BAND_COLOUR}"/>'
        )

    # Baseline mean, dashed.
    for run in _runs([m is not None for m in mean]):
        if len(run) == 1:
            index = run[0]
            half = step_x * 0.3
            body.append(
                _line(
                    x_of(index) - half,
                    y_of(mean[index]),
                    x_of(index) + half,
                    y_of(mean[index]),
                    stroke=MEAN_COLOUR,
                    width=1.5,
                    dash="6 4",
                    cls="chart-mean",
                )
            )
        else:
            body.append(
                f'<polyline class="chart-mean" points="{_points((x_of(i), y_of(mean[i])) for i in run)}" '
                f'fill="none" stroke="{MEAN_COLOUR}" stroke-width="1.5" stroke-dasharray="6 4"/>'
            )

    # Counts: a line with a marker (and tooltip) per week.
    if count > 1:
        body.append(
            f'<polyline class="chart-line" '
            f'points="{_points((x_of(i), y_of(v)) for i, v in enumerate(values))}" '
            f'fill="none" stroke="{LINE_COLOUR}" stroke-width="2" stroke-linejoin="round"/>'
        )
    radius = 2.5 if count > 26 else 3.5
    for index, ((year, week), value) in enumerate(zip(points, values, strict=True)):
        label = _("v %(week)s %(year)s") % {"week": week, "year": year}
        body.append(
            f'<circle class="chart-point" cx="{_c(x_of(index))}" cy="{_c(y_of(value))}" '
            f'r="{_c(radius)}" fill="{LINE_COLOUR}"><title>{_esc(label)}: '
            f"{_esc(format_number(value))}</title></circle>"
        )

    # X ticks: the latest week and every k-th before it, with the year where it changes.
    interval = _tick_interval(count)
    previous_year = None
    for index in range(count):
        if (count - 1 - index) % interval:
            continue
        year, week = points[index]
        x = x_of(index)
        body.append(_line(x, plot_bottom, x, plot_bottom + 4, stroke=AXIS_COLOUR))
        body.append(
            _text(
                x,
                plot_bottom + 16,
                _("v %(week)s") % {"week": week},
                anchor="middle",
                size=TICK_FONT_SIZE,
                cls="chart-tick-x",
            )
        )
        if year != previous_year:
            body.append(
                _text(
                    x,
                    plot_bottom + 31,
                    str(year),
                    anchor="middle",
                    size=TICK_FONT_SIZE,
                    fill=MUTED_COLOUR,
                    cls="chart-tick-year",
                )
            )
            previous_year = year
    return _svg(id_prefix, title, description, height, body, cls="chart-trend")


# --- Bar chart ----------------------------------------------------------------------------


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    description: str,
    id_prefix: str,
) -> SafeString:
    """Horizontal bars in the given order, labels on the left (shortened with "…" past
    about 40 characters; the full label is in the bar's tooltip), the value at the end
    of each bar."""
    labels = [str(label) for label in labels]
    numbers = _values(values, "values")
    if len(labels) != len(numbers):
        raise ValueError(f"{len(labels)} labels for {len(numbers)} values")
    if not numbers or max(numbers) <= 0:
        return _empty(id_prefix, title, description, cls="chart-bars")

    longest = int(VIEWBOX_WIDTH * 0.4 / (FONT_SIZE * 0.62))
    shown = [label if len(label) <= longest else label[: longest - 1] + "…" for label in labels]
    texts = [format_number(value) for value in numbers]
    label_width = max(_text_width(label) for label in shown)
    value_width = max(_text_width(text) for text in texts)
    origin = label_width + 10
    bar_space = VIEWBOX_WIDTH - origin - value_width - 12
    maximum = max(numbers)
    top, row_height, bar_height = 8, 26, 16
    body = []
    for row, (label, full, value, text) in enumerate(
        zip(shown, labels, numbers, texts, strict=True)
    ):
        y = top + row * row_height
        middle = y + row_height / 2
        length = value / maximum * bar_space
        parts = [f"<title>{_esc(full)}: {_esc(text)}</title>"]
        parts.append(_text(origin - 8, middle + 4, label, anchor="end", cls="chart-label"))
        if length > 0:
            parts.append(
                f'<rect x="{_c(origin)}" y="{_c(middle - bar_height / 2)}" '
                f'width="{_c(length)}" height="{bar_height}" fill="{BAR_COLOUR}"/>'
            )
        parts.append(_text(origin + length + 6, middle + 4, text, cls="chart-value"))
        body.append(f'<g class="chart-bar">{"".join(parts)}</g>')
    bottom = top + len(numbers) * row_height
    body.append(_line(origin, top, origin, bottom, stroke=AXIS_COLOUR, cls="chart-axis"))
    return _svg(id_prefix, title, description, bottom + 8, body, cls="chart-bars")
