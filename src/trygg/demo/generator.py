"""A seeded synthetic model of the incidents a local safety partnership reports.

Pure: numpy, shapely and pyproj only, nothing of Django. The caller passes in what the
model needs (category codes, RegSO areas with their polygons, organisations with a
*profile*, hotspots) and gets back column arrays (:class:`DemoIncidents`). The same seed
and inputs give identical output. The tables (rates, shares and profiles per category
and organisation) are in :mod:`trygg.demo.profiles`, the texts in :mod:`trygg.demo.texts`.

The model (documented for users in ``docs/demo.md``):

* **Components.** Incidents come from components, one per (category, reporting
  organisation). Each has an expected count per day::

      λ(c, o, d) = annual(c) / 365.25 · scale · share(c, o) · season(c, d)
                   · weekday(c, d) · special(c, d) · trend(c, d) · calendar(o, d)

  ``share`` splits a category between organisation profiles (Polisen reports violence,
  drugs and traffic; housing companies damage, littering, stairwells and courtyards;
  field workers and youth centres youth gatherings and social unrest; schools what
  happens at schools; the rescue service fires; the security company centres and car
  parks; the Trygghetscenter a bit of everything). ``season`` is a smooth yearly curve
  (summer for youth gatherings and illegal riding, the dark season for lighting, a
  fireworks curve that peaks on New Year's Eve), ``special`` multiplies named days
  (Valborg 30 April, 1 May, school end, midsummer eve, Halloween, New Year's Eve and
  Day), ``trend`` a slow change over the years (fewer youth gatherings and less graffiti,
  more signs of criminal networks), ``calendar`` the organisation's working calendar
  (schools only report on school days: not weekends, not school holidays). The daily
  count is Poisson.
* **Episodes.** A few times a year a short (2-6 week) local episode adds a tight
  cluster of related incidents at one focus hotspot (a conflict between groups, an open
  drug market, a series of fires, a summer of illegal riding): what the hotspot and
  change detection should find.
* **Time of day.** Each component draws the hour from its category's profile (nights
  for violence and disorder, late afternoon and evening for youth gatherings, working
  hours for what is discovered: graffiti, littering, lighting) times the organisation's
  working hours (schools 7-17, youth centres 13-23, field workers evenings). A share of
  incidents (about 15 %, more for what is found afterwards) has an unknown time: only
  the date and the time-of-day bucket are kept.
* **Place.** A component draws a kernel: one of the hotspots (a Gaussian cluster of a
  few hundred metres in SWEREF 99 TM, weighted by how much the hotspot attracts the
  category's theme), the urban background (an area chosen by its activity weight, a
  point uniform in it), the rural background (an area chosen by its size) or no point
  (the place within the municipality is unknown). Points always fall inside the areas.
* **Attributes.** Place type, age group, TLP label, source, people count, police
  notified, needs follow-up: categorical draws from tables per category, combined with
  the organisation's profile (a school reports from schools, a housing company from
  courtyards and stairwells). Status: new in the current ISO week, mostly reviewed
  before. Reported at: minutes (API) to hours or days (form) after, or the Monday after
  (weekly file imports); never after ``now``.
* **Text.** A short Swedish sentence from per-category templates (``texts.py``) with a
  place phrase and a landmark ("vid Märsta station") or the area's name; no personal
  data.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import shape

from .profiles import (
    AGE_GROUPS,
    BUCKET_OF_HOUR,
    BUCKET_START_HOUR,
    CATEGORY_MODEL,
    EPISODE_THEMES,
    HOUR_PROFILES,
    LABELS,
    PLACE_TYPES,
    PROFILE_AGES,
    PROFILE_HOURS,
    PROFILE_LABELS,
    PROFILE_PLACES,
    PROFILE_SOURCES,
    PROFILE_UNKNOWN_TIME,
    PROFILE_WEEKDAYS,
    PROFILES,
    SOURCES,
    THEMES,
    TIME_BUCKETS,
    WEEKDAY_PROFILES,
)
from .texts import PLACE_PHRASES, TEMPLATES

STOCKHOLM = ZoneInfo("Europe/Stockholm")

# ---------------------------------------------------------------------------------------
# Input specifications


@dataclass(frozen=True)
class AreaSpec:
    """A leaf area points may fall in (a RegSO area). ``geometry`` is GeoJSON (WGS84) or a
    shapely geometry; ``weight`` is its activity weight for the urban background."""

    id: int
    code: str
    name: str
    geometry: object
    weight: float = 1.0


@dataclass(frozen=True)
class OrganisationSpec:
    """A reporting organisation. ``profile`` is one of :data:`PROFILES`; organisations of
    one profile split its share by ``weight``. ``sources`` overrides the profile's
    (manual, import, api) mix; ``prefix`` starts the external ids of imported rows."""

    id: int
    name: str
    profile: str
    weight: float = 1.0
    sources: tuple[float, float, float] | None = None
    prefix: str = ""


@dataclass(frozen=True, eq=False)
class Hotspot:
    """A Gaussian cluster (``sigma_m`` metres in EPSG:3006) around (lat, lon).

    ``themes`` says how strongly it attracts each theme (see :data:`CATEGORY_MODEL`);
    ``phrase`` is how a description names a landmark ("vid Märsta station"; empty: the
    description names the area the point lies in); ``focus`` marks the hotspots in focus
    areas, where episodes happen."""

    key: str
    phrase: str
    lat: float
    lon: float
    sigma_m: float
    themes: Mapping[str, float]
    focus: bool = False


# ---------------------------------------------------------------------------------------
# Output


@dataclass
class DemoIncidents:
    """Column arrays, one row per incident, ordered by ``reported_at``.

    Datetimes are ``datetime64[s]`` in UTC (NaT where unknown); ``lat``/``lon`` are NaN
    and ``area_id`` is -1 where there is no point; ``people_count`` is -1 and
    ``police_notified`` is -1 where not given; ``place_type``, ``time_bucket`` and
    ``external_id`` are "" where not given. ``category`` is an index into
    ``category_codes``; ``organisation_id`` and ``area_id`` are the ids passed in.
    ``area_id`` is the generator's own point-in-polygon assignment (for tests and
    summaries); the loader assigns leaf areas with the geo app's index.
    """

    category_codes: tuple[str, ...]
    category: np.ndarray
    organisation_id: np.ndarray
    source: np.ndarray
    external_id: np.ndarray
    occurred_date: np.ndarray  # datetime64[D], local date
    occurred_from: np.ndarray
    occurred_to: np.ndarray
    time_bucket: np.ndarray
    reported_at: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    area_id: np.ndarray
    kernel: np.ndarray  # which kernel placed it: hotspot key, "episode:<n>", urban, rural, none
    place_type: np.ndarray
    description: np.ndarray
    people_count: np.ndarray
    age_group: np.ndarray
    police_notified: np.ndarray
    police_reference: np.ndarray
    needs_follow_up: np.ndarray
    label: np.ndarray
    status: np.ndarray
    episodes: list[dict] = field(default_factory=list)

    def __len__(self):
        return len(self.category)

    @property
    def codes(self):
        """The category code of every row."""
        return np.asarray(self.category_codes, dtype=object)[self.category]

    def columns(self):
        return {
            name: getattr(self, name)
            for name in self.__dataclass_fields__
            if name not in ("category_codes", "episodes")
        }


# ---------------------------------------------------------------------------------------
# Calendar


def demo_period(*, years, today):
    """First and last date of the demo: ``years`` whole years before ``today``'s year and
    the current year up to and including ``today`` (the current ISO week included).

    It starts on the Monday of ISO week 1 of the first year, or on 1 January when that
    Monday falls in December, so that counts per calendar year stay clean.
    """
    first_monday = dt.date.fromisocalendar(today.year - years, 1, 1)
    return max(first_monday, dt.date(today.year - years, 1, 1)), today


def _easter(year):
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    lval = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * lval) // 451
    month, day = divmod(h + lval - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


class _Days:
    """Per-day calendar arrays for a date range."""

    def __init__(self, start, end):
        self.dates = np.arange(
            np.datetime64(start, "D"), np.datetime64(end, "D") + 1, dtype="datetime64[D]"
        )
        days = self.dates.astype(np.int64)
        self.year = self.dates.astype("datetime64[Y]").astype(np.int64) + 1970
        self.doy, self.month, self.mday = _calendar_parts(self.dates)
        self.dow = (days + 3) % 7  # Monday = 0
        self.n = len(self.dates)
        self.t_years = (days - days[0]) / 365.25
        years = range(int(self.year.min()), int(self.year.max()) + 1)
        self.named = {}
        self.named["valborg"] = (self.month == 4) & (self.mday == 30)
        self.named["may1"] = (self.month == 5) & (self.mday == 1)
        self.named["midsummer"] = (
            (self.month == 6) & (self.mday >= 19) & (self.mday <= 25) & (self.dow == 4)
        )
        self.named["school_end"] = (self.month == 6) & (self.mday == 11)
        self.named["halloween"] = (self.month == 10) & (self.mday == 31)
        self.named["nye"] = (self.month == 12) & (self.mday == 31)
        self.named["newyear"] = (self.month == 1) & (self.mday == 1)
        self.school_holiday = self._school_holidays(years)

    def _school_holidays(self, years):
        """Sigtuna's school holidays, approximately: summer 12 June-18 August, Christmas
        21 December-6 January, sportlov ISO week 8, påsklov the week of Easter Monday,
        höstlov ISO week 44."""
        m, d = self.month, self.mday
        hol = ((m == 6) & (d >= 12)) | (m == 7) | ((m == 8) & (d <= 18))
        hol |= ((m == 12) & (d >= 21)) | ((m == 1) & (d <= 6))
        iso = np.array(
            [
                dt.date.fromordinal(int(x) + 719163).isocalendar()[1]
                for x in self.dates.astype(np.int64)
            ]
        )
        hol |= (iso == 8) | (iso == 44)
        for year in years:
            monday = np.datetime64(_easter(year) + dt.timedelta(days=1), "D")
            hol |= (self.dates >= monday) & (self.dates < monday + 7)
        return hol

    def season(self, kind):
        """A yearly curve with mean 1 over a (non-leap) year."""
        curve = _season_curve(kind, self.doy, self.month, self.mday)
        return curve / _season_curve(kind, *_REFERENCE_YEAR).mean()


def _calendar_parts(dates):
    doy = (dates - dates.astype("datetime64[Y]")).astype(np.int64) + 1
    month = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    mday = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    return doy, month, mday


_REFERENCE_YEAR = _calendar_parts(
    np.arange(np.datetime64("2023-01-01"), np.datetime64("2024-01-01"))
)


def _season_curve(kind, doy, month, mday):
    def cos_peak(peak_doy):
        return np.cos(2 * math.pi * (doy - peak_doy) / 365.25)

    if kind == "flat":
        return np.ones(len(doy))
    if kind == "summer":
        return 1 + 0.6 * cos_peak(196)
    if kind == "summer_mild":
        return 1 + 0.25 * cos_peak(196)
    if kind == "riding":
        return np.clip(1 + 0.95 * cos_peak(185), 0.08, None)
    if kind == "winter":
        return 1 + 0.25 * cos_peak(330)
    if kind == "vegetation":
        return np.clip(1 + 1.1 * cos_peak(190), 0.05, None)
    if kind == "dark":
        # Peaks around the winter solstice; a surge of reports in the first dark weeks
        # after the clocks go back (November).
        return np.clip(1 + 0.95 * cos_peak(355), 0.05, None) * np.where(month == 11, 1.5, 1)
    if kind == "fireworks":
        curve = np.full(len(doy), 0.2)
        dec = month == 12
        ramp = dec & (mday >= 20) & (mday <= 30)
        curve = np.where(ramp, 1.0 + (mday - 20) * 0.8, curve)
        curve = np.where(dec & (mday == 31), 40.0, curve)
        jan = month == 1
        early = np.array([0, 15.0, 3.0, 2.0, 1.5, 1.0, 0.8])
        curve = np.where(jan & (mday <= 6), early[np.clip(mday, 0, 6)], curve)
        curve = np.where((month == 4) & (mday == 30), 2.0, curve)
        curve = np.where((month == 10) & (mday == 31), 1.5, curve)
        return curve
    raise ValueError(f"unknown season {kind!r}")


# ---------------------------------------------------------------------------------------
# Geometry


_TO_3006 = Transformer.from_crs(4326, 3006, always_xy=True)
_TO_4326 = Transformer.from_crs(3006, 4326, always_xy=True)


def _project(geom):
    return shapely.transform(
        geom, lambda xy: np.column_stack(_TO_3006.transform(xy[:, 0], xy[:, 1]))
    )


class _Geography:
    def __init__(self, areas):
        self.areas = list(areas)
        polys = []
        for area in self.areas:
            g = (
                area.geometry
                if isinstance(area.geometry, shapely.Geometry)
                else shape(area.geometry)
            )
            polys.append(_project(g))
        self.polys = polys
        for p in polys:
            shapely.prepare(p)
        self.union = shapely.union_all(polys)
        shapely.prepare(self.union)
        self.km2 = np.array([p.area / 1e6 for p in polys])
        self.ids = np.array([a.id for a in self.areas], dtype=np.int64)
        self.names = [a.name for a in self.areas]

    def uniform_in(self, rng, area_idx, n):
        """``n`` points uniform in area ``area_idx`` (EPSG:3006), by rejection."""
        poly = self.polys[area_idx]
        minx, miny, maxx, maxy = poly.bounds
        fill = max(poly.area / ((maxx - minx) * (maxy - miny)), 0.05)
        xs, ys = [], []
        need = n
        while need > 0:
            m = int(need / fill * 1.2) + 16
            x = rng.uniform(minx, maxx, m)
            y = rng.uniform(miny, maxy, m)
            ok = shapely.contains_xy(poly, x, y)
            xs.append(x[ok][:need])
            ys.append(y[ok][:need])
            need -= int(ok.sum())
        return np.concatenate(xs)[:n], np.concatenate(ys)[:n]

    def locate(self, x, y):
        """Index of the area containing each point, -1 outside."""
        out = np.full(len(x), -1, dtype=np.int64)
        for i, poly in enumerate(self.polys):
            todo = out < 0
            if not todo.any():
                break
            hit = shapely.contains_xy(poly, x[todo], y[todo])
            idx = np.flatnonzero(todo)[hit]
            out[idx] = i
        return out


# ---------------------------------------------------------------------------------------
# The generator


def _norm(v):
    v = np.asarray(v, dtype=float)
    s = v.sum()
    return v / s if s > 0 else v


def _vector(mapping, keys):
    return np.array([float(mapping.get(k, 0.0)) for k in keys])


def _draw(rng, cum_table, rows):
    """One categorical draw per row from the cumulative table's row ``rows[i]``."""
    u = rng.random(len(rows))
    out = np.empty(len(rows), dtype=np.int64)
    # Chunked so a million rows do not build one huge boolean matrix.
    step = 200_000
    for a in range(0, len(rows), step):
        c = cum_table[rows[a : a + step]]
        out[a : a + step] = (c < u[a : a + step, None]).sum(axis=1)
    return np.minimum(out, cum_table.shape[1] - 1)


