"""Building the data of a lägesbild (its "picture"): one JSON-serialisable dict.

A draft is built when it is read; approving stores the same dict as the snapshot, so a
draft and an approved version render through the same templates. Long histories and
baselines come from the rollup (``counts``); the incidents of the period's own window are
read only for the point layer, the hotspots and the time profiles (at most 17 weeks,
DESIGN.md §4). Nothing here filters by the reader: the dict holds every point with the
facts the visibility decision needs (label, reporting organisation, reporter,
recipients); ``render`` filters when it is shown.
"""

import datetime
import json
import logging
from typing import NamedTuple

import numpy as np
import shapely
from django.db.models import Count, Max
from django.utils import timezone
from shapely.geometry import shape

from trygg.core.models import Organisation, Participation
from trygg.geo.models import Area
from trygg.incidents.models import Incident, Label, Source

from . import counts, hotspots, stats, suppression
from .structure import area_rows, category_groups

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
HOTSPOT_RECENT_WEEKS = 4
HOTSPOT_BEFORE_WEEKS = 13
TREND_WEEKS = 52
KDE_CELL_SIZE = 100  # metres; the map's density layer
KDE_BANDWIDTH = 300  # metres; at least 3 cell sizes (hotspots.grid_kde)
KDE_FLOOR = 0.2  # density cells below this share of the maximum are not drawn
COMPLIANCE_WEEKS = 52
LATE_REPORT_WEEKS = 12
WINDOWS = ("current", "previous", "last4", "baseline", "ytd", "ytd_prev")


def _iso(day):
    return day.isoformat()


def comparison_windows(period):
    """{name: (start, end)} of every window the tables compare, and the baseline window."""
    previous = period.previous()
    baseline = period.baseline()
    ytd = period.year_to_date()
    last4 = period.last_four_weeks()
    windows = {
        "current": (period.start, period.end),
        "previous": (previous.start, previous.end),
        "last4": (last4.start, last4.end),
        "baseline": (baseline.start, baseline.end),
        "ytd": (ytd.current.start, ytd.current.end),
        "ytd_prev": (ytd.previous.start, ytd.previous.end),
    }
    return windows, baseline


def build_picture(partnership, period, *, now=None):
    now = now or timezone.now()
    rows, leaves = area_rows(partnership)
    groups = category_groups(partnership)
    layout = counts.Layout(rows, leaves, groups)
    windows, baseline = comparison_windows(period)
    matrices = counts.window_matrices(partnership, layout, windows)

    by_group = {name: layout.by_row_and_group(m) for name, m in matrices.items()}
    by_category = {name: layout.by_row_and_category(m) for name, m in matrices.items()}
    # The family of tests is every cell of the table: each row's groups and its total.
    current = np.hstack([by_group["current"], by_group["current"].sum(axis=1, keepdims=True)])
    base = np.hstack([by_group["baseline"], by_group["baseline"].sum(axis=1, keepdims=True)])
    result = stats.flag_cells(current.ravel(), base.ravel(), t=period.days, T=baseline.days)
    flags = _flags(result, rows, groups, current.shape)

    table = {
        name: {
            "groups": by_group[name].tolist(),
            "categories": by_category[name].tolist(),
        }
        for name in WINDOWS
    }
    picture = {
        "format": FORMAT_VERSION,
        "partnership": {"id": partnership.pk, "name": partnership.name},
        "period": period.to_dict(),
        "built_at": now.isoformat(),
        "windows": {name: [_iso(s), _iso(e)] for name, (s, e) in windows.items()},
        "baseline_periods": baseline.days / period.days,
        "rows": [row.as_dict() for row in rows],
        "groups": [group.as_dict() for group in groups],
        "table": table,
        "family_size": int(current.size),
        "flags": flags,
    }
    picture["overview"] = _overview(partnership, period, windows, picture)
    picture.update(_incident_layers(partnership, period, rows))
    picture["outlines"] = _outlines(partnership)
    picture["publish_overview"] = partnership.publishes_overview
    picture["trends"] = _trends(
        partnership, period, layout, rows, base, picture["windows"]["baseline"]
    )
    return picture


def _flags(result, rows, groups, shape):
    """The flagged cells, strongest first, with what a sentence needs to explain them."""
    flags = []
    _n_rows, n_cols = shape
    for index in np.flatnonzero(result.flagged):
        r, c = divmod(int(index), n_cols)
        cell = result.cell(int(index))
        flags.append(
            {
                "row": rows[r].id,
                "row_name": rows[r].name,
                "group": groups[c].code if c < len(groups) else "",
                "group_label": groups[c].label if c < len(groups) else "",
                **cell.to_dict(),
            }
        )
    flags.sort(key=lambda f: (f["p_value"], f["row"], f["group"]))
    return flags


