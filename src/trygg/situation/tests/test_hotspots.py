"""Hotspots: projection, grids, KDE accuracy, Gi* against esda, exact p-values against
enumeration and permutations, calibration on uniform points, power on a planted cluster,
bad input. None of it touches the database.

The study region is the districts Märsta, Valsta and Sigtuna stad, each the union of its
real RegSO 2025 polygons, read straight from the shipped GeoJSON with json + shapely.
The district -> RegSO lists are ``trygg.geo.services.SIGTUNA_DISTRICTS``.
"""

import itertools
import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from trygg.geo.services import SIGTUNA_DISTRICTS
from trygg.situation import hotspots as hs

pytestmark = pytest.mark.nodb

DATA = Path(hs.__file__).resolve().parents[1] / "geo" / "data"
REGSO_GEOJSON = DATA / "sigtuna_regso_2025_wgs84.geojson"
# pytest has set Django up, so the districts come from where the demo defines them.
DISTRICTS = {name: SIGTUNA_DISTRICTS[name] for name in ("Märsta", "Valsta", "Sigtuna stad")}

WINDOW_POINTS = 300  # a realistic 4-week window for these districts
N_WINDOWS = 200
N_CLUSTER_SIMS = 200


def district_polygons():
    data = json.loads(REGSO_GEOJSON.read_text(encoding="utf-8"))
    by_name = {f["properties"]["regsonamn"]: shape(f["geometry"]) for f in data["features"]}
    return {
        name: shapely.union_all([by_name[regso] for regso in parts])
        for name, parts in DISTRICTS.items()
    }


@pytest.fixture(scope="module")
def area():
    return hs.study_area(list(district_polygons().values()))


def uniform_points(rng, area, n):
    """n points uniform over the study region, in EPSG:3006."""
    xmin, ymin, xmax, ymax = area.region.bounds
    chunks, have = [], 0
    while have < n:
        x = rng.uniform(xmin, xmax, 3 * n + 10)
        y = rng.uniform(ymin, ymax, 3 * n + 10)
        inside = shapely.contains_xy(area.region, x, y)
        chunks.append(np.column_stack([x[inside], y[inside]]))
        have += int(inside.sum())
    xy = np.concatenate(chunks)[:n]
    return xy[:, 0], xy[:, 1]


def cell_centres_of(result, grid):
    rows, cols = np.divmod(result.cell, grid.ncols)
    return grid.x0 + (cols + 0.5) * grid.cell_size, grid.y0 + (rows + 0.5) * grid.cell_size


def exact_kde(grid, x, y, bandwidth):
    """Direct-sum Gaussian KDE (per km²) at every cell centre, no binning, no cut-off."""
    cx, cy = grid.cell_centres()
    out = np.zeros(grid.shape)
    norm = 1e6 / (2 * math.pi * bandwidth**2)
    for r in range(grid.nrows):
        dx = cx[r][:, None] - x[None, :]
        dy = cy[r][:, None] - y[None, :]
        out[r] = norm * np.exp(-0.5 * (dx**2 + dy**2) / bandwidth**2).sum(axis=1)
    return out


# -- region, projection, grid -----------------------------------------------------------


def test_study_area_of_the_three_districts(area):
    assert area.grid.cell_size == 250
    assert area.grid.x0 % 250 == 0 and area.grid.y0 % 250 == 0
    # About 78.6 km² of districts -> about 1260 cells of 250 m.
    assert 1150 < area.n_cells < 1350
    assert area.mask.shape == area.grid.shape
    assert 0 < area.n_cells < area.grid.n_cells
    assert area.kde_grid.cell_size == 50 and area.kde_mask.sum() > 24 * area.n_cells


def test_projection_round_trip():
    lon = np.array([17.8615, 17.5470, 18.0])  # Märsta, Sigtuna, somewhere
    lat = np.array([59.6217, 59.6170, 60.0])
    x, y = hs.to_sweref(lon, lat)
    assert np.all((x > 600_000) & (x < 700_000)) and np.all(y > 6_600_000)
    # SWEREF 99 TM's central meridian is 15°E with false easting 500 km: 18°E, 60°N
    # lies about 167 km east of it.
    assert abs(x[2] - 667_000) < 2_000
    lon2, lat2 = hs.to_wgs84(x, y)
    assert np.allclose(lon2, lon, atol=1e-9) and np.allclose(lat2, lat, atol=1e-9)
    xn, yn = hs.to_sweref([np.nan], [59.6])
    assert not np.isfinite(xn[0])


