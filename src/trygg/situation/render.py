"""From a picture (a draft's data or an approved snapshot) to what one reader sees.

Nothing here queries the database: an approved version renders from its snapshot alone.
Readers with a detail role see exact counts and the points ``may_see`` lets them see;
everyone else sees aggregates only, with small counts suppressed (DESIGN.md §5).
"""

import csv
import datetime
import io
import math
from types import SimpleNamespace

from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trygg.incidents.export import FORMULA_START
from trygg.incidents.visibility import may_see

from . import charts

DETAIL = "detail"
VIEWER = "viewer"
WINDOW_ORDER = ("current", "previous", "last4", "baseline", "ytd", "ytd_prev")
SUPPRESSED_TEXT = "<5"
HIDDEN_TEXT = "–"


def audience_of(membership):
    return DETAIL if membership is not None and membership.sees_details else VIEWER


def _date(value):
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def period_label(period):
    """ "vecka 47 2026 (16–22 nov.)", "november 2026", "tertial 3 2026", "2026"."""
    start, end = _date(period["start"]), _date(period["end"])
    kind = period["kind"]
    span = f"{date_format(start, 'j M')}–{date_format(end, 'j M Y')}"
    if kind == "week":
        year, week, _day = start.isocalendar()
        return _("vecka %(week)s %(year)s (%(span)s)") % {"week": week, "year": year, "span": span}
    if kind == "4w":
        year, week, _day = end.isocalendar()
        first = start.isocalendar().week
        return _("veckorna %(first)s–%(week)s %(year)s (%(span)s)") % {
            "first": first,
            "week": week,
            "year": year,
            "span": span,
        }
    if kind == "month":
        return date_format(start, "F Y")
    if kind == "tertial":
        return _("tertial %(n)s %(year)s") % {"n": (start.month - 1) // 4 + 1, "year": start.year}
    return str(start.year)


def period_words(kind):
    """(this period, per period, the baseline) in words for a flag's sentence."""
    return {
        "week": (_("den här veckan"), _("i veckan"), _("de 52 veckorna före")),
        "4w": (_("de här fyra veckorna"), _("per fyraveckorsperiod"), _("de 52 veckorna före")),
        "month": (_("den här månaden"), _("i månaden"), _("de 12 månaderna före")),
        "tertial": (_("det här tertialet"), _("per tertial"), _("de 6 tertialen före")),
        "year": (_("det här året"), _("per år"), _("de 3 åren före")),
    }[kind]


def number(value, decimals=1):
    return charts.format_number(round(value, decimals))


def p_text(p):
    """A p-value in words a reader can take in: "p ≈ 0,00002", "p < 0,000001"."""
    if p < 1e-6:
        return _("p < %(p)s") % {"p": number_format(0.000001, decimal_pos=6)}
    digits = max(2, -math.floor(math.log10(p)))
    text = number_format(round(p, digits), decimal_pos=digits)
    decimal = number_format(0.5, decimal_pos=1)[1]
    text = text.rstrip("0").rstrip(decimal)
    return _("p ≈ %(p)s") % {"p": text}


def flag_sentence(flag, kind):
    """One sentence that explains a flag (DESIGN.md §6)."""
    this, per, baseline = period_words(kind)
    values = {
        "count": flag["count"],
        "mean": number(flag["baseline_per_period"]),
        "this": this,
        "per": per,
        "baseline": baseline,
        "p": p_text(flag["p_value"]),
        "m": flag["family_size"],
    }
    if flag["direction"] == "up":
        text = ngettext(
            "%(count)s händelse %(this)s mot %(mean)s %(per)s i snitt under %(baseline)s: "
            "en ökning som är mycket osannolik av en slump (%(p)s), även med hänsyn till "
            "de %(m)s jämförelser som görs i tabellen.",
            "%(count)s händelser %(this)s mot %(mean)s %(per)s i snitt under %(baseline)s: "
            "en ökning som är mycket osannolik av en slump (%(p)s), även med hänsyn till "
            "de %(m)s jämförelser som görs i tabellen.",
            flag["count"],
        )
    else:
        text = ngettext(
            "%(count)s händelse %(this)s mot %(mean)s %(per)s i snitt under %(baseline)s: "
            "en minskning som är mycket osannolik av en slump (%(p)s), även med hänsyn till "
            "de %(m)s jämförelser som görs i tabellen.",
            "%(count)s händelser %(this)s mot %(mean)s %(per)s i snitt under %(baseline)s: "
            "en minskning som är mycket osannolik av en slump (%(p)s), även med hänsyn till "
            "de %(m)s jämförelser som görs i tabellen.",
            flag["count"],
        )
    return text % values


def window_labels(kind):
    this, _per, _baseline = period_words(kind)
    current = {
        "week": _("Veckan"),
        "4w": _("Perioden"),
        "month": _("Månaden"),
        "tertial": _("Tertialet"),
        "year": _("Året"),
    }[kind]
    previous = {
        "week": _("Veckan före"),
        "4w": _("Fyra veckor före"),
        "month": _("Månaden före"),
        "tertial": _("Tertialet före"),
        "year": _("Året före"),
    }[kind]
    mean = {
        "week": _("Snitt per vecka, 52 veckor före"),
        "4w": _("Snitt per fyra veckor, 52 veckor före"),
        "month": _("Snitt per månad, 12 månader före"),
        "tertial": _("Snitt per tertial, 6 tertial före"),
        "year": _("Snitt per år, 3 år före"),
    }[kind]
    return {
        "current": current,
        "previous": previous,
        "last4": _("Senaste 4 veckorna"),
        "baseline": mean,
        "ytd": _("Hittills i år"),
        "ytd_prev": _("Samma period i fjol"),
    }


class Shown:
    """What one reader sees of a picture's counts: exact numbers, or suppressed text."""

    def __init__(self, picture, audience):
        self.picture = picture
        self.audience = audience
        self.table = picture["table"]
        if audience != DETAIL:
            from .picture import with_suppression

            with_suppression(picture)
        self.suppression = picture.get("suppression", {})
        self.baseline_periods = picture["baseline_periods"]

    def _status(self, window, level, r, c=None):
        """None when the reader sees the exact count, else the text shown instead."""
        if self.audience == DETAIL:
            return None
        cells = self.suppression[window][level][r]
        cell = cells if c is None else cells[c]
        return cell if isinstance(cell, str) else None

    def value(self, window, level, r, c):
        """The cell as text (or a number) for this audience."""
        status = self._status(window, level, r, c)
        if status:
            return status
        n = self.table[window][level][r][c]
        if window == "baseline":
            return number(n / self.baseline_periods)
        return n

    def total(self, window, r):
        """A row's total over every group (the table's last column)."""
        status = self._status(window, "totals", r)
        if status:
            return status
        n = sum(self.table[window]["groups"][r])
        if window == "baseline":
            return number(n / self.baseline_periods)
        return n

    def is_exact(self, window, level, r, c):
        return self._status(window, level, r, c) is None


def change_text(ytd, ytd_prev, days, days_prev):
    """Year to date against the same weeks last year, as a rate change in per cent; only
    ever shown beside both counts."""
    if not isinstance(ytd, int) or not isinstance(ytd_prev, int) or ytd_prev == 0:
        return ""
    change = (ytd / days) / (ytd_prev / days_prev) * 100 - 100
    return f"{'+' if change > 0 else ''}{number(change, 0)} %"


def table_sections(picture, audience):
    """One section per area row: its groups (and categories) in every window."""
    shown = Shown(picture, audience)
    kind = picture["period"]["kind"]
    labels = window_labels(kind)
    windows = picture["windows"]
    days = {name: (_date(end) - _date(start)).days + 1 for name, (start, end) in windows.items()}
    flags = {(f["row"], f["group"]): f for f in picture["flags"]}
    sections = []
    for r, row in enumerate(picture["rows"]):
        lines = []
        for c, group in enumerate(picture["groups"]):
            cells = [shown.value(w, "groups", r, c) for w in WINDOW_ORDER]
            categories = []
            offset = sum(len(g["categories"]) for g in picture["groups"][:c])
            for j, category in enumerate(group["categories"]):
                raw = [picture["table"][w]["categories"][r][offset + j] for w in WINDOW_ORDER]
                if any(raw):
                    categories.append(
                        {
                            "label": category["label"],
                            "cells": [
                                shown.value(w, "categories", r, offset + j) for w in WINDOW_ORDER
                            ],
                        }
                    )
            lines.append(
                {
                    "label": group["label"],
                    "code": group["code"],
                    "cells": cells,
                    "change": change_text(cells[4], cells[5], days["ytd"], days["ytd_prev"]),
                    "flag": _flag_view(flags.get((row["id"], group["code"])), kind),
                    "categories": categories,
                }
            )
        total_cells = [shown.total(w, r) for w in WINDOW_ORDER]
        sections.append(
            {
                "id": row["id"].replace(":", "-"),
                "name": row["name"],
                "kind": row["kind"],
                "lines": lines,
                "total": {
                    "cells": total_cells,
                    "change": change_text(
                        total_cells[4], total_cells[5], days["ytd"], days["ytd_prev"]
                    ),
                    "flag": _flag_view(flags.get((row["id"], "")), kind),
                },
                "flagged": any(line["flag"] for line in lines) or bool(flags.get((row["id"], ""))),
            }
        )
    return {"labels": [labels[w] for w in WINDOW_ORDER], "sections": sections}


def _flag_view(flag, kind):
    if flag is None:
        return None
    return {
        "direction": flag["direction"],
        "sentence": flag_sentence(flag, kind),
        "symbol": "▲" if flag["direction"] == "up" else "▼",
        "label": _("ökning") if flag["direction"] == "up" else _("minskning"),
    }


def flag_list(picture):
    kind = picture["period"]["kind"]
    return [
        {
            "where": f["row_name"],
            "what": f["group_label"] or _("alla händelser"),
            "direction": f["direction"],
            "sentence": flag_sentence(f, kind),
            "anchor": f["row"].replace(":", "-"),
        }
        for f in picture["flags"]
    ]


def visible_points(picture, user, membership):
    """The snapshot's points this reader may see: the same decision as ``visible_to``."""
    if audience_of(membership) != DETAIL:
        return []
    partnership_id = picture["partnership"]["id"]
    if membership.partnership_id != partnership_id:
        return []
    points = []
    for point in picture.get("points", []):
        incident = SimpleNamespace(
            partnership_id=partnership_id,
            organisation_id=point["organisation_id"],
            label=point["label"],
            reported_by_id=point["reported_by"],
        )
        if may_see(user, membership, incident, recipient_ids=set(point["recipients"])):
            points.append(point)
    return points


def points_for_map(points):
    """What the page's map script needs of each point (nothing about who may see it)."""
    return [
        {
            "id": p["id"],
            "lat": p["lat"],
            "lon": p["lon"],
            "date": p["date"],
            "time": p["time"],
            "group": p["group"],
            "category": p["category"],
            "label": p["label"],
            "organisation": p["organisation"],
        }
        for p in points
    ]


def time_charts(picture, kind):
    profile = picture.get("time_profile", {})
    result = []
    this, _per, _baseline = period_words(kind)
    for name, title in (
        ("period", _("Händelser per veckodag och timme, %(this)s") % {"this": this}),
        ("last4", _("Händelser per veckodag och timme, senaste 4 veckorna")),
    ):
        data = profile.get(name)
        if not data:
            continue
        svg = charts.weekday_hour_heatmap(
            data["hours"],
            title=title,
            description=_(
                "Händelser med känt klockslag. Mörkare ruta betyder fler händelser; "
                "samma siffror finns i tabellen under diagrammet."
            ),
            id_prefix=f"heat-{name}",
        )
        result.append(
            {
                "id": f"heat-{name}",
                "title": title,
                "svg": svg,
                "hours": data["hours"],
                "buckets": data["buckets"],
                "bucket_total": sum(map(sum, data["buckets"])),
            }
        )
    return result


def trend_charts(picture, audience):
    result = []
    for n, trend in enumerate(picture.get("trends", [])):
        counts = trend["counts"]
        if audience != DETAIL and any(0 < c < 5 for c in counts):
            # A week of 1-4 could be recovered from the 4-week and year-to-date totals
            # beside it, so a viewer sees a trend only when no week is small.
            continue
        weeks = len(trend["weeks"])
        svg = charts.trend_chart(
            trend["weeks"],
            counts,
            [trend["mean"]] * weeks,
            [trend["low"]] * weeks,
            [trend["high"]] * weeks,
            title=_("%(name)s: händelser per vecka, 52 veckor") % {"name": trend["name"]},
            description=_(
                "Linjen är antalet händelser per vecka. Det skuggade bandet visar vad som är "
                "vanligt enligt de 52 veckorna före perioden (snitt %(mean)s i veckan)."
            )
            % {"mean": number(trend["mean"])},
            id_prefix=f"trend-{n}",
        )
        rows = [{"week": w, "count": c} for w, c in zip(trend["weeks"], counts, strict=True)]
        result.append(
            {
                "id": f"trend-{n}",
                "name": trend["name"],
                "svg": svg,
                "rows": rows,
                "mean": number(trend["mean"]),
                "low": number(trend["low"]),
                "high": number(trend["high"]),
            }
        )
    return result


def overview(picture, audience):
    data = picture["overview"]
    source_labels = {
        "manual": _("formuläret"),
        "import": _("importerade filer"),
        "api": _("partner-API"),
        "police_feed": _("polisens publicerade händelser"),
    }

    by_org = data["by_organisation"]
    by_source = [
        {"label": source_labels.get(s["source"], s["source"]), "count": s["count"]}
        for s in data["by_source"]
    ]
    total = data["total"]
    if audience != DETAIL:
        # The total is the table's municipality total: hide it here exactly as there.
        rows = picture["rows"]
        r = next((i for i, row in enumerate(rows) if row["kind"] == "total"), None)
        total_status = (
            Shown(picture, audience)._status("current", "totals", r) if r is not None else None
        )
        by_org, _total = _suppressed_breakdown(by_org, total, total_status)
        by_source, total = _suppressed_breakdown(by_source, total, total_status)
    return {
        "total": total,
        "by_source": by_source,
        "by_organisation": by_org,
        "silent": data["silent"],
        "late": data["late"],
    }


def hotspot_rows(picture):
    """The hotspot cells summed up per area: how many cells, the most incidents in one
    cell's window, and how many of the cells are new."""
    by_area = {}
    for cell in picture.get("hotspots", {}).get("cells", []):
        row = by_area.setdefault(
            cell["area"], {"area": cell["area"], "cells": 0, "window_count": 0, "new": 0}
        )
        row["cells"] += 1
        row["window_count"] = max(row["window_count"], cell["window_count"])
        row["new"] += 1 if cell["new"] else 0
    return sorted(by_area.values(), key=lambda r: (-r["cells"], -r["window_count"], r["area"]))


def hotspot_features(picture):
    """The hotspot cells as GeoJSON polygons for the map (aggregates: every reader)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [cell["polygon"]]},
                "properties": {
                    "area": cell["area"],
                    "count": cell["window_count"],
                    "new": cell["new"],
                },
            }
            for cell in picture.get("hotspots", {}).get("cells", [])
        ],
    }


def density_features(picture, audience):
    """The density (KDE) layer for the map: detail roles only."""
    if audience != DETAIL:
        return {"type": "FeatureCollection", "features": []}
    cells = picture.get("hotspots", {}).get("kde", {}).get("cells", [])
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [cell["polygon"]]},
                "properties": {"level": cell["level"]},
            }
            for cell in cells
        ],
    }


def police_rows(picture, audience):
    rows = picture.get("police_by_area", [])
    if audience == DETAIL:
        return rows
    # The police's events are public, but the counts per area sit beside the tables'
    # totals; they follow the same rule so nothing small can be subtracted out.
    return [
        {**row, "count": row["count"] if row["count"] >= 5 else SUPPRESSED_TEXT} for row in rows
    ]


def weekday_names():
    return [
        _("måndag"),
        _("tisdag"),
        _("onsdag"),
        _("torsdag"),
        _("fredag"),
        _("lördag"),
        _("söndag"),
    ]


def _suppressed_breakdown(rows, total, total_text=None):
    """A breakdown and its total as a viewer sees them: small counts "<5", and whatever
    else must be hidden so that none can be worked out from the total. ``total_text``:
    how the total is already shown elsewhere ("<5", "–" or None for the number)."""
    from . import suppression

    if not rows:
        return [], total_text or total
    values = {("row", i): row["count"] for i, row in enumerate(rows)}
    values["total"] = total
    fixed = {}
    if total_text == suppression.SMALL_TEXT:
        fixed["total"] = suppression.Status.PRIMARY
    elif total_text is not None:
        fixed["total"] = suppression.Status.SECONDARY
    statuses = suppression.suppress(
        values, [("total", [("row", i) for i in range(len(rows))])], fixed=fixed
    )
    texts = suppression.display_texts(values, statuses)
    return (
        [{**row, "count": texts[("row", i)]} for i, row in enumerate(rows)],
        texts["total"],
    )


def page_context(picture, user, membership):
    audience = audience_of(membership)
    kind = picture["period"]["kind"]
    points = visible_points(picture, user, membership)
    time = time_charts(picture, kind) if audience == DETAIL else []
    for chart in time:
        chart["rows"] = [
            {"day": day, "hours": hours}
            for day, hours in zip(weekday_names(), chart["hours"], strict=True)
        ]
    group_labels = {g["code"]: g["label"] for g in picture["groups"]}
    texts = picture.get("texts", {})
    return {
        "picture": picture,
        "audience": audience,
        "period_label": period_label(picture["period"]),
        "overview": overview(picture, audience),
        "tables": table_sections(picture, audience),
        "flags": flag_list(picture),
        "family_size": picture["family_size"],
        "points": points,
        "map_points": points_for_map(points),
        "police_rows": police_rows(picture, audience),
        "hotspots": picture.get("hotspots", {}),
        "hotspot_rows": hotspot_rows(picture),
        "hotspot_features": hotspot_features(picture),
        "density_features": density_features(picture, audience),
        "hours": [f"{h:02d}" for h in range(24)],
        "time_charts": time,
        "trend_charts": trend_charts(picture, audience),
        "texts": texts,
        "proposed_category_labels": [
            group_labels.get(code, code) for code in texts.get("proposed_categories", [])
        ],
        "approval": picture.get("approval"),
        "map_window": _map_window(picture),
        "built_at": datetime.datetime.fromisoformat(picture["built_at"]),
    }


def _map_window(picture):
    """The dates the map's points cover when they are not the whole period, else None."""
    window = picture.get("map_window")
    if not window or window[0] == picture["period"]["start"]:
        return None
    return {"start": _date(window[0]), "end": _date(window[1])}


def starting_points(picture):
    """Flags and hotspots offered to the coordinator as starting points for the texts."""
    return {
        "flags": flag_list(picture),
        "hotspots": hotspot_rows(picture),
    }


def _csv_cell(value):
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def tables_csv(picture, audience):
    """The tables as CSV (UTF-8 with BOM, semicolons), suppressed for viewers."""
    shown = Shown(picture, audience)
    labels = window_labels(picture["period"]["kind"])
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [_("Område"), _("Områdestyp"), _("Grupp"), _("Händelsetyp")]
        + [labels[w] for w in WINDOW_ORDER]
    )
    kinds = {
        "focus": _("fokusområde"),
        "district": _("kommundel"),
        "regso": _("RegSO-område"),
        "total": _("kommunen"),
    }
    for r, row in enumerate(picture["rows"]):
        offset = 0
        for c, group in enumerate(picture["groups"]):
            writer.writerow(
                [_csv_cell(row["name"]), kinds[row["kind"]], _csv_cell(group["label"]), ""]
                + [shown.value(w, "groups", r, c) for w in WINDOW_ORDER]
            )
            for j, category in enumerate(group["categories"]):
                writer.writerow(
                    [
                        _csv_cell(row["name"]),
                        kinds[row["kind"]],
                        _csv_cell(group["label"]),
                        _csv_cell(category["label"]),
                    ]
                    + [shown.value(w, "categories", r, offset + j) for w in WINDOW_ORDER]
                )
            offset += len(group["categories"])
        writer.writerow(
            [_csv_cell(row["name"]), kinds[row["kind"]], _("Alla grupper"), ""]
            + [shown.total(w, r) for w in WINDOW_ORDER]
        )
    return out.getvalue()


