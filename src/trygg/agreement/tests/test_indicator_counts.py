"""Each computed indicator equals an independent count on the incident table for the same
definition, not through the rollup: plain Python over every incident row."""

import datetime as dt
from decimal import Decimal

import pytest

from trygg.agreement import services
from trygg.agreement.indicators import indicator_series
from trygg.agreement.models import Indicator
from trygg.incidents.models import Category, Incident
from trygg.situation.periods import Period

from .conftest import make_incidents

pytestmark = pytest.mark.django_db

# Written out here from DESIGN.md §9, not taken from the code under test.
PUBLIC = {"street", "park", "station", "sports", "parking"}
SEMI_PUBLIC = {"centre", "school", "youth_centre", "stairwell", "courtyard"}


def place_class(place_type):
    if place_type in PUBLIC:
        return "public"
    if place_type in SEMI_PUBLIC:
        return "semi_public"
    if place_type == "other":
        return "other"
    return "unknown"


def independent_counts(world, *, codes, area_ids, place_classes, age_groups, kind, start, end):
    """{period key: count} straight from the incident rows."""
    counts = {}
    for incident in Incident.objects.select_related("category", "category__parent"):
        if incident.partnership_id != world.p.pk:
            continue
        if incident.withdrawn_at is not None or incident.duplicate_of_id is not None:
            continue
        category = incident.category
        if category.code not in codes and (
            category.parent is None or category.parent.code not in codes
        ):
            continue
        if area_ids is not None and incident.area_id not in area_ids:
            continue
        if place_classes and place_class(incident.place_type) not in place_classes:
            continue
        if age_groups and incident.age_group not in age_groups:
            continue
        if not start <= incident.occurred_date <= end:
            continue
        key = Period.containing(kind, incident.occurred_date).key
        counts[key] = counts.get(key, 0) + 1
    return counts


def make_indicator(world, **fields):
    return services.save_indicator(
        actor=world.coordinator, partnership=world.p, goal=world.goal, **fields
    )


@pytest.fixture
def data(agreement_world):
    w = agreement_world
    leaves = [w.r1, w.r2, w.r3, w.area_p]
    make_incidents(w, leaves)
    return w


def compare(world, indicator, *, codes, area_ids, place_classes=(), age_groups=()):
    series = indicator_series(indicator)
    assert series["periods"], "the series has periods"
    first, last = series["periods"][0], series["periods"][-1]
    expected = independent_counts(
        world,
        codes=codes,
        area_ids=area_ids,
        place_classes=set(place_classes),
        age_groups=set(age_groups),
        kind=indicator.resolution,
        start=first["start"],
        end=last["end"],
    )
    got = {row["key"]: row["count"] for row in series["periods"]}
    assert got == {key: expected.get(key, 0) for key in got}
    assert sum(got.values()) == sum(expected.values()) > 0
    return series


def test_public_place_indicator_in_a_district_per_month(data):
    w = data
    codes = ["VALD.HOT", "VALD.MISSHANDEL", "NARK.BRUK"]
    indicator = make_indicator(
        w,
        name="Otrygghetsskapande händelser i Valsta",
        kind="computed",
        categories=Category.objects.filter(code__in=codes),
        areas=[w.district],
        place_classes=["public", "semi_public"],
        resolution="month",
        baseline_start=dt.date(2024, 1, 1),
        baseline_end=dt.date(2024, 12, 31),
    )
    series = compare(
        w,
        indicator,
        codes=set(codes),
        area_ids={w.r1.pk, w.r2.pk},
        place_classes={"public", "semi_public"},
    )
    # The baseline: the mean per month over 2024's twelve months, from the same counts.
    in_2024 = [r["count"] for r in series["periods"] if r["key"].startswith("2024-")]
    assert series["baseline"]["periods"] == 12
    assert series["baseline"]["value"] == round(sum(in_2024) / 12, 2)
    assert series["periods"][-1]["complete"] is False  # November 2026 is still going on


