"""When is a change in a lägesbild meaningful? (DESIGN.md §6.) numpy/scipy only, no Django.

The test. A cell (area x category) has ``k`` incidents in the period (exposure ``t``, e.g.
1 week) and ``b`` in the baseline window (exposure ``T``, e.g. the 52 weeks before). Both are
Poisson; under H0 the rates are equal, and conditionally on ``n = k + b`` the period's count
is ``k ~ Binomial(n, t / (t + T))``. The exact conditional binomial test therefore accounts
for the uncertainty of the baseline as well as the period's own noise.

Two-sided method: ``minlike`` by default, the same as ``scipy.stats.binomtest``: the p-value
is the probability of every outcome no more likely than the one observed. It is exact (valid
at every level) and, because the null distribution is very skewed when ``t`` is much smaller
than ``T`` (p0 = 1/53 for a week against 52 weeks), more powerful than the doubling method
(``central``: ``min(1, 2 * min(P[X <= k], P[X >= k]))``), which pays a factor of 2 for the
lower tail that a skewed distribution hardly has. Both are vectorised here (binom.cdf/sf, and
a vectorised binary search for the minlike tail), so hundreds of thousands of cells take
well under a second; ``scipy.stats.binomtest`` is a scalar Python loop.

The family. Increases and decreases are one family (two-sided p-values), and the
Benjamini-Hochberg procedure controls the false discovery rate over every cell of one view,
whatever its count: a cell with ``k = b = 0`` gets ``p = 1`` and still counts in the family
size ``m``.

The minimum count. A flag also needs ``max(k, expected) >= min_count`` (default 3), where
``expected = b * t / T`` is the baseline's mean per period: an increase needs at least 3
incidents this period, a decrease needs a baseline of at least 3 per period. Below that a
"change" is between 0, 1 and 2 incidents, which no one should act on and which a duplicate
report can produce on its own. The rule is applied after BH and only removes flags: it never
removes a cell from the family, so it never changes ``m`` or anyone's adjusted p-value.

Shapes. The cells of one view lie along the last axis; leading axes (if any) are independent
views, each its own BH family (handy for simulations).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import binom, false_discovery_control, poisson

__all__ = [
    "DEFAULT_MIN_COUNT",
    "DEFAULT_Q",
    "METHODS",
    "Cell",
    "FlagResult",
    "bh",
    "conditional_binomial_p",
    "flag_cells",
    "poisson_band",
]

METHODS = ("minlike", "central")
DEFAULT_Q = 0.05
DEFAULT_MIN_COUNT = 3
# scipy.stats.binomtest's relative tolerance when comparing probabilities (minlike).
_RERR = 1 + 1e-7


# -- validation -----------------------------------------------------------------------------


def _counts(name: str, values: Any) -> np.ndarray:
    array = np.asarray(values)
    if array.dtype == bool or array.dtype.kind not in "iuf":
        raise ValueError(f"{name} must be numeric counts, got dtype {array.dtype}")
    if array.dtype.kind == "f":
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{name} must be finite counts (no NaN or infinity)")
        if np.any(array != np.round(array)):
            raise ValueError(f"{name} must be whole numbers")
    if array.size and array.min() < 0:
        raise ValueError(f"{name} must be non-negative; got {array.min()}")
    return array.astype(np.int64)


def _exposure(name: str, values: Any, shape: tuple[int, ...]) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(array)) or np.any(array <= 0):
        raise ValueError(f"exposure {name} must be positive and finite (e.g. 1 week, 52 weeks)")
    try:
        return np.broadcast_to(array, shape)
    except ValueError:
        raise ValueError(
            f"exposure {name} of shape {array.shape} does not fit the counts' shape {shape}"
        ) from None


def _same_shape(k: np.ndarray, b: np.ndarray) -> None:
    if k.shape != b.shape:
        raise ValueError(
            f"counts and baseline counts must have the same shape, got {k.shape} and {b.shape}"
        )


# -- the test -------------------------------------------------------------------------------


def _central(k: np.ndarray, n: np.ndarray, p0: np.ndarray) -> np.ndarray:
    lower = binom.cdf(k, n, p0)
    upper = binom.sf(k - 1, n, p0)
    return np.minimum(1.0, 2.0 * np.minimum(lower, upper))


def _minlike(k: np.ndarray, n: np.ndarray, p0: np.ndarray) -> np.ndarray:
    """Vectorised ``scipy.stats.binomtest(k, n, p0).pvalue`` (two-sided, minlike).

    The observed tail is ``P[X >= k]`` (or ``P[X <= k]``); the other tail adds every outcome
    on the other side of the mean whose probability is at most ``pmf(k)`` (with binomtest's
    tolerance). The pmf is monotone on each side of the mean, so that set is an interval
    ending at 0 (or n), found by a binary search run on all cells at once."""
    p = np.ones(k.shape)
    mean = n * p0
    d = binom.pmf(k, n, p0) * _RERR

    up = np.flatnonzero(k > mean)
    if up.size:
        ku, nu, pu, du = k[up], n[up], p0[up], d[up]
        # Largest x in [0, floor(mean)] with pmf(x) <= d (-1 if none): pmf rises on it.
        lo = np.full(up.size, -1, dtype=np.int64)
        hi = np.floor(mean[up]).astype(np.int64) + 1
        _search(lo, hi, nu, pu, du, rising=True)
        p[up] = binom.cdf(lo, nu, pu) + binom.sf(ku - 1, nu, pu)

    down = np.flatnonzero(k < mean)
    if down.size:
        kd, nd, pd, dd = k[down], n[down], p0[down], d[down]
        # Smallest x in [ceil(mean), n] with pmf(x) <= d (n + 1 if none): pmf falls on it.
        lo = np.ceil(mean[down]).astype(np.int64) - 1
        hi = nd + 1
        _search(lo, hi, nd, pd, dd, rising=False)
        p[down] = binom.cdf(kd, nd, pd) + binom.sf(hi - 1, nd, pd)

    return np.minimum(p, 1.0)


def _search(lo, hi, n, p0, d, *, rising: bool) -> None:
    """Binary search in place. Invariant: for ``rising``, pmf(lo) <= d < pmf(hi) (lo is the
    answer); otherwise pmf(lo) > d >= pmf(hi) (hi is the answer). Sentinels lie outside the
    searched interval and are never evaluated."""
    active = np.flatnonzero(hi - lo > 1)
    while active.size:
        mid = (lo[active] + hi[active]) // 2
        below = binom.pmf(mid, n[active], p0[active]) <= d[active]
        if rising:
            lo[active] = np.where(below, mid, lo[active])
            hi[active] = np.where(below, hi[active], mid)
        else:
            hi[active] = np.where(below, mid, hi[active])
            lo[active] = np.where(below, lo[active], mid)
        active = active[hi[active] - lo[active] > 1]


def conditional_binomial_p(k, b, t, T, *, method: str = "minlike") -> np.ndarray:
    """Two-sided p-values of the exact conditional binomial test of equal rates.

    ``k``: counts in the period (exposure ``t``); ``b``: counts in the baseline window
    (exposure ``T``). ``k`` and ``b`` must have the same shape; ``t`` and ``T`` broadcast to
    it. Under H0, given ``n = k + b``, ``k ~ Binomial(n, t / (t + T))``. ``k = b = 0`` gives
    ``p = 1``. ``method``: ``"minlike"`` (as ``scipy.stats.binomtest``) or ``"central"``
    (doubling). Returns a float array of the counts' shape.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    k = _counts("counts", k)
    b = _counts("baseline counts", b)
    _same_shape(k, b)
    t = _exposure("t", t, k.shape)
    T = _exposure("T", T, k.shape)
    p0 = (t / (t + T)).ravel()
    kf, nf = k.ravel(), (k + b).ravel()
    p = _minlike(kf, nf, p0) if method == "minlike" else _central(kf, nf, p0)
    return p.reshape(k.shape)


