"""Bulk imports larger than one lookup batch (2,000 ids on SQLite, 10,000 on PostgreSQL):
the first import of an organisation skips the lookup of existing incidents, later ones
still find every row, and the rollup counts every new row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from trygg.incidents import rollup
from trygg.incidents.bulk import import_incidents, lookup_batch_size
from trygg.incidents.models import Incident

pytestmark = pytest.mark.django_db


def row(n, **kw):
    return {
        "row_number": n,
        "category": "SKADA.KLOTTER",
        "lat": 59.62,
        "lon": 17.85 + (n % 500) / 100_000,
        "occurred_date": f"2025-03-{n % 28 + 1:02d}",
        "time_bucket": "evening",
        "description": f"Klotter nr {n}",
        "external_id": f"SH-{n}",
        **kw,
    }


def run(world, rows, organisation=None):
    return import_incidents(
        actor=world.users["coordinator"],
        partnership=world.p,
        organisation=organisation or world.org_a,
        rows=rows,
    )


def lookups(queries):
    """The lookups of existing incidents by external id."""
    return [q["sql"] for q in queries if '"external_id" IN (' in q["sql"]]


def test_a_first_large_import_skips_the_lookup_and_a_second_finds_every_row(world):
    # another organisation's incidents with the same ids do not count as existing
    assert len(run(world, [row(n) for n in range(1, 11)], organisation=world.org_b).created) == 10
    rows = [row(n) for n in range(1, lookup_batch_size() + 501)]
    with CaptureQueriesContext(connection) as first_queries:
        first = run(world, rows)
    assert first.ok and len(first.created) == len(rows)
    assert lookups(first_queries.captured_queries) == []
    assert rollup.stored_counts() == rollup.direct_counts()

    total = len(rows)
    rows[0] = row(1, description="Ändrad text")
    rows.append(row(total + 1))
    with CaptureQueriesContext(connection) as second_queries:
        second = run(world, rows)
    assert len(lookups(second_queries.captured_queries)) == 2  # two batches
    assert (len(second.created), len(second.updated), len(second.unchanged)) == (1, 1, total - 1)
    assert Incident.objects.filter(organisation=world.org_a).count() == total + 1
    assert Incident.objects.get(organisation=world.org_a, external_id="SH-1").description == (
        "Ändrad text"
    )
    assert rollup.stored_counts() == rollup.direct_counts()


def test_a_large_import_next_to_existing_incidents_finds_them(world):
    total = lookup_batch_size() + 500
    run(world, [row(n) for n in range(1, 4)])
    result = run(world, [row(n) for n in range(1, total + 1)])
    assert (len(result.created), len(result.unchanged)) == (total - 3, 3)
    assert Incident.objects.filter(organisation=world.org_a).count() == total
    assert rollup.stored_counts() == rollup.direct_counts()
