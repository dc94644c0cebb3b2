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


def _first_intersecting(shapes, lon, lat):
    """The straightforward answer: the first area whose shape intersects the point."""
    if np.isnan(lon) or np.isnan(lat):
        return None
    point = shapely.Point(lon, lat)
    return next((key for key, shape in shapes if shape.intersects(point)), None)


def test_prepared_assignment_agrees_with_a_point_by_point_check_on_borders_and_nan(
    sigtuna_features,
):
    # Overlapping areas (the first given wins), a hole, a multipolygon, and Sigtuna's
    # RegSO areas, whose vertices all lie on borders between areas.
    square = {
        "type": "Polygon",
        "coordinates": [
            [[17.6, 59.55], [17.7, 59.55], [17.7, 59.65], [17.6, 59.65], [17.6, 59.55]]
        ],
    }
    with_hole = {
        "type": "Polygon",
        "coordinates": [
            [[17.65, 59.6], [17.9, 59.6], [17.9, 59.7], [17.65, 59.7], [17.65, 59.6]],
            [[17.7, 59.62], [17.8, 59.62], [17.8, 59.68], [17.7, 59.68], [17.7, 59.62]],
        ],
    }
    islands = {
        "type": "MultiPolygon",
        "coordinates": [
            [[[18.1, 59.55], [18.15, 59.55], [18.15, 59.6], [18.1, 59.55]]],
            [[[17.72, 59.63], [17.78, 59.63], [17.78, 59.67], [17.72, 59.63]]],
        ],
    }
    items = [("square", square), ("with_hole", with_hole), ("islands", islands)]
    items += [(f.code, f.geometry) for f in sigtuna_features]
    index = AreaIndex(items)
    shapes = [(key, shapely.geometry.shape(g)) for key, g in items]

    rng = np.random.default_rng(20261126)
    lons = list(rng.uniform(17.5, 18.25, 3_000))
    lats = list(rng.uniform(59.5, 59.8, 3_000))
    vertices = np.concatenate([shapely.get_coordinates(shape) for _key, shape in shapes])
    border = vertices[rng.choice(len(vertices), 2_000, replace=False)]
    lons += list(border[:, 0])
    lats += list(border[:, 1])
    # on straight edges between vertices, on the hole's edge, and on the outer corner
    lons += [17.65, 17.6, 17.75, 17.7, 17.9, 17.6, 18.125]
    lats += [59.6, 59.6, 59.62, 59.65, 59.7, 59.55, 59.55]
    nan = float("nan")
    lons += [nan, 17.65, nan, float("inf"), 17.65]
    lats += [59.6, nan, nan, 59.6, -float("inf")]

    keys = index.assign(lons, lats)
    expected = [_first_intersecting(shapes, lon, lat) for lon, lat in zip(lons, lats, strict=True)]
    assert list(keys) == expected
    assert {"square", "with_hole", "islands", None} <= set(expected)
    assert sum(1 for k in expected[3_000:5_000] if k is not None) > 1_900  # borders count
    for i in rng.choice(len(lons), 300, replace=False):
        assert index.assign_one(lons[i], lats[i]) == expected[i]
    for i in range(len(lons) - 12, len(lons)):
        assert index.assign_one(lons[i], lats[i]) == expected[i]


def test_to_sweref():
    x, y = to_sweref([15.0, 17.8605], [60.0, 59.6276])
    assert x[0] == pytest.approx(500_000, abs=0.01)  # SWEREF 99 TM's central meridian
    assert 6_600_000 < y[1] < 6_620_000 and 660_000 < x[1] < 670_000
    x, y = to_sweref(17.8605, 59.6276)
    assert float(x) > 0
