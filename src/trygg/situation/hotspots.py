"""Hotspots for the lägesbild: grid KDE and Getis-Ord Gi* with exact inference.

Pure numpy/scipy/pyproj/shapely; knows nothing of Django (DESIGN.md §4). The rules it
follows are DESIGN.md §6 ("Hotspots") and §5 (viewers see grid cells with at least 5).

Overview
========

Everything is computed in SWEREF 99 TM (EPSG:3006, metres) on square grids whose cell
edges are whole multiples of the cell size, so the same region and cell size always give
the same grid, week after week (that is what lets :func:`new_hotspots` compare two
windows cell by cell).

* :func:`to_sweref` / :func:`to_wgs84`: WGS84 lon/lat <-> EPSG:3006 x/y (cached pyproj
  transformers, ``always_xy``).
* :class:`Grid`: origin (south-west corner), cell size, ``nrows`` x ``ncols``. Row 0 is
  the southernmost row; a cell's id is ``row * ncols + col``.
* :class:`StudyArea` / :func:`study_area`: the study region (WGS84 shapely geometries,
  e.g. the districts' polygons, unioned), the Gi* grid and the KDE grid over its bounding
  box, and the *study masks*: the cells whose centre lies inside the region. Cells
  outside the mask are never tested and never enter the null distribution (otherwise
  inside cells would look "hot" against always-empty outside cells). Build it once per
  region and reuse it.
* :func:`bin_counts` (simple binning, integer counts per cell) and :func:`linear_bin`
  (linear binning, for the KDE).
* :func:`grid_kde`: Gaussian KDE on a grid by FFT convolution of the linearly binned
  points, in incidents per km². Linear binning keeps the maximum within 3% of the exact
  direct-sum KDE at the cell centres whenever the bandwidth is at least 3 cell sizes
  (worst case, one isolated point halfway between cell centres: -2.7%); the function
  refuses a smaller bandwidth.
* :func:`gi_star`: Getis-Ord Gi* z-scores with binary queen contiguity including the
  cell itself (the 3x3 block, restricted to cells in the mask). The z-score is the
  classic one (Getis & Ord 1992; Ord & Getis 1995) and equals esda's
  ``G_Local(y, w, transform="B", star=True).Zs`` on a libpysal ``W`` built from
  :func:`mask_neighbours` (``transform="B"`` keeps the weights binary and makes esda put
  1 on the diagonal; its default ``"R"`` would row-standardise them).
* :func:`window_pvalues`: exact randomisation p-values, replacing permutations. With
  binary weights Gi* is increasing in the window sum, so the one-sided (hot) p-value is
  P(window sum under random relabelling of the mask's counts >= observed). A window
  sum is a sum of counts drawn without replacement from the mask's multiset of counts;
  its distribution is a small dynamic programme over the distinct values (ways =
  product of binomial coefficients C(n_v, k_v)), one programme for all cells at once.
  This is what infinitely many permutations would give, so the smallest attainable
  p-value (1 / C(n, 9)) is far below any BH threshold (DESIGN.md §6: "an exact method
  validated against permutations"); the tests check it against full enumeration and
  random permutations. Two nulls:

  - ``"total"`` (default): the whole window, the cell itself included, is a random set
    of cells. This is the null under which Getis and Ord derived Gi*'s mean and
    variance (the z-score is exactly the standardised window sum of sampling without
    replacement), so the p-value is the exact counterpart of the z-score.
  - ``"conditional"``: the cell keeps its own count and only its neighbours are drawn
    from the other n - 1 cells (esda's conditional randomisation, ``p_sim``). Fixing
    the focal count removes the cell's own part of its window from the test, and a
    cluster's cells inflate each other's null, so tight clusters are missed more often.
    In 1000 simulated 4-week windows over Märsta, Valsta and Sigtuna stad (300 uniform
    incidents plus 30 within 150 m of a random point) it found the cluster in 86% of
    windows, ``"total"`` in 98%; on uniform points alone both flagged something in 2-3%
    of windows.

  Either null asks whether high counts sit *together*; a single cell with many
  incidents and quiet neighbours is not a Gi* hotspot (the KDE still shows it).
* :func:`gi_star_hotspots`: Gi* + exact p + Benjamini-Hochberg over every cell tested
  (the family is every cell in the mask, whatever its count) + a minimum window count
  that only removes flags. Returns a :class:`HotspotResult`.
* :func:`new_hotspots`: cells hot in the recent window (e.g. the last 4 weeks) but not
  in the window before (e.g. the 13 weeks before).
* :func:`cell_polygons_wgs84`, :func:`cells_geojson`: cell squares back in WGS84 for a
  Leaflet layer.
* :func:`hotspot_layer`: the single entry point for the Django side: lon/lat arrays and
  a region (or a prepared :class:`StudyArea`) in, a :class:`HotspotLayer` out, with
  ``to_json()`` / ``HotspotLayer.from_json()`` for caching and ``hotspots_geojson()``,
  ``viewer_geojson()`` for the map.

Privacy (DESIGN.md §5): the KDE surface and the per-cell counts of small cells reveal
where single incidents are; they are for roles that see details. ``viewer_geojson()``
lists only cells with at least 5 incidents (with their count) and hot cells (their count
only when it is at least 5); cells below 5 are not told apart from empty cells.

Defaults and why: Gi* cells of 250 m (the smallest DESIGN.md §6 allows: a city block
scale), BH at q = 0.05, a minimum window count of 5 (a hotspot must rest on at least 5
incidents in its 3x3 window, the same 5 as the viewer threshold; it only removes
flags), KDE bandwidth 250 m (the analysis scale of the Gi* cells, usual for street-level
crime KDE) on 50 m cells (bandwidth / cell = 5 > 3).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from scipy import signal, stats
from shapely.geometry import shape as geojson_shape

WGS84 = 4326
SWEREF99TM = 3006

DEFAULT_CELL_SIZE = 250.0  # metres, Gi* cells (DESIGN.md §6: 250 m or more)
DEFAULT_KDE_CELL_SIZE = 50.0  # metres
DEFAULT_BANDWIDTH = 250.0  # metres, Gaussian sigma
DEFAULT_Q = 0.05
DEFAULT_MIN_WINDOW_COUNT = 5
VIEWER_MIN_COUNT = 5  # DESIGN.md §5
KDE_TRUNCATE = 4.0  # kernel cut off at 4 bandwidths (mass beyond: exp(-8) = 0.03%)
MAX_GRID_CELLS = 4_000_000  # refuse grids that would not fit a page request
COORDINATE_DECIMALS = 6  # about 0.1 m

# --------------------------------------------------------------------------------------
# Projection
# --------------------------------------------------------------------------------------


@cache
def _transformer(source: int, target: int) -> Transformer:
    # pyproj >= 3.1 transformers are thread-safe (one PROJ context per thread).
    return Transformer.from_crs(source, target, always_xy=True)


def to_sweref(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 lon/lat (degrees) -> SWEREF 99 TM x/y (metres), as float arrays.

    Non-finite input gives non-finite output (NaN or inf), never an exception.
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    x, y = _transformer(WGS84, SWEREF99TM).transform(lon, lat)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def to_wgs84(x, y) -> tuple[np.ndarray, np.ndarray]:
    """SWEREF 99 TM x/y (metres) -> WGS84 lon/lat (degrees), as float arrays."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    lon, lat = _transformer(SWEREF99TM, WGS84).transform(x, y)
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def _project_geometry(geom_wgs84):
    def fn(coords):
        x, y = to_sweref(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom_wgs84, fn)


