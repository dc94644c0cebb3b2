"""What a user of the demo would notice: volume, seasons, weekdays, hours, hotspots,
sharing labels, unknown times and places, statuses. Pure (no database)."""

import datetime as dt
import re

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from trygg.demo import generator

from .conftest import NOW, generate

pytestmark = pytest.mark.nodb

HOTSPOT_AREAS = ("Centrala Valsta", "Arenberga-Västra Norrbacka", "Östra Norrbacka", "Sätuna")


def month_day(data):
    d = data.occurred_date
    month = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (d - d.astype("datetime64[M]")).astype(np.int64) + 1
    return month, day


def local_hours(values):
    out = []
    for v in values.astype("datetime64[s]").astype(object):
        out.append(v.replace(tzinfo=dt.UTC).astimezone(generator.STOCKHOLM).hour)
    return np.array(out)


def test_a_few_thousand_incidents_a_year(sample):
    years = sample.occurred_date.astype("datetime64[Y]").astype(np.int64) + 1970
    for year in (2023, 2024, 2025):
        assert 3000 <= (years == year).sum() <= 5000
    assert set(np.unique(years).tolist()) == {2023, 2024, 2025, 2026}


def test_every_date_is_in_range_and_nothing_lies_in_the_future(sample):
    start, end = generator.demo_period(years=3, today=NOW.date())
    assert start == dt.date(2023, 1, 2)  # Monday of ISO week 1, 2023
    assert sample.occurred_date.min() >= np.datetime64(start)
    assert sample.occurred_date.max() <= np.datetime64(end)
    now = np.datetime64(NOW.astimezone(dt.UTC).replace(tzinfo=None), "s")
    known = ~np.isnat(sample.occurred_from)
    assert (sample.occurred_from[known] <= now).all()
    assert (sample.reported_at <= now).all()
    assert (sample.reported_at[known] >= sample.occurred_from[known]).all()
    ends = ~np.isnat(sample.occurred_to)
    assert (sample.occurred_to[ends] > sample.occurred_from[ends]).all()


def test_the_current_iso_week_has_incidents_and_they_are_mostly_new(sample):
    monday = np.datetime64(NOW.date() - dt.timedelta(days=NOW.weekday()))
    this_week = sample.occurred_date >= monday
    assert this_week.sum() >= 10
    assert (sample.status[this_week] == "new").mean() > 0.7
    older = sample.occurred_date < monday - 7
    assert (sample.status[older] == "reviewed").mean() > 0.7


def test_fireworks_concentrate_around_new_year(sample):
    month, day = month_day(sample)
    fireworks = sample.codes == "ORDNING.FYRVERKERI"
    around = ((month == 12) & (day >= 20)) | ((month == 1) & (day <= 6))
    assert around[fireworks].mean() > 0.4
    nye = (month == 12) & (day == 31)
    # New Year's Eve alone has more fireworks than all of June, July and August.
    summer = np.isin(month, [6, 7, 8])
    assert (fireworks & nye).sum() > (fireworks & summer).sum()


def test_more_youth_gatherings_and_illegal_riding_in_summer_than_in_winter(sample):
    month, _day = month_day(sample)
    summer, winter = np.isin(month, [6, 7, 8]), np.isin(month, [12, 1, 2])
    for code in ("ORDNING.UNGDOMSSAMLING", "TRAFIK.OLOVLIG"):
        rows = sample.codes == code
        assert (rows & summer).sum() > 2 * (rows & winter).sum(), code


def test_lighting_reports_follow_the_dark_season(sample):
    month, _day = month_day(sample)
    rows = sample.codes == "MILJO.BELYSNING"
    assert (rows & np.isin(month, [11, 12, 1])).sum() > 3 * (rows & np.isin(month, [5, 6, 7])).sum()


def test_valborg_and_new_years_eve_are_peaks_for_disorder(inputs):
    sample = generate(inputs, scale=5)  # a few days a year need more than scale 1 to show
    month, day = month_day(sample)
    rows = np.isin(sample.codes, ["ORDNING.BERUSNING", "ORDNING.BRAK", "VALD.MISSHANDEL"])
    n_days = len(np.unique(sample.occurred_date))
    average_day = rows.sum() / n_days
    for m, d, years, factor in ((4, 30, 4, 2.0), (12, 31, 3, 1.5)):
        per_day = (rows & (month == m) & (day == d)).sum() / years
        assert per_day > factor * average_day, (m, d)


def test_violence_at_night_and_at_weekends_youth_gatherings_in_the_evening(sample):
    known = ~np.isnat(sample.occurred_from)
    violence = (sample.codes == "VALD.MISSHANDEL") & known
    hours = local_hours(sample.occurred_from[violence])
    assert np.isin(hours, [20, 21, 22, 23, 0, 1, 2, 3]).mean() > 0.5
    weekday = (sample.occurred_date[sample.codes == "VALD.MISSHANDEL"].astype(np.int64) + 3) % 7
    assert np.isin(weekday, [4, 5, 6]).mean() > 0.5  # 3/7 if weekdays were alike
    gatherings = (sample.codes == "ORDNING.UNGDOMSSAMLING") & known
    hours = local_hours(sample.occurred_from[gatherings])
    assert ((hours >= 15) & (hours <= 23)).mean() > 0.6


