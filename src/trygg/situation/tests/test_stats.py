"""Flagging meaningful changes (DESIGN.md §6): exactness of the conditional binomial test,
Benjamini-Hochberg over every cell of a view, the minimum count, and simulations the size
and sparsity of a real partnership (300 area x category cells, baseline rates log-uniform
from 0.05 to 5 a week, baselines from 52 simulated weeks).

Run with ``-s`` to see the measured rates."""

import json

import numpy as np
import pytest
from scipy.stats import binomtest

from trygg.situation.stats import (
    DEFAULT_MIN_COUNT,
    bh,
    conditional_binomial_p,
    flag_cells,
    poisson_band,
)

pytestmark = pytest.mark.nodb

N_CELLS = 300
N_VIEWS = 4000  # simulated weeks (or 4-week periods) per scenario
BASELINE_WEEKS = 52
RATE_LOW, RATE_HIGH = 0.05, 5.0


def simulate(seed, *, weeks, n_views=N_VIEWS, surges=0, multiplier=(3.0, 5.0), fixed=None):
    """Counts of ``n_views`` independent views of a partnership.

    Each view has N_CELLS cells with weekly rates drawn log-uniformly from 0.05 to 5; the
    baseline count is the sum of 52 simulated weeks (Poisson(52 rate)), the period's count
    covers ``weeks`` weeks. ``surges`` random cells per view have their rate multiplied by
    a factor drawn uniformly from ``multiplier`` during the period. ``fixed`` = (rate,
    factor) sets cell 0 to that weekly rate and multiplies it by ``factor`` in the period.
    Returns (counts, baseline counts, mask of truly changed cells)."""
    rng = np.random.default_rng(seed)
    rate = np.exp(rng.uniform(np.log(RATE_LOW), np.log(RATE_HIGH), (n_views, N_CELLS)))
    changed = np.zeros(rate.shape, dtype=bool)
    if fixed is not None:
        rate[:, 0] = fixed[0]
    baseline = rng.poisson(BASELINE_WEEKS * rate)
    period_rate = rate.copy()
    if surges:
        cells = np.argsort(rng.random(rate.shape), axis=1)[:, :surges]
        rows = np.arange(n_views)[:, None]
        period_rate[rows, cells] *= rng.uniform(*multiplier, size=cells.shape)
        changed[rows, cells] = True
    if fixed is not None:
        period_rate[:, 0] = fixed[0] * fixed[1]
        changed[:, 0] = fixed[1] != 1
    counts = rng.poisson(weeks * period_rate)
    return counts, baseline, changed


def view(counts, baseline, weeks, **kwargs):
    return flag_cells(counts, baseline, weeks, BASELINE_WEEKS, **kwargs)


def false_discovery_proportion(flagged, changed):
    flags = flagged.sum(axis=1)
    false = (flagged & ~changed).sum(axis=1)
    return np.where(flags > 0, false / np.maximum(flags, 1), 0.0)


# -- exactness ------------------------------------------------------------------------------

EXPOSURES = [(1, 52), (4, 52), (1, 12), (1, 6), (1, 3), (1, 1), (28, 365), (31, 366), (2, 5)]


@pytest.mark.parametrize(("t", "T"), EXPOSURES)
def test_p_values_agree_with_scipy_binomtest(t, T):
    k, b = (a.ravel() for a in np.meshgrid(np.arange(16), np.arange(41), indexing="ij"))
    minlike = conditional_binomial_p(k, b, t, T)
    central = conditional_binomial_p(k, b, t, T, method="central")
    p0 = t / (t + T)
    for i in range(k.size):
        n = int(k[i] + b[i])
        if n == 0:
            assert minlike[i] == central[i] == 1.0
            continue
        expected = binomtest(int(k[i]), n, p0).pvalue
        assert minlike[i] == pytest.approx(expected, rel=1e-9, abs=1e-300)
        less = binomtest(int(k[i]), n, p0, alternative="less").pvalue
        greater = binomtest(int(k[i]), n, p0, alternative="greater").pvalue
        assert central[i] == pytest.approx(min(1.0, 2 * min(less, greater)), rel=1e-9)