# --------------------------------------------------------------------------------------
# Grid and study area
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grid:
    """A square grid in EPSG:3006: cell (row, col) covers
    [x0 + col * cell_size, x0 + (col + 1) * cell_size) x [y0 + row * cell_size, ...).

    Row 0 is the southernmost row. A cell's id is ``row * ncols + col``.
    """

    x0: float
    y0: float
    cell_size: float
    nrows: int
    ncols: int

    @classmethod
    def from_bounds(
        cls, xmin, ymin, xmax, ymax, cell_size, *, pad: int = 0, max_cells=MAX_GRID_CELLS
    ) -> Grid:
        """The grid aligned to multiples of ``cell_size`` that covers the bounds, with
        ``pad`` extra cells on every side."""
        cell_size = float(cell_size)
        if not (cell_size > 0 and math.isfinite(cell_size)):
            raise ValueError(f"cell_size must be a positive number of metres, not {cell_size}")
        if not all(math.isfinite(v) for v in (xmin, ymin, xmax, ymax)):
            raise ValueError("the bounds must be finite")
        c0 = math.floor(xmin / cell_size) - pad
        c1 = math.floor(xmax / cell_size) + pad  # inclusive: xmax lies inside the grid
        r0 = math.floor(ymin / cell_size) - pad
        r1 = math.floor(ymax / cell_size) + pad
        nrows, ncols = r1 - r0 + 1, c1 - c0 + 1
        if nrows * ncols > max_cells:
            raise ValueError(
                f"a {nrows} x {ncols} grid of {cell_size:g} m cells is too large "
                f"(more than {max_cells} cells); use larger cells"
            )
        return cls(c0 * cell_size, r0 * cell_size, cell_size, nrows, ncols)

    @property
    def shape(self) -> tuple[int, int]:
        return (self.nrows, self.ncols)

    @property
    def n_cells(self) -> int:
        return self.nrows * self.ncols

    def cell_centres(self) -> tuple[np.ndarray, np.ndarray]:
        """x and y of every cell centre, as arrays of the grid's shape."""
        xs = self.x0 + (np.arange(self.ncols) + 0.5) * self.cell_size
        ys = self.y0 + (np.arange(self.nrows) + 0.5) * self.cell_size
        return np.meshgrid(xs, ys)

    def cell_of(self, x, y) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, col, inside) of every point; row/col are meaningless where not inside
        (outside the grid or non-finite)."""
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        with np.errstate(invalid="ignore"):
            fc = np.floor((x - self.x0) / self.cell_size)
            fr = np.floor((y - self.y0) / self.cell_size)
            inside = (fc >= 0) & (fc < self.ncols) & (fr >= 0) & (fr < self.nrows)
        col = np.where(inside, fc, 0).astype(np.intp)
        row = np.where(inside, fr, 0).astype(np.intp)
        return row, col, inside

    def to_dict(self) -> dict:
        return {
            "crs": f"EPSG:{SWEREF99TM}",
            "x0": self.x0,
            "y0": self.y0,
            "cell_size": self.cell_size,
            "nrows": self.nrows,
            "ncols": self.ncols,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> Grid:
        return cls(
            float(data["x0"]),
            float(data["y0"]),
            float(data["cell_size"]),
            int(data["nrows"]),
            int(data["ncols"]),
        )


def _as_geometries(region) -> list:
    if isinstance(region, shapely.Geometry | Mapping):
        region = [region]
    geoms = []
    for item in region:
        if isinstance(item, Mapping):
            item = item.get("geometry", item) if item.get("type") == "Feature" else item
            item = geojson_shape(item)
        if not isinstance(item, shapely.Geometry):
            raise TypeError(f"not a geometry: {item!r}")
        geoms.append(item)
    return geoms


def region_union(region) -> shapely.Geometry:
    """One (valid) WGS84 geometry from a shapely geometry, GeoJSON geometry/Feature
    mapping, or an iterable of them."""
    geoms = _as_geometries(region)
    union = shapely.union_all([shapely.make_valid(g) for g in geoms])
    if union.is_empty or union.area <= 0:
        raise ValueError("the study region is empty")
    return union


def study_mask(grid: Grid, region_sweref) -> np.ndarray:
    """Boolean array of the grid's shape: True where the cell centre is inside the
    region (an EPSG:3006 geometry)."""
    cx, cy = grid.cell_centres()
    shapely.prepare(region_sweref)
    return shapely.contains_xy(region_sweref, cx, cy)


@dataclass(eq=False)
class StudyArea:
    """A study region with its Gi* grid and KDE grid and their study masks.

    Build with :func:`study_area`; pass it to :func:`hotspot_layer` instead of the
    geometries to skip rebuilding the grids and masks every call.
    """

    region_wgs84: shapely.Geometry
    region: shapely.Geometry  # EPSG:3006, prepared
    grid: Grid
    mask: np.ndarray
    kde_grid: Grid
    kde_mask: np.ndarray

    @property
    def n_cells(self) -> int:
        """Number of Gi* cells in the mask (the cells tested)."""
        return int(self.mask.sum())


def study_area(
    region,
    *,
    cell_size: float = DEFAULT_CELL_SIZE,
    kde_cell_size: float = DEFAULT_KDE_CELL_SIZE,
) -> StudyArea:
    """The :class:`StudyArea` of a WGS84 region (shapely geometries or GeoJSON
    mappings; several are unioned, e.g. the polygons of the chosen districts)."""
    union = region_union(region)
    projected = _project_geometry(union)
    shapely.prepare(projected)
    xmin, ymin, xmax, ymax = projected.bounds
    grid = Grid.from_bounds(xmin, ymin, xmax, ymax, cell_size)
    # One cell of padding keeps every point's linear-binning mass inside the KDE grid.
    kde_grid = Grid.from_bounds(xmin, ymin, xmax, ymax, kde_cell_size, pad=1)
    return StudyArea(
        region_wgs84=union,
        region=projected,
        grid=grid,
        mask=study_mask(grid, projected),
        kde_grid=kde_grid,
        kde_mask=study_mask(kde_grid, projected),
    )


# --------------------------------------------------------------------------------------
# Binning and KDE
# --------------------------------------------------------------------------------------


def bin_counts(grid: Grid, x, y) -> np.ndarray:
    """Simple binning: the number of points in every cell (int64, the grid's shape).
    Points outside the grid or with non-finite coordinates are ignored."""
    row, col, inside = grid.cell_of(x, y)
    flat = row[inside] * grid.ncols + col[inside]
    return np.bincount(flat, minlength=grid.n_cells).reshape(grid.shape)


def linear_bin(grid: Grid, x, y) -> np.ndarray:
    """Linear binning: every point's unit mass split over the four nearest cell centres
    by bilinear weights (float, the grid's shape). Mass that would fall on a centre
    outside the grid is dropped; points with non-finite coordinates are ignored."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    fx = (x[ok] - grid.x0) / grid.cell_size - 0.5  # in units of cells, 0 = first centre
    fy = (y[ok] - grid.y0) / grid.cell_size - 0.5
    c0 = np.floor(fx)
    r0 = np.floor(fy)
    wx = fx - c0
    wy = fy - r0
    c0 = c0.astype(np.int64)
    r0 = r0.astype(np.int64)
    out = np.zeros(grid.n_cells)
    for dr, wr in ((0, 1.0 - wy), (1, wy)):
        for dc, wc in ((0, 1.0 - wx), (1, wx)):
            r = r0 + dr
            c = c0 + dc
            keep = (r >= 0) & (r < grid.nrows) & (c >= 0) & (c < grid.ncols)
            out += np.bincount(
                r[keep] * grid.ncols + c[keep], weights=(wr * wc)[keep], minlength=grid.n_cells
            )
    return out.reshape(grid.shape)


def gaussian_kernel(cell_size: float, bandwidth: float, truncate: float = KDE_TRUNCATE):
    """The 2-D Gaussian density (per m²) with sigma ``bandwidth`` evaluated at the grid
    offsets within ``truncate`` bandwidths, as a square odd-sized array."""
    radius = max(1, math.ceil(truncate * bandwidth / cell_size))
    offsets = np.arange(-radius, radius + 1) * cell_size
    g = np.exp(-0.5 * (offsets / bandwidth) ** 2)
    return np.outer(g, g) / (2.0 * math.pi * bandwidth**2)


def grid_kde(
    grid: Grid, x, y, bandwidth: float = DEFAULT_BANDWIDTH, *, truncate: float = KDE_TRUNCATE
) -> np.ndarray:
    """Gaussian kernel density of the points at the grid's cell centres, in incidents
    per km² (the grid's shape; it integrates to the number of points, less the kernel
    mass that falls beyond the grid's edge).

    Linear binning, then an FFT convolution with the kernel (zero padded, no wrap-around).
    The bandwidth (the kernel's standard deviation, metres) must be at least 3 cell
    sizes: then the result is within 3% of the exact direct-sum KDE at the cell centres.
    """
    if not bandwidth >= 3 * grid.cell_size:
        raise ValueError(
            f"bandwidth {bandwidth:g} m is below 3 cell sizes ({3 * grid.cell_size:g} m); "
            "use a smaller cell size or a larger bandwidth"
        )
    binned = linear_bin(grid, x, y)
    if not binned.any():
        return np.zeros(grid.shape)
    kernel = gaussian_kernel(grid.cell_size, bandwidth, truncate)
    density = signal.fftconvolve(binned, kernel, mode="same")
    np.clip(density, 0.0, None, out=density)  # FFT round-off around zero
    return density * 1e6  # per m² -> per km²


# --------------------------------------------------------------------------------------
# Getis-Ord Gi* and exact conditional-randomisation p-values
# --------------------------------------------------------------------------------------

_QUEEN = [(dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1)]


def _window_sum(a: np.ndarray) -> np.ndarray:
    """Sum over the 3x3 block around every cell (zero outside the array)."""
    p = np.pad(a, 1)
    nr, nc = a.shape
    out = np.zeros(a.shape, dtype=np.result_type(a.dtype, np.int64))
    for dr, dc in _QUEEN:
        out += p[1 + dr : 1 + dr + nr, 1 + dc : 1 + dc + nc]
    return out


def mask_neighbours(mask: np.ndarray) -> list[np.ndarray]:
    """Queen neighbours of every cell in the mask, self excluded, as positions in the
    mask's row-major order of cells (the order of :class:`HotspotResult`)."""
    mask = np.asarray(mask, dtype=bool)
    nr, nc = mask.shape
    pos = np.full(mask.shape, -1, dtype=np.int64)
    pos[mask] = np.arange(int(mask.sum()))
    padded = np.pad(pos, 1, constant_values=-1)
    rows, cols = np.nonzero(mask)
    nbrs = np.stack(
        [padded[1 + dr + rows, 1 + dc + cols] for dr, dc in _QUEEN if (dr, dc) != (0, 0)],
        axis=1,
    )
    return [row[row >= 0] for row in nbrs]


@dataclass
class GiStar:
    """Gi* of every cell in the mask (row-major order of the mask's cells)."""

    values: np.ndarray  # the cell's own count
    window_sums: np.ndarray  # sum over the cell and its queen neighbours in the mask
    window_cells: np.ndarray  # number of cells in that window (1..9)
    z: np.ndarray


def gi_star(counts: np.ndarray, mask: np.ndarray) -> GiStar:
    """Getis-Ord Gi* z-scores with binary queen weights including self, restricted to
    the mask.

    z_i = (S_i - W_i * mean) / (s * sqrt((n * W_i - W_i**2) / (n - 1))), with S_i the
    window sum, W_i the number of cells in the window, n the cells in the mask, mean and
    s (population standard deviation) over the mask's counts. Equal to esda's
    ``G_Local(values, W, transform="B", star=True).Zs``. Where it is undefined (all
    counts equal, or the window is the whole mask) z is 0.
    """
    mask = np.asarray(mask, dtype=bool)
    counts = np.asarray(counts)
    if counts.shape != mask.shape:
        raise ValueError("counts and mask must have the same shape")
    inside = np.where(mask, counts, 0).astype(np.int64)
    values = inside[mask]
    window_sums = _window_sum(inside)[mask]
    window_cells = _window_sum(mask.astype(np.int64))[mask]
    n = values.size
    z = np.zeros(n)
    if n >= 2:
        total = float(values.sum())
        mean = total / n
        var = float(np.dot(values, values)) / n - mean**2
        w = window_cells.astype(float)
        denom = np.sqrt(max(var, 0.0)) * np.sqrt((n * w - w**2) / (n - 1))
        ok = denom > 1e-12 * max(mean, 1.0)
        z[ok] = (window_sums[ok] - w[ok] * mean) / denom[ok]
    return GiStar(values, window_sums, window_cells, z)


def _sum_ways(values: np.ndarray, k_max: int) -> tuple[np.ndarray, np.ndarray]:
    """ways[j, s]: the number of j-subsets (j <= k_max) of the multiset ``values`` whose
    sum is s, as floats; and top[j]: the largest such s (the support's end)."""
    distinct, mult = np.unique(values, return_counts=True)
    top_desc = np.sort(values)[::-1]
    top = np.concatenate([[0], np.cumsum(top_desc[:k_max])]).astype(np.int64)
    top = np.concatenate([top, np.full(k_max + 1 - top.size, top[-1])])
    length = int(top[-1]) + 1
    ways = np.zeros((k_max + 1, length))
    ways[0, 0] = 1.0
    hi = np.zeros(k_max + 1, dtype=np.int64)  # current support end of ways[j]
    filled = np.zeros(k_max + 1, dtype=bool)
    filled[0] = True
    # Ascending distinct values: the support grows slowly, slices stay short.
    for v, c in zip(distinct.tolist(), mult.tolist(), strict=True):
        for j in range(k_max, 0, -1):  # descending: ways[j - m] is still the old row
            for m in range(1, min(j, c) + 1):
                src = j - m
                if not filled[src]:
                    continue
                shift = m * v
                end = int(hi[src]) + 1
                ways[j, shift : shift + end] += math.comb(c, m) * ways[src, :end]
                hi[j] = max(hi[j], hi[src] + shift)
                filled[j] = True
    return ways, top


TOTAL = "total"
CONDITIONAL = "conditional"
RANDOMISATIONS = (TOTAL, CONDITIONAL)


def window_pvalues(values, window_sums, window_cells, *, randomisation=TOTAL) -> np.ndarray:
    """Exact one-sided (upper) randomisation p-values of window sums of counts.

    ``values``: the non-negative integer counts of the n cells; ``window_sums[i]``: the
    observed sum over cell i's window of ``window_cells[i]`` cells (itself included).
    All arrangements of the counts over the cells are equally likely under the null.

    * ``"total"``: p_i = P(the sum of window_cells[i] counts drawn without replacement
      from all n >= window_sums[i]).
    * ``"conditional"``: cell i keeps its own count; p_i = P(values[i] + the sum of
      window_cells[i] - 1 counts drawn without replacement from the other n - 1 >=
      window_sums[i]) (esda's conditional randomisation, ``_crand``).

    These are the limits of the corresponding random permutations as their number grows.
    One dynamic programme over the distinct values gives the number of ways for every
    (number drawn, sum); the conditional null deflates it by one copy of each distinct
    focal value. A p-value is never below 1 / (number of equally likely draws), the
    observed draw being one of them.
    """
    if randomisation not in RANDOMISATIONS:
        raise ValueError(f"randomisation must be one of {RANDOMISATIONS}")
    values = np.asarray(values).astype(np.int64).ravel()
    window_sums = np.asarray(window_sums).astype(np.int64).ravel()
    drawn = np.asarray(window_cells).astype(np.int64).ravel()
    n = values.size
    if not (window_sums.size == drawn.size == n):
        raise ValueError("values, window_sums and window_cells must have the same length")
    if n == 0:
        return np.zeros(0)
    if values.min() < 0:
        raise ValueError("values must be non-negative counts")
    if drawn.min() < 1 or drawn.max() > n:
        raise ValueError("every window needs 1 <= window_cells <= n")
    if randomisation == CONDITIONAL:
        return _conditional_pvalues(values, window_sums, drawn - 1)
    return _total_pvalues(values, window_sums, drawn)


def _tail_pvalues(ways_row, top, thresholds, total) -> np.ndarray:
    """P(sum >= t) for every t, from ways_row (the number of ways per sum 0..top)."""
    tail = np.cumsum(np.clip(ways_row[: top + 1], 0.0, None)[::-1])[::-1]
    t = np.clip(thresholds, 0, None)
    hit = np.zeros(t.size)
    inrange = t <= top
    hit[inrange] = tail[t[inrange]]
    return hit / total


def _total_pvalues(values, window_sums, drawn) -> np.ndarray:
    n = values.size
    ways, top = _sum_ways(values, int(drawn.max()))
    p = np.ones(n)
    for k in np.unique(drawn).tolist():
        cells = np.flatnonzero(drawn == k)
        total = float(math.comb(n, k))
        p[cells] = np.clip(
            _tail_pvalues(ways[k], int(top[k]), window_sums[cells], total), 1.0 / total, 1.0
        )
    return p


def _conditional_pvalues(values, window_sums, k) -> np.ndarray:
    n = values.size
    p = np.ones(n)
    k_max = int(k.max())
    if k_max == 0:
        return p
    ways, top = _sum_ways(values, k_max)
    thresholds = window_sums - values  # what the k drawn values must reach
    order = np.argsort(values, kind="stable")
    bounds = np.flatnonzero(np.diff(values[order])) + 1
    rest = np.zeros_like(ways)  # entries past top[j] stay zero
    for group in np.split(order, bounds):
        u = int(values[group[0]])
        # Remove one copy of u: full(y, t) = (1 + y t^u) * rest(y, t), so
        # rest[j, s] = full[j, s] - rest[j - 1, s - u]. In floats this cancels only
        # terms whose share of all draws is about j / n: absolute errors stay ~1e-16.
        rest[0] = ways[0]
        for j in range(1, k_max + 1):
            end = int(top[j]) + 1
            rest[j, :end] = ways[j, :end]
            if u < end:
                rest[j, u:end] -= rest[j - 1, : end - u]
        ks = k[group]
        for kk in np.unique(ks).tolist():
            if kk == 0:
                continue
            cells = group[ks == kk]
            total = float(math.comb(n - 1, kk))
            p[cells] = np.clip(
                _tail_pvalues(rest[kk], int(top[kk]), thresholds[cells], total),
                1.0 / total,
                1.0,
            )
    return p


@dataclass
class HotspotResult:
    """Gi* hotspots of one window: arrays over the cells tested (the mask's cells in
    row-major order).

    ``cell`` is the cell id (row * ncols + col); ``count`` the cell's incidents;
    ``window_count`` the incidents in its 3x3 window (cells in the mask only);
    ``window_cells`` the number of cells in that window; ``expected`` the window count
    expected under the randomisation null; ``z`` the Gi* z-score; ``p`` the exact
    one-sided randomisation p-value; ``q`` the BH-adjusted p-value over all cells
    tested; ``hot`` the flag: q <= q_level and window_count >= min_window_count.
    """

    shape: tuple[int, int]
    cell: np.ndarray
    count: np.ndarray
    window_count: np.ndarray
    window_cells: np.ndarray
    expected: np.ndarray
    z: np.ndarray
    p: np.ndarray
    q: np.ndarray
    hot: np.ndarray
    q_level: float = DEFAULT_Q
    min_window_count: int = DEFAULT_MIN_WINDOW_COUNT
    randomisation: str = TOTAL

    @property
    def n_tested(self) -> int:
        return int(self.cell.size)

    @property
    def n_hot(self) -> int:
        return int(self.hot.sum())

    def hot_cells(self) -> np.ndarray:
        return self.cell[self.hot]

    _ARRAYS = ("cell", "count", "window_count", "window_cells", "expected", "z", "p", "q")

    def to_json(self) -> dict:
        data: dict[str, Any] = {name: getattr(self, name).tolist() for name in self._ARRAYS}
        data["hot"] = self.hot.tolist()
        data.update(
            shape=list(self.shape),
            q_level=self.q_level,
            min_window_count=self.min_window_count,
            randomisation=self.randomisation,
            n_tested=self.n_tested,
            n_hot=self.n_hot,
        )
        return data

    @classmethod
    def from_json(cls, data: Mapping) -> HotspotResult:
        ints = {"cell", "count", "window_count", "window_cells"}
        arrays = {
            name: np.asarray(data[name], dtype=np.int64 if name in ints else float)
            for name in cls._ARRAYS
        }
        return cls(
            shape=tuple(data["shape"]),
            hot=np.asarray(data["hot"], dtype=bool),
            q_level=data["q_level"],
            min_window_count=data["min_window_count"],
            randomisation=data["randomisation"],
            **arrays,
        )


def gi_star_hotspots(
    counts: np.ndarray,
    mask: np.ndarray,
    *,
    q: float = DEFAULT_Q,
    min_window_count: int = DEFAULT_MIN_WINDOW_COUNT,
    randomisation: str = TOTAL,
) -> HotspotResult:
    """Gi* hot spots of a grid of counts: exact randomisation p-values (upper tail, see
    :func:`window_pvalues`), Benjamini-Hochberg over every cell in the mask, then the
    minimum window count (which only removes flags, never shrinks the family)."""
    mask = np.asarray(mask, dtype=bool)
    g = gi_star(counts, mask)
    n = g.values.size
    p = window_pvalues(g.values, g.window_sums, g.window_cells, randomisation=randomisation)
    qvals = stats.false_discovery_control(p, method="bh") if n else np.zeros(0)
    if n == 0:
        expected = np.zeros(0)
    elif randomisation == TOTAL:
        expected = g.window_cells * (g.values.sum() / n)
    else:
        k = g.window_cells - 1
        expected = g.values + k * (g.values.sum() - g.values) / max(n - 1, 1)
    hot = (qvals <= q) & (g.window_sums >= min_window_count) & (g.z > 0)
    return HotspotResult(
        shape=tuple(mask.shape),
        cell=np.flatnonzero(mask.ravel()),
        count=g.values,
        window_count=g.window_sums,
        window_cells=g.window_cells,
        expected=np.asarray(expected, dtype=float),
        z=g.z,
        p=p,
        q=np.asarray(qvals, dtype=float),
        hot=hot,
        q_level=q,
        min_window_count=min_window_count,
        randomisation=randomisation,
    )


def new_hotspots(recent, before) -> np.ndarray:
    """Cell ids hot in ``recent`` (e.g. the last 4 weeks) but not in ``before`` (e.g.
    the 13 weeks before). Takes two :class:`HotspotResult` or two :class:`HotspotLayer`
    computed on the same grid."""
    if isinstance(recent, HotspotLayer) and isinstance(before, HotspotLayer):
        if recent.grid != before.grid:
            raise ValueError("the two windows were computed on different grids")
    recent = recent.hotspots if isinstance(recent, HotspotLayer) else recent
    before = before.hotspots if isinstance(before, HotspotLayer) else before
    if tuple(recent.shape) != tuple(before.shape):
        raise ValueError("the two windows were computed on different grids")
    return np.setdiff1d(recent.hot_cells(), before.hot_cells())


# --------------------------------------------------------------------------------------
# Back to WGS84
# --------------------------------------------------------------------------------------


def cell_polygons_wgs84(grid: Grid, cells) -> list[list[list[float]]]:
    """The WGS84 exterior ring (closed, counterclockwise, [lon, lat] pairs) of every
    cell id. A 250 m cell's edges stay straight to well under a metre, so the four
    corners suffice."""
    cells = np.asarray(cells, dtype=np.int64)
    rows, cols = np.divmod(cells, grid.ncols)
    d = grid.cell_size
    xw = grid.x0 + cols * d
    ys = grid.y0 + rows * d
    # SW, SE, NE, NW, SW
    xs = np.stack([xw, xw + d, xw + d, xw, xw], axis=1)
    yv = np.stack([ys, ys, ys + d, ys + d, ys], axis=1)
    lon, lat = to_wgs84(xs.ravel(), yv.ravel())
    lon = np.round(lon, COORDINATE_DECIMALS).reshape(xs.shape)
    lat = np.round(lat, COORDINATE_DECIMALS).reshape(xs.shape)
    return [
        [[float(a), float(b)] for a, b in zip(lo, la, strict=True)]
        for lo, la in zip(lon, lat, strict=True)
    ]


def cells_geojson(grid: Grid, cells, properties: Mapping[str, Iterable] | None = None) -> dict:
    """A GeoJSON FeatureCollection (WGS84) of the cells' squares; ``properties`` maps a
    name to one value per cell. Every feature also carries its ``cell`` id."""
    cells = np.asarray(cells, dtype=np.int64)
    props = {name: list(vals) for name, vals in (properties or {}).items()}
    features = []
    for i, ring in enumerate(cell_polygons_wgs84(grid, cells)):
        p = {"cell": int(cells[i])}
        for name, vals in props.items():
            p[name] = _plain(vals[i])
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": p,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _plain(value):
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# --------------------------------------------------------------------------------------
# The entry point
# --------------------------------------------------------------------------------------


@dataclass
class KdeSurface:
    """A grid KDE: ``density`` (incidents per km², the grid's shape) and the study mask
    of its cells."""

    grid: Grid
    bandwidth: float
    density: np.ndarray
    mask: np.ndarray

    def to_json(self) -> dict:
        """Rows from south to north; cells outside the study region are null."""
        dens = np.round(self.density, 4).astype(object)
        dens[~self.mask] = None
        return {
            "grid": self.grid.to_dict(),
            "bandwidth": self.bandwidth,
            "unit": "incidents per km2",
            "max": float(self.density[self.mask].max()) if self.mask.any() else 0.0,
            "density": dens.tolist(),
        }

    @classmethod
    def from_json(cls, data: Mapping) -> KdeSurface:
        raw = np.array(data["density"], dtype=object)
        mask = np.not_equal(raw, None)
        density = np.where(mask, raw, 0.0).astype(float)
        return cls(Grid.from_dict(data["grid"]), float(data["bandwidth"]), density, mask)


@dataclass
class HotspotLayer:
    """What :func:`hotspot_layer` returns: plain data, cacheable (``to_json``).

    ``points`` counts the input: ``total``, ``invalid`` (non-finite coordinates),
    ``outside_region``, ``outside_mask`` (inside the region but in a cell whose centre
    is outside it, so not in any tested cell) and ``used`` (in a tested cell).
    """

    grid: Grid
    hotspots: HotspotResult
    kde: KdeSurface | None
    points: dict = field(default_factory=dict)
    parameters: dict = field(default_factory=dict)

    def hot_cells(self) -> np.ndarray:
        return self.hotspots.hot_cells()

    def hotspots_geojson(self) -> dict:
        """The hot cells with their figures (detail roles)."""
        h = self.hotspots
        sel = h.hot
        names = ("count", "window_count", "window_cells", "expected", "z", "p", "q")
        return cells_geojson(self.grid, h.cell[sel], {n: getattr(h, n)[sel] for n in names})

    def viewer_geojson(self, min_count: int = VIEWER_MIN_COUNT) -> dict:
        """Cells for viewers (DESIGN.md §5): cells with at least ``min_count`` incidents,
        with their count, and hot cells, whose count is null when below ``min_count``.
        Cells below ``min_count`` are otherwise left out, like empty cells."""
        h = self.hotspots
        sel = (h.count >= min_count) | h.hot
        counts = [int(c) if c >= min_count else None for c in h.count[sel]]
        return cells_geojson(self.grid, h.cell[sel], {"count": counts, "hot": h.hot[sel]})

    def to_json(self) -> dict:
        return {
            "grid": self.grid.to_dict(),
            "hotspots": self.hotspots.to_json(),
            "kde": self.kde.to_json() if self.kde is not None else None,
            "points": dict(self.points),
            "parameters": dict(self.parameters),
        }

    @classmethod
    def from_json(cls, data: Mapping) -> HotspotLayer:
        return cls(
            grid=Grid.from_dict(data["grid"]),
            hotspots=HotspotResult.from_json(data["hotspots"]),
            kde=KdeSurface.from_json(data["kde"]) if data.get("kde") else None,
            points=dict(data["points"]),
            parameters=dict(data["parameters"]),
        )


def hotspot_layer(
    lon,
    lat,
    region,
    *,
    cell_size: float = DEFAULT_CELL_SIZE,
    kde_cell_size: float = DEFAULT_KDE_CELL_SIZE,
    bandwidth: float = DEFAULT_BANDWIDTH,
    q: float = DEFAULT_Q,
    min_window_count: int = DEFAULT_MIN_WINDOW_COUNT,
    randomisation: str = TOTAL,
    kde: bool = True,
) -> HotspotLayer:
    """Hotspots and KDE of one analysis window (4-13 weeks of incidents).

    ``lon``/``lat``: WGS84 coordinates (array-likes of equal length; non-finite ones are
    skipped and counted). ``region``: a :class:`StudyArea`, or WGS84 shapely geometries /
    GeoJSON mappings of the study region (unioned). Points outside the region are
    skipped and counted. ``randomisation``: the null of the p-values, ``"total"`` (the
    default) or ``"conditional"``, see :func:`window_pvalues`. ``cell_size`` (Gi*, at least 250 m by DESIGN.md §6) and
    ``kde_cell_size`` must match a given StudyArea's. ``kde=False`` skips the KDE.
    """
    if cell_size < 250:
        raise ValueError("Gi* cells must be at least 250 m (DESIGN.md §6)")
    if isinstance(region, StudyArea):
        area = region
        if (area.grid.cell_size, area.kde_grid.cell_size) != (
            float(cell_size),
            float(kde_cell_size),
        ):
            raise ValueError(
                f"the study area has {area.grid.cell_size:g} m / {area.kde_grid.cell_size:g}"
                f" m cells, not {cell_size:g} m / {kde_cell_size:g} m"
            )
    else:
        area = study_area(region, cell_size=cell_size, kde_cell_size=kde_cell_size)
    lon = np.asarray(lon, dtype=float).ravel()
    lat = np.asarray(lat, dtype=float).ravel()
    if lon.shape != lat.shape:
        raise ValueError("lon and lat must have the same length")
    total = lon.size
    finite = np.isfinite(lon) & np.isfinite(lat)
    x, y = to_sweref(lon[finite], lat[finite])
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    invalid = total - x.size
    inside = shapely.contains_xy(area.region, x, y) if x.size else np.zeros(0, dtype=bool)
    x, y = x[inside], y[inside]

    counts = bin_counts(area.grid, x, y)
    used = int(counts[area.mask].sum())
    result = gi_star_hotspots(
        np.where(area.mask, counts, 0),
        area.mask,
        q=q,
        min_window_count=min_window_count,
        randomisation=randomisation,
    )
    surface = None
    if kde:
        density = grid_kde(area.kde_grid, x, y, bandwidth)
        surface = KdeSurface(area.kde_grid, float(bandwidth), density, area.kde_mask)
    return HotspotLayer(
        grid=area.grid,
        hotspots=result,
        kde=surface,
        points={
            "total": int(total),
            "invalid": int(invalid),
            "outside_region": int(inside.size - inside.sum()),
            "outside_mask": int(x.size - used),
            "used": used,
        },
        parameters={
            "cell_size": float(cell_size),
            "kde_cell_size": float(kde_cell_size),
            "bandwidth": float(bandwidth),
            "q": float(q),
            "min_window_count": int(min_window_count),
            "randomisation": randomisation,
        },
    )