def _cum(rows):
    table = np.array([_norm(r) for r in rows])
    cum = np.cumsum(table, axis=1)
    cum[:, -1] = 1.0
    return cum


def generate(
    *,
    seed,
    start,
    end,
    now,
    categories: Sequence[str],
    areas: Sequence[AreaSpec],
    organisations: Sequence[OrganisationSpec],
    hotspots: Sequence[Hotspot] = (),
    scale=1.0,
):
    """Generate the incidents from ``start`` to ``end`` (dates, inclusive), none after
    ``now`` (an aware datetime). Categories not in :data:`CATEGORY_MODEL` and
    organisations without a known profile get no incidents."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    rng = np.random.default_rng(seed)
    days = _Days(start, end)
    geo = _Geography(areas)
    codes = tuple(categories)
    code_index = {c: i for i, c in enumerate(codes)}
    orgs = [o for o in organisations if o.profile in PROFILES]
    org_calendar = {}
    for o in orgs:
        week = np.asarray(PROFILE_WEEKDAYS.get(o.profile, (1,) * 7), dtype=float)[days.dow]
        if o.profile == "schools":
            week = week * ~days.school_holiday
        org_calendar[o.id] = week / week.mean() if week.mean() > 0 else week

    # Kernels: hotspots, episode clusters, urban background, rural background, no point.
    hot = list(hotspots)
    episodes = _episodes(rng, days, hot, codes)
    n_hot = len(hot)
    kernel_names = [h.key for h in hot] + [f"episode:{i}" for i in range(len(episodes))]
    k_urban, k_rural, k_none = len(kernel_names), len(kernel_names) + 1, len(kernel_names) + 2
    kernel_names += ["urban", "rural", "none"]
    centres = [(h.lon, h.lat, h.sigma_m) for h in hot] + [
        (e["lon"], e["lat"], e["sigma_m"]) for e in episodes
    ]

    # Components: (category, organisation) pairs and episode series.
    comp = []  # dicts: cat, org, intensity, kernel weights
    theme_row = {t: i for i, t in enumerate(THEMES)}
    themes_hot = np.array([[h.themes.get(t, 0.0) for h in hot] for t in THEMES])
    for code in codes:
        model = CATEGORY_MODEL.get(code)
        if model is None:
            continue
        base = model.annual / 365.25 * scale
        shape_c = (
            days.season(model.season)
            * np.asarray(WEEKDAY_PROFILES[model.weekday])[days.dow]
            * np.exp(model.trend * (days.t_years - days.t_years[-1] / 2))
        )
        for name, mult in model.special.items():
            shape_c = np.where(days.named[name], shape_c * mult, shape_c)
        shares = _org_shares(model.orgs, orgs)
        kern = np.zeros(len(kernel_names))
        if hot:
            hw = themes_hot[theme_row[model.theme]]
            kern[:n_hot] = model.p_hot * _norm(hw) if hw.sum() > 0 else 0
        kern[k_rural] = model.p_rural
        kern[k_none] = model.p_nopoint
        kern[k_urban] = max(1.0 - kern.sum(), 0.0)
        for org, share in shares:
            comp.append(
                {
                    "cat": code_index[code],
                    "code": code,
                    "org": org,
                    "kernel": kern,
                    "lam": base * share * shape_c * org_calendar[org.id],
                }
            )
    for i, ep in enumerate(episodes):
        window = (days.dates >= ep["start"]) & (days.dates <= ep["end"])
        for code, weekly in zip(ep["codes"], ep["weekly"], strict=True):
            model = CATEGORY_MODEL[code]
            kern = np.zeros(len(kernel_names))
            kern[n_hot + i] = 1.0 - model.p_nopoint
            kern[k_none] = model.p_nopoint
            for org, share in _org_shares(model.orgs, orgs):
                comp.append(
                    {
                        "cat": code_index[code],
                        "code": code,
                        "org": org,
                        "kernel": kern,
                        "lam": window
                        * (weekly / 7 * max(scale, 0.0) * share)
                        * org_calendar[org.id],
                    }
                )
    if not comp:
        return _empty(codes)

    lam = np.array([c["lam"] for c in comp])
    counts = rng.poisson(lam)
    ci, di = np.nonzero(counts)
    reps = counts[ci, di]
    c_idx = np.repeat(ci, reps)
    d_idx = np.repeat(di, reps)
    n = len(c_idx)

    models = [CATEGORY_MODEL[c["code"]] for c in comp]
    profiles = [c["org"].profile for c in comp]

    # Time of day.
    hour_rows = []
    for m, p in zip(models, profiles, strict=True):
        h = HOUR_PROFILES[m.hours] * PROFILE_HOURS.get(p, np.ones(24))
        hour_rows.append(h if h.sum() > 0 else HOUR_PROFILES[m.hours])
    hour = _draw(rng, _cum(hour_rows), c_idx)
    minute = rng.integers(0, 12, n) * 5
    p_unknown = np.array(
        [
            min(m.p_unknown_time * PROFILE_UNKNOWN_TIME.get(p, 1.0), 0.9)
            for m, p in zip(models, profiles, strict=True)
        ]
    )
    unknown = rng.random(n) < p_unknown[c_idx]

    local_days = days.dates[d_idx].astype(np.int64)
    offsets = _utc_offsets(local_days, hour)
    start_utc = (local_days * 86400 + hour * 3600 + minute * 60 - offsets).astype("datetime64[s]")
    now_utc = np.datetime64(now.astimezone(dt.UTC).replace(tzinfo=None), "s")
    keep = start_utc <= now_utc
    if not keep.all():
        sel = np.flatnonzero(keep)
        c_idx, d_idx, hour, minute, unknown, start_utc = (
            c_idx[sel],
            d_idx[sel],
            hour[sel],
            minute[sel],
            unknown[sel],
            start_utc[sel],
        )
        local_days = local_days[sel]
        n = len(c_idx)

    has_to = (rng.random(n) < 0.3) & ~unknown
    duration = np.where(
        np.array([m.people == "group" for m in models])[c_idx],
        rng.integers(2, 25, n) * 10,
        rng.integers(1, 13, n) * 10,
    ).astype("timedelta64[m]")
    to_utc = start_utc + duration
    has_to &= to_utc <= now_utc
    nat = np.datetime64("NaT", "s")
    occurred_from = np.where(unknown, nat, start_utc)
    occurred_to = np.where(has_to, to_utc, nat)
    time_bucket = np.where(unknown, np.array(TIME_BUCKETS)[BUCKET_OF_HOUR[hour]], "")

    # Place.
    kern_idx = _draw(rng, _cum([c["kernel"] for c in comp]), c_idx)
    x = np.full(n, np.nan)
    y = np.full(n, np.nan)
    area_idx = np.full(n, -1, dtype=np.int64)
    for k, (lon, lat, sigma) in enumerate(centres):
        sel = np.flatnonzero(kern_idx == k)
        if len(sel):
            cx, cy = _TO_3006.transform(lon, lat)
            x[sel], y[sel] = _gaussian_inside(rng, geo, cx, cy, sigma, len(sel))
    weights = np.array([a.weight for a in geo.areas], dtype=float)
    for k, w in ((k_urban, weights), (k_rural, geo.km2)):
        sel = np.flatnonzero(kern_idx == k)
        if len(sel) == 0:
            continue
        chosen = rng.choice(len(geo.areas), size=len(sel), p=_norm(w))
        for a in range(len(geo.areas)):
            s = sel[chosen == a]
            if len(s):
                x[s], y[s] = geo.uniform_in(rng, a, len(s))
                area_idx[s] = a
    placed = ~np.isnan(x)
    need_locate = placed & (area_idx < 0)
    area_idx[need_locate] = geo.locate(x[need_locate], y[need_locate])
    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
    if placed.any():
        lo, la = _TO_4326.transform(x[placed], y[placed])
        lon[placed] = np.round(lo, 6)
        lat[placed] = np.round(la, 6)
    area_id = np.where(area_idx >= 0, geo.ids[np.maximum(area_idx, 0)], -1)

    # Place type, age group, label, source.
    place_rows, age_rows, label_rows, source_rows = [], [], [], []
    for m, c in zip(models, comp, strict=True):
        p = c["org"].profile
        cat_pt = _vector(m.places, PLACE_TYPES)
        org_pt = PROFILE_PLACES.get(p)
        pt = cat_pt * _vector(org_pt, PLACE_TYPES) if org_pt else cat_pt
        place_rows.append(pt if pt.sum() > 0 else cat_pt)
        ages = np.asarray(m.ages, dtype=float)
        if p in PROFILE_AGES:
            ages = 0.5 * ages + 0.5 * np.asarray(PROFILE_AGES[p])
        age_rows.append(ages)
        org_labels = np.asarray(PROFILE_LABELS.get(p, PROFILE_LABELS["default"]))
        label_rows.append(
            0.6 * np.asarray(m.labels) + 0.4 * org_labels if m.labels is not None else org_labels
        )
        source_rows.append(c["org"].sources or PROFILE_SOURCES.get(p, (1.0, 0.0, 0.0)))
    place_idx = _draw(rng, _cum(place_rows), c_idx)
    # A few reports (mostly through files and the API) give no place type.
    source_idx = _draw(rng, _cum(source_rows), c_idx)
    no_place = rng.random(n) < np.where(source_idx == 0, 0.01, 0.15)
    place_type = np.where(no_place, "", np.array(PLACE_TYPES)[place_idx])
    age_group = np.array(AGE_GROUPS)[_draw(rng, _cum(age_rows), c_idx)]
    label = np.array(LABELS)[_draw(rng, _cum(label_rows), c_idx)]
    source = np.array(SOURCES)[source_idx]

    # People, police, follow-up.
    kind = np.array([{"group": 2, "few": 1, "none": 0}[m.people] for m in models])[c_idx]
    people = np.where(
        kind == 2,
        3 + rng.geometric(1 / 9, n),
        np.where(kind == 1, 1 + rng.binomial(3, 0.35, n), -1),
    )
    people = np.where((kind > 0) & (rng.random(n) < 0.3), -1, np.minimum(people, 60))
    is_police = np.array([p == "police" for p in profiles])[c_idx]
    p_pol = np.array([m.p_police for m in models])[c_idx]
    notified = (rng.random(n) < p_pol).astype(np.int8)
    notified = np.where(rng.random(n) < 0.12, -1, notified)
    notified = np.where(is_police, 1, notified).astype(np.int8)
    ref_digits = rng.integers(1_000_000, 9_999_999, n)
    has_ref = (notified == 1) & ~is_police & (rng.random(n) < 0.3)
    follow = rng.random(n) < np.array([m.p_follow_up for m in models])[c_idx]

    # Reported at.
    reported = _reported_at(rng, source_idx, start_utc, unknown, hour, local_days, now_utc)

    # Status by ISO week relative to now's week.
    today = now.astimezone(STOCKHOLM).date()
    this_monday = np.datetime64(today - dt.timedelta(days=today.weekday()), "D").astype(np.int64)
    monday = local_days - (local_days + 3) % 7
    u = rng.random(n)
    status = np.where(
        monday >= this_monday,
        np.where(u < 0.9, "new", "reviewed"),
        np.where(
            monday >= this_monday - 7,
            np.where(u < 0.25, "new", "reviewed"),
            np.where(u < 0.02, "new", np.where(u < 0.87, "reviewed", "closed")),
        ),
    )

    # Texts.
    description = _descriptions(
        rng,
        np.asarray([c["cat"] for c in comp])[c_idx],
        codes,
        place_type,
        kern_idx,
        area_idx,
        hot,
        episodes,
        geo,
        n_hot,
    )

    # Order by arrival, then assemble.
    order = np.lexsort((np.arange(n), reported))
    org_ids = np.array([c["org"].id for c in comp], dtype=np.int64)[c_idx]
    cats = np.array([c["cat"] for c in comp], dtype=np.int64)[c_idx]
    local_date = local_days.astype("datetime64[D]")
    years = local_date.astype("datetime64[Y]").astype(np.int64) + 1970
    police_reference = np.full(n, "", dtype=object)
    ref_rows = np.flatnonzero(has_ref)
    police_reference[ref_rows] = [
        f"5000-K{d}-{y % 100:02d}"
        for d, y in zip(ref_digits[ref_rows].tolist(), years[ref_rows].tolist(), strict=True)
    ]
    result = DemoIncidents(
        category_codes=codes,
        category=cats[order],
        organisation_id=org_ids[order],
        source=source[order],
        external_id=np.array([""] * n, dtype=object),
        occurred_date=local_date[order],
        occurred_from=occurred_from[order],
        occurred_to=occurred_to[order],
        time_bucket=time_bucket[order],
        reported_at=reported[order],
        lat=lat[order],
        lon=lon[order],
        area_id=area_id[order],
        kernel=np.array(kernel_names, dtype=object)[kern_idx][order],
        place_type=place_type[order],
        description=description[order],
        people_count=people[order].astype(np.int64),
        age_group=age_group[order],
        police_notified=notified[order],
        police_reference=police_reference[order],
        needs_follow_up=follow[order],
        label=label[order],
        status=status[order],
        episodes=episodes,
    )
    result.external_id = _external_ids(result, orgs)
    return result


def _org_shares(profile_shares, orgs):
    """[(organisation, share)] for a category: the profiles' shares, renormalised over the
    profiles present, split between the organisations of a profile by weight."""
    by_profile = {}
    for o in orgs:
        by_profile.setdefault(o.profile, []).append(o)
    present = {p: w for p, w in profile_shares.items() if p in by_profile and w > 0}
    total = sum(present.values())
    out = []
    if total <= 0:
        return out
    for p in PROFILES:  # a fixed order, so output never depends on dict order
        if p not in present:
            continue
        members = by_profile[p]
        wsum = sum(o.weight for o in members)
        for o in members:
            out.append((o, present[p] / total * o.weight / wsum))
    return out


def _episodes(rng, days, hot, codes):
    """A few local episodes a year at focus hotspots (none without focus hotspots)."""
    focus = [h for h in hot if h.focus]
    if not focus:
        return []
    out = []
    n_years = max(days.n / 365.25, 0.1)
    count = rng.poisson(2.5 * n_years)
    for _ in range(count):
        theme_i = int(rng.integers(len(EPISODE_THEMES)))
        name, ep_codes, weekly = EPISODE_THEMES[theme_i]
        pairs = [(c, w) for c, w in zip(ep_codes, weekly, strict=True) if c in codes]
        h = focus[int(rng.integers(len(focus)))]
        duration = int(rng.integers(14, 43))
        if name == "buskörning":  # a summer thing
            year = int(rng.choice(np.unique(days.year)))
            first = np.datetime64(f"{year}-05-01") + int(rng.integers(0, 90))
        else:
            first = days.dates[0] + int(rng.integers(0, max(days.n - 7, 1)))
        cx, cy = _TO_3006.transform(h.lon, h.lat)
        ang = rng.uniform(0, 2 * math.pi)
        dist = rng.uniform(0, 300)
        ex, ey = cx + dist * math.cos(ang), cy + dist * math.sin(ang)
        elon, elat = _TO_4326.transform(ex, ey)
        intensity = float(rng.uniform(0.9, 1.8))
        if not pairs:
            continue
        out.append(
            {
                "theme": name,
                "hotspot": h.key,
                "phrase": h.phrase,
                "start": first,
                "end": first + duration - 1,
                "lon": float(elon),
                "lat": float(elat),
                "sigma_m": 120.0,
                "codes": tuple(c for c, _ in pairs),
                "weekly": tuple(w * intensity for _, w in pairs),
            }
        )
    return out


def _gaussian_inside(rng, geo, cx, cy, sigma, n):
    """``n`` Gaussian points around (cx, cy), redrawn until inside the municipality."""
    x = cx + rng.normal(0, sigma, n)
    y = cy + rng.normal(0, sigma, n)
    for _ in range(20):
        bad = np.flatnonzero(~shapely.contains_xy(geo.union, x, y))
        if len(bad) == 0:
            break
        x[bad] = cx + rng.normal(0, sigma, len(bad))
        y[bad] = cy + rng.normal(0, sigma, len(bad))
    else:
        bad = ~shapely.contains_xy(geo.union, x, y)
        x[bad], y[bad] = cx, cy
    return x, y


_OFFSET_CACHE: dict[int, int] = {}


def _utc_offsets(local_days, hour):
    """Seconds east of UTC in Europe/Stockholm for each local (date, hour)."""
    keys = local_days * 24 + hour
    uniq, inv = np.unique(keys, return_inverse=True)
    vals = np.empty(len(uniq), dtype=np.int64)
    epoch = dt.datetime(1970, 1, 1)
    for i, k in enumerate(uniq.tolist()):
        v = _OFFSET_CACHE.get(k)
        if v is None:
            local = (epoch + dt.timedelta(hours=k)).replace(tzinfo=STOCKHOLM)
            v = int(local.utcoffset().total_seconds())
            _OFFSET_CACHE[k] = v
        vals[i] = v
    return vals[inv]


def _reported_at(rng, source_idx, start_utc, unknown, hour, local_days, now_utc):
    n = len(source_idx)
    # The time an unknown-time incident was noticed: the end of its bucket.
    bucket = BUCKET_OF_HOUR[hour]
    noticed = np.where(
        unknown,
        (local_days * 86400 + (BUCKET_START_HOUR[bucket] % 24) * 3600).astype("datetime64[s]")
        + np.where(bucket == 0, 8 * 3600, 4 * 3600).astype("timedelta64[s]"),
        start_utc,
    )
    noticed = np.maximum(noticed, start_utc)
    manual = np.exp(rng.normal(math.log(5 * 3600), 1.3, n)).clip(300, 10 * 86400)
    api = rng.uniform(60, 1800, n)
    # Weekly imports: the Monday after, 07:00-09:00 local (about 06:00-08:00 UTC).
    dow = (local_days + 3) % 7
    next_monday = local_days + (7 - dow)
    imp = (next_monday * 86400 + rng.integers(6 * 3600, 8 * 3600, n)).astype("datetime64[s]")
    delay = np.where(source_idx == 2, api, manual).astype(np.int64).astype("timedelta64[s]")
    reported = np.where(source_idx == 1, np.maximum(imp, noticed), noticed + delay)
    return np.minimum(reported, now_utc)


def _descriptions(rng, cats, codes, place_type, kern_idx, area_idx, hot, episodes, geo, n_hot):
    n = len(cats)
    code_arr = np.asarray(codes, dtype=object)
    n_tmpl = np.array([len(TEMPLATES.get(c, ("",))) for c in codes])
    tmpl = (rng.random(n) * n_tmpl[cats]).astype(np.int64)
    pt_keys = list(PLACE_PHRASES)
    sorted_keys = np.sort(np.array(pt_keys))
    pt_code = np.array([pt_keys.index(k) for k in sorted_keys.tolist()])[
        np.searchsorted(sorted_keys, place_type)
    ]
    n_var = np.array([len(PLACE_PHRASES[k]) for k in pt_keys])
    var = (rng.random(n) * n_var[pt_code]).astype(np.int64)
    # Where: a landmark hotspot's phrase ("vid Märsta station"), else the name of the area
    # the point lies in, else nothing (no point).
    n_ep = len(episodes)
    phrases = [h.phrase for h in hot] + [e["phrase"] for e in episodes]
    named = np.array([bool(p) for p in phrases] + [False] * 3, dtype=bool)
    where = np.where(
        named[kern_idx], kern_idx, np.where(area_idx >= 0, n_hot + n_ep + area_idx, -1)
    )
    where_phrases = [" " + p for p in phrases] + [" i " + name for name in geo.names]
    key = np.stack([cats, tmpl, pt_code, var, where + 1], axis=1)
    uniq, inv = np.unique(key, axis=0, return_inverse=True)
    texts = []
    for c, t, p, v, w in uniq.tolist():
        template = TEMPLATES.get(code_arr[c], ("",))[t]
        texts.append(
            template.format(
                plats=PLACE_PHRASES[pt_keys[p]][v], omr=where_phrases[w - 1] if w > 0 else ""
            )
        )
    return np.asarray(texts, dtype=object)[inv.reshape(-1)]


def _external_ids(result, orgs):
    """Unique ids for imported and API rows: <prefix>-<year>-<running number per org>."""
    n = len(result)
    out = np.array([""] * n, dtype=object)
    ext = np.flatnonzero(result.source != "manual")
    if len(ext) == 0:
        return out
    prefix = {o.id: (o.prefix or f"ORG{o.id}") for o in orgs}
    org = result.organisation_id[ext]
    src = result.source[ext]
    years = result.occurred_date[ext].astype("datetime64[Y]").astype(np.int64) + 1970
    counters: dict[tuple, int] = {}
    ids = []
    for o, s, y in zip(org.tolist(), src.tolist(), years.tolist(), strict=True):
        k = (o, s, y)
        counters[k] = counters.get(k, 0) + 1
        tag = "A" if s == "api" else "F"
        ids.append(f"{prefix[o]}-{tag}{y}-{counters[k]:06d}")
    out[ext] = ids
    return out


def _empty(codes):
    e = np.array([], dtype=object)
    return DemoIncidents(
        category_codes=codes,
        category=np.array([], dtype=np.int64),
        organisation_id=np.array([], dtype=np.int64),
        source=e,
        external_id=e,
        occurred_date=np.array([], dtype="datetime64[D]"),
        occurred_from=np.array([], dtype="datetime64[s]"),
        occurred_to=np.array([], dtype="datetime64[s]"),
        time_bucket=e,
        reported_at=np.array([], dtype="datetime64[s]"),
        lat=np.array([]),
        lon=np.array([]),
        area_id=np.array([], dtype=np.int64),
        kernel=e,
        place_type=e,
        description=e,
        people_count=np.array([], dtype=np.int64),
        age_group=e,
        police_notified=np.array([], dtype=np.int8),
        police_reference=e,
        needs_follow_up=np.array([], dtype=bool),
        label=e,
        status=e,
    )