MAP_WIDTH = 760
GROUP_COLOURS = (
    "#1d70b8",
    "#d4351c",
    "#00703c",
    "#4c2c92",
    "#f47738",
    "#5694ca",
    "#912b88",
    "#505a5f",
    "#85994b",
    "#b58840",
)


def map_svg(picture, points):
    """A printable overview map: area outlines, hotspot cells and the given points.

    A plain equirectangular projection scaled by cos(latitude) is accurate to well under
    a percent across one municipality, so the print needs no projection library.
    """
    outlines = picture.get("outlines", [])
    cells = picture.get("hotspots", {}).get("cells", [])
    coords = [c for o in outlines for ring in o["rings"] for c in ring]
    if not coords:
        return ""
    lons = [c[0] for c in coords]
    lats = [c[1] for c in coords]
    lat0 = (min(lats) + max(lats)) / 2
    kx = math.cos(math.radians(lat0))
    width_deg = (max(lons) - min(lons)) * kx or 1e-6
    height_deg = (max(lats) - min(lats)) or 1e-6
    scale = MAP_WIDTH / width_deg
    height = height_deg * scale

    def xy(lon, lat):
        return (lon - min(lons)) * kx * scale, (max(lats) - lat) * scale

    def path(ring):
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(*c) for c in ring))

    colours = {
        g["code"]: GROUP_COLOURS[i % len(GROUP_COLOURS)] for i, g in enumerate(picture["groups"])
    }
    title = _("Karta: områden, brännpunkter och händelser med plats")
    description = ngettext(
        "%(n)s händelse med plats och %(h)s brännpunktsruta; samma uppgifter finns i tabellerna.",
        "%(n)s händelser med plats och %(h)s brännpunktsrutor; samma uppgifter finns i tabellerna.",
        len(points),
    ) % {"n": len(points), "h": len(cells)}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="map-title map-desc" '
        f'viewBox="0 0 {MAP_WIDTH} {height:.0f}" width="100%">',
        f'<title id="map-title">{escape(title)}</title>',
        f'<desc id="map-desc">{escape(description)}</desc>',
    ]
    for outline in outlines:
        width = "1.5" if outline["kind"] == "municipality" else "0.8"
        for ring in outline["rings"]:
            parts.append(
                f'<polygon points="{path(ring)}" fill="none" stroke="#505a5f" '
                f'stroke-width="{width}"/>'
            )
    for cell in cells:
        fill = "#d4351c" if cell["new"] else "#f47738"
        parts.append(
            f'<polygon points="{path(cell["polygon"])}" fill="{fill}" fill-opacity="0.6" '
            f'stroke="#0b0c0c" stroke-width="0.5"/>'
        )
    for point in points:
        x, y = xy(point["lon"], point["lat"])
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colours.get(point["group"], "#0b0c0c")}" '
            f'stroke="#ffffff" stroke-width="0.5"/>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def group_legend(picture):
    return [
        {"label": g["label"], "colour": GROUP_COLOURS[i % len(GROUP_COLOURS)], "code": g["code"]}
        for i, g in enumerate(picture["groups"])
    ]