def test_large_counts_and_broadcast_exposures():
    k = np.array([0, 40, 300, 2_000, 25])
    b = np.array([5_000, 2_000, 15_600, 104_000, 1_300])
    t = np.array([1, 1, 1, 1, 1])
    p = conditional_binomial_p(k, b, t, 52)
    for i in range(k.size):
        assert p[i] == pytest.approx(
            binomtest(int(k[i]), int(k[i] + b[i]), 1 / 53).pvalue, rel=1e-6, abs=1e-300
        )
    batch = conditional_binomial_p(np.tile(k, (3, 1)), np.tile(b, (3, 1)), 1, [[52], [52], [52]])
    assert batch.shape == (3, 5) and np.array_equal(batch[2], p)


def test_p_values_are_valid_under_the_null():
    rng = np.random.default_rng(11)
    rate = np.exp(rng.uniform(np.log(RATE_LOW), np.log(RATE_HIGH), 400_000))
    for weeks in (1, 4):
        k, b = rng.poisson(weeks * rate), rng.poisson(BASELINE_WEEKS * rate)
        p = conditional_binomial_p(k, b, weeks, BASELINE_WEEKS)
        for alpha in (0.001, 0.01, 0.05):
            size = float(np.mean(p <= alpha))
            print(f"\n[stats] H0, {weeks}-week period: P(p <= {alpha}) = {size:.5f}")
            assert size <= alpha


def test_zero_counts_give_p_one_and_never_a_flag():
    assert conditional_binomial_p([0], [0], 1, 52)[0] == 1.0
    assert conditional_binomial_p([0], [0], 1, 52, method="central")[0] == 1.0
    counts = np.zeros(N_CELLS, dtype=int)
    counts[0] = 40  # one huge surge, so BH rejects something in the family
    result = flag_cells(counts, np.zeros(N_CELLS, dtype=int), 1, 52, min_count=0)
    assert result.flagged[0]
    assert np.all(result.p_value[1:] == 1.0) and not result.flagged[1:].any()
    assert result.family_size == N_CELLS
    assert result.q_value[0] == pytest.approx(result.p_value[0] * N_CELLS)


def test_bh_is_the_step_up_procedure_over_the_whole_family():
    rng = np.random.default_rng(5)
    for _ in range(200):
        m = int(rng.integers(1, 60))
        p = np.where(rng.random(m) < 0.3, rng.random(m) * 1e-3, rng.random(m))
        rejected, q_values = bh(p, 0.05)
        order = np.argsort(p)
        passing = np.nonzero(p[order] <= 0.05 * np.arange(1, m + 1) / m)[0]
        expected = np.zeros(m, dtype=bool)
        if passing.size:
            expected[order[: passing[-1] + 1]] = True
        assert np.array_equal(rejected, expected)
        assert np.all(q_values >= p - 1e-15) and np.all(q_values <= 1)
    rejected, q_values = bh(np.array([]))
    assert rejected.shape == q_values.shape == (0,)


def test_the_minimum_count_never_changes_the_family():
    counts, baseline, _ = simulate(21, weeks=1, n_views=200, surges=30)
    results = {mc: view(counts, baseline, 1, min_count=mc) for mc in (0, 1, 3, 10)}
    for mc, result in results.items():
        assert result.family_size == N_CELLS
        assert np.array_equal(result.p_value, results[0].p_value)
        assert np.array_equal(result.q_value, results[0].q_value)
        assert not (result.flagged & ~results[0].flagged).any()  # it only removes flags
        assert np.array_equal(result.flagged, results[0].flagged & result.eligible)
        print(f"\n[stats] min_count={mc}: {result.flagged.sum()} flags in 200 views")
    assert results[10].flagged.sum() < results[0].flagged.sum()

    # A small but significant cell: not flagged, yet it stays in the family.
    counts = np.array([2] + [30] * 20 + [1] * 79)
    baseline = np.array([0] + [52] * 20 + [52] * 79)
    strict = flag_cells(counts, baseline, 1, 52, min_count=3)
    loose = flag_cells(counts, baseline, 1, 52, min_count=2)
    assert loose.flagged[0] and not strict.flagged[0] and not strict.eligible[0]
    assert np.array_equal(strict.q_value, loose.q_value)
    assert np.array_equal(strict.flagged[1:], loose.flagged[1:]) and strict.flagged[1:21].all()
    # Whereas dropping the cell from the view does change the family (and the q-values).
    smaller = flag_cells(counts[1:], baseline[1:], 1, 52)
    assert smaller.family_size == strict.family_size - 1
    assert not np.array_equal(smaller.q_value, strict.q_value[1:])