def test_grid_alignment_and_binning():
    grid = hs.Grid.from_bounds(1010.0, 2020.0, 1990.0, 2740.0, 250)
    assert (grid.x0, grid.y0, grid.nrows, grid.ncols) == (1000.0, 2000.0, 3, 4)
    x = np.array([1000.0, 1249.9, 1250.0, 1999.99, 999.0, np.nan, 1500.0])
    y = np.array([2000.0, 2000.0, 2000.0, 2749.0, 2100.0, 2100.0, np.inf])
    counts = hs.bin_counts(grid, x, y)
    assert counts.sum() == 4  # outside, NaN and inf are ignored
    assert counts[0, 0] == 2 and counts[0, 1] == 1 and counts[2, 3] == 1
    lin = hs.linear_bin(grid, np.array([1125.0, 1250.0]), np.array([2125.0, 2125.0]))
    assert lin[0, 0] == pytest.approx(1.5) and lin[0, 1] == pytest.approx(0.5)
    with pytest.raises(ValueError, match="too large"):
        hs.Grid.from_bounds(0, 0, 1e6, 1e6, 50)


# -- KDE --------------------------------------------------------------------------------


@pytest.mark.parametrize("bandwidth", [150.0, 250.0])
def test_grid_kde_maximum_within_3_percent_of_direct_sum(area, bandwidth):
    rng = np.random.default_rng(11)
    x, y = uniform_points(rng, area, WINDOW_POINTS)
    cx, cy = 659_600.0, 6_612_300.0  # Valsta
    r = 150 * np.sqrt(rng.uniform(size=30))
    a = rng.uniform(0, 2 * np.pi, 30)
    x = np.concatenate([x, cx + r * np.cos(a)])
    y = np.concatenate([y, cy + r * np.sin(a)])
    grid = area.kde_grid  # 50 m cells: bandwidth 150 m is exactly 3 cell sizes
    fast = hs.grid_kde(grid, x, y, bandwidth)
    exact = exact_kde(grid, x, y, bandwidth)
    print(f"bandwidth {bandwidth:g} m: grid KDE max / exact max = {fast.max() / exact.max():.4f}")
    assert abs(fast.max() / exact.max() - 1) < 0.03
    # Linear binning keeps every point's mass; the surface integrates to the number of
    # points less the kernel mass that spills over the grid's edge.
    assert hs.linear_bin(grid, x, y).sum() == pytest.approx(x.size)
    integral = fast.sum() * (grid.cell_size / 1000) ** 2
    assert 0.99 * x.size < integral <= x.size


def test_grid_kde_single_point_worst_case():
    grid = hs.Grid.from_bounds(0, 0, 2000, 2000, 50)
    x = np.array([1000.0])  # on a cell edge: halfway between two centres, both ways
    y = np.array([1000.0])
    fast = hs.grid_kde(grid, x, y, 150.0)
    exact = exact_kde(grid, x, y, 150.0)
    print(f"single point: grid KDE max / exact max = {fast.max() / exact.max():.4f}")
    assert abs(fast.max() / exact.max() - 1) < 0.03
    with pytest.raises(ValueError, match="3 cell sizes"):
        hs.grid_kde(grid, x, y, 149.0)


# -- Gi* and its p-values ---------------------------------------------------------------


