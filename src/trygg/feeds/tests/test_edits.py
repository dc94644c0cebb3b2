"""The coordinator's edits: type mappings, place names, linking to a partner's report."""

import pytest
from django.core.exceptions import ValidationError

from trygg.audit.models import AuditEntry
from trygg.feeds import services
from trygg.feeds.models import PoliceEvent, TypeMapping
from trygg.geo.models import Area
from trygg.incidents import rollup
from trygg.incidents.models import Category, Incident, Label, Source
from trygg.incidents.services import withdraw_incident

from .conftest import SIGTUNA_FILE, partner_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(feed_world):
    services.import_feed(partnership=feed_world.p, data=SIGTUNA_FILE.read_bytes(), source="file")
    return feed_world


def consistent(p):
    return rollup.stored_counts([p.pk]) == rollup.direct_counts([p.pk])


def test_mapping_an_unmapped_type_creates_its_incidents_and_clearing_withdraws_them(imported):
    p, coordinator = imported.p, imported.users["coordinator"]
    events = PoliceEvent.objects.filter(partnership=p, police_type="Trafikolycka")
    n = events.count()
    assert n > 10 and not events.filter(incident__isnull=False).exists()
    other = Category.objects.get(code="OVRIGT.ANNAT")
    services.set_type_mapping(
        actor=coordinator, partnership=p, police_type="Trafikolycka", category=other
    )
    assert (
        Incident.objects.filter(
            police_event__in=events, category=other, withdrawn_at__isnull=True
        ).count()
        == n
    )
    assert consistent(p)
    services.set_type_mapping(
        actor=coordinator, partnership=p, police_type="Trafikolycka", ignored=True
    )
    assert Incident.objects.filter(police_event__in=events, withdrawn_at__isnull=True).count() == 0
    assert consistent(p)
    # Mapping it again brings the same incidents back, no duplicates.
    services.set_type_mapping(
        actor=coordinator, partnership=p, police_type="Trafikolycka", category=other
    )
    assert Incident.objects.filter(police_event__in=events, withdrawn_at__isnull=True).count() == n
    assert Incident.objects.filter(source=Source.POLICE_FEED, police_event__in=events).count() == n
    services.set_type_mapping(actor=coordinator, partnership=p, police_type="Trafikolycka")
    assert not TypeMapping.objects.filter(partnership=p, police_type="Trafikolycka").exists()
    assert consistent(p)
    assert AuditEntry.objects.filter(action="feeds.type_mapping").count() == 4


def test_a_mapping_must_be_a_leaf_of_the_taxonomy_and_set_by_a_coordinator(imported):
    p = imported.p
    group = Category.objects.get(code="VALD")
    with pytest.raises(ValidationError, match="aktiv kategori"):
        services.set_type_mapping(
            actor=imported.users["coordinator"],
            partnership=p,
            police_type="Bedrägeri",
            category=group,
        )
    leaf = Category.objects.get(code="VALD.HOT")
    with pytest.raises(ValidationError, match="inte båda"):
        services.set_type_mapping(
            actor=imported.users["coordinator"],
            partnership=p,
            police_type="Bedrägeri",
            category=leaf,
            ignored=True,
        )
    for role in ("reporter", "analyst", "viewer"):
        with pytest.raises(ValidationError, match="Bara samordnare"):
            services.set_type_mapping(
                actor=imported.users[role], partnership=p, police_type="Bedrägeri", category=leaf
            )
    with pytest.raises(ValidationError):
        services.set_type_mapping(
            actor=imported.users["other_partnership_coordinator"],
            partnership=p,
            police_type="Bedrägeri",
            category=leaf,
        )
    assert not TypeMapping.objects.filter(police_type="Bedrägeri").exists()


