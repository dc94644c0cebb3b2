"""Inputs for the pure generator tests: Sigtuna's shipped RegSO areas and the demo's
organisations, with stand-in ids (no database)."""

import datetime as dt

import pytest

from trygg.demo import generator, sigtuna
from trygg.geo import geometry
from trygg.geo.services import SIGTUNA_CODE, SIGTUNA_GPKG
from trygg.incidents.taxonomy import DEFAULT_TAXONOMY

SEED = 20210
# A Thursday afternoon: the current ISO week (2026-W48) has Monday-Thursday in it.
NOW = dt.datetime(2026, 11, 26, 14, 30, tzinfo=generator.STOCKHOLM)


@pytest.fixture(scope="session")
def inputs():
    features = sorted(geometry.read_regso_file(SIGTUNA_GPKG, SIGTUNA_CODE), key=lambda f: f.code)
    areas = [
        generator.AreaSpec(100 + i, f.code, f.name, f.geometry, sigtuna.AREA_WEIGHTS[f.code])
        for i, f in enumerate(features)
    ]
    organisations = [
        generator.OrganisationSpec(i + 1, name, profile, weight, sources, prefix)
        for i, (_key, name, _kind, _parent, profile, weight, sources, prefix) in enumerate(
            sigtuna.ORGANISATIONS
        )
        if profile
    ]
    codes = sorted(c for _g, _sv, _en, children in DEFAULT_TAXONOMY for c, *_r in children)
    return {"areas": areas, "organisations": organisations, "categories": codes}


def generate(inputs, *, seed=SEED, now=NOW, years=3, scale=1.0):
    start, end = generator.demo_period(years=years, today=now.date())
    return generator.generate(
        seed=seed,
        start=start,
        end=end,
        now=now,
        scale=scale,
        hotspots=sigtuna.HOTSPOTS,
        **inputs,
    )


@pytest.fixture(scope="session")
def sample(inputs):
    """Three years and the current one at scale 1, generated once for all property tests."""
    return generate(inputs)
