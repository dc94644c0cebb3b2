"""Importing the real feed: the municipality filter, incidents, idempotence, broken feeds."""

import json

import pytest

from trygg.audit.models import AuditEntry
from trygg.core import services as core
from trygg.feeds import services
from trygg.feeds.models import FeedFetch, PoliceEvent, TypeMapping
from trygg.geo.models import Area
from trygg.incidents import rollup
from trygg.incidents.models import Incident, Label, Source

from .conftest import SIGTUNA_FILE, SWEDEN_FILE, as_bytes, sigtuna_events

pytestmark = pytest.mark.django_db


def snapshot(partnership):
    """Everything an import may change, to compare before and after."""
    return (
        sorted(
            PoliceEvent.objects.filter(partnership=partnership).values_list(
                "police_id", "content_hash", "area_id", "incident_id"
            )
        ),
        sorted(
            Incident.objects.filter(partnership=partnership).values_list(
                "id", "category_id", "area_id", "description", "withdrawn_at", "duplicate_of_id"
            )
        ),
        rollup.stored_counts([partnership.pk]),
        sorted(
            TypeMapping.objects.filter(partnership=partnership).values_list(
                "police_type", "category_id", "ignored"
            )
        ),
    )


def test_the_real_sigtuna_events_import_and_the_other_13_are_rejected(feed_world):
    p = feed_world.p
    outcome = services.import_feed(partnership=p, data=SIGTUNA_FILE.read_bytes(), source="file")
    fetch = outcome.fetch
    assert fetch.outcome == FeedFetch.Outcome.OK
    assert (fetch.received, fetch.other_municipality, fetch.created, fetch.malformed) == (
        381,
        13,
        368,
        0,
    )
    assert PoliceEvent.objects.filter(partnership=p).count() == 368
    rejected = {e["id"] for e in sigtuna_events()} - set(
        PoliceEvent.objects.values_list("police_id", flat=True)
    )
    assert len(rejected) == 13
    # Every mapped event has an incident of the system organisation; unmapped ones none.
    incidents = Incident.objects.filter(partnership=p, source=Source.POLICE_FEED)
    mapped_types = set(
        TypeMapping.objects.filter(partnership=p, category__isnull=False).values_list(
            "police_type", flat=True
        )
    )
    with_category = PoliceEvent.objects.filter(partnership=p, police_type__in=mapped_types)
    assert incidents.count() == with_category.count() > 150
    assert (
        PoliceEvent.objects.filter(partnership=p, incident__isnull=True)
        .exclude(police_type__in=mapped_types)
        .count()
        == 368 - incidents.count()
    )
    assert set(incidents.values_list("organisation__name", flat=True)) == {
        services.SYSTEM_ORGANISATION
    }
    assert set(incidents.values_list("label", flat=True)) == {Label.CLEAR}
    assert not incidents.filter(lat__isnull=False).exists()
    assert set(incidents.values_list("area__kind", flat=True)) <= {
        Area.Kind.REGSO,
        Area.Kind.MUNICIPALITY,
    }
    # A real event: the time from its name, the police's id and link kept.
    e = PoliceEvent.objects.get(police_id=621868)
    assert e.incident.occurred_from.isoformat().startswith("2026-01-17T07:35")  # 08.35 CET
    assert e.incident.external_id == "621868"
    assert e.url.startswith("https://polisen.se/aktuellt/handelser/2026/januari/17/")
    assert rollup.stored_counts([p.pk]) == rollup.direct_counts([p.pk])
    entry = AuditEntry.objects.get(action="feeds.import")
    assert (
        entry.data["created"] == 368 and len(entry.data["incidents_created"]) == incidents.count()
    )


def test_reimport_is_idempotent_and_a_changed_event_updates(feed_world):
    p = feed_world.p
    services.import_feed(partnership=p, data=SIGTUNA_FILE.read_bytes(), source="file")
    before = snapshot(p)
    again = services.import_feed(partnership=p, data=SIGTUNA_FILE.read_bytes(), source="file").fetch
    assert (again.created, again.updated, again.unchanged) == (0, 0, 368)
    assert snapshot(p) == before

    events = sigtuna_events()
    changed = next(e for e in events if e["id"] == 621868)
    changed["summary"] = "En bilist stoppades vid Arlanda flygplats."
    changed["type"] = "Misshandel"
    outcome = services.import_feed(partnership=p, data=as_bytes(events), source="file").fetch
    assert (outcome.created, outcome.updated) == (0, 1)
    incident = PoliceEvent.objects.get(police_id=621868).incident
    assert incident.category.code == "VALD.MISSHANDEL"
    assert incident.area.name == "Odensala-Arlanda omland"
    assert incident.description == changed["summary"]
    assert incident.revisions.count() == 1
    assert Incident.objects.filter(external_id="621868").count() == 1
    assert rollup.stored_counts([p.pk]) == rollup.direct_counts([p.pk])


