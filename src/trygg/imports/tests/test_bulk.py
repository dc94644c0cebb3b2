"""The bulk write service: validation, upserts, fingerprints, rollup and audit."""

import datetime as dt

import pytest

from trygg.audit.models import AuditEntry
from trygg.core.models import Role
from trygg.core.services import set_membership
from trygg.incidents.bulk import BulkResult, id_ranges, import_incidents
from trygg.incidents.models import Incident, IncidentRevision, Label, Source

from .conftest import assert_rollup_exact, db_state

pytestmark = pytest.mark.django_db


def row(n, **kw):
    base = {
        "row_number": n,
        "category": "SKADA.KLOTTER",
        "lat": 59.62,
        "lon": 17.85 + n / 10000,
        "occurred_from": f"2025-03-0{n % 9 + 1}T21:30:00",
        "description": f"Klotter nr {n}",
        "external_id": f"SH-{n}",
    }
    base.update(kw)
    return base


def run(world, rows, **kw):
    kw.setdefault("actor", world.users["reporter"])
    return import_incidents(partnership=world.p, organisation=world.org_a, rows=rows, **kw)


def test_import_creates_incidents_rollup_and_one_audit_entry(world):
    audit_before = AuditEntry.objects.count()
    result = run(world, [row(i) for i in range(1, 6)])
    assert isinstance(result, BulkResult) and result.ok
    assert len(result.created) == 5 and result.written
    incident = Incident.objects.get(external_id="SH-1")
    assert incident.source == Source.IMPORT
    assert incident.area == world.area_p
    assert incident.organisation == world.org_a
    assert incident.reported_by == world.users["reporter"]
    assert incident.label == Label.GREEN
    assert incident.occurred_date == dt.date(2025, 3, 2)
    assert_rollup_exact()
    assert AuditEntry.objects.count() == audit_before + 1
    entry = AuditEntry.objects.latest("id")
    assert entry.action == "incident.import"
    assert entry.data["created_ids"] == id_ranges(result.created)


def test_reimport_with_two_changed_rows_updates_two_and_creates_none(world):
    rows = [row(i) for i in range(1, 8)]
    run(world, rows)
    rows[1] = row(2, category="VALD.HOT")
    rows[4] = row(5, description="Nu med annan text", lat=59.63)
    count = Incident.objects.count()
    result = run(world, rows)
    assert (len(result.created), len(result.updated), len(result.unchanged)) == (0, 2, 5)
    assert Incident.objects.count() == count
    assert Incident.objects.get(external_id="SH-2").category.code == "VALD.HOT"
    revisions = IncidentRevision.objects.filter(incident__external_id="SH-5")
    assert set(revisions.get().changes) == {"lat", "description"}
    assert AuditEntry.objects.latest("id").data["updated_ids"] == id_ranges(result.updated)
    assert_rollup_exact()


def test_rows_without_id_get_a_fingerprint_and_reimport_creates_no_duplicates(world):
    rows = [row(i, external_id="") for i in range(1, 4)]
    first = run(world, rows)
    ids = set(Incident.objects.values_list("external_id", flat=True))
    assert all(i.startswith("fp:") and len(i) == 35 for i in ids) and len(ids) == 3
    second = run(world, rows)
    assert len(first.created) == 3
    assert (len(second.created), len(second.unchanged)) == (0, 3)
    assert_rollup_exact()


def test_duplicate_rows_in_one_file_are_written_once(world):
    result = run(
        world, [row(1), row(2, external_id=""), {**row(2, external_id=""), "row_number": 3}]
    )
    assert len(result.created) == 2
    assert result.duplicates == [3]


def test_same_id_with_different_content_in_one_file_is_an_error(world):
    before = db_state()
    result = run(world, [row(1), row(2, external_id="SH-1")])
    assert not result.ok
    assert "finns redan på rad 1" in result.problems[0].message
    assert db_state() == before


def test_one_bad_row_writes_nothing_unless_only_valid(world):
    rows = [row(1), row(2, lat=58.0, lon=16.0), row(3)]
    before = db_state()
    result = run(world, rows)
    assert not result.written
    assert result.rejected_rows == [2]
    assert "ligger utanför Sigtuna kommun" in result.problems[0].message
    assert db_state() == before
    result = run(world, rows, only_valid=True)
    assert len(result.created) == 2 and result.rejected_rows == [2]
    assert_rollup_exact()