def test_schools_report_on_school_days_only(sample, inputs):
    school = next(o.id for o in inputs["organisations"] if o.profile == "schools")
    rows = sample.organisation_id == school
    assert rows.sum() > 100
    weekday = (sample.occurred_date[rows].astype(np.int64) + 3) % 7
    assert (weekday < 5).all()
    month, _day = month_day(sample)
    assert (rows & (month == 7)).sum() == 0


def test_hotspot_areas_have_more_incidents_than_the_others(sample, inputs):
    names = {a.id: a.name for a in inputs["areas"]}
    ids, counts = np.unique(sample.area_id[sample.area_id >= 0], return_counts=True)
    by_name = {names[i]: c for i, c in zip(ids.tolist(), counts.tolist(), strict=True)}
    others = [c for n, c in by_name.items() if n not in HOTSPOT_AREAS]
    for name in HOTSPOT_AREAS:
        assert by_name[name] > 1.5 * np.median(others), name


def test_points_lie_in_their_area_and_some_incidents_have_no_point(sample, inputs):
    no_point = np.isnan(sample.lat)
    assert 0.02 < no_point.mean() < 0.1
    assert (sample.area_id[no_point] == -1).all()
    assert (sample.area_id[~no_point] >= 0).all()
    geometries = {a.id: shape(a.geometry) for a in inputs["areas"]}
    rows = np.flatnonzero(~no_point)[::50]
    for i in rows.tolist():
        point = shapely.Point(sample.lon[i], sample.lat[i])
        assert geometries[int(sample.area_id[i])].buffer(1e-6).contains(point)


def test_tlp_labels_are_mostly_green(sample):
    share = {label: (sample.label == label).mean() for label in generator.LABELS}
    assert share["GREEN"] > 0.7
    assert share["AMBER"] > share["AMBER+STRICT"] > share["RED"] > 0
    assert 0 < share["CLEAR"] < 0.1
    assert share["RED"] < 0.02


def test_about_one_in_seven_times_is_unknown(sample):
    unknown = np.isnat(sample.occurred_from)
    assert 0.1 < unknown.mean() < 0.2
    assert set(np.unique(sample.time_bucket[unknown]).tolist()) <= set(generator.TIME_BUCKETS)
    assert (sample.time_bucket[~unknown] == "").all()
    assert np.isnat(sample.occurred_to[unknown]).all()


def test_reporting_organisations_fit_the_categories(sample, inputs):
    profile = {o.id: o.profile for o in inputs["organisations"]}
    profiles = np.array([profile[i] for i in sample.organisation_id.tolist()])
    fires = np.char.startswith(sample.codes.astype(str), "BRAND.")
    assert (profiles[fires] == "rescue").mean() > 0.5
    gatherings = sample.codes == "ORDNING.UNGDOMSSAMLING"
    youth_work = np.isin(profiles[gatherings], ["field_workers", "youth_centres"])
    assert youth_work.mean() > 0.4
    schools = profiles == "schools"
    assert (sample.place_type[schools] == "school").mean() > 0.8
    housing = profiles == "housing"
    assert (
        np.isin(sample.place_type[housing], ["courtyard", "stairwell", "parking", ""]).mean() > 0.6
    )


def test_sources_are_mostly_the_form_and_never_the_police_feed(sample):
    share = {s: (sample.source == s).mean() for s in ("manual", "import", "api")}
    assert share["manual"] > 0.7 and share["import"] > 0 and share["api"] > 0
    assert "police_feed" not in set(sample.source.tolist())
    external = sample.external_id[sample.source != "manual"]
    assert len(set(external.tolist())) == len(external) and all(external)
    assert set(sample.external_id[sample.source == "manual"].tolist()) == {""}


def test_descriptions_are_swedish_sentences_without_personal_data(sample):
    texts = sample.description.tolist()
    assert all(t and t[0].isupper() and t.endswith(".") for t in texts)
    personal = re.compile(r"\d{6}|@|\+46|\b[A-Z]{3} ?\d{2}[A-Z0-9]\b")
    assert not any(personal.search(t) for t in set(texts))
    assert any("Valsta" in t for t in texts) and any("Märsta station" in t for t in texts)


def test_vocabularies_match_the_incident_model():
    from trygg.incidents.models import AgeGroup, Label, PlaceType, Source, Status, TimeBucket

    assert set(generator.PLACE_TYPES) == set(PlaceType.values)
    assert set(generator.AGE_GROUPS) == set(AgeGroup.values)
    assert set(generator.LABELS) == set(Label.values)
    assert set(generator.SOURCES) < set(Source.values)
    assert set(generator.TIME_BUCKETS) == set(TimeBucket.values)
    from trygg.demo.profiles import STATUSES

    assert set(STATUSES) == set(Status.values)