def test_a_group_means_its_categories_and_the_municipality_means_everything(data):
    w = data
    indicator = make_indicator(
        w,
        name="Våld i hela kommunen",
        kind="computed",
        categories=[Category.objects.get(code="VALD", partnership=None)],
        areas=[w.area_p],
        resolution="tertial",
    )
    compare(w, indicator, codes={"VALD"}, area_ids=None)


def test_no_area_means_the_whole_municipality_per_week(data):
    w = data
    indicator = make_indicator(
        w,
        name="Narkotika per vecka",
        kind="computed",
        categories=Category.objects.filter(code="NARK.BRUK"),
        resolution="week",
    )
    compare(w, indicator, codes={"NARK.BRUK"}, area_ids=None)


def test_the_youth_indicator_counts_the_youth_age_group_only(data):
    w = data
    indicator = make_indicator(
        w,
        name="Ungdomsrelaterade rapporter",
        kind="computed",
        categories=Category.objects.filter(code__in=["VALD.HOT", "SOCIAL.NATVERK"]),
        age_groups=["youth"],
        resolution="tertial",
    )
    compare(w, indicator, codes={"VALD.HOT", "SOCIAL.NATVERK"}, area_ids=None, age_groups={"youth"})


def test_a_rate_per_1000_inhabitants_uses_that_years_population_of_the_same_areas(data):
    w = data
    for area, by_year in ((w.r1, (2000, 2100, 2200)), (w.r2, (3000, 3100, 3300))):
        for year, population in zip((2024, 2025, 2026), by_year, strict=True):
            services.set_population(
                actor=w.coordinator, partnership=w.p, area=area, year=year, population=population
            )
    indicator = make_indicator(
        w,
        name="Händelser per 1 000 invånare i Valsta",
        kind="computed",
        metric="rate",
        categories=Category.objects.filter(code__in=["VALD.HOT", "STOLD.STOLD"]),
        areas=[w.r1, w.r2],
        resolution="year",
    )
    series = compare(w, indicator, codes={"VALD.HOT", "STOLD.STOLD"}, area_ids={w.r1.pk, w.r2.pk})
    populations = {"2024": 5000, "2025": 5200, "2026": 5500}
    for row in series["periods"]:
        assert row["population"] == populations[row["key"]]
        assert row["value"] == round(row["count"] / populations[row["key"]] * 1000, 2)


def test_a_missing_population_gives_no_rate_and_says_so(data):
    w = data
    services.set_population(
        actor=w.coordinator, partnership=w.p, area=w.r1, year=2025, population=2000
    )
    indicator = make_indicator(
        w,
        name="Per 1 000 i Valsta",
        kind="computed",
        metric="rate",
        categories=Category.objects.filter(code="VALD.HOT"),
        areas=[w.district],
        resolution="year",
    )
    series = indicator_series(indicator)
    assert all(row["value"] is None for row in series["periods"])  # Västra Valsta is missing
    assert any("Folkmängd saknas för 2025, 2026" in note for note in series["notes"])
    services.set_population(
        actor=w.coordinator, partnership=w.p, area=w.district, year=2025, population=5100
    )
    row = {r["key"]: r for r in indicator_series(indicator)["periods"]}["2025"]
    assert row["population"] == 5100  # the district's own figure
    assert row["value"] == round(row["count"] / 5100 * 1000, 2)


def test_a_viewer_sees_small_counts_as_under_five(agreement_world):
    w = agreement_world
    make_incidents(
        w,
        [w.r1],
        n=3,
        start=dt.date(2026, 3, 2),
        end=dt.date(2026, 3, 3),
        withdrawn=0,
        duplicates=0,
    )
    indicator = make_indicator(
        w,
        name="Få händelser",
        kind="computed",
        categories=Category.objects.filter(
            code__in=["VALD.HOT", "VALD.MISSHANDEL", "NARK.BRUK", "STOLD.STOLD", "SOCIAL.NATVERK"]
        ),
        resolution="month",
    )
    exact = {
        r["key"]: r for r in indicator_series(indicator, user=w.users["coordinator"])["periods"]
    }
    hidden = {r["key"]: r for r in indicator_series(indicator, user=w.users["viewer"])["periods"]}
    assert exact["2026-03"]["count"] == 3
    assert hidden["2026-03"]["display"] == "<5" and hidden["2026-03"]["count"] is None
    assert hidden["2026-04"]["display"] == 0


