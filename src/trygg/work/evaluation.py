"""Does an action work? A before/after comparison against comparison areas on counts.

Pure numpy/scipy, nothing of Django (DESIGN.md §4); ``trygg.work.evaluate`` reads the
counts from the rollup and phrases the result.

The design is a difference-in-differences on counts: the action's (treated) areas before
and after its start, and comparison areas over the same two windows. With Poisson counts
T_b, T_a, C_b, C_a the estimate is the ratio of ratios

    R = (T_a / T_b) / (C_a / C_b),

which is 1 when the action's areas changed exactly as the comparison areas did, 0.5 when
they halved relative to them. The exposures (window lengths, population) cancel as long
as both groups are counted over the same windows. log R has approximate variance
1/T_a + 1/T_b + 1/C_a + 1/C_b (the delta method for Poisson counts), which gives the 95%
interval exp(log R ± 1.96 · se).

A zero cell makes log R and its variance undefined: then 0.5 is added to every cell (the
usual continuity correction, Haldane-Anscombe) and the result says so. When one group has
no events at all in either window nothing can be said and the verdict is ``insufficient``.

The interval is what "detectable" means: a change is reported only when the interval
excludes 1; otherwise the honest answer is "no detectable change", which is not the same
as "no change" (the interval shows how large a change the data cannot rule out).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = [
    "DECREASE",
    "INCREASE",
    "INSUFFICIENT",
    "NO_CHANGE",
    "DidResult",
    "difference_in_differences",
    "suggest_comparison",
]

DECREASE = "decrease"
INCREASE = "increase"
NO_CHANGE = "no_change"
INSUFFICIENT = "insufficient"
CONTINUITY = 0.5


@dataclass(frozen=True)
class DidResult:
    treated_before: int
    treated_after: int
    comparison_before: int
    comparison_after: int
    ratio: float | None
    low: float | None
    high: float | None
    corrected: bool  # 0.5 was added to every cell because one was 0
    verdict: str
    level: float = 0.95

    @property
    def change_percent(self) -> float | None:
        """The relative change (R - 1) in percent, or None."""
        return None if self.ratio is None else (self.ratio - 1) * 100


def difference_in_differences(
    treated_before, treated_after, comparison_before, comparison_after, *, level=0.95
) -> DidResult:
    """The ratio of ratios with its Poisson (log-normal) interval and a verdict."""
    counts = [
        int(treated_before),
        int(treated_after),
        int(comparison_before),
        int(comparison_after),
    ]
    if any(c < 0 for c in counts):
        raise ValueError("counts must be non-negative")
    tb, ta, cb, ca = counts
    if tb + ta == 0 or cb + ca == 0:
        return DidResult(tb, ta, cb, ca, None, None, None, False, INSUFFICIENT, level)
    corrected = min(counts) == 0
    cells = np.array(counts, dtype=float) + (CONTINUITY if corrected else 0.0)
    t_b, t_a, c_b, c_a = cells
    log_ratio = math.log(t_a / t_b) - math.log(c_a / c_b)
    se = math.sqrt(float(np.sum(1.0 / cells)))
    z = float(stats.norm.ppf(0.5 + level / 2))
    low, high = math.exp(log_ratio - z * se), math.exp(log_ratio + z * se)
    if high < 1:
        verdict = DECREASE
    elif low > 1:
        verdict = INCREASE
    else:
        verdict = NO_CHANGE
    return DidResult(tb, ta, cb, ca, math.exp(log_ratio), low, high, corrected, verdict, level)


def suggest_comparison(baseline, treated_level, *, exclude=(), minimum=10, size=3):
    """The candidate areas whose baseline count is closest to the treated areas' level.

    ``baseline``: area id -> count in the before window (every candidate, zeros too);
    ``treated_level``: the treated areas' before count per treated area (so that one
    comparison area is matched to the level of one treated area); areas in ``exclude``
    and areas with fewer than ``minimum`` counts (too few to compare with) are skipped.
    Returns up to ``size`` ids, closest first on the log scale (ties by id)."""
    excluded = set(exclude)
    target = math.log(max(float(treated_level), 0.5))
    candidates = [
        (abs(math.log(count) - target), area_id)
        for area_id, count in baseline.items()
        if area_id not in excluded and count >= minimum
    ]
    candidates.sort()
    return [area_id for _distance, area_id in candidates[:size]]
