"""A row with a date but no time of day is imported with the time of day unknown (no exact
time and no time-of-day bucket), as docs/import.md says."""

import datetime as dt

import pytest

from trygg.imports import services
from trygg.incidents.models import Incident

from .conftest import assert_rollup_exact

pytestmark = pytest.mark.django_db

FILE = (
    b"Datum;Tid;Typ;X;Y\r\n"
    b"2025-03-05;;Klotter;17,85;59,62\r\n"
    b"2025-03-06;21:30;Klotter;17,86;59,62\r\n"
)


def test_a_date_without_a_time_is_accepted_with_the_time_unknown(world):
    result = services.import_file(
        actor=world.users["reporter"],
        partnership=world.p,
        organisation=world.org_a,
        data=FILE,
        file_name="datum.csv",
        mapping={"date": "Datum", "time": "Tid", "category": "Typ", "x": "X", "y": "Y"},
        category_map={"Klotter": "SKADA.KLOTTER"},
    )
    assert result.ok and len(result.created) == 2
    date_only, exact = Incident.objects.order_by("occurred_date")
    assert date_only.occurred_date == dt.date(2025, 3, 5)
    assert date_only.occurred_from is None and date_only.time_bucket == ""
    assert exact.occurred_from is not None and exact.time_bucket == ""
    assert_rollup_exact()