def with_suppression(picture, earlier=()):
    """The picture with, for viewers, every window's cells as shown, "<5" or "–"
    (DESIGN.md §5), decided for all windows together so that no window's totals give away
    another's small count. Only roles without details need it (approved versions and the
    viewer PDF), so drafts skip the work.

    ``earlier``: the approved pictures viewers already have (``published_neighbours``),
    nearest first: what they showed stays as it was, and this picture is suppressed so
    that the two read together give nothing away either (this year to date minus last
    week's is this week). Pictures with other rows or groups (the areas or the taxonomy
    changed since) share no cells with this one and are left out. If what the earlier
    ones showed already gives a small count away among themselves (versions approved
    before this check existed), the farthest is dropped until the rest can be protected;
    the picture records which were used."""
    if "suppression" in picture:
        return picture
    table = picture["table"]
    usable = [old for old in earlier if _same_cells(old, picture)]
    while True:
        try:
            shown = suppression.suppress_area_tables(
                rows=picture["rows"],
                groups=picture["groups"],
                group_counts={name: np.asarray(table[name]["groups"]) for name in WINDOWS},
                category_counts={name: np.asarray(table[name]["categories"]) for name in WINDOWS},
                spans={name: _span(picture, name) for name in WINDOWS},
                published=_published(usable),
            )
            break
        except suppression.SuppressionError:
            if not usable:
                raise
            logger.warning("suppression: leaving out an earlier lägesbild it cannot agree with")
            usable.pop()
    picture["suppression"] = {name: shown[name] for name in WINDOWS}
    picture["suppressed_with"] = [
        {"period": old["period"]["key"], "version": old.get("approval", {}).get("version")}
        for old in usable
    ]
    return picture


def _span(picture, name):
    return tuple(datetime.date.fromisoformat(d) for d in picture["windows"][name])


def _cell_layout(picture):
    rows = [(row["id"], sorted(map(str, row["leaves"]))) for row in picture["rows"]]
    groups = [(g["code"], [c["id"] for c in g["categories"]]) for g in picture["groups"]]
    return json.loads(json.dumps([rows, groups]))


def _same_cells(old, picture):
    return "suppression" in old and _cell_layout(old) == _cell_layout(picture)


def _published(pictures):
    """The earlier pictures' windows as ``suppression.Published``."""
    return {
        (k, name): suppression.Published(
            span=_span(old, name),
            group_counts=np.asarray(old["table"][name]["groups"], dtype=np.int64),
            category_counts=np.asarray(old["table"][name]["categories"], dtype=np.int64),
            shown=old["suppression"][name],
        )
        for k, old in enumerate(pictures)
        for name in WINDOWS
    }


