"""A partnership with a weekly meeting series, Sigtuna's areas and a flagged week."""

import datetime

import pytest

from trygg.meetings import services
from trygg.situation.tests.conftest import (  # noqa: F401 (fixture)
    WEEK,
    add_incidents,
    refresh_rollup,
    sigtuna,
)

# The Monday after the lägesbild's week (2026-W40), long over whatever day tests run.
MEETING_DAY = WEEK.end + datetime.timedelta(days=1)


@pytest.fixture
def series(world):
    return services.save_series(
        actor=world.users["coordinator"],
        partnership=world.p,
        weekday=1,
        start_time=datetime.time(13, 0),
        duration_minutes=60,
        location="Kommunhuset, rum Valsta",
        link_url="https://example.invalid/avstamning",
    )


@pytest.fixture
def meeting(world, series):
    return services.create_meeting(
        actor=world.users["coordinator"], partnership=world.p, day=MEETING_DAY
    )


@pytest.fixture
def flagged(sigtuna):  # noqa: F811 (the imported fixture)
    """Sigtuna's areas with a surge of threats in one RegSO area in WEEK (a flag)."""
    world = sigtuna
    regso = next(iter(world.sigtuna.regso.values()))
    for week in range(1, 53):
        add_incidents(world, area=regso, day=WEEK.start - datetime.timedelta(weeks=week))
    add_incidents(world, area=regso, day=WEEK.start, n=14)
    refresh_rollup(world)
    world.surge_area = regso
    return world
