"""Loading the demo: partnership, organisations, users who can log in, areas, incidents
in the municipality with a leaf area, and the audit trail."""

import datetime as dt

import pytest
import shapely
from django.contrib.auth import get_user_model
from shapely.geometry import shape

from trygg.audit.models import AuditEntry
from trygg.audit.services import verify_all
from trygg.core.models import Membership, Organisation, Partnership, Role
from trygg.demo import services, sigtuna
from trygg.geo.models import Area, FocusArea
from trygg.incidents.models import Incident, Source

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def demo():
    # The weekly work (agreement, actions, meetings) has a test of its own below.
    return services.load_demo(seed=3, scale=0.05, years=1, today=TODAY, weekly_work=False)


def test_creates_the_sigtuna_partnership_with_its_organisations(demo):
    p = Partnership.objects.get()
    assert (p.name, p.slug, p.municipality_code) == ("Trygghetscenter Sigtuna", "sigtuna", "0191")
    names = set(p.organisations.values_list("name", flat=True))
    assert {
        "Sigtuna kommun",
        "Trygghetscenter",
        "Fältverksamheten",
        "Fritidsgårdarna",
        "Skolorna",
        "Socialtjänsten",
        "Polisen lokalpolisområde Sollentuna",
        "Sigtunahem",
        "Förvaltaren Märsta",
        "Brandkåren Attunda",
        "Trygg Bevakning AB",
        "Polisen, publicerade händelser",
    } == names
    kommun = Organisation.objects.get(name="Sigtuna kommun", parent=None)
    assert set(kommun.units.values_list("name", flat=True)) == {
        "Trygghetscenter",
        "Fältverksamheten",
        "Fritidsgårdarna",
        "Skolorna",
        "Socialtjänsten",
    }
    assert Organisation.objects.get(name="Polisen, publicerade händelser").is_system


def test_one_user_per_role_who_can_log_in(demo, client):
    p = Partnership.objects.get()
    roles = set(Membership.objects.filter(partnership=p).values_list("role", flat=True))
    assert roles == set(Role.values)
    assert len(services.DEMO_PASSWORD) >= 12
    for email, role, _organisation in demo.users:
        assert email.endswith("@demo.trygg.local")
        user = get_user_model().objects.get(email=email)
        assert Membership.objects.get(user=user, partnership=p).role == role
        assert client.login(email=email, password=services.DEMO_PASSWORD), email
        client.logout()
    assert (
        get_user_model().objects.get(email="samordnare@demo.trygg.local").memberships.get().role
        == Role.COORDINATOR
    )
    org_of = {email: org for email, _r, org in demo.users}
    assert org_of["rapportor.sigtunahem@demo.trygg.local"] == "Sigtunahem"
    assert org_of["rapportor.falt@demo.trygg.local"].endswith("Fältverksamheten")


def test_areas_districts_and_focus_areas_are_loaded(demo):
    p = Partnership.objects.get()
    assert Area.objects.filter(partnership=p, kind=Area.Kind.REGSO).count() == 24
    assert Area.objects.filter(partnership=p, kind=Area.Kind.MUNICIPALITY, code="0191").exists()
    assert Area.objects.filter(partnership=p, kind=Area.Kind.DISTRICT).count() == 6
    assert set(FocusArea.objects.filter(partnership=p).values_list("name", flat=True)) == {
        "Valsta",
        "Märsta norra",
    }


def test_incidents_lie_in_the_municipality_with_a_leaf_area(demo):
    p = Partnership.objects.get()
    incidents = (
        Incident.objects.filter(partnership=p)
        .exclude(source=Source.POLICE_FEED)
        .select_related("area")
    )
    assert incidents.count() == demo.incidents == sum(demo.by_year.values()) > 100
    geometries = {a.pk: shape(a.geometry) for a in Area.objects.filter(partnership=p)}
    root = Area.objects.get(partnership=p, kind=Area.Kind.MUNICIPALITY)
    for incident in incidents:
        assert incident.area.kind in (Area.Kind.REGSO, Area.Kind.MUNICIPALITY)
        if incident.lat is None:
            assert incident.area_id == root.pk
        else:
            assert incident.area.kind == Area.Kind.REGSO
            point = shapely.Point(incident.lon, incident.lat)
            assert geometries[incident.area_id].buffer(1e-6).contains(point)
        assert dt.date(2025, 1, 1) <= incident.occurred_date <= TODAY
        assert incident.source in ("manual", "import", "api")
        assert incident.category.parent_id is not None
        if incident.occurred_from is None:
            assert incident.time_bucket
        else:
            assert incident.occurred_from <= incident.reported_at


def test_reporters_and_red_recipients(demo):
    p = Partnership.objects.get()
    manual = Incident.objects.filter(partnership=p, source="manual")
    assert not manual.filter(reported_by=None).exists()
    for incident in manual.select_related("reported_by")[:50]:
        assert incident.reported_by.organisation_id == incident.organisation_id
    assert (
        not Incident.objects.filter(partnership=p, source="api").exclude(reported_by=None).exists()
    )
    coordinator = get_user_model().objects.get(email="samordnare@demo.trygg.local")
    for incident in Incident.objects.filter(partnership=p, label="RED"):
        assert list(incident.recipients.all()) == [coordinator]