def test_gi_star_equals_esda_g_local_star(area):
    from esda.getisord import G_Local
    from libpysal.weights import W

    rng = np.random.default_rng(5)
    x, y = uniform_points(rng, area, 2000)
    counts = hs.bin_counts(area.grid, x, y)
    counts[20, 50] += 40  # something to find
    g = hs.gi_star(np.where(area.mask, counts, 0), area.mask)
    neighbours = hs.mask_neighbours(area.mask)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "disconnected components": Sigtuna stad is apart
        w = W({i: [int(j) for j in nb] for i, nb in enumerate(neighbours)})
        # transform="B": binary weights, esda puts 1 on the diagonal for star=True.
        lg = G_Local(g.values.astype(float), w, transform="B", star=True, permutations=0)
    assert np.allclose(g.z, lg.Zs)
    assert np.array_equal(g.window_cells, np.array([len(nb) + 1 for nb in neighbours]))


def test_gi_star_undefined_cases_are_zero():
    mask = np.ones((4, 4), dtype=bool)
    g = hs.gi_star(np.full((4, 4), 3), mask)  # no variance
    assert np.all(g.z == 0)
    g = hs.gi_star(np.array([[5]]), np.array([[True]]))  # a single cell
    assert g.z.tolist() == [0.0]


@pytest.mark.parametrize("randomisation", ["total", "conditional"])
def test_pvalues_equal_full_enumeration(randomisation):
    rng = np.random.default_rng(3)
    for _ in range(25):
        n = int(rng.integers(2, 12))
        values = rng.poisson(rng.uniform(0.3, 5), n)
        drawn = rng.integers(1, min(9, n) + 1, n)
        observed = np.array([rng.choice(values, d, replace=False).sum() for d in drawn])
        if randomisation == "conditional":
            observed = np.maximum(observed, values)
        p = hs.window_pvalues(values, observed, drawn, randomisation=randomisation)
        for i in range(n):
            if randomisation == "total":
                base, pool, k = 0, values, drawn[i]
            else:
                base, pool, k = values[i], np.delete(values, i), drawn[i] - 1
            sums = [base + pool[list(c)].sum() for c in itertools.combinations(range(pool.size), k)]
            expected = max(np.mean(np.array(sums) >= observed[i]), 1 / len(sums))
            assert p[i] == pytest.approx(expected, abs=1e-12)


def _small_grid_case():
    rng = np.random.default_rng(21)
    mask = np.ones((9, 11), dtype=bool)
    mask[:3, :4] = False  # an irregular study region
    mask[7:, 8:] = False
    counts = rng.poisson(1.2, mask.shape)
    counts[4:6, 5:7] += rng.poisson(3, (2, 2))  # a cluster
    counts[1, 9] += 9  # a single spike
    return np.where(mask, counts, 0), mask


def test_total_pvalues_agree_with_random_permutations():
    counts, mask = _small_grid_case()
    g = hs.gi_star(counts, mask)
    p = hs.window_pvalues(g.values, g.window_sums, g.window_cells)
    rng = np.random.default_rng(8)
    perms = 20_000
    hits = np.zeros(g.values.size)
    grid = np.zeros(mask.shape, dtype=np.int64)
    for _ in range(perms):
        grid[mask] = rng.permutation(g.values)
        hits += hs.gi_star(grid, mask).window_sums >= g.window_sums
    p_mc = hits / perms
    sd = np.sqrt(p * (1 - p) / perms)
    assert np.all(np.abs(p - p_mc) <= 5 * sd + 2 / perms)


def test_conditional_pvalues_agree_with_esda_permutations():
    from esda.getisord import G_Local
    from libpysal.weights import W

    counts, mask = _small_grid_case()
    g = hs.gi_star(counts, mask)
    p = hs.window_pvalues(g.values, g.window_sums, g.window_cells, randomisation="conditional")
    neighbours = hs.mask_neighbours(mask)
    perms = 20_000
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # esda's note on its future default alternative
        w = W({i: [int(j) for j in nb] for i, nb in enumerate(neighbours)})
        lg = G_Local(
            g.values.astype(float),
            w,
            transform="B",
            star=True,
            permutations=perms,
            seed=4,
            n_jobs=1,
        )
    # esda's p_sim folds both tails; count its simulated upper tail instead.
    p_esda = (lg.rGs >= lg.Gs[:, None] - 1e-12).sum(axis=1) / perms
    sd = np.sqrt(p * (1 - p) / perms)
    assert np.all(np.abs(p - p_esda) <= 5 * sd + 2 / perms)


