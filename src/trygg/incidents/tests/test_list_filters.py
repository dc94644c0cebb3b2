"""The incident list's filters, sorting, pagination and the map of the same selection."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trygg.geo.models import Area, FocusArea
from trygg.incidents.models import Category, Incident, Label, Source, Status
from trygg.testing import SQUARE


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def add_areas(world):
    """Sigtuna > district Märsta > (Centrala Märsta, Märstadal); Rosersberg directly under."""
    district = Area.objects.create(
        partnership=world.p,
        kind=Area.Kind.DISTRICT,
        code="D1",
        name="Märsta",
        parent=world.area_p,
        geometry=SQUARE,
    )

    def regso(code, name, parent):
        return Area.objects.create(
            partnership=world.p,
            kind=Area.Kind.REGSO,
            code=code,
            name=name,
            parent=parent,
            geometry=SQUARE,
        )

    return (
        district,
        regso("R1", "Centrala Märsta", district),
        regso("R2", "Märstadal", district),
        regso("R3", "Rosersberg", world.area_p),
    )


def add(
    world,
    description,
    *,
    area=None,
    category="ORDNING.BRAK",
    organisation=None,
    day=None,
    label=Label.GREEN,
    source=Source.MANUAL,
    status=Status.NEW,
    withdrawn=False,
    lat=None,
    lon=None,
):
    return Incident.objects.create(
        partnership=world.p,
        organisation=organisation or world.org_a,
        reported_by=world.users["reporter"],
        source=source,
        category=Category.objects.get(code=category),
        occurred_date=day or timezone.localdate(),
        reported_at=timezone.now(),
        area=area or world.area_p,
        description=description,
        label=label,
        status=status,
        withdrawn_at=timezone.now() if withdrawn else None,
        lat=lat,
        lon=lon,
    )


def shown(client, **params):
    html = client.get(reverse("incidents:list"), params).content.decode()
    return html


@pytest.fixture
def sample(world):
    district, centrala, marstadal, rosersberg = add_areas(world)
    focus = FocusArea.objects.create(partnership=world.p, name="Märsta norra")
    focus.areas.add(marstadal)
    today = timezone.localdate()
    add(world, "i-centrala", area=centrala, category="VALD.HOT")
    add(world, "i-marstadal", area=marstadal, category="VALD.MISSHANDEL", organisation=world.org_b)
    add(
        world,
        "i-rosersberg",
        area=rosersberg,
        category="SKADA.KLOTTER",
        day=today - datetime.timedelta(days=40),
        source=Source.IMPORT,
        status=Status.REVIEWED,
    )
    add(world, "i-kommun", category="BRAND.ANLAGD", organisation=world.unit_a1, label=Label.CLEAR)
    add(world, "i-aterkallad", area=centrala, withdrawn=True)
    world.areas = {
        "district": district,
        "centrala": centrala,
        "marstadal": marstadal,
        "rosersberg": rosersberg,
    }
    world.focus = focus
    return world


ALL_ACTIVE = {"i-centrala", "i-marstadal", "i-rosersberg", "i-kommun"}
MARKERS = ALL_ACTIVE | {"i-aterkallad"}


def markers(html):
    return {m for m in MARKERS if m in html}


@pytest.mark.django_db
def test_no_filter_shows_every_visible_active_incident(sample):
    client = client_for(sample.users["coordinator"])
    assert markers(shown(client)) == ALL_ACTIVE
    assert markers(shown(client, aterkallade="on")) == MARKERS


@pytest.mark.django_db
def test_area_filter_district_focus_area_regso_and_root(sample):
    client = client_for(sample.users["coordinator"])
    a = sample.areas
    assert markers(shown(client, omrade=f"a{a['district'].pk}")) == {"i-centrala", "i-marstadal"}
    assert markers(shown(client, omrade=f"a{a['centrala'].pk}")) == {"i-centrala"}
    assert markers(shown(client, omrade=f"f{sample.focus.pk}")) == {"i-marstadal"}
    assert markers(shown(client, omrade=f"a{sample.area_p.pk}")) == ALL_ACTIVE
    # a focus area made of a district covers the district's RegSO areas too
    sample.focus.areas.set([a["district"]])
    assert markers(shown(client, omrade=f"f{sample.focus.pk}")) == {"i-centrala", "i-marstadal"}


@pytest.mark.django_db
def test_category_group_and_category(sample):
    client = client_for(sample.users["coordinator"])
    group = Category.objects.get(code="VALD")
    hot = Category.objects.get(code="VALD.HOT")
    assert markers(shown(client, kategori=group.pk)) == {"i-centrala", "i-marstadal"}
    assert markers(shown(client, kategori=hot.pk)) == {"i-centrala"}


@pytest.mark.django_db
def test_organisation_includes_its_units(sample):
    client = client_for(sample.users["coordinator"])
    assert markers(shown(client, organisation=sample.org_b.pk)) == {"i-marstadal"}
    assert markers(shown(client, organisation=sample.org_a.pk)) == {
        "i-centrala",
        "i-rosersberg",
        "i-kommun",
    }
    assert markers(shown(client, organisation=sample.unit_a1.pk)) == {"i-kommun"}


@pytest.mark.django_db
def test_source_label_status_and_period(sample):
    client = client_for(sample.users["coordinator"])
    today = timezone.localdate()
    assert markers(shown(client, kalla="import")) == {"i-rosersberg"}
    assert markers(shown(client, tlp="CLEAR")) == {"i-kommun"}
    assert markers(shown(client, status="reviewed")) == {"i-rosersberg"}
    since = (today - datetime.timedelta(days=7)).isoformat()
    assert markers(shown(client, fran=since)) == ALL_ACTIVE - {"i-rosersberg"}
    old = (today - datetime.timedelta(days=40)).isoformat()
    assert markers(shown(client, fran=old, till=old)) == {"i-rosersberg"}
    year, week, _ = (today - datetime.timedelta(days=40)).isocalendar()
    assert markers(shown(client, vecka=f"{year}-W{week:02d}")) == {"i-rosersberg"}


@pytest.mark.django_db
def test_filters_never_widen_visibility(sample):
    add(sample, "i-strikt-b", organisation=sample.org_b, label=Label.AMBER_STRICT)
    client = client_for(sample.users["coordinator"])
    assert "i-strikt-b" not in shown(client, tlp="AMBER+STRICT")
    assert "i-strikt-b" not in shown(client, organisation=sample.org_b.pk, aterkallade="on")


@pytest.mark.django_db
def test_bad_input_shows_govuk_errors_and_keeps_the_rest(sample):
    client = client_for(sample.users["coordinator"])
    html = shown(client, fran="2026-13-45", omrade="a999999", kalla="import")
    assert "Det finns ett problem" in html
    assert "Ange datumet som ÅÅÅÅ-MM-DD." in html
    assert "Välj ett alternativ i listan." in html
    assert 'href="#filter-fran"' in html and 'href="#filter-omrade"' in html
    assert markers(html) == {"i-rosersberg"}  # the valid part of the filter still applies
    html = shown(client, fran="2026-11-20", till="2026-11-01")
    assert "Slutdatumet måste vara samma dag som eller efter startdatumet." in html
    html = shown(client, vecka="2026-W47", fran="2026-11-01")
    assert "Välj antingen en vecka eller en period, inte båda." in html


@pytest.mark.django_db
def test_another_partnerships_areas_are_no_choice(sample):
    other = Area.objects.create(
        partnership=sample.q, kind=Area.Kind.REGSO, code="Q1", name="Q-område", parent=sample.area_q
    )
    html = shown(client_for(sample.users["coordinator"]), omrade=f"a{other.pk}")
    assert "Välj ett alternativ i listan." in html
    assert "Q-område" not in html


@pytest.mark.django_db
def test_sorting_by_whitelisted_columns(sample):
    client = client_for(sample.users["coordinator"])

    def order(sort):
        html = shown(client, sort=sort)
        return sorted(ALL_ACTIVE, key=html.index)

    assert order("omrade") == ["i-centrala", "i-marstadal", "i-rosersberg", "i-kommun"]
    assert order("-omrade") == ["i-kommun", "i-rosersberg", "i-marstadal", "i-centrala"]
    assert order("datum")[0] == "i-rosersberg"
    assert order("-datum")[-1] == "i-rosersberg"
    by_category = order("kategori")
    labels = [Incident.objects.get(description=d).category.label_sv for d in by_category]
    assert labels == sorted(labels)
    assert order("organisation")[-1] == "i-marstadal"  # Organisation A (+ unit) before B
    # anything else falls back to the default (newest first) instead of reaching order_by
    assert order("description") == order("-datum")
    html = shown(client, sort="omrade")
    assert 'aria-sort="ascending"' in html and "sort=-omrade" in html


@pytest.mark.django_db
def test_pagination_keeps_filter_and_sort(sample):
    for i in range(55):
        add(sample, f"sida-{i}", area=sample.areas["rosersberg"])
    client = client_for(sample.users["coordinator"])
    area = f"a{sample.areas['rosersberg'].pk}"
    html = shown(client, omrade=area, sort="datum")
    assert "56 händelser" in html
    assert f"omrade={area}&amp;sort=datum&amp;sida=2" in html
    page2 = shown(client, omrade=area, sort="datum", sida=2)
    assert "i-centrala" not in page2


@pytest.mark.django_db
def test_map_page_and_points_of_the_selection(sample):
    add(sample, "punkt-synlig", lat=59.62, lon=17.85, area=sample.areas["centrala"])
    add(
        sample,
        "punkt-strikt-b",
        lat=59.63,
        lon=17.86,
        organisation=sample.org_b,
        label=Label.AMBER_STRICT,
    )
    add(
        sample,
        "punkt-gammal",
        lat=59.63,
        lon=17.86,
        day=timezone.localdate() - datetime.timedelta(weeks=30),
    )
    client = client_for(sample.users["coordinator"])
    html = client.get(reverse("incidents:map")).content.decode()
    assert 'id="incident-map"' in html and "Visa samma urval som tabell" in html
    data = client.get(reverse("incidents:map_geojson")).json()
    ids = {f["properties"]["id"] for f in data["features"]}
    assert ids == {Incident.objects.get(description="punkt-synlig").pk}
    assert data["truncated"] is False
    feature = data["features"][0]
    assert feature["geometry"]["coordinates"] == [17.85, 59.62]
    assert "description" not in feature["properties"]
    # the same filter as the list
    other = client.get(
        reverse("incidents:map_geojson"), {"omrade": f"a{sample.areas['rosersberg'].pk}"}
    ).json()
    assert other["features"] == []


@pytest.mark.django_db
def test_map_refuses_more_than_17_weeks(sample):
    client = client_for(sample.users["coordinator"])
    params = {"fran": "2026-01-01", "till": "2026-06-30"}
    response = client.get(reverse("incidents:map_geojson"), params)
    assert response.status_code == 400
    html = client.get(reverse("incidents:map"), params).content.decode()
    assert "Kartan visar högst 17 veckor åt gången." in html
    ok = client.get(
        reverse("incidents:map_geojson"), {"fran": "2026-01-01", "till": "2026-04-29"}
    )  # 119 days
    assert ok.status_code == 200


@pytest.mark.django_db
def test_map_caps_the_number_of_points(sample, monkeypatch):
    from trygg.incidents import views

    monkeypatch.setattr(views, "MAP_MAX_POINTS", 2)
    for i in range(3):
        add(sample, f"p{i}", lat=59.62, lon=17.85)
    data = client_for(sample.users["coordinator"]).get(reverse("incidents:map_geojson")).json()
    assert len(data["features"]) == 2 and data["truncated"] is True