@pytest.mark.parametrize(
    ("change", "column", "text"),
    [
        ({"category": "FINNS.INTE"}, "category", "finns inte i samverkans lista"),
        ({"category": "VALD"}, "category", "är en grupp"),
        ({"occurred_from": "2099-01-01T10:00:00"}, "date", "framtiden"),
        ({"label": "RED"}, "label", "TLP:RED kan inte importeras"),
        ({"people_count": 5000}, "people_count", "mellan 0 och 1000"),
        ({"description": "x" * 2001}, "description", "högst 2000 tecken"),
        ({"lat": None, "lon": None}, "area", "Platsen saknas"),
        ({"lat": None, "lon": None, "area": "Atlantis"}, "area", "finns inte i samverkan"),
        ({"place_type": "moon"}, "place_type", "platstyp"),
    ],
)
def test_row_rules(world, change, column, text):
    before = db_state()
    result = run(world, [row(1, **change)])
    assert [p.column for p in result.problems] == [column]
    assert text in result.problems[0].message
    assert db_state() == before


def test_area_by_name_and_district_refused(world):
    from trygg.geo.models import Area

    Area.objects.create(
        partnership=world.p,
        kind=Area.Kind.DISTRICT,
        code="0191-v",
        name="Valsta",
        parent=world.area_p,
    )
    ok = run(world, [row(1, lat=None, lon=None, area="sigtuna KOMMUN")])
    assert ok.ok and Incident.objects.get().area == world.area_p
    bad = run(world, [row(2, lat=None, lon=None, area="Valsta")])
    assert "är en kommundel" in bad.problems[0].message


def test_descriptions_are_redacted(world):
    run(world, [row(1, description="Ring 070-123 45 67 om klottret")])
    assert "070-123" not in Incident.objects.get().description


def test_date_with_time_of_day_bucket(world):
    result = run(
        world, [row(1, occurred_from=None, occurred_date="2025-03-01", time_bucket="night")]
    )
    assert result.ok
    incident = Incident.objects.get()
    assert (incident.occurred_date, incident.time_bucket, incident.occurred_from) == (
        dt.date(2025, 3, 1),
        "night",
        None,
    )


def test_another_organisations_id_is_not_overwritten(world):
    """Ids belong to each organisation: the same id from A creates A's own incident."""
    import_incidents(
        actor=world.users["other_org_reporter"],
        partnership=world.p,
        organisation=world.org_b,
        rows=[row(1)],
    )
    b_incident = Incident.objects.get()
    result = run(world, [row(1, description="annan")])
    assert not result.problems and len(result.created) == 1
    b_incident.refresh_from_db()
    assert b_incident.organisation == world.org_b and b_incident.description != "annan"
    assert Incident.objects.count() == 2


def test_who_may_import(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="får importera"):
        run(world, [row(1)], actor=world.users["viewer"])
    with pytest.raises(ValidationError, match="din egen organisation"):
        import_incidents(
            actor=world.users["reporter"],
            partnership=world.p,
            organisation=world.org_b,
            rows=[row(1)],
        )
    coordinator = world.users["coordinator"]
    result = import_incidents(
        actor=coordinator, partnership=world.p, organisation=world.org_b, rows=[row(1)]
    )
    assert result.ok
    with pytest.raises(ValidationError, match="deltar inte"):
        set_membership(actor=None, user=coordinator, partnership=world.q, role=Role.COORDINATOR)
        import_incidents(
            actor=coordinator, partnership=world.q, organisation=world.org_a, rows=[row(1)]
        )


def test_withdrawn_incident_stays_withdrawn(world):
    from trygg.incidents.services import withdraw_incident

    run(world, [row(1)])
    withdraw_incident(
        actor=world.users["coordinator"], incident=Incident.objects.get(), reason="fel"
    )
    result = run(world, [row(1, description="igen")])
    assert "återkallad" in result.problems[0].message
    assert_rollup_exact()
