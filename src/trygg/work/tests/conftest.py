"""Sigtuna's real areas in partnership P, and incidents written straight to the table."""

import datetime as dt

import pytest
from django.utils import timezone

from trygg.geo.models import Area, FocusArea
from trygg.geo.services import setup_sigtuna_demo_geography
from trygg.incidents import rollup
from trygg.incidents.models import Category, Incident, Label, Source


@pytest.fixture
def sigtuna(world):
    setup_sigtuna_demo_geography(actor=None, partnership=world.p)
    world.regso = {
        a.name: a for a in Area.objects.filter(partnership=world.p, kind=Area.Kind.REGSO)
    }
    world.focus = {f.name: f for f in FocusArea.objects.filter(partnership=world.p)}
    return world


def add_incidents(world, *, area, day, n=1, category="VALD.HOT", label=Label.GREEN):
    occurred = timezone.make_aware(dt.datetime.combine(day, dt.time(21)))
    category = Category.objects.get(code=category)
    for _ in range(n):
        Incident.objects.create(
            partnership=world.p,
            organisation=world.org_a,
            reported_by=world.users["reporter"],
            source=Source.MANUAL,
            category=category,
            occurred_from=occurred,
            occurred_date=day,
            reported_at=occurred + dt.timedelta(hours=1),
            area=area,
            label=label,
        )


def refresh_rollup(world):
    rollup.rebuild([world.p.pk])