# -- calibration and power on the real region ------------------------------------------


@pytest.mark.parametrize("randomisation", ["total", "conditional"])
def test_uniform_points_find_nothing_in_95_percent_of_windows(area, randomisation):
    rng = np.random.default_rng(2024)
    windows_with_hotspots = 0
    for _ in range(N_WINDOWS):
        x, y = uniform_points(rng, area, WINDOW_POINTS)
        lon, lat = hs.to_wgs84(x, y)
        # min_window_count=0: BH alone has to keep the rate (the count only removes).
        layer = hs.hotspot_layer(
            lon, lat, area, kde=False, min_window_count=0, randomisation=randomisation
        )
        windows_with_hotspots += layer.hotspots.n_hot > 0
    rate = windows_with_hotspots / N_WINDOWS
    print(f"{randomisation}: hotspots in {rate:.1%} of {N_WINDOWS} uniform windows")
    assert rate <= 0.05


def test_planted_cluster_is_found_in_80_percent(area):
    rng = np.random.default_rng(7)
    inner = area.region.buffer(-150)  # the whole cluster inside the region
    xmin, ymin, xmax, ymax = inner.bounds
    found = 0
    for _ in range(N_CLUSTER_SIMS):
        while True:
            c = rng.uniform([xmin, ymin], [xmax, ymax])
            if shapely.contains_xy(inner, c[0], c[1]):
                break
        r = 150 * np.sqrt(rng.uniform(size=30))
        a = rng.uniform(0, 2 * np.pi, 30)
        x, y = uniform_points(rng, area, WINDOW_POINTS)
        lon, lat = hs.to_wgs84(
            np.concatenate([x, c[0] + r * np.cos(a)]), np.concatenate([y, c[1] + r * np.sin(a)])
        )
        layer = hs.hotspot_layer(lon, lat, area, kde=False)
        h = layer.hotspots
        hx, hy = cell_centres_of(h, layer.grid)
        near = np.hypot(hx - c[0], hy - c[1]) <= 250
        found += bool((h.hot & near).any())
    rate = found / N_CLUSTER_SIMS
    print(f"planted cluster found in {rate:.1%} of {N_CLUSTER_SIMS} windows")
    assert rate >= 0.80


def test_new_hotspots(area):
    rng = np.random.default_rng(9)
    a_centre, b_centre = (659_600.0, 6_612_300.0), (661_000.0, 6_614_000.0)

    def window(n, clusters):
        x, y = uniform_points(rng, area, n)
        for (cx, cy), k in clusters:
            x = np.concatenate([x, cx + rng.normal(0, 80, k)])
            y = np.concatenate([y, cy + rng.normal(0, 80, k)])
        return hs.hotspot_layer(*hs.to_wgs84(x, y), area, kde=False)

    before = window(1000, [(a_centre, 100)])  # 13 weeks: A only
    recent = window(300, [(a_centre, 30), (b_centre, 30)])  # 4 weeks: A and B
    new = hs.new_hotspots(recent, before)
    assert new.size > 0
    rows, cols = np.divmod(new, recent.grid.ncols)
    nx = recent.grid.x0 + (cols + 0.5) * 250
    ny = recent.grid.y0 + (rows + 0.5) * 250
    assert np.all(np.hypot(nx - b_centre[0], ny - b_centre[1]) < 600)
    assert set(new) <= set(recent.hot_cells()) and not set(new) & set(before.hot_cells())
    other = hs.hotspot_layer([], [], [shapely.box(17.8, 59.6, 17.9, 59.7)], kde=False)
    with pytest.raises(ValueError, match="different grids"):
        hs.new_hotspots(recent, other)


# -- output -----------------------------------------------------------------------------


