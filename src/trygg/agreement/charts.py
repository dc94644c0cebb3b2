"""The indicator chart: values per period (week, month, tertial or year) against the
baseline level and the target level, with markers where actions started.

``situation.charts.trend_chart`` draws ISO weeks only and has no target line or markers,
so this is a small chart of its own, built with the same helpers and conventions:
``role="img"`` with title and desc, presentation attributes only (no ``style``), the data
table rendered beside it by the caller, numbers in the active locale.
"""

from django.utils.translation import gettext as _

from trygg.situation.charts import (
    AXIS_COLOUR,
    FONT_SIZE,
    GRID_COLOUR,
    LINE_COLOUR,
    MEAN_COLOUR,
    MUTED_COLOUR,
    TICK_FONT_SIZE,
    VIEWBOX_WIDTH,
    _c,
    _empty,
    _esc,
    _line,
    _points,
    _svg,
    _text,
    _text_width,
    format_number,
    nice_ticks,
)

TARGET_COLOUR = "#00703c"  # green, 5.9:1 against white; dotted, apart from the dashed baseline
MARKER_COLOUR = "#b58840"


def _nice_top(maximum):
    if maximum <= 10:
        # Rates and percentages are not whole: ticks of 1, 2 or 0.5 would do, but the
        # shared helper's whole ticks are good enough from 0 to 10.
        return nice_ticks(max(maximum, 1))
    return nice_ticks(maximum)


