"""A partnership with Sigtuna's real areas and a helper to place incidents in it."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from trygg.geo.models import Area, FocusArea
from trygg.geo.services import setup_sigtuna_demo_geography
from trygg.incidents import rollup
from trygg.incidents.models import Category, Incident, Label, Source
from trygg.situation.periods import Period

# A week long over, so that it can be approved whatever day the tests run.
WEEK = Period.from_key("2026-W40")


@pytest.fixture
def sigtuna(world):
    setup_sigtuna_demo_geography(actor=None, partnership=world.p)
    regso = {a.name: a for a in Area.objects.filter(partnership=world.p, kind=Area.Kind.REGSO)}
    focus = {f.name: f for f in FocusArea.objects.filter(partnership=world.p)}
    districts = {
        a.name: a for a in Area.objects.filter(partnership=world.p, kind=Area.Kind.DISTRICT)
    }
    world.sigtuna = SimpleNamespace(regso=regso, focus=focus, districts=districts)
    return world


def centre_of(area):
    from shapely.geometry import shape

    point = shape(area.geometry).representative_point()
    return point.y, point.x


def add_incidents(
    world,
    *,
    area,
    day,
    n=1,
    category="VALD.HOT",
    organisation=None,
    reporter=None,
    label=Label.GREEN,
    source=Source.MANUAL,
    located=True,
    hour=21,
    recipients=(),
    description="",
    positions=None,
):
    """``n`` incidents on ``day`` in ``area`` (at its representative point when located),
    written straight to the table; call ``refresh_rollup`` after adding."""
    lat, lon = centre_of(area) if located and area.geometry else (None, None)
    occurred = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))
    created = []
    for i in range(n):
        incident = Incident.objects.create(
            partnership=world.p,
            organisation=organisation or world.org_a,
            reported_by=reporter or world.users["reporter"],
            source=source,
            category=Category.objects.get(code=category),
            occurred_from=occurred,
            occurred_date=day,
            reported_at=occurred + datetime.timedelta(hours=1),
            lat=positions[i][0] if positions else None if lat is None else lat + i * 1e-5,
            lon=positions[i][1] if positions else lon,
            area=area,
            label=label,
            description=description,
        )
        if recipients:
            incident.recipients.set(recipients)
        created.append(incident)
    return created


def refresh_rollup(world):
    rollup.rebuild([world.p.pk])


def random_positions(area, n, rng):
    """``n`` uniformly random (lat, lon) inside ``area``."""
    from shapely.geometry import Point, shape

    geometry = shape(area.geometry)
    minx, miny, maxx, maxy = geometry.bounds
    found = []
    while len(found) < n:
        lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if geometry.contains(Point(lon, lat)):
            found.append((lat, lon))
    return found


def cluster_positions(area, n, rng, radius_m=150):
    """``n`` (lat, lon) within ``radius_m`` of the area's representative point."""
    import math

    lat0, lon0 = centre_of(area)
    found = []
    for _ in range(n):
        r = radius_m * math.sqrt(rng.random())
        a = rng.uniform(0, 2 * math.pi)
        found.append(
            (
                lat0 + r * math.sin(a) / 111_320,
                lon0 + r * math.cos(a) / (111_320 * math.cos(math.radians(lat0))),
            )
        )
    return found