def test_the_national_month_imports_only_the_partnerships_municipality(feed_world):
    p = feed_world.p
    fetch = services.import_feed(partnership=p, data=SWEDEN_FILE.read_bytes(), source="file").fetch
    lines = [json.loads(line) for line in SWEDEN_FILE.read_text(encoding="utf-8").splitlines()]
    assert fetch.created == sum(1 for e in lines if e["location"]["name"] == "Sigtuna") == 5
    assert fetch.other_municipality == 1954 - 5

    malmo = core.create_partnership(
        actor=None, name="Malmö", slug="malmo", municipality_code="1280", municipality_name="Malmö"
    )
    Area.objects.create(
        partnership=malmo, kind=Area.Kind.MUNICIPALITY, code="1280", name="Malmö kommun"
    )
    fetch = services.import_feed(
        partnership=malmo, data=SWEDEN_FILE.read_bytes(), source="file"
    ).fetch
    expected = sum(1 for e in lines if e["location"]["name"].casefold() == "malmö")
    assert fetch.created == expected > 30
    assert set(
        PoliceEvent.objects.filter(partnership=malmo).values_list("location_name", flat=True)
    ) == {"Malmö"}
    assert PoliceEvent.objects.filter(partnership=p).count() == 5  # Sigtuna's untouched
    # Malmö's events place at the municipality: it has no RegSO areas here.
    assert set(Incident.objects.filter(partnership=malmo).values_list("area__kind", flat=True)) == {
        Area.Kind.MUNICIPALITY
    }


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (SIGTUNA_FILE.read_bytes()[:50_000], "avbrutet"),
        (b"<!DOCTYPE html><html><title>503</title></html>", "HTML"),
        (b'{"message": "Too many requests"}', None),
    ],
)
def test_a_broken_feed_changes_nothing_and_is_reported(feed_world, body, error):
    p = feed_world.p
    services.import_feed(partnership=p, data=SIGTUNA_FILE.read_bytes(), source="file")
    before = snapshot(p)
    audit_before = AuditEntry.objects.count()
    fetch = services.import_feed(
        partnership=p, data=body, source="https://polisen.se/api/events"
    ).fetch
    assert snapshot(p) == before
    if error:
        assert fetch.outcome == FeedFetch.Outcome.FAILED and error in fetch.error
        assert AuditEntry.objects.count() == audit_before
    else:  # one object without the keys of an event: reported as malformed
        assert (fetch.outcome, fetch.malformed) == (FeedFetch.Outcome.OK, 1)
        assert "saknar" in fetch.problems[0]["error"]
    assert FeedFetch.objects.get(pk=fetch.pk)  # kept for `trygg feeds status`


def test_malformed_events_are_skipped_and_reported_and_the_rest_import(feed_world):
    p = feed_world.p
    events = sigtuna_events()[:40]
    first = services.import_feed(partnership=p, data=as_bytes(events), source="file").fetch
    before = snapshot(p)
    broken = json.loads(json.dumps(events))
    del broken[0]["datetime"]  # missing key
    broken[1]["location"]["gps"] = "norr om Märsta"  # bad gps
    broken[2]["name"] = "Rattfylleri"  # no date
    broken[3]["summary"] = broken[3]["summary"] + " Ändrad."  # a real change
    fetch = services.import_feed(partnership=p, data=as_bytes(broken), source="file").fetch
    assert fetch.malformed == 3
    assert [x["id"] for x in fetch.problems] == [e["id"] for e in events[:3]]
    for problem, words in zip(
        fetch.problems, ("'datetime'", "lat,lon", "dag och månad"), strict=True
    ):
        assert words in problem["error"]
    # The three broken events keep what they had; the changed one updates.
    after = snapshot(p)
    assert after[0] != before[0]
    kept = {row[0]: row for row in after[0]}
    for row in before[0]:
        if row[0] in {e["id"] for e in events[:3]}:
            assert kept[row[0]] == row
    assert fetch.updated == 1 and fetch.unchanged == first.created - 3 - 1


def test_an_unknown_type_lands_in_the_unmapped_list_not_in_a_category(feed_world):
    p = feed_world.p
    raw = sigtuna_events()[0]
    raw["type"] = "Rymning från rättspsykiatrin"
    fetch = services.import_feed(partnership=p, data=as_bytes([raw]), source="file").fetch
    event = PoliceEvent.objects.get(police_id=raw["id"])
    assert event.incident is None
    assert fetch.unmapped == 1
    assert not TypeMapping.objects.filter(police_type=raw["type"]).exists()
    assert not Incident.objects.filter(partnership=p).exists()


def test_summaries_are_not_incidents(feed_world):
    p = feed_world.p
    raw = sigtuna_events()[0]
    raw.update(
        type="Sammanfattning natt", name=raw["name"].replace(raw["type"], "Sammanfattning natt")
    )
    services.import_feed(partnership=p, data=as_bytes([raw]), source="file")
    assert TypeMapping.objects.get(partnership=p, police_type="Sammanfattning natt").ignored
    assert PoliceEvent.objects.get(police_id=raw["id"]).incident is None


def test_an_import_needs_the_municipality_area(world):
    Area.objects.filter(partnership=world.p).delete()
    with pytest.raises(Exception, match="kommunområde"):
        services.import_feed(partnership=world.p, data=SIGTUNA_FILE.read_bytes(), source="file")
    assert not PoliceEvent.objects.exists() and not Incident.objects.exists()