def test_layer_output_polygons_viewer_cells_and_json(area):
    rng = np.random.default_rng(13)
    x, y = uniform_points(rng, area, 600)
    x = np.concatenate([x, 659_600 + rng.normal(0, 80, 40)])
    y = np.concatenate([y, 6_612_300 + rng.normal(0, 80, 40)])
    layer = hs.hotspot_layer(*hs.to_wgs84(x, y), area)
    h = layer.hotspots
    assert h.n_hot > 0 and layer.points["used"] + layer.points["outside_mask"] == 640
    assert h.n_tested == area.n_cells

    hot = layer.hotspots_geojson()
    assert len(hot["features"]) == h.n_hot
    for feature in hot["features"]:
        ring = feature["geometry"]["coordinates"][0]
        polygon = shapely.Polygon(ring)
        assert ring[0] == ring[-1] and len(ring) == 5
        assert polygon.exterior.is_ccw  # RFC 7946
        row, col = divmod(feature["properties"]["cell"], layer.grid.ncols)
        lon, lat = hs.to_wgs84(layer.grid.x0 + (col + 0.5) * 250, layer.grid.y0 + (row + 0.5) * 250)
        assert polygon.contains(shapely.Point(float(lon), float(lat)))
        assert feature["properties"]["q"] <= 0.05
        assert feature["properties"]["window_count"] >= 5

    viewer = layer.viewer_geojson()
    for feature in viewer["features"]:
        props = feature["properties"]
        assert set(props) == {"cell", "count", "hot"}
        assert props["hot"] or props["count"] >= 5
        assert props["count"] is None or props["count"] >= 5
    shown = {f["properties"]["cell"] for f in viewer["features"]}
    assert shown == set(h.cell[(h.count >= 5) | h.hot].tolist())

    data = json.loads(json.dumps(layer.to_json(), allow_nan=False))
    again = hs.HotspotLayer.from_json(data)
    assert again.grid == layer.grid
    assert np.array_equal(again.hotspots.hot, h.hot) and np.array_equal(again.hotspots.p, h.p)
    assert np.array_equal(again.kde.mask, layer.kde.mask)
    assert np.allclose(again.kde.density, np.where(layer.kde.mask, layer.kde.density, 0), atol=1e-4)


# -- bad input --------------------------------------------------------------------------


def _assert_nothing(layer, used=0):
    assert layer.hotspots.n_hot == 0
    assert layer.points["used"] == used
    assert layer.hotspots_geojson()["features"] == []
    json.dumps(layer.to_json(), allow_nan=False)


def test_empty_points(area):
    layer = hs.hotspot_layer([], [], area)
    _assert_nothing(layer)
    assert layer.points["total"] == 0
    assert np.all(layer.hotspots.p == 1) and np.all(layer.kde.density == 0)


def test_all_points_outside_the_region(area):
    rng = np.random.default_rng(1)
    lon = rng.uniform(18.2, 18.3, 500)  # east of Märsta, outside the districts
    lat = rng.uniform(59.40, 59.45, 500)
    layer = hs.hotspot_layer(lon, lat, area)
    _assert_nothing(layer)
    assert layer.points["outside_region"] == 500


def test_nan_and_infinite_coordinates(area):
    rng = np.random.default_rng(2)
    x, y = uniform_points(rng, area, 50)
    lon, lat = hs.to_wgs84(x, y)
    lon = np.concatenate([lon, [np.nan, 17.9, np.inf, 200.0]])
    lat = np.concatenate([lat, [59.6, np.nan, 59.6, 95.0]])
    layer = hs.hotspot_layer(lon.tolist() + [None], lat.tolist() + [None], area)
    assert layer.points["total"] == 55
    assert layer.points["invalid"] == 5
    assert layer.points["used"] + layer.points["outside_mask"] == 50
    assert layer.hotspots.n_hot == 0


def test_rejects_wrong_arguments(area):
    with pytest.raises(ValueError, match="same length"):
        hs.hotspot_layer([17.9], [], area)
    with pytest.raises(ValueError, match="at least 250"):
        hs.hotspot_layer([], [], area, cell_size=100)
    with pytest.raises(ValueError, match="study area has"):
        hs.hotspot_layer([], [], area, cell_size=500)
    with pytest.raises(ValueError, match="empty"):
        hs.study_area([shapely.Polygon()])
    with pytest.raises(ValueError, match="randomisation"):
        hs.window_pvalues([1], [1], [1], randomisation="bogus")