def test_manual_values_are_the_entered_values(agreement_world):
    w = agreement_world
    indicator = make_indicator(
        w,
        name="Trygghet",
        kind="manual",
        unit="andel trygga, %",
        resolution="year",
        baseline_start=dt.date(2025, 1, 1),
        baseline_end=dt.date(2025, 12, 31),
        target_direction="increase",
        target_value="75",
    )
    services.record_indicator_value(
        actor=w.coordinator,
        partnership=w.p,
        indicator=indicator,
        day=dt.date(2025, 6, 1),
        value="70,5",
    )
    services.record_indicator_value(
        actor=w.coordinator, partnership=w.p, indicator=indicator, period_key="2026", value="74"
    )
    series = indicator_series(indicator)
    assert [(r["key"], r["value"]) for r in series["periods"]] == [
        ("2025", Decimal("70.50")),
        ("2026", Decimal("74.00")),
    ]
    assert series["baseline"]["value"] == 70.5
    assert series["target"]["value"] == Decimal("75.00")
    assert indicator.kind == Indicator.Kind.MANUAL


def test_periods_before_the_first_report_have_no_data_rather_than_zero(agreement_world):
    w = agreement_world
    make_incidents(
        w,
        [w.r1],
        n=30,
        start=dt.date(2025, 3, 10),
        end=dt.date(2025, 9, 1),
        withdrawn=0,
        duplicates=0,
    )
    indicator = make_indicator(
        w,
        name="Alla händelser",
        kind="computed",
        categories=Category.objects.filter(code__in=["VALD.HOT", "VALD.MISSHANDEL"]),
        resolution="month",
    )
    series = indicator_series(indicator, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    rows = {r["key"]: r for r in series["periods"]}
    assert rows["2025-01"]["value"] is None and rows["2025-01"]["display"] == "inga uppgifter"
    assert rows["2025-02"]["value"] is None
    assert rows["2025-03"]["value"] is not None  # the first report's month counts
    assert rows["2025-11"]["value"] == 0  # after the first report, none is a real zero
    assert any("inga rapporter före 2025-" in note for note in series["notes"])


def test_a_viewer_gets_no_baseline_mean_that_would_give_a_hidden_count_away(agreement_world):
    w = agreement_world
    # Twelve baseline months of 10, 10, ... and one month of 2.
    leaf = w.r1
    hot = Category.objects.get(code="VALD.HOT")
    for month in range(1, 13):
        n = 2 if month == 6 else 10
        for i in range(n):
            Incident.objects.create(
                partnership=w.p,
                organisation=w.org_a,
                reported_by=w.users["reporter"],
                source="manual",
                category=hot,
                occurred_date=dt.date(2024, month, 1 + i),
                reported_at=dt.datetime(2024, month, 28, tzinfo=dt.UTC),
                area=leaf,
            )
    from trygg.incidents import rollup

    rollup.rebuild([w.p.pk])
    indicator = make_indicator(
        w,
        name="Hot",
        kind="computed",
        categories=Category.objects.filter(code="VALD.HOT"),
        resolution="month",
        baseline_start=dt.date(2024, 1, 1),
        baseline_end=dt.date(2024, 12, 31),
    )
    exact = indicator_series(indicator, user=w.users["coordinator"], start=dt.date(2024, 1, 1))
    assert exact["baseline"]["value"] == pytest.approx(112 / 12, abs=0.005)
    seen = indicator_series(indicator, user=w.users["viewer"], start=dt.date(2024, 1, 1))
    shown = [r["value"] for r in seen["periods"] if r["in_baseline"]]
    assert shown.count(None) == 1  # June's 2 is "<5"
    assert seen["baseline"]["value"] is None
    assert any("Jämförelsevärdet visas inte" in note for note in seen["notes"])