def test_a_batch_is_a_stack_of_independent_views():
    counts, baseline, _ = simulate(8, weeks=1, n_views=20, surges=3)
    batch = view(counts, baseline, 1)
    for i in range(20):
        single = view(counts[i], baseline[i], 1)
        assert np.array_equal(single.q_value, batch.q_value[i])
        assert np.array_equal(single.flagged, batch.flagged[i])
    assert batch.family_size == N_CELLS


# -- the result and its explanation ---------------------------------------------------------


def test_cells_explain_themselves_and_serialise_to_json():
    counts = np.array([12, 0, 3, 0, 1] + [1] * 95)
    baseline = np.array([52, 780, 156, 0, 104] + [52] * 95)
    result = flag_cells(counts, baseline, 1, 52)
    up, down, same, empty = (result.cell(i) for i in range(4))
    assert (up.direction, up.flagged, up.count) == ("up", True, 12)
    assert up.baseline_per_period == pytest.approx(1.0) and up.ratio == pytest.approx(12.0)
    assert up.family_size == 100 and up.baseline_periods == pytest.approx(52)
    assert (down.direction, down.flagged, down.ratio) == ("down", True, 0.0)
    assert (same.direction, same.flagged, same.ratio) == (None, False, 1.0)
    assert (empty.direction, empty.ratio, empty.p_value, empty.flagged) == (None, None, 1.0, False)
    assert result.cell(4).direction == "down" and not result.cell(4).flagged
    assert result.n_flagged == 2 and len(result.cells()) == 100

    data = json.loads(json.dumps(result.to_dict()))
    assert data["family_size"] == 100 and data["n_flagged"] == 2
    assert data["ratio"][3] is None and data["direction"][:4] == ["up", "down", None, None]
    assert data["min_count"] == DEFAULT_MIN_COUNT and data["method"] == "minlike"
    explained = json.loads(json.dumps(up.to_dict()))
    assert set(explained) >= {
        "count",
        "baseline_per_period",
        "p_value",
        "q_value",
        "family_size",
        "direction",
        "flagged",
    }
    batched = flag_cells(np.tile(counts, (2, 1)), np.tile(baseline, (2, 1)), 1, 52)
    assert batched.cell((1, 0)) == up
    with pytest.raises(ValueError):
        batched.cells()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: flag_cells([1, -1], [2, 2], 1, 52), "non-negative"),
        (lambda: flag_cells([1, 1], [2, -2], 1, 52), "non-negative"),
        (lambda: flag_cells([1, 2, 3], [2, 2], 1, 52), "same shape"),
        (lambda: flag_cells([[1, 2]], [1, 2], 1, 52), "same shape"),
        (lambda: flag_cells([1, 2], [2, 2], 0, 52), "positive"),
        (lambda: flag_cells([1, 2], [2, 2], 1, 0), "positive"),
        (lambda: flag_cells([1, 2], [2, 2], -1, 52), "positive"),
        (lambda: flag_cells([1, 2], [2, 2], np.nan, 52), "positive"),
        (lambda: flag_cells([1, 2], [2, 2], [1, 1, 1], 52), "does not fit"),
        (lambda: flag_cells([1.5, 2], [2, 2], 1, 52), "whole numbers"),
        (lambda: flag_cells([np.nan, 2], [2, 2], 1, 52), "finite"),
        (lambda: flag_cells(["1", "2"], [2, 2], 1, 52), "numeric"),
        (lambda: flag_cells([True, False], [2, 2], 1, 52), "numeric"),
        (lambda: flag_cells(3, 5, 1, 52), "at least one dimension"),
        (lambda: flag_cells([1], [2], 1, 52, q=0), "strictly between"),
        (lambda: flag_cells([1], [2], 1, 52, q=1.5), "strictly between"),
        (lambda: flag_cells([1], [2], 1, 52, min_count=-1), "min_count"),
        (lambda: flag_cells([1], [2], 1, 52, method="exact"), "method"),
        (lambda: conditional_binomial_p([1, -1], [1, 1], 1, 52), "non-negative"),
        (lambda: conditional_binomial_p([1], [1, 1], 1, 52), "same shape"),
        (lambda: conditional_binomial_p([1], [1], 1, 0), "positive"),
        (lambda: bh([0.1, 1.2]), "between 0 and 1"),
        (lambda: bh([0.1, np.nan]), "between 0 and 1"),
        (lambda: bh([0.1], q=0), "strictly between"),
    ],
)
def test_bad_input_raises_a_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_poisson_band_is_the_central_range_of_weekly_counts():
    assert poisson_band(0.0) == (0.0, 0.0)
    assert poisson_band(2.0) == (0.0, 5.0)
    low, high = poisson_band(20.0)
    assert (low, high) == (12.0, 29.0)
    lows, highs = poisson_band(np.array([0.0, 2.0, 20.0]))
    assert lows.tolist() == [0.0, 0.0, 12.0] and highs.tolist() == [0.0, 5.0, 29.0]
    with pytest.raises(ValueError, match="non-negative"):
        poisson_band(-1.0)
    with pytest.raises(ValueError, match="level"):
        poisson_band(2.0, level=1.0)