def bh(p, q: float = DEFAULT_Q, *, axis: int = -1) -> tuple[np.ndarray, np.ndarray]:
    """Benjamini-Hochberg over ``axis`` (every entry is in the family).

    Returns ``(rejected, q_values)``: the BH-adjusted p-values (q-values) and whether each
    is at most ``q``, which is exactly the BH step-up rejection set at level ``q``."""
    if not 0 < q < 1:
        raise ValueError(f"the false discovery rate q must lie strictly between 0 and 1, got {q}")
    p = np.asarray(p, dtype=float)
    if np.any(np.isnan(p)) or np.any((p < 0) | (p > 1)):
        raise ValueError("p-values must lie between 0 and 1")
    if p.size == 0:
        return np.zeros(p.shape, dtype=bool), p.copy()
    q_values = false_discovery_control(p, axis=axis, method="bh")
    return q_values <= q, q_values


# -- flags ----------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """numpy scalar -> JSON-friendly Python value (non-finite floats -> None)."""
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        return float(value) if np.isfinite(value) else None
    return value


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell's result: everything its one-sentence explanation needs.

    e.g. "12 this week against 3.1 per week in the 52 weeks before (p = 0.0004; 1 of
    300 cells flagged at a false discovery rate of 5%)".
    ``ratio`` is ``count / baseline_per_period``, None when the baseline is 0.
    ``direction`` is 'up', 'down' or None (count equals the baseline mean), for every cell;
    ``flagged`` says whether the change is meaningful; ``eligible`` whether the cell clears
    the minimum count (a cell can be significant yet not flagged because of it).
    """

    count: int
    baseline_count: int
    baseline_per_period: float
    ratio: float | None
    p_value: float
    q_value: float
    direction: str | None
    eligible: bool
    flagged: bool
    family_size: int
    q: float
    min_count: float
    baseline_periods: float

    def to_dict(self) -> dict:
        return {name: _plain(getattr(self, name)) for name in self.__slots__}


@dataclass(frozen=True)
class FlagResult:
    """Per-cell arrays (the counts' shape; cells along the last axis) plus the view's
    parameters. ``direction`` is an object array of 'up' / 'down' / None."""

    count: np.ndarray
    baseline_count: np.ndarray
    baseline_per_period: np.ndarray
    ratio: np.ndarray
    p_value: np.ndarray
    q_value: np.ndarray
    direction: np.ndarray
    eligible: np.ndarray
    flagged: np.ndarray
    t: np.ndarray
    T: np.ndarray
    family_size: int
    q: float
    min_count: float
    method: str

    @property
    def n_flagged(self) -> int:
        return int(self.flagged.sum())

    def cell(self, index) -> Cell:
        """The explanation data of one cell (an int, or a tuple for batched views)."""
        return Cell(
            count=int(self.count[index]),
            baseline_count=int(self.baseline_count[index]),
            baseline_per_period=float(self.baseline_per_period[index]),
            ratio=_plain(self.ratio[index]),
            p_value=float(self.p_value[index]),
            q_value=float(self.q_value[index]),
            direction=self.direction[index],
            eligible=bool(self.eligible[index]),
            flagged=bool(self.flagged[index]),
            family_size=self.family_size,
            q=self.q,
            min_count=self.min_count,
            baseline_periods=float(self.T[index] / self.t[index]),
        )

    def cells(self) -> list[Cell]:
        """Every cell of a single (1-D) view, in input order."""
        if self.count.ndim != 1:
            raise ValueError("cells() is for a single view; use cell(index) on batches")
        return [self.cell(i) for i in range(self.count.shape[0])]

    def to_dict(self) -> dict:
        def listed(array):
            return np.vectorize(_plain, otypes=[object])(array).tolist() if array.size else []

        return {
            "family_size": self.family_size,
            "q": self.q,
            "min_count": self.min_count,
            "method": self.method,
            "n_flagged": self.n_flagged,
            "count": self.count.tolist(),
            "baseline_count": self.baseline_count.tolist(),
            "baseline_per_period": self.baseline_per_period.tolist(),
            "ratio": listed(self.ratio),
            "p_value": self.p_value.tolist(),
            "q_value": self.q_value.tolist(),
            "direction": self.direction.tolist(),
            "eligible": self.eligible.tolist(),
            "flagged": self.flagged.tolist(),
        }


def flag_cells(
    counts,
    baseline_counts,
    t,
    T,
    *,
    q: float = DEFAULT_Q,
    min_count: float = DEFAULT_MIN_COUNT,
    method: str = "minlike",
) -> FlagResult:
    """Flag the meaningful changes of one view (or of a batch of views).

    ``counts``: this period's count per cell (cells along the last axis); ``baseline_counts``:
    the baseline window's counts, same shape; ``t`` and ``T``: the exposures of the period and
    of the baseline (e.g. 7 and 364 days), scalars or broadcastable to the counts.
    A cell is flagged when its BH-adjusted p-value (over every cell of the view) is at most
    ``q`` and ``max(count, baseline_per_period) >= min_count``.
    """
    if not 0 < q < 1:
        raise ValueError(f"the false discovery rate q must lie strictly between 0 and 1, got {q}")
    if not (np.isfinite(min_count) and min_count >= 0):
        raise ValueError(f"min_count must be a non-negative number, got {min_count}")
    k = _counts("counts", counts)
    b = _counts("baseline counts", baseline_counts)
    _same_shape(k, b)
    if k.ndim == 0:
        raise ValueError("counts must be an array of cells (at least one dimension)")
    t = _exposure("t", t, k.shape)
    T = _exposure("T", T, k.shape)

    p = conditional_binomial_p(k, b, t, T, method=method)
    rejected, q_values = bh(p, q)
    expected = b * (t / T)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, k / np.where(expected > 0, expected, 1.0), np.nan)
    direction = np.full(k.shape, None, dtype=object)
    direction[k > expected] = "up"
    direction[k < expected] = "down"
    eligible = np.maximum(k, expected) >= min_count
    return FlagResult(
        count=k,
        baseline_count=b,
        baseline_per_period=expected,
        ratio=ratio,
        p_value=p,
        q_value=q_values,
        direction=direction,
        eligible=eligible,
        flagged=rejected & eligible,
        t=t,
        T=T,
        family_size=int(k.shape[-1]),
        q=float(q),
        min_count=float(min_count) if not float(min_count).is_integer() else int(min_count),
        method=method,
    )


# -- a descriptive band for trend charts ----------------------------------------------------


def poisson_band(mean, level: float = 0.95):
    """The central ``level`` range of a Poisson count with this mean: ``(low, high)``, the
    ``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles (whole numbers, as floats).

    For the shaded "usual" band of a weekly trend chart (mean = the baseline's mean per
    week). Descriptive only: a week outside the band is not a flag; flags come from
    ``flag_cells``, which also accounts for the baseline's uncertainty and for multiplicity.
    Scalars give floats, arrays give arrays."""
    if not 0 < level < 1:
        raise ValueError(f"level must lie strictly between 0 and 1, got {level}")
    mean = np.asarray(mean, dtype=float)
    if not np.all(np.isfinite(mean)) or np.any(mean < 0):
        raise ValueError("the mean of a Poisson band must be non-negative and finite")
    tail = (1 - level) / 2
    low = np.where(mean > 0, poisson.ppf(tail, mean), 0.0)
    high = np.where(mean > 0, poisson.ppf(1 - tail, mean), 0.0)
    if mean.ndim == 0:
        return float(low), float(high)
    return low, high
