"""How long does one hotspot layer (grid KDE + Gi* + exact p-values + FDR) take?

    .venv/bin/python bench/bench_hotspots.py
    .venv/bin/python bench/bench_hotspots.py --points 1000000 --esda-permutations 99

Study region: the districts Märsta, Valsta and Sigtuna stad (their real RegSO 2025
polygons from src/trygg/geo/data, unioned; about 79 km², 1258 Gi* cells of 250 m, a
353 x 206 KDE grid of 50 m). Points: --points incidents, 60% uniform over the region and
40% in 40 Gaussian clusters (sigma 100-400 m), so the cell counts are skewed like real
data. Times each step of trygg.situation.hotspots (best of --repeat runs), the whole
hotspot_layer() call with a prepared StudyArea (the target is under 1 s for 100,000
points), and for comparison KDEpy's FFTKDE on a grid of the same size and esda's
G_Local(star=True) with its own conditional permutations (--esda-permutations; our
p-values are exact, the limit of infinitely many permutations). Prints figures; never
fails on timing.
"""

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from trygg.situation import hotspots as hs  # noqa: E402

REGSO_GEOJSON = ROOT / "src" / "trygg" / "geo" / "data" / "sigtuna_regso_2025_wgs84.geojson"


def districts():
    """Märsta, Valsta and Sigtuna stad as ``trygg.geo.services`` defines them."""
    os.environ.setdefault("TRYGG_SECRET_KEY", "bench-secret-key-not-for-production")
    os.environ.setdefault("TRYGG_AUDIT_KEY", "bench-audit-key-not-for-production")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygg.settings")
    import django

    django.setup()
    from trygg.geo.services import SIGTUNA_DISTRICTS

    return {name: SIGTUNA_DISTRICTS[name] for name in ("Märsta", "Valsta", "Sigtuna stad")}


def district_polygons():
    data = json.loads(REGSO_GEOJSON.read_text(encoding="utf-8"))
    by_name = {f["properties"]["regsonamn"]: shape(f["geometry"]) for f in data["features"]}
    return [shapely.union_all([by_name[r] for r in parts]) for parts in districts().values()]


def synthetic_points(rng, area, n):
    xmin, ymin, xmax, ymax = area.region.bounds

    def uniform(m):
        chunks, have = [], 0
        while have < m:
            x = rng.uniform(xmin, xmax, 3 * m + 10)
            y = rng.uniform(ymin, ymax, 3 * m + 10)
            inside = shapely.contains_xy(area.region, x, y)
            chunks.append(np.column_stack([x[inside], y[inside]]))
            have += int(inside.sum())
        return np.concatenate(chunks)[:m]

    n_uniform = int(0.6 * n)
    centres = uniform(40)
    sigma = rng.uniform(100, 400, 40)
    which = rng.integers(0, 40, n - n_uniform)
    clustered = centres[which] + rng.normal(size=(which.size, 2)) * sigma[which, None]
    xy = np.concatenate([uniform(n_uniform), clustered])
    return hs.to_wgs84(xy[:, 0], xy[:, 1])


def best_of(repeat, fn):
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument("--bandwidth", type=float, default=hs.DEFAULT_BANDWIDTH)
    parser.add_argument("--esda-permutations", type=int, default=999)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    t_area, area = best_of(args.repeat, lambda: hs.study_area(district_polygons()))
    lon, lat = synthetic_points(rng, area, args.points)
    print(
        f"{args.points:,} points; region {area.region.area / 1e6:.1f} km², "
        f"{area.n_cells} Gi* cells of {area.grid.cell_size:g} m "
        f"({area.grid.nrows} x {area.grid.ncols} grid), KDE grid "
        f"{area.kde_grid.nrows} x {area.kde_grid.ncols} of {area.kde_grid.cell_size:g} m, "
        f"bandwidth {args.bandwidth:g} m"
    )

    rows = [("study area (region, grids, masks; once per region)", t_area)]
    t, (x, y) = best_of(args.repeat, lambda: hs.to_sweref(lon, lat))
    rows.append(("projection WGS84 -> EPSG:3006", t))
    t, inside = best_of(args.repeat, lambda: shapely.contains_xy(area.region, x, y))
    rows.append(("point in region (shapely)", t))
    x, y = x[inside], y[inside]
    t, counts = best_of(args.repeat, lambda: hs.bin_counts(area.grid, x, y))
    rows.append(("binning (250 m cells)", t))
    t, density = best_of(args.repeat, lambda: hs.grid_kde(area.kde_grid, x, y, args.bandwidth))
    rows.append(("KDE (linear binning + FFT)", t))
    counts = np.where(area.mask, counts, 0)
    t, result = best_of(args.repeat, lambda: hs.gi_star_hotspots(counts, area.mask))
    rows.append(("Gi* + exact p (total) + BH", t))
    t, result_c = best_of(
        args.repeat,
        lambda: hs.gi_star_hotspots(counts, area.mask, randomisation="conditional"),
    )
    rows.append(("Gi* + exact p (conditional) + BH", t))
    t_total, layer = best_of(args.repeat, lambda: hs.hotspot_layer(lon, lat, area))
    rows.append(("hotspot_layer() total (prepared area)", t_total))
    t, text = best_of(args.repeat, lambda: json.dumps(layer.to_json()))
    rows.append((f"to_json + json.dumps ({len(text) / 1e6:.2f} MB)", t))

    # For comparison.
    from KDEpy import FFTKDE

    data = np.column_stack([x, y])
    t, _ = best_of(
        args.repeat,
        lambda: (
            FFTKDE(kernel="gaussian", bw=args.bandwidth)
            .fit(data)
            .evaluate((area.kde_grid.ncols, area.kde_grid.nrows))
        ),
    )
    rows.append(("  KDEpy FFTKDE, same grid size", t))

    from esda.getisord import G_Local
    from libpysal.weights import W

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = W({i: [int(j) for j in nb] for i, nb in enumerate(hs.mask_neighbours(area.mask))})
        values = result.count.astype(float)
        t, lg = best_of(
            1,
            lambda: G_Local(
                values,
                w,
                transform="B",
                star=True,
                permutations=args.esda_permutations,
                seed=args.seed,
                n_jobs=1,  # several processes only add start-up time at this size
            ),
        )
    rows.append((f"  esda G_Local star, {args.esda_permutations} permutations", t))

    width = max(len(name) for name, _ in rows)
    print(f"\n{'step':<{width}}  {'time':>10}")
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds * 1000:8.1f} ms")

    print(
        f"\nhot cells: {result.n_hot} (total), {result_c.n_hot} (conditional) of "
        f"{result.n_tested}; KDE max {density[area.kde_mask].max():.0f} per km²"
    )
    print(
        f"esda z equals ours: {np.allclose(lg.Zs, result.z)}; smallest p attainable with "
        f"{args.esda_permutations} permutations: {1 / (args.esda_permutations + 1):.1e}, "
        f"BH threshold for the top cell: {0.05 / result.n_tested:.1e}"
    )
    needed = int(np.ceil(10 * result.n_tested / 0.05))
    print(
        f"permutations DESIGN.md §6 would ask of a permutation test here: {needed:,} "
        f"(esda, extrapolated: {t * needed / args.esda_permutations:.0f} s)"
    )
    print(f"target: hotspot_layer() under 1 s: {'yes' if t_total < 1 else 'no'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