def test_a_new_place_name_moves_the_events_that_name_it(imported):
    p, coordinator = imported.p, imported.users["coordinator"]
    event = PoliceEvent.objects.filter(partnership=p, body__icontains="Holmboda").first()
    assert event is not None and event.area.kind == Area.Kind.MUNICIPALITY
    rosersberg = Area.objects.get(partnership=p, name="Rosersberg", kind=Area.Kind.REGSO)
    place, moved = services.add_place_name(
        actor=coordinator, partnership=p, name="Holmboda", area=rosersberg
    )
    assert moved >= 1
    event.refresh_from_db()
    assert event.area == rosersberg and "Holmboda" in event.matched_words
    if event.incident_id:
        assert event.incident.area == rosersberg
    assert consistent(p)
    with pytest.raises(ValidationError, match="finns redan"):
        services.add_place_name(actor=coordinator, partnership=p, name="holmboda", area=rosersberg)
    municipality = Area.objects.get(partnership=p, kind=Area.Kind.MUNICIPALITY)
    with pytest.raises(ValidationError, match="RegSO-område eller en kommundel"):
        services.add_place_name(
            actor=coordinator, partnership=p, name="Halmsjön", area=municipality
        )
    with pytest.raises(ValidationError, match="Bara samordnare"):
        services.add_place_name(
            actor=imported.users["reporter"], partnership=p, name="Halmsjön", area=rosersberg
        )
    services.remove_place_name(actor=coordinator, partnership=p, place=place)
    event.refresh_from_db()
    assert event.area == municipality
    assert consistent(p)


def test_linking_takes_the_police_event_out_of_the_totals_and_unlinking_puts_it_back(imported):
    p, coordinator = imported.p, imported.users["coordinator"]
    police = Incident.objects.filter(partnership=p, source=Source.POLICE_FEED).first()
    report = partner_report(imported, police)
    total = sum(rollup.stored_counts([p.pk]).values())
    services.link_to_report(actor=coordinator, police_incident=police, report=report)
    assert sum(rollup.stored_counts([p.pk]).values()) == total - 1
    assert consistent(p)
    police.refresh_from_db()
    assert police.duplicate_of == report
    services.unlink(actor=imported.users["analyst"], police_incident=police)
    assert sum(rollup.stored_counts([p.pk]).values()) == total
    assert consistent(p)
    assert [
        e.action for e in AuditEntry.objects.filter(action__startswith="feeds.l").order_by("seq")
    ] == ["feeds.link"]
    assert AuditEntry.objects.filter(action="feeds.unlink").count() == 1


def test_linking_is_refused_for_the_wrong_people_and_the_wrong_reports(imported):
    p, coordinator = imported.p, imported.users["coordinator"]
    police, other_police = Incident.objects.filter(partnership=p, source=Source.POLICE_FEED)[:2]
    strict = partner_report(
        imported,
        police,
        organisation=imported.org_b,
        reporter="other_org_reporter",
        label=Label.AMBER_STRICT,
    )
    with pytest.raises(ValidationError, match="inte se"):
        services.link_to_report(actor=coordinator, police_incident=police, report=strict)
    with pytest.raises(ValidationError, match="partners rapport"):
        services.link_to_report(actor=coordinator, police_incident=police, report=other_police)
    with pytest.raises(ValidationError, match="Bara samordnare och analytiker"):
        services.link_to_report(
            actor=imported.users["reporter"], police_incident=police, report=strict
        )
    with pytest.raises(ValidationError, match="polisens publicerade"):
        services.link_to_report(actor=coordinator, police_incident=strict, report=police)
    police.refresh_from_db()
    assert police.duplicate_of is None and consistent(p)


def test_withdrawing_a_linked_report_makes_the_police_event_count_again(imported):
    p, coordinator = imported.p, imported.users["coordinator"]
    police = Incident.objects.filter(partnership=p, source=Source.POLICE_FEED).first()
    report = partner_report(imported, police)
    services.link_to_report(actor=coordinator, police_incident=police, report=report)
    withdraw_incident(actor=coordinator, incident=report, reason="Fel rapport")
    police.refresh_from_db()
    assert police.duplicate_of is None
    assert consistent(p)


def test_police_events_cannot_be_edited_by_anyone(imported):
    from trygg.incidents.services import may_change

    police = Incident.objects.filter(partnership=imported.p, source=Source.POLICE_FEED).first()
    for role in ("reporter", "coordinator", "partnership_admin", "org_admin"):
        assert not may_change(imported.users[role], police)
