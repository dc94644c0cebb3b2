"""The generator is pure and seeded: the same seed gives the same incidents."""

import numpy as np
import pytest

from .conftest import generate

pytestmark = pytest.mark.nodb


def _same(a, b):
    if a.dtype.kind == "M":
        return np.array_equal(a.view("i8"), b.view("i8"))
    if a.dtype.kind == "f":
        return np.array_equal(a, b, equal_nan=True)
    return np.array_equal(a, b)


def test_same_seed_gives_identical_output(inputs, sample):
    again = generate(inputs)
    assert len(again) == len(sample) > 0
    for name, column in sample.columns().items():
        assert _same(column, again.columns()[name]), name
    assert again.category_codes == sample.category_codes
    assert [e["start"] for e in again.episodes] == [e["start"] for e in sample.episodes]


def test_another_seed_gives_other_incidents(inputs, sample):
    other = generate(inputs, seed=7)
    assert len(other) != len(sample) or not _same(other.lat, sample.lat)


def test_scale_multiplies_the_count(inputs, sample):
    small = generate(inputs, scale=0.1)
    assert 0.07 * len(sample) < len(small) < 0.13 * len(sample)
