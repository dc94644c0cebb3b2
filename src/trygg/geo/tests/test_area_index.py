"""Locating points in areas, one at a time and in bulk (no database)."""

import numpy as np
import pytest
import shapely

from trygg.geo.geometry import AreaIndex, to_sweref, union_geojson

WEST = {
    "type": "Polygon",
    "coordinates": [[[17.0, 59.0], [17.5, 59.0], [17.5, 59.5], [17.0, 59.5], [17.0, 59.0]]],
}
EAST = {
    "type": "Polygon",
    "coordinates": [[[17.5, 59.0], [18.0, 59.0], [18.0, 59.5], [17.5, 59.5], [17.5, 59.0]]],
}


def test_points_inside_outside_and_invalid():
    index = AreaIndex([("west", WEST), ("east", EAST)])
    keys = index.assign([17.2, 17.8, 16.0, np.nan], [59.2, 59.2, 59.2, 59.2])
    assert list(keys) == ["west", "east", None, None]
    assert index.assign_one(17.8, 59.4) == "east"
    assert index.assign_one(18.5, 59.4) is None


def test_a_point_on_a_shared_border_goes_to_the_area_given_first():
    on_border = ([17.5, 17.5], [59.25, 59.0])
    assert list(AreaIndex([("west", WEST), ("east", EAST)]).assign(*on_border)) == ["west"] * 2
    assert list(AreaIndex([("east", EAST), ("west", WEST)]).assign(*on_border)) == ["east"] * 2


def test_a_point_on_the_outer_border_is_inside():
    assert AreaIndex([("west", WEST)]).assign_one(17.0, 59.2) == "west"


def test_empty_input_and_empty_index():
    index = AreaIndex([("west", WEST)])
    assert len(index.assign([], [])) == 0
    assert list(AreaIndex([]).assign([17.2], [59.2])) == [None]
    with pytest.raises(ValueError):
        index.assign([17.2, 17.3], [59.2])


def test_bulk_assignment_agrees_with_a_point_by_point_check(sigtuna_features):
    items = [(f.code, f.geometry) for f in sigtuna_features]
    index = AreaIndex(items)
    rng = np.random.default_rng(20240301)
    lons = rng.uniform(17.55, 18.20, 100_000)
    lats = rng.uniform(59.53, 59.77, 100_000)
    keys = index.assign(lons, lats)
    assert len(keys) == 100_000
    inside = np.array([k is not None for k in keys])
    assert 0.3 < inside.mean() < 0.9

    shapes = [(code, shapely.geometry.shape(g)) for code, g in items]
    for i in rng.choice(100_000, 2_000, replace=False):
        point = shapely.Point(lons[i], lats[i])
        expected = next((code for code, shape in shapes if shape.intersects(point)), None)
        assert keys[i] == expected


def test_every_point_in_the_municipality_gets_an_area(sigtuna_features):
    index = AreaIndex([(f.code, f.geometry) for f in sigtuna_features])
    union = shapely.geometry.shape(
        union_geojson([f.geometry for f in sigtuna_features], simplify_tolerance=0)
    )
    rng = np.random.default_rng(7)
    lons, lats = rng.uniform(17.55, 18.20, 20_000), rng.uniform(59.53, 59.77, 20_000)
    inside = shapely.contains_xy(union, lons, lats)
    # Vertices lie on the borders between areas, the hardest case.
    vertices = np.concatenate(
        [shapely.get_coordinates(shapely.geometry.shape(f.geometry)) for f in sigtuna_features]
    )
    lons = np.concatenate([lons[inside], vertices[:, 0]])
    lats = np.concatenate([lats[inside], vertices[:, 1]])
    assert all(key is not None for key in index.assign(lons, lats))


def test_to_sweref():
    x, y = to_sweref([15.0, 17.8605], [60.0, 59.6276])
    assert x[0] == pytest.approx(500_000, abs=0.01)  # SWEREF 99 TM's central meridian
    assert 6_600_000 < y[1] < 6_620_000 and 660_000 < x[1] < 670_000
    x, y = to_sweref(17.8605, 59.6276)
    assert float(x) > 0