def indicator_chart(series, *, id_prefix, title, description, markers=(), compact=False):
    """An SVG line chart of ``series`` (``indicators.indicator_series``).

    ``markers``: [(period index, label)] where actions started; drawn as thin vertical
    lines with the label as a tooltip. ``compact``: the small version for lists."""
    rows = series["periods"]
    values = [None if r["value"] is None else float(r["value"]) for r in rows]
    baseline = series["baseline"]["value"] if series["baseline"] else None
    target = float(series["target"]["value"]) if series["target"] else None
    shown = [v for v in values if v is not None]
    shown += [float(v) for v in (baseline, target) if v is not None]
    if not rows or not shown or max(shown) <= 0:
        return _empty(id_prefix, title, description, cls="chart-indicator")
    count = len(rows)
    height = 200 if compact else 320
    left, right, plot_top = 52, VIEWBOX_WIDTH - 16, 40
    plot_bottom = height - 44
    plot_width, plot_height = right - left, plot_bottom - plot_top
    ticks = _nice_top(max(shown))
    top_value = ticks[-1]
    step_x = plot_width / count

    def x_of(index):
        return left + (index + 0.5) * step_x

    def y_of(value):
        return plot_bottom - float(value) / top_value * plot_height

    body = []
    # Legend.
    x, y = left, 16
    value_label = _("Värde")
    body.append(_line(x, y, x + 24, y, stroke=LINE_COLOUR, width=2))
    body.append(f'<circle cx="{_c(x + 12)}" cy="{y}" r="3" fill="{LINE_COLOUR}"/>')
    body.append(_text(x + 30, y + 4, value_label, cls="chart-legend"))
    x += 30 + _text_width(value_label) + 24
    if baseline is not None:
        label = _("Jämförelsenivå")
        body.append(_line(x, y, x + 24, y, stroke=MEAN_COLOUR, width=1.5, dash="6 4"))
        body.append(_text(x + 30, y + 4, label, cls="chart-legend"))
        x += 30 + _text_width(label) + 24
    if target is not None:
        label = _("Målvärde")
        body.append(_line(x, y, x + 24, y, stroke=TARGET_COLOUR, width=2, dash="2 3"))
        body.append(_text(x + 30, y + 4, label, cls="chart-legend"))
        x += 30 + _text_width(label) + 24
    if markers:
        label = _("Åtgärd startade")
        body.append(_line(x + 12, y - 8, x + 12, y + 8, stroke=MARKER_COLOUR, width=2))
        body.append(_text(x + 30, y + 4, label, cls="chart-legend"))

    for tick in ticks:
        ty = y_of(tick)
        body.append(
            _line(
                left,
                ty,
                right,
                ty,
                stroke=AXIS_COLOUR if tick == 0 else GRID_COLOUR,
                cls="chart-axis" if tick == 0 else "chart-grid",
            )
        )
        body.append(
            _text(
                left - 6,
                ty + 4,
                format_number(tick),
                anchor="end",
                size=TICK_FONT_SIZE,
                cls="chart-tick-y",
            )
        )

    # Baseline window shaded lightly where its periods are.
    for index, row in enumerate(rows):
        if row["in_baseline"]:
            body.append(
                f'<rect x="{_c(x_of(index) - step_x / 2)}" y="{_c(plot_top)}" '
                f'width="{_c(step_x)}" height="{_c(plot_height)}" fill="#f3f2f1" '
                f'class="chart-baseline-window"/>'
            )
    if baseline is not None:
        body.append(
            _line(
                left,
                y_of(baseline),
                right,
                y_of(baseline),
                stroke=MEAN_COLOUR,
                width=1.5,
                dash="6 4",
                cls="chart-mean",
            )
        )
    if target is not None:
        body.append(
            _line(
                left,
                y_of(target),
                right,
                y_of(target),
                stroke=TARGET_COLOUR,
                width=2,
                dash="2 3",
                cls="chart-target",
            )
        )
    for index, label in markers:
        mx = x_of(index)
        body.append(
            f'<line x1="{_c(mx)}" y1="{_c(plot_top)}" x2="{_c(mx)}" y2="{_c(plot_bottom)}" '
            f'stroke="{MARKER_COLOUR}" stroke-width="2" class="chart-marker">'
            f"<title>{_esc(label)}</title></line>"
        )

    # Values: runs of known values as lines; the incomplete period as a hollow point.
    run = []
    for index, value in enumerate([*values, None]):
        if value is not None:
            run.append((x_of(index), y_of(value)))
            continue
        if len(run) > 1:
            body.append(
                f'<polyline class="chart-line" points="{_points(run)}" fill="none" '
                f'stroke="{LINE_COLOUR}" stroke-width="2" stroke-linejoin="round"/>'
            )
        run = []
    radius = 2.5 if count > 26 else 3.5
    for index, (row, value) in enumerate(zip(rows, values, strict=True)):
        if value is None:
            continue
        fill = LINE_COLOUR if row["complete"] else "#ffffff"
        note = "" if row["complete"] else " " + _("(pågår)")
        body.append(
            f'<circle class="chart-point" cx="{_c(x_of(index))}" cy="{_c(y_of(value))}" '
            f'r="{_c(radius)}" fill="{fill}" stroke="{LINE_COLOUR}" stroke-width="1.5">'
            f"<title>{_esc(row['label'])}: {_esc(format_number(value))}{_esc(note)}</title>"
            f"</circle>"
        )

    # X labels: about 12 at most, always the latest.
    most = 6 if compact else 12
    interval = max(1, -(-count // most))
    for index, row in enumerate(rows):
        if (count - 1 - index) % interval:
            continue
        lx = x_of(index)
        body.append(_line(lx, plot_bottom, lx, plot_bottom + 4, stroke=AXIS_COLOUR))
        body.append(
            _text(
                lx,
                plot_bottom + 16,
                row["label"],
                anchor="middle",
                size=TICK_FONT_SIZE,
                fill=MUTED_COLOUR,
                cls="chart-tick-x",
            )
        )
    return _svg(id_prefix, title, description, height, body, cls="chart-indicator")


def describe(series):
    """The chart's description: what is drawn and the latest value, in one sentence."""
    rows = [r for r in series["periods"] if r["value"] is not None]
    parts = [_("%(n)s perioder, %(unit)s.") % {"n": len(series["periods"]), "unit": series["unit"]}]
    if rows:
        last = rows[-1]
        parts.append(
            _("Senaste värde %(label)s: %(value)s.")
            % {"label": last["label"], "value": format_number(last["value"])}
        )
    if series["baseline"] and series["baseline"]["value"] is not None:
        parts.append(
            _("Jämförelsenivå %(value)s.") % {"value": format_number(series["baseline"]["value"])}
        )
    if series["target"]:
        parts.append(_("Målvärde %(value)s.") % {"value": format_number(series["target"]["value"])})
    parts.append(_("Tabellen bredvid visar alla värden."))
    return " ".join(parts)


__all__ = ["FONT_SIZE", "describe", "indicator_chart"]
