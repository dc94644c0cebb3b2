"""The police's published events on the incident map: counts per area, never points."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from shapely.geometry import Point, shape

from trygg.core.models import Organisation, Participation
from trygg.geo.models import Area
from trygg.geo.services import setup_sigtuna_demo_geography
from trygg.incidents.models import Category, Incident, Label, Source, Status

UNKNOWN = "Position okänd (hela kommunen)"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def police(world, area, *, day=None, n=1, category="ORDNING.BRAK", **extra):
    organisation, _created = Organisation.objects.get_or_create(
        name="Polisen, publicerade händelser",
        parent=None,
        defaults={"kind": Organisation.Kind.SYSTEM},
    )
    Participation.objects.get_or_create(partnership=world.p, organisation=organisation)
    day = day or timezone.localdate() - datetime.timedelta(days=2)
    return [
        Incident.objects.create(
            partnership=world.p,
            organisation=organisation,
            source=Source.POLICE_FEED,
            category=Category.objects.get(code=category),
            occurred_date=day,
            reported_at=timezone.now(),
            area=area,
            label=Label.CLEAR,
            status=Status.REVIEWED,
            **extra,
        )
        for _ in range(n)
    ]


@pytest.fixture
def sigtuna(world):
    setup_sigtuna_demo_geography(actor=None, partnership=world.p)
    first, second = Area.objects.filter(partnership=world.p, kind=Area.Kind.REGSO).order_by("code")[
        :2
    ]
    today = timezone.localdate()
    police(world, first, n=3)
    police(world, second, category="VALD.HOT")
    police(world, world.area_p, n=2)  # no place named: the whole municipality
    police(world, first, day=today - datetime.timedelta(weeks=30))  # outside the window
    police(world, first, withdrawn_at=timezone.now())
    report = Incident.objects.create(
        partnership=world.p,
        organisation=world.org_a,
        reported_by=world.users["reporter"],
        source=Source.MANUAL,
        category=Category.objects.get(code="ORDNING.BRAK"),
        occurred_date=today - datetime.timedelta(days=2),
        reported_at=timezone.now(),
        area=second,
        label=Label.GREEN,
        lat=59.62,
        lon=17.85,
    )
    police(world, second, duplicate_of=report)  # linked to the partner's report
    world.regso = (first, second)
    world.report = report
    return world


def geojson(user, **params):
    response = client_for(user).get(reverse("incidents:map_geojson"), params)
    assert response.status_code == 200
    return response.json()


def counts(data):
    return {row["area"]: row["count"] for row in data["police_by_area"]}


@pytest.mark.django_db
def test_police_events_are_counted_per_area_never_as_points(sigtuna):
    first, second = sigtuna.regso
    data = geojson(sigtuna.users["coordinator"])
    # the points are what they were: the partner's report only
    assert [f["properties"]["id"] for f in data["features"]] == [sigtuna.report.pk]
    # withdrawn, linked and out-of-window events are not counted
    assert counts(data) == {first.name: 3, second.name: 1, UNKNOWN: 2}
    assert data["police_by_area"][-1] == {"area": UNKNOWN, "count": 2, "lat": None, "lon": None}
    for row, area in zip(data["police_by_area"][:2], (first, second), strict=True):
        assert shape(area.geometry).contains(Point(row["lon"], row["lat"]))


@pytest.mark.django_db
def test_police_counts_follow_the_filter_and_the_window(sigtuna):
    first, second = sigtuna.regso
    user = sigtuna.users["analyst"]
    assert counts(geojson(user, omrade=f"a{first.pk}")) == {first.name: 3}
    assert counts(geojson(user, kalla=Source.MANUAL)) == {}
    assert counts(geojson(user, kalla=Source.POLICE_FEED)) == {
        first.name: 3,
        second.name: 1,
        UNKNOWN: 2,
    }
    assert counts(geojson(user, kategori=str(Category.objects.get(code="VALD.HOT").pk))) == {
        second.name: 1
    }
    old = timezone.localdate() - datetime.timedelta(weeks=30)
    assert counts(geojson(user, fran=old.isoformat(), till=old.isoformat())) == {first.name: 1}
    # showing withdrawn reports does not make withdrawn police events count
    assert counts(geojson(user, aterkallade="on"))[first.name] == 3


@pytest.mark.django_db
def test_another_partnership_sees_none_of_the_counts(sigtuna):
    user = sigtuna.users["other_partnership_coordinator"]
    assert geojson(user)["police_by_area"] == []
    html = client_for(user).get(reverse("incidents:map")).content.decode()
    assert "Inga av polisens publicerade händelser finns i urvalet under perioden." in html
    assert "Polisens publicerade händelser per område" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["viewer", "auditor"])
def test_roles_without_details_get_what_the_map_gives_them(sigtuna, role):
    client = client_for(sigtuna.users[role])
    assert client.get(reverse("incidents:map")).status_code == 403
    assert client.get(reverse("incidents:map_geojson")).status_code == 403


@pytest.mark.django_db
def test_the_page_shows_the_counts_as_a_table(sigtuna):
    first, second = sigtuna.regso
    client = client_for(sigtuna.users["reporter"])
    html = client.get(reverse("incidents:map")).content.decode()
    assert "Polisens publicerade händelser per område</caption>" in html
    assert '<th scope="col">Område</th>' in html
    assert '<th scope="col" class="num">Antal</th>' in html
    rows = [
        f'<th scope="row">{escape(first.name)}</th>\n          <td class="num">3</td>',
        f'<th scope="row">{escape(second.name)}</th>\n          <td class="num">1</td>',
        f'<th scope="row">{UNKNOWN}</th>\n          <td class="num">2</td>',
    ]
    positions = [html.index(row) for row in rows]
    assert positions == sorted(positions)  # the most first, the whole municipality last
    # the same filter as the map
    html = client.get(reverse("incidents:map"), {"kalla": Source.MANUAL}).content.decode()
    assert "Inga av polisens publicerade händelser finns i urvalet under perioden." in html
    # no table when the map refuses the period
    html = client.get(
        reverse("incidents:map"), {"fran": "2026-01-01", "till": "2026-06-30"}
    ).content.decode()
    assert "Polisens publicerade händelser per område" not in html
    assert "Inga av polisens publicerade händelser" not in html
