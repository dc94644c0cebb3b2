"""The difference-in-differences estimate on simulated counts (pure, no database)."""

import math

import numpy as np
import pytest

from trygg.work.evaluation import (
    DECREASE,
    INCREASE,
    INSUFFICIENT,
    NO_CHANGE,
    difference_in_differences,
    suggest_comparison,
)

WEEKS = 12
BASELINE = 10  # per week
SIMULATIONS = 2000


def simulate(rng, effect):
    """Weekly Poisson counts summed over 12 weeks before and 12 after; the treated area
    changes by ``effect`` after, the comparison area (same baseline) does not."""
    tb = rng.poisson(BASELINE, WEEKS).sum()
    ta = rng.poisson(BASELINE * effect, WEEKS).sum()
    cb = rng.poisson(BASELINE, WEEKS).sum()
    ca = rng.poisson(BASELINE, WEEKS).sum()
    return difference_in_differences(tb, ta, cb, ca)


def test_a_planted_halving_is_detected_in_at_least_80_percent():
    rng = np.random.default_rng(20260801)
    results = [simulate(rng, 0.5) for _ in range(SIMULATIONS)]
    excludes_one = sum(r.high < 1 for r in results)
    assert excludes_one / SIMULATIONS >= 0.80
    assert all(r.verdict in (DECREASE, NO_CHANGE) for r in results)
    assert sum(r.verdict == DECREASE for r in results) == excludes_one


def test_without_effect_the_interval_covers_one_in_93_to_97_percent():
    rng = np.random.default_rng(20260802)
    results = [simulate(rng, 1.0) for _ in range(SIMULATIONS)]
    covers = sum(r.low <= 1 <= r.high for r in results)
    assert 0.93 <= covers / SIMULATIONS <= 0.97


def test_the_estimate_is_the_ratio_of_ratios():
    result = difference_in_differences(100, 50, 80, 80)
    assert result.ratio == pytest.approx(0.5)
    se = math.sqrt(1 / 100 + 1 / 50 + 1 / 80 + 1 / 80)
    assert result.low == pytest.approx(0.5 * math.exp(-1.959964 * se), rel=1e-5)
    assert result.high == pytest.approx(0.5 * math.exp(1.959964 * se), rel=1e-5)
    assert result.verdict == DECREASE and not result.corrected
    assert difference_in_differences(50, 100, 80, 80).verdict == INCREASE


def test_a_zero_cell_adds_a_half_to_every_cell_and_says_so():
    result = difference_in_differences(6, 0, 5, 5)
    assert result.corrected
    assert result.ratio == pytest.approx((0.5 / 6.5) / (5.5 / 5.5))
    assert result.treated_after == 0  # the counts shown stay the real ones
    assert result.verdict in (DECREASE, NO_CHANGE)


def test_no_events_in_a_group_is_insufficient():
    assert difference_in_differences(0, 0, 5, 9).verdict == INSUFFICIENT
    assert difference_in_differences(3, 1, 0, 0).ratio is None
    with pytest.raises(ValueError):
        difference_in_differences(-1, 1, 1, 1)


def test_suggestion_is_the_closest_baseline_excluding_few_and_treated():
    baseline = {1: 40, 2: 38, 3: 100, 4: 3, 5: 45, 6: 41}
    assert suggest_comparison(baseline, 40, exclude={1}, size=2) == [6, 2]
    assert 4 not in suggest_comparison(baseline, 3, exclude={1}, minimum=10, size=5)
    assert suggest_comparison({}, 10) == []