def _overview(partnership, period, windows, picture):
    start, end = windows["current"]
    by_source = counts.counts_by(partnership, start, end, "source")
    by_org = counts.counts_by(partnership, start, end, "organisation_id")
    participants = list(
        Organisation.objects.filter(
            pk__in=Participation.objects.filter(partnership=partnership).values("organisation_id")
        ).exclude(kind=Organisation.Kind.SYSTEM)
    )
    units = dict(
        Organisation.objects.filter(parent__in=participants).values_list("pk", "parent_id")
    )
    participant_ids = {org.pk for org in participants}
    org_names = dict(Organisation.objects.filter(pk__in=by_org).values_list("pk", "name"))

    since = end - datetime.timedelta(weeks=COMPLIANCE_WEEKS) + datetime.timedelta(days=1)
    last = {}
    for org_id, day in counts.last_report_dates(partnership, since, end).items():
        # A unit's report counts for the unit (if it takes part itself) and its parent.
        for target in (org_id, units.get(org_id)):
            if target in participant_ids and (target not in last or day > last[target]):
                last[target] = day
    silent = []
    for org in sorted(participants, key=lambda o: o.name):
        day = last.get(org.pk)
        if day is not None and day >= start:
            continue
        weeks = (
            COMPLIANCE_WEEKS
            if day is None
            else ((end - day).days // 7)
            if period.kind == "week"
            else None
        )
        silent.append(
            {
                "organisation": org.name,
                "last_report": _iso(day) if day else None,
                "weeks": weeks,
                "more": day is None,
            }
        )
    return {
        "total": int(sum(by_source.values())),
        "by_source": sorted(
            ({"source": s, "count": int(n)} for s, n in by_source.items()),
            key=lambda x: -x["count"],
        ),
        "by_organisation": sorted(
            (
                {"organisation": org_names.get(o, str(o)), "count": int(n)}
                for o, n in by_org.items()
            ),
            key=lambda x: (-x["count"], x["organisation"]),
        ),
        "silent": silent,
        "late": _late_reports(partnership, period),
    }


def _late_reports(partnership, period):
    """Reports that arrived after an earlier lägesbild was approved, for that period."""
    from .models import SituationVersion

    since = period.start - datetime.timedelta(weeks=LATE_REPORT_WEEKS)
    late = []
    first_versions = (
        SituationVersion.objects.filter(
            report__partnership=partnership, number=1, report__start__gte=since
        )
        .exclude(report__period_key=period.key)
        .select_related("report")
        .order_by("report__start")
    )
    for version in first_versions:
        report = version.report
        if report.end >= period.end:
            continue
        n = (
            Incident.objects.filter(
                partnership=partnership,
                occurred_date__gte=report.start,
                occurred_date__lte=report.end,
                created_at__gt=version.approved_at,
                withdrawn_at__isnull=True,
            )
            .exclude(source=Source.POLICE_FEED)
            .count()
        )
        if n:
            late.append({"period": report.period_key, "count": n})
    return late


def _incident_layers(partnership, period, rows):
    """Points, police events per area, hotspots and time profiles.

    A page reads at most 17 weeks of incidents (DESIGN.md §4): the hotspots' 4 recent
    weeks and the 13 before them. A period longer than that (a tertial, a year) shows the
    points and the time profile of its last 4 weeks; its counts come from the rollup."""
    end = period.end
    recent_start = end - datetime.timedelta(weeks=HOTSPOT_RECENT_WEEKS) + datetime.timedelta(1)
    window_start = recent_start - datetime.timedelta(weeks=HOTSPOT_BEFORE_WEEKS)
    long_period = period.start < window_start
    map_start = recent_start if long_period else period.start
    incidents = [
        Located(*row)
        for row in Incident.objects.filter(
            partnership=partnership,
            occurred_date__gte=window_start,
            occurred_date__lte=end,
            withdrawn_at__isnull=True,
            duplicate_of__isnull=True,
        )
        .order_by()
        .values_list(*Located._fields)
    ]
    on_map = [i for i in incidents if i.occurred_date >= map_start]
    points = _points(partnership, map_start, end)
    police = counts.counts_by(partnership, period.start, end, "area_id", source=Source.POLICE_FEED)
    area_names = dict(Area.objects.filter(partnership=partnership).values_list("pk", "name"))
    return {
        "points": points,
        "map_window": [_iso(map_start), _iso(end)],
        "police_by_area": sorted(
            ({"area": area_names.get(a, str(a)), "count": n} for a, n in police.items()),
            key=lambda x: (-x["count"], x["area"]),
        ),
        "hotspots": _hotspots(partnership, incidents, recent_start, window_start, end),
        "time_profile": _time_profile(
            None if long_period or period.kind == "4w" else on_map, incidents, end
        ),
    }


class Located(NamedTuple):
    """What the hotspots and time profiles need of each incident of the 17 weeks read."""

    id: int
    lat: float | None
    lon: float | None
    label: str
    source: str
    occurred_date: datetime.date
    occurred_from: datetime.datetime | None
    time_bucket: str


def _points(partnership, start, end):
    """The located partner reports of the map window, each with the facts the visibility
    decision needs (label, reporting organisation, reporter, recipients)."""
    selection = Incident.objects.filter(
        partnership=partnership,
        occurred_date__gte=start,
        occurred_date__lte=end,
        withdrawn_at__isnull=True,
        lat__isnull=False,
    ).exclude(source=Source.POLICE_FEED)
    recipients = {}
    for incident_id, user_id in Incident.recipients.through.objects.filter(
        incident__in=selection
    ).values_list("incident_id", "user_id"):
        recipients.setdefault(incident_id, []).append(user_id)
    points = []
    for row in selection.order_by("occurred_date", "id").values(
        "id",
        "lat",
        "lon",
        "occurred_date",
        "occurred_from",
        "time_bucket",
        "label",
        "organisation_id",
        "organisation__name",
        "organisation__parent__name",
        "reported_by_id",
        "category__code",
        "category__label_sv",
        "category__parent__code",
    ):
        local = timezone.localtime(row["occurred_from"]) if row["occurred_from"] else None
        parent = row["organisation__parent__name"]
        points.append(
            {
                "id": row["id"],
                "lat": round(row["lat"], 6),
                "lon": round(row["lon"], 6),
                "date": _iso(row["occurred_date"]),
                "time": local.strftime("%H:%M") if local else "",
                "bucket": row["time_bucket"],
                "group": row["category__parent__code"] or "",
                "category": row["category__label_sv"],
                "category_code": row["category__code"],
                "label": row["label"],
                "organisation_id": row["organisation_id"],
                "organisation": (
                    f"{parent} – {row['organisation__name']}"
                    if parent
                    else row["organisation__name"]
                ),
                "reported_by": row["reported_by_id"],
                "recipients": sorted(recipients.get(row["id"], [])),
            }
        )
    return points


# partnership id -> (fingerprint, [(name, geometry)], StudyArea): the RegSO polygons and
# grids are the same week after week, so each process builds them once per change.
_study_cache = {}


def _study_area(partnership):
    """The partnership's RegSO areas and the hotspots' study area over them (cached while
    the areas are unchanged)."""
    areas = Area.objects.filter(
        partnership=partnership, kind=Area.Kind.REGSO, geometry__isnull=False
    )
    fingerprint = tuple(
        areas.aggregate(count=Count("pk"), max_id=Max("pk"), changed=Max("updated_at")).values()
    )
    cached = _study_cache.get(partnership.pk)
    if cached is not None and cached[0] == fingerprint:
        return cached[1], cached[2]
    regsos = [(name, shape(geometry)) for name, geometry in areas.values_list("name", "geometry")]
    study = (
        hotspots.study_area([geometry for _name, geometry in regsos], kde_cell_size=KDE_CELL_SIZE)
        if regsos
        else None
    )
    _study_cache[partnership.pk] = (fingerprint, regsos, study)
    return regsos, study


def _hotspots(partnership, incidents, recent_start, window_start, end):
    """Gi* hotspots of the last 4 weeks, and which of them are new (not hot in the 13
    weeks before), over the partnership's RegSO areas (DESIGN.md §6)."""
    result = {"recent_weeks": HOTSPOT_RECENT_WEEKS, "before_weeks": HOTSPOT_BEFORE_WEEKS}
    regsos, study = _study_area(partnership)
    if study is None:
        return {**result, "cells": [], "tested": 0}
    located = [
        i
        for i in incidents
        if i.lat is not None and i.source != Source.POLICE_FEED and i.occurred_date >= window_start
    ]
    layers = {}
    for name, selection in (
        ("recent", [i for i in located if i.occurred_date >= recent_start]),
        ("before", [i for i in located if i.occurred_date < recent_start]),
    ):
        layers[name] = hotspots.hotspot_layer(
            [i.lon for i in selection],
            [i.lat for i in selection],
            study,
            kde_cell_size=KDE_CELL_SIZE,
            kde=False,
        )
    recent = layers["recent"].hotspots
    new = set(hotspots.new_hotspots(layers["recent"], layers["before"]).tolist())
    hot = np.flatnonzero(recent.hot)
    cells = recent.cell[hot]
    polygons = hotspots.cell_polygons_wgs84(study.grid, cells)
    found = []
    for index, cell, polygon in zip(hot, cells, polygons, strict=True):
        centre = shapely.centroid(shapely.Polygon(polygon))
        area = next((name for name, geometry in regsos if geometry.contains(centre)), "")
        found.append(
            {
                "cell": int(cell),
                "polygon": polygon,
                "area": area,
                "window_count": int(recent.window_count[index]),
                "z": round(float(recent.z[index]), 2),
                "p": float(recent.p[index]),
                "new": int(cell) in new,
            }
        )
    found.sort(key=lambda c: (-c["window_count"], c["cell"]))
    return {
        **result,
        "cells": found,
        "tested": recent.n_tested,
        "kde": _density_cells(study, [i for i in located if i.occurred_date >= recent_start]),
    }


def _density_cells(study, incidents):
    """The KDE of the recent weeks as graded cells for the map. A density surface shows
    roughly where single incidents are, so it is drawn for detail roles only and from the
    incidents every one of them may see (TLP:CLEAR and GREEN). Cells below a fifth of the
    maximum are left out; the rest get a level from 1 to 4."""
    shared = [i for i in incidents if i.label in (Label.CLEAR, Label.GREEN)]
    surface = hotspots.hotspot_layer(
        [i.lon for i in shared],
        [i.lat for i in shared],
        study,
        kde_cell_size=KDE_CELL_SIZE,
        bandwidth=KDE_BANDWIDTH,
    ).kde
    if surface is None or not surface.mask.any() or surface.density[surface.mask].max() <= 0:
        return {"cells": [], "max": 0.0, "bandwidth": KDE_BANDWIDTH}
    density = np.where(surface.mask, surface.density, 0.0)
    peak = float(density.max())
    flat = density.ravel()
    cells = np.flatnonzero(flat >= peak * KDE_FLOOR)
    levels = np.minimum(4, 1 + ((flat[cells] / peak - KDE_FLOOR) / (1 - KDE_FLOOR) * 4).astype(int))
    polygons = hotspots.cell_polygons_wgs84(surface.grid, cells)
    return {
        "cells": [
            {"polygon": polygon, "level": int(level)}
            for polygon, level in zip(polygons, levels, strict=True)
        ],
        "max": round(peak, 1),
        "bandwidth": KDE_BANDWIDTH,
    }


def _time_profile(in_period, incidents, end):
    """Weekday × hour counts for the period and the last 4 weeks; buckets when no time."""
    four_weeks_start = end - datetime.timedelta(weeks=4) + datetime.timedelta(1)
    profile = {}
    for name, selection in (
        ("period", in_period),
        ("last4", [i for i in incidents if i.occurred_date >= four_weeks_start]),
    ):
        if selection is None:
            continue
        hours = np.zeros((7, 24), dtype=int)
        buckets = np.zeros((7, 4), dtype=int)
        bucket_index = {"morning": 0, "day": 1, "evening": 2, "night": 3}
        for incident in selection:
            if incident.occurred_from:
                local = timezone.localtime(incident.occurred_from)
                hours[local.weekday(), local.hour] += 1
            elif incident.time_bucket in bucket_index:
                buckets[incident.occurred_date.weekday(), bucket_index[incident.time_bucket]] += 1
        profile[name] = {"hours": hours.tolist(), "buckets": buckets.tolist()}
    return profile


def _trends(partnership, period, layout, rows, base, picture_baseline):
    """52 weeks per focus area (and the whole municipality) with the baseline band."""
    last_monday = period.end - datetime.timedelta(days=period.end.weekday())
    first_monday = last_monday - datetime.timedelta(weeks=TREND_WEEKS - 1)
    indexes = [i for i, row in enumerate(rows) if row.kind in ("focus", "total")]
    series = counts.weekly_series(partnership, layout, indexes, first_monday, TREND_WEEKS)
    weeks = [
        (first_monday + datetime.timedelta(weeks=w)).isocalendar()[:2] for w in range(TREND_WEEKS)
    ]
    baseline_weeks = (
        datetime.date.fromisoformat(picture_baseline[1])
        - datetime.date.fromisoformat(picture_baseline[0])
    ).days / 7 + 1 / 7
    trends = []
    for n, index in enumerate(indexes):
        mean = float(base[index, -1]) / baseline_weeks
        low, high = stats.poisson_band(mean)
        trends.append(
            {
                "row": rows[index].id,
                "name": rows[index].name,
                "weeks": [f"{y}-W{w:02d}" for y, w in weeks],
                "counts": series[n].tolist(),
                "mean": mean,
                "low": low,
                "high": high,
            }
        )
    return trends


OUTLINE_TOLERANCE = 0.0004  # degrees, about 25-45 m: enough for a printed overview map


def _outlines(partnership):
    """The areas' outlines, simplified, for the printed map (frozen with the snapshot)."""
    outlines = []
    for area in Area.objects.filter(
        partnership=partnership, kind__in=[Area.Kind.MUNICIPALITY, Area.Kind.DISTRICT]
    ).exclude(geometry__isnull=True):
        geometry = shape(area.geometry).simplify(OUTLINE_TOLERANCE, preserve_topology=True)
        polygons = getattr(geometry, "geoms", [geometry])
        rings = [
            [[round(x, 5), round(y, 5)] for x, y in polygon.exterior.coords]
            for polygon in polygons
            if polygon.geom_type == "Polygon"
        ]
        outlines.append({"kind": area.kind, "name": area.name, "rings": rings})
    return outlines
