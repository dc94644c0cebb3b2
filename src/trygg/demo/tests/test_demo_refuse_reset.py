"""The demo refuses a database that already has data, unless asked to reset; a reset
removes the earlier demo data but never the audit entries."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from trygg.audit.models import AuditEntry
from trygg.audit.services import verify_all
from trygg.core.models import Organisation, Partnership
from trygg.demo import services
from trygg.geo.models import Area
from trygg.incidents.models import Incident

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)


def load(**kwargs):
    return services.load_demo(seed=5, scale=0.05, years=1, today=TODAY, **kwargs)


def test_refuses_a_database_with_partnerships(world):
    before = (Partnership.objects.count(), AuditEntry.objects.count())
    with pytest.raises(services.DemoRefused, match="--reset"):
        load()
    assert (Partnership.objects.count(), AuditEntry.objects.count()) == before


def test_refuses_a_second_load_without_reset():
    load()
    with pytest.raises(services.DemoRefused, match="innehåller redan data"):
        load()
    assert Partnership.objects.count() == 1


def test_reset_replaces_the_demo_and_keeps_the_audit_log():
    first = load()
    old_partnership = first.partnership.pk
    old_user_ids = set(get_user_model().objects.values_list("pk", flat=True))
    entries_before = AuditEntry.objects.count()
    second = services.load_demo(seed=6, scale=0.05, years=1, today=TODAY, reset=True)
    assert Partnership.objects.count() == 1
    assert Partnership.objects.get().pk == second.partnership.pk != old_partnership
    assert not Incident.objects.filter(partnership_id=old_partnership).exists()
    assert not Area.objects.filter(partnership_id=old_partnership).exists()
    assert Incident.objects.count() == second.incidents + second.police_incidents
    assert not set(get_user_model().objects.values_list("pk", flat=True)) & old_user_ids
    assert Organisation.objects.filter(name="Sigtunahem").count() == 1
    # Nothing of the log was deleted; the reset itself is logged.
    assert AuditEntry.objects.filter(partnership_id=old_partnership).count() > 0
    assert AuditEntry.objects.count() > entries_before
    assert AuditEntry.objects.filter(action="demo.reset").count() == 2  # partnership + system
    assert all(report.ok for report in verify_all())


def test_reset_keeps_other_partnerships_and_shared_organisations(world):
    shared = Organisation.objects.create(name="Sigtunahem", kind="bostadsbolag")
    world.p.organisations.add(shared)
    services.load_demo(seed=5, scale=0.05, years=1, today=TODAY, reset=True)
    assert Partnership.objects.filter(pk__in=[world.p.pk, world.q.pk]).count() == 2
    demo = Partnership.objects.get(slug="sigtuna")
    assert demo.organisations.filter(pk=shared.pk).exists()  # reused, not duplicated
    services.load_demo(seed=5, scale=0.05, years=1, today=TODAY, reset=True)
    assert Organisation.objects.filter(pk=shared.pk).exists()  # still in P
    assert Partnership.objects.filter(pk__in=[world.p.pk, world.q.pk]).count() == 2
    assert Partnership.objects.filter(slug="sigtuna").count() == 1


def test_refuses_a_sigtuna_partnership_it_did_not_create():
    Partnership.objects.create(
        name="Riktig", slug="sigtuna", municipality_code="0191", municipality_name="Sigtuna"
    )
    with pytest.raises(services.DemoRefused, match="inte skapades av demon"):
        services.load_demo(seed=5, scale=0.05, years=1, today=TODAY, reset=True)
    assert Partnership.objects.get().name == "Riktig"
