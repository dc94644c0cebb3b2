"""A small world for the agreement tests: areas (a district with two RegSO areas, a third
RegSO area, the municipality), an agreement with a priority and a goal, and incidents in
several areas, categories, place types and age groups, some withdrawn or duplicates."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from trygg.agreement import services
from trygg.geo.models import Area
from trygg.incidents import rollup
from trygg.incidents.models import Category, Incident, Source

TODAY = dt.date(2026, 11, 26)
PLACE_TYPES = ["street", "park", "centre", "stairwell", "other", ""]
AGE_GROUPS = ["children", "youth", "adults", "unknown"]
CODES = ["VALD.HOT", "VALD.MISSHANDEL", "NARK.BRUK", "STOLD.STOLD", "SOCIAL.NATVERK"]


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    return TODAY


def make_areas(world):
    p = world.p
    district = Area.objects.create(
        partnership=p, kind=Area.Kind.DISTRICT, code="D1", name="Valsta", parent=world.area_p
    )
    r1 = Area.objects.create(
        partnership=p,
        kind=Area.Kind.REGSO,
        code="0191R005",
        name="Centrala Valsta",
        parent=district,
    )
    r2 = Area.objects.create(
        partnership=p, kind=Area.Kind.REGSO, code="0191R021", name="Västra Valsta", parent=district
    )
    r3 = Area.objects.create(
        partnership=p,
        kind=Area.Kind.REGSO,
        code="0191R004",
        name="Centrala Märsta",
        parent=world.area_p,
    )
    return district, r1, r2, r3


def make_incidents(
    world,
    leaves,
    *,
    n=400,
    seed=7,
    start=dt.date(2024, 1, 1),
    end=TODAY,
    withdrawn=20,
    duplicates=15,
):
    """Random incidents (directly, then the rollup rebuilt), some withdrawn or duplicates."""
    rng = random.Random(seed)
    categories = {c.code: c for c in Category.objects.filter(code__in=CODES, partnership=None)}
    span = (end - start).days
    created = []
    now = timezone.now()
    for i in range(n):
        incident = Incident.objects.create(
            partnership=world.p,
            organisation=rng.choice([world.org_a, world.org_b]),
            reported_by=world.users["reporter"],
            source=rng.choice([Source.MANUAL, Source.IMPORT]),
            category=categories[rng.choice(CODES)],
            occurred_date=start + dt.timedelta(days=rng.randrange(span + 1)),
            reported_at=now,
            area=rng.choice(leaves),
            place_type=rng.choice(PLACE_TYPES),
            age_group=rng.choice(AGE_GROUPS),
            description=f"händelse {i}",
        )
        created.append(incident)
    for incident in created[:withdrawn]:
        incident.withdrawn_at = now
        incident.save(update_fields=["withdrawn_at"])
    for incident in created[withdrawn : withdrawn + duplicates]:
        incident.duplicate_of = created[-1]
        incident.save(update_fields=["duplicate_of"])
    rollup.rebuild([world.p.pk])
    return created


@pytest.fixture
def agreement_world(world, today):
    district, r1, r2, r3 = make_areas(world)
    coordinator = world.users["coordinator"]
    agreement = services.save_agreement(
        actor=coordinator,
        partnership=world.p,
        title="Samverkansöverenskommelse 2025–2026",
        start=dt.date(2025, 1, 1),
        end=dt.date(2026, 12, 31),
        parties=[world.org_a, world.org_b],
        signatories="Anna Andersson, kommundirektör",
    )
    priority = services.save_priority(
        actor=coordinator,
        partnership=world.p,
        agreement=agreement,
        number=1,
        title="Färre otrygga händelser",
    )
    goal = services.save_goal(
        actor=coordinator,
        partnership=world.p,
        priority=priority,
        title="Minska händelserna på allmän plats",
    )
    world.district, world.r1, world.r2, world.r3 = district, r1, r2, r3
    world.agreement, world.priority, world.goal = agreement, priority, goal
    world.coordinator = coordinator
    return world
