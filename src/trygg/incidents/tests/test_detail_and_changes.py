"""The incident detail page (404 unless visible, audited reads), corrections and withdrawal."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trygg.audit.models import AuditEntry
from trygg.incidents import services
from trygg.incidents.models import Category, Incident, IncidentRevision, Label, Source


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def report(world, reporter="reporter", label=Label.GREEN, recipients=(), **extra):
    values = {
        "category": "ORDNING.BRAK",
        "area": world.area_p,
        "occurred_date": timezone.localdate(),
        "time_bucket": "evening",
        "description": "Bråk vid busshållplatsen",
        **extra,
    }
    return services.report_incident(
        reporter=world.users[reporter],
        partnership=world.p,
        label=label,
        recipients=recipients,
        **values,
    )


def make_raw(
    world,
    label,
    organisation,
    description,
    reported_by=None,
    partnership=None,
    area=None,
    recipients=(),
):
    incident = Incident.objects.create(
        partnership=partnership or world.p,
        organisation=organisation,
        reported_by=reported_by,
        source=Source.MANUAL,
        category=Category.objects.get(code="ORDNING.BRAK"),
        occurred_date="2026-11-24",
        reported_at=timezone.now(),
        area=area or world.area_p,
        description=description,
        label=label,
    )
    incident.recipients.set(recipients)
    return incident


# --- visibility of the detail page, every label × own org / other org / other partnership --

# (label, reporting organisation key, reported by, recipients) -> who gets 200; everyone
# else with a detail role gets 404 (never 403: the page must not reveal the incident).
DETAIL_CASES = {
    ("CLEAR", "org_a"): {
        "reporter",
        "coordinator",
        "analyst",
        "org_admin",
        "partnership_admin",
        "unit_reporter",
        "other_org_reporter",
    },
    ("GREEN", "org_a"): {
        "reporter",
        "coordinator",
        "analyst",
        "org_admin",
        "partnership_admin",
        "unit_reporter",
        "other_org_reporter",
    },
    ("AMBER", "org_a"): {"reporter", "coordinator", "analyst", "org_admin", "partnership_admin"},
    ("AMBER", "org_b"): {"coordinator", "analyst", "other_org_reporter"},
    ("AMBER+STRICT", "org_a"): {
        "reporter",
        "coordinator",
        "analyst",
        "org_admin",
        "partnership_admin",
    },
    ("AMBER+STRICT", "org_b"): {"other_org_reporter"},
    # RED: the reporter (other_org_reporter) and the named recipient (analyst) only
    ("RED", "org_b"): {"other_org_reporter", "analyst"},
}
DETAIL_SUBJECTS = [
    "reporter",
    "coordinator",
    "analyst",
    "org_admin",
    "partnership_admin",
    "unit_reporter",
    "other_org_reporter",
    "other_partnership_coordinator",
]


@pytest.mark.django_db
@pytest.mark.parametrize("label,org", sorted(DETAIL_CASES))
def test_detail_visibility_for_every_label(world, label, org):
    reported_by = world.users["other_org_reporter"] if org == "org_b" else world.users["reporter"]
    recipients = [world.users["analyst"]] if label == "RED" else []
    incident = make_raw(
        world,
        label,
        getattr(world, org),
        f"detalj-{label}-{org}",
        reported_by=reported_by,
        recipients=recipients,
    )
    url = reverse("incidents:detail", args=[incident.pk])
    for subject in DETAIL_SUBJECTS:
        response = client_for(world.users[subject]).get(url)
        expected = 200 if subject in DETAIL_CASES[(label, org)] else 404
        assert response.status_code == expected, (subject, response.status_code)
        if expected == 404:
            assert f"detalj-{label}-{org}" not in response.content.decode()
    for subject in ("viewer", "auditor", "case_worker", "no_role"):
        assert client_for(world.users[subject]).get(url).status_code == 403


@pytest.mark.django_db
def test_another_partnerships_incident_is_404_for_its_would_be_reader(world):
    incident = make_raw(
        world, Label.GREEN, world.org_q, "q-händelse", partnership=world.q, area=world.area_q
    )
    url = reverse("incidents:detail", args=[incident.pk])
    assert client_for(world.users["coordinator"]).get(url).status_code == 404
    assert client_for(world.users["other_partnership_coordinator"]).get(url).status_code == 200
    assert (
        client_for(world.users["coordinator"])
        .get(reverse("incidents:detail", args=[999999]))
        .status_code
        == 404
    )


@pytest.mark.django_db
def test_detail_shows_everything_and_audits_the_read(world):
    incident = report(
        world,
        reporter="other_org_reporter",
        label=Label.RED,
        recipients=[world.users["analyst"].pk],
        people_count=3,
    )
    client = client_for(world.users["analyst"])
    before = AuditEntry.objects.filter(action="incident.view").count()
    html = client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert "Bråk vid busshållplatsen" in html
    assert "analyst@a.example" in html  # the named recipient
    assert "Mottagare (TLP:RED)" in html
    entries = AuditEntry.objects.filter(action="incident.view")
    assert entries.count() == before + 1
    entry = entries.latest("seq")
    assert entry.object_id == str(incident.pk)
    assert entry.actor_id == world.users["analyst"].pk


@pytest.mark.django_db
def test_a_404_is_not_audited_as_a_read(world):
    incident = make_raw(world, Label.AMBER_STRICT, world.org_b, "hemlig")
    client_for(world.users["reporter"]).get(reverse("incidents:detail", args=[incident.pk]))
    assert not AuditEntry.objects.filter(action="incident.view").exists()


# --- corrections -------------------------------------------------------------------------


def edit_data(incident, **changes):
    """What the correction form posts when nothing but ``changes`` is changed."""
    local = timezone.localtime(incident.occurred_from) if incident.occurred_from else None
    data = {
        "category": str(incident.category_id),
        "lat": "" if incident.lat is None else repr(incident.lat),
        "lon": "" if incident.lon is None else repr(incident.lon),
        "area": str(incident.area_id),
        "place_type": incident.place_type,
        "occurred_date": incident.occurred_date.isoformat(),
        "occurred_time": local.strftime("%H:%M") if local else "",
        "time_bucket": incident.time_bucket,
        "description": incident.description,
        "people_count": "" if incident.people_count is None else incident.people_count,
        "age_group": incident.age_group,
        "police_notified": "",
        "police_reference": incident.police_reference,
        "label": incident.label,
        "reason": "Fel händelsetyp",
    }
    if incident.needs_follow_up:
        data["needs_follow_up"] = "on"
    if local is None:
        data["time_unknown"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}  # None: not posted


@pytest.mark.django_db
def test_the_reporter_corrects_with_a_reason_and_the_history_shows_it(world):
    incident = report(world)
    client = client_for(world.users["reporter"])
    url = reverse("incidents:edit", args=[incident.pk])
    assert client.get(url).status_code == 200
    hot = Category.objects.get(code="VALD.HOT")
    response = client.post(url, edit_data(incident, category=str(hot.pk)))
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.category == hot
    revision = IncidentRevision.objects.get(incident=incident)
    assert revision.reason == "Fel händelsetyp"
    assert set(revision.changes) == {"category"}
    html = client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert "Ändringshistorik" in html and "Fel händelsetyp" in html
    old = Category.objects.get(code="ORDNING.BRAK")
    assert hot.label_sv in html and old.label_sv in html  # before and after, in words


@pytest.mark.django_db
def test_a_correction_needs_a_reason_and_a_change(world):
    incident = report(world)
    client = client_for(world.users["reporter"])
    url = reverse("incidents:edit", args=[incident.pk])
    response = client.post(url, edit_data(incident, reason=""))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Det finns ett problem" in html and "Skriv varför rapporten ändras." in html
    response = client.post(url, edit_data(incident))
    assert response.status_code == 400
    assert "Du har inte ändrat något." in response.content.decode()
    assert not IncidentRevision.objects.exists()


@pytest.mark.django_db
def test_service_errors_show_next_to_the_field(world):
    incident = report(world)
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = client_for(world.users["reporter"]).post(
        reverse("incidents:edit", args=[incident.pk]), edit_data(incident, occurred_date=future)
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Datumet kan inte ligga i framtiden." in html
    assert 'href="#edit-occurred_date"' in html


@pytest.mark.django_db
def test_others_may_not_change_and_are_told_why(world):
    incident = report(world)
    for subject in ("analyst", "org_admin", "partnership_admin", "other_org_reporter"):
        client = client_for(world.users[subject])
        for name in ("incidents:edit", "incidents:withdraw"):
            response = client.get(reverse(name, args=[incident.pk]))
            assert response.status_code == 403, (subject, name)
            assert "trygghetssamordnare" in response.content.decode()
        response = client.post(reverse("incidents:withdraw", args=[incident.pk]), {"reason": "nej"})
        assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.withdrawn_at is None


@pytest.mark.django_db
def test_the_reporter_may_not_change_after_seven_days_but_the_coordinator_may(world):
    incident = report(world)
    Incident.objects.filter(pk=incident.pk).update(
        reported_at=timezone.now() - datetime.timedelta(days=8)
    )
    url = reverse("incidents:edit", args=[incident.pk])
    assert client_for(world.users["reporter"]).get(url).status_code == 403
    assert client_for(world.users["coordinator"]).get(url).status_code == 200


@pytest.mark.django_db
def test_withdraw_requires_a_reason_then_hides_the_incident_from_the_list(world):
    incident = report(world, description="Dubblett av en annan rapport")
    client = client_for(world.users["reporter"])
    url = reverse("incidents:withdraw", args=[incident.pk])
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400
    assert "Skriv varför rapporten återkallas." in response.content.decode()
    response = client.post(url, {"reason": "Dubblett"})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.withdrawn_at is not None and incident.withdrawn_reason == "Dubblett"
    listing = client.get(reverse("incidents:list")).content.decode()
    assert "Dubblett av en annan rapport" not in listing
    listing = client.get(reverse("incidents:list"), {"aterkallade": "on"}).content.decode()
    assert "Dubblett av en annan rapport" in listing
    detail = client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert "Rapporten återkallades" in detail
    # a withdrawn report cannot be changed again
    assert client.get(url).status_code == 403
    assert client.get(reverse("incidents:edit", args=[incident.pk])).status_code == 403


@pytest.mark.django_db
def test_edit_and_withdraw_of_an_invisible_incident_are_404(world):
    incident = make_raw(
        world,
        Label.AMBER_STRICT,
        world.org_b,
        "hemlig",
        reported_by=world.users["other_org_reporter"],
    )
    client = client_for(world.users["coordinator"])  # coordinators do not see B's STRICT
    for name in ("incidents:edit", "incidents:withdraw"):
        assert client.get(reverse(name, args=[incident.pk])).status_code == 404
        assert client.post(reverse(name, args=[incident.pk]), {"reason": "x"}).status_code == 404
    incident.refresh_from_db()
    assert incident.withdrawn_at is None
