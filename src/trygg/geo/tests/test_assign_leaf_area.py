"""Finding the leaf area (RegSO area) of a place."""

import dataclasses

import numpy as np
import pytest
from django.core.exceptions import ValidationError

from trygg.geo import services
from trygg.geo.models import Area


@pytest.fixture
def demo(sigtuna):
    services.setup_sigtuna_demo_geography(actor=None, partnership=sigtuna)
    return sigtuna


@pytest.mark.parametrize(
    ("place", "lat", "lon", "regso", "district"),
    [
        ("Märsta station", 59.6276, 17.8605, "Broby", "Märsta"),
        ("Valsta centrum", 59.6125, 17.8330, "Södra Valsta", "Valsta"),
        ("Sigtuna Stora torget", 59.6173, 17.7236, "Sigtuna centrala", "Sigtuna stad"),
        ("Rosersbergs station", 59.5837, 17.8792, "Rosersberg", "Rosersberg"),
        ("Arlanda", 59.6498, 17.9238, "Odensala-Arlanda omland", "Landsbygd och Arlanda"),
    ],
)
def test_known_places(demo, place, lat, lon, regso, district):
    area = services.assign_leaf_area(demo, lat, lon)
    assert area.kind == Area.Kind.REGSO
    assert (area.name, area.parent.name) == (regso, district), place


@pytest.mark.parametrize(("lat", "lon"), [(59.33, 18.07), (59.9, 17.6), (0, 0)])
def test_a_place_outside_the_municipality_is_an_error(demo, lat, lon):
    with pytest.raises(ValidationError) as error:
        services.assign_leaf_area(demo, lat, lon)
    assert error.value.messages[0].startswith("Platsen ligger utanför Sigtuna kommun")
    assert error.value.code == "outside_municipality"


@pytest.mark.parametrize(
    ("lat", "lon"), [(None, 17.8), ("x", 17.8), (float("nan"), 17.8), (95, 17.8)]
)
def test_invalid_coordinates_are_an_error(demo, lat, lon):
    with pytest.raises(ValidationError, match="ogiltiga"):
        services.assign_leaf_area(demo, lat, lon)


def test_a_partnership_without_areas_is_an_error(sigtuna):
    with pytest.raises(ValidationError, match="inga områden"):
        services.assign_leaf_area(sigtuna, 59.6276, 17.8605)


def test_areas_without_geometry_are_not_used(sigtuna):
    Area.objects.create(
        partnership=sigtuna,
        kind=Area.Kind.MUNICIPALITY,
        code="0191",
        name="Sigtuna kommun",
        geometry=None,
    )
    with pytest.raises(ValidationError, match="inga områden"):
        services.assign_leaf_area(sigtuna, 59.6276, 17.8605)


def test_without_regso_areas_the_municipality_is_the_leaf(world):
    # The test world's partnership P has only its municipality (a square) so far.
    assert services.assign_leaf_area(world.p, 59.62, 17.85) == world.area_p
    with pytest.raises(ValidationError):
        services.assign_leaf_area(world.p, 59.7, 17.85)


def test_bulk_index_is_keyed_by_area_id(demo):
    index = services.leaf_area_index(demo)
    ids = index.assign([17.8605, 17.8330, 18.07], [59.6276, 59.6125, 59.33])
    names = dict(Area.objects.filter(pk__in=ids[:2]).values_list("pk", "name"))
    assert [names[ids[0]], names[ids[1]], ids[2]] == ["Broby", "Södra Valsta", None]
    assert len(index) == 24
    assert services.leaf_area_index(demo) is index  # cached while nothing changed


def test_index_follows_changed_geometry(demo, sigtuna_features):
    services.leaf_area_index(demo)
    broby = next(f for f in sigtuna_features if f.name == "Broby")
    centrala = next(f for f in sigtuna_features if f.name == "Centrala Märsta")
    # Swap two areas' geometries in place: count and ids stay the same.
    swapped = [
        dataclasses.replace(f, geometry=centrala.geometry)
        if f is broby
        else dataclasses.replace(f, geometry=broby.geometry)
        if f is centrala
        else f
        for f in sigtuna_features
    ]
    services.load_regso_areas(actor=None, partnership=demo, features=swapped, source="test")
    assert services.assign_leaf_area(demo, 59.6276, 17.8605).name == "Centrala Märsta"


def test_partnerships_do_not_share_areas(demo, world):
    # P is Sigtuna-like but has only a small square; Sigtuna's RegSO areas are not P's.
    with pytest.raises(ValidationError):
        services.assign_leaf_area(world.p, 59.6125, 17.7)
    assert services.assign_leaf_area(world.p, 59.6276, 17.8605).partnership == world.p
    assert services.assign_leaf_area(demo, 59.6276, 17.8605).partnership == demo


def test_bulk_assignment_of_many_points(demo):
    rng = np.random.default_rng(1)
    ids = services.leaf_area_index(demo).assign(
        rng.uniform(17.6, 18.1, 100_000), rng.uniform(59.55, 59.72, 100_000)
    )
    found = {i for i in ids if i is not None}
    assert found <= set(
        Area.objects.filter(partnership=demo, kind=Area.Kind.REGSO).values_list("pk", flat=True)
    )
    assert len(found) == 24