def test_audit_entries_for_the_load_and_each_batch(demo):
    p = Partnership.objects.get()
    load = AuditEntry.objects.get(action="demo.load", partnership_id=p.pk)
    assert load.data["incidents"] == demo.incidents
    assert load.data["seed"] == 3
    batches = list(AuditEntry.objects.filter(action="incident.bulk_create", partnership_id=p.pk))
    assert sum(b.data["count"] for b in batches) == demo.incidents
    ids = set(Incident.objects.filter(partnership=p).values_list("pk", flat=True))
    for batch in batches:
        assert {batch.data["first_id"], batch.data["last_id"]} <= ids
    assert all(report.ok for report in verify_all())


def test_batches_of_the_given_size_get_one_audit_entry_each(db, monkeypatch):
    monkeypatch.setattr(services, "BATCH_SIZE", 100)
    result = services.load_demo(seed=3, scale=0.05, years=1, today=TODAY, weekly_work=False)
    batches = AuditEntry.objects.filter(action="incident.bulk_create").order_by("seq")
    assert batches.count() == -(-result.incidents // 100)
    previous_last = 0
    for batch in batches:
        assert batch.data["first_id"] > previous_last
        assert batch.data["last_id"] - batch.data["first_id"] + 1 == batch.data["count"]
        previous_last = batch.data["last_id"]


def test_the_same_seed_loads_the_same_incidents(demo):
    first = list(
        Incident.objects.order_by("pk").values_list(
            "category__code", "occurred_date", "lat", "label", "description"
        )
    )
    services.load_demo(seed=3, scale=0.05, years=1, today=TODAY, reset=True, weekly_work=False)
    second = list(
        Incident.objects.order_by("pk").values_list(
            "category__code", "occurred_date", "lat", "label", "description"
        )
    )
    assert first == second


def test_summary_counts(demo):
    assert set(demo.by_group) == {
        "VALD",
        "NARK",
        "TRAFIK",
        "ORDNING",
        "SKADA",
        "BRAND",
        "STOLD",
        "MILJO",
        "SOCIAL",
        "OVRIGT",
    }
    assert sum(demo.by_group.values()) == demo.incidents
    assert set(demo.by_year) == {2025, 2026}
    assert sigtuna.PARTNERSHIP["slug"] == demo.partnership.slug


def test_the_demo_fills_the_rollup_exactly(db):
    from trygg.demo.services import load_demo
    from trygg.incidents import rollup

    load_demo(scale=0.05, years=1)
    stored = rollup.stored_counts()
    assert stored and stored == rollup.direct_counts()


def test_the_demo_has_the_real_police_events_up_to_its_last_day(demo):
    from trygg.feeds.models import PoliceEvent, TypeMapping

    p = Partnership.objects.get()
    events = PoliceEvent.objects.filter(partnership=p)
    assert events.count() == demo.police_events > 300
    assert not events.filter(published_at__date__gt=TODAY).exists()
    police = Incident.objects.filter(partnership=p, source=Source.POLICE_FEED)
    assert police.count() == demo.police_incidents > 100
    assert not police.filter(lat__isnull=False).exists()
    assert police.filter(area__kind=Area.Kind.REGSO).exists()
    assert TypeMapping.objects.filter(partnership=p, ignored=False).exists()


def test_the_weekly_work_is_in_the_demo_and_audited(db, client):
    """The agreement with live indicators, a history of meetings with decisions and
    actions, presence, an evaluated action and an approved annual report, all written
    through the services (so in the audit chain, which still verifies)."""
    from trygg.agreement.models import AnnualReport
    from trygg.agreement.selectors import current_agreement
    from trygg.meetings.models import Decision, Meeting, MinutesVersion
    from trygg.work.models import ActionEvaluation, Presence

    p = services.load_demo(seed=3, scale=0.05, years=1, today=TODAY).partnership
    agreement = current_agreement(p, TODAY)
    assert agreement is not None and agreement.priorities.count() == 3
    held = Meeting.objects.filter(partnership=p, status__in=["held", "approved"])
    assert held.count() >= 10
    assert MinutesVersion.objects.filter(meeting__partnership=p).count() >= 10
    assert Decision.objects.filter(meeting__partnership=p, action__isnull=False).exists()
    assert Presence.objects.filter(partnership=p, status="performed").exists()
    assert ActionEvaluation.objects.filter(action__partnership=p).exists()
    report = AnnualReport.objects.get(partnership=p, year=TODAY.year - 1)
    assert report.approved_at is not None and report.pdf_sha256
    assert AuditEntry.objects.filter(partnership_id=p.pk, action__startswith="meetings.").exists()
    assert all(chain.ok for chain in verify_all())

    client.force_login(get_user_model().objects.get(email="ledning@demo.trygg.local"))
    page = client.get(f"/overenskommelse/arsuppfoljning/{TODAY.year - 1}/")
    assert page.status_code == 200