# -- simulations ----------------------------------------------------------------------------


@pytest.mark.parametrize("weeks", [1, 4])
def test_stationary_data_rarely_shows_any_flag(weeks):
    counts, baseline, _ = simulate(100 + weeks, weeks=weeks)
    result = view(counts, baseline, weeks)
    any_flag = float(result.flagged.any(axis=1).mean())
    per_cell = float(result.flagged.mean())
    print(
        f"\n[stats] stationary, {weeks}-week view: {any_flag:.2%} of {N_VIEWS} simulated"
        f" periods show a flag ({per_cell:.4%} of cells)"
    )
    assert any_flag <= 0.05


@pytest.mark.parametrize(("weeks", "surges"), [(1, 1), (4, 1), (1, 10), (4, 10)])
def test_false_discovery_rate_with_planted_surges(weeks, surges):
    counts, baseline, changed = simulate(200 + 10 * weeks + surges, weeks=weeks, surges=surges)
    result = view(counts, baseline, weeks)
    fdr = float(false_discovery_proportion(result.flagged, changed).mean())
    power = float(result.flagged[changed].mean())
    print(
        f"\n[stats] {surges} surge(s) x3-x5 per {weeks}-week view: FDR {fdr:.2%},"
        f" share of surges flagged {power:.2%}, views with a flag"
        f" {result.flagged.any(axis=1).mean():.2%} ({N_VIEWS} views)"
    )
    assert fdr <= 0.05


def test_power_for_a_sustained_surge_in_the_four_week_view():
    counts, baseline, changed = simulate(301, weeks=4, fixed=(2.0, 3.0))
    result = view(counts, baseline, 4)
    power = float(result.flagged[:, 0].mean())
    central = float(view(counts, baseline, 4, method="central").flagged[:, 0].mean())
    fdr = float(false_discovery_proportion(result.flagged, changed).mean())
    print(
        f"\n[stats] x3 for 4 weeks on 2/week, 4-week view: flagged in {power:.2%}"
        f" (central method {central:.2%}), FDR {fdr:.2%}"
    )
    assert power >= 0.55


def test_power_for_a_single_week_surge_in_the_week_view():
    counts, baseline, changed = simulate(302, weeks=1, fixed=(2.0, 5.0))
    result = view(counts, baseline, 1)
    power = float(result.flagged[:, 0].mean())
    central = float(view(counts, baseline, 1, method="central").flagged[:, 0].mean())
    fdr = float(false_discovery_proportion(result.flagged, changed).mean())
    print(
        f"\n[stats] x5 for 1 week on 2/week, week view: flagged in {power:.2%}"
        f" (central method {central:.2%}), FDR {fdr:.2%}"
    )
    assert power >= 0.40


@pytest.mark.parametrize(("rate", "factor", "required"), [(5.0, 0.0, 0.99), (5.0, 0.25, 0.5)])
def test_decreases_are_flagged_in_the_four_week_view(rate, factor, required):
    counts, baseline, changed = simulate(400 + int(100 * factor), weeks=4, fixed=(rate, factor))
    result = view(counts, baseline, 4)
    found = result.flagged[:, 0]
    assert np.all(result.direction[:, 0][found] == "down")
    fdr = float(false_discovery_proportion(result.flagged, changed).mean())
    print(
        f"\n[stats] {rate:g}/week falling to {rate * factor:g}/week for 4 weeks, 4-week view:"
        f" flagged in {found.mean():.2%}, FDR {fdr:.2%}"
    )
    assert found.mean() >= required
