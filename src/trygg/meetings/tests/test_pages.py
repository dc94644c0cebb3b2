"""The coordinator's pages: the series, creating a meeting, attendance, notes, decisions
that create or update actions, and the proposed focus turned into planned presence."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from trygg.audit.models import AuditEntry
from trygg.meetings.models import Attendance, Decision, Meeting, MeetingSeries
from trygg.situation import services as situation_services
from trygg.work import services as work_services
from trygg.work.models import Action, Presence

from .conftest import MEETING_DAY, WEEK

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(world):
    client = Client()
    client.force_login(world.users["coordinator"])
    return client


def test_the_series_is_set_up_with_a_form_and_bad_input_is_explained(world, coordinator):
    url = reverse("meetings:series_edit")
    assert coordinator.get(url).status_code == 200
    response = coordinator.post(
        url,
        {
            "weekday": "1",
            "start_time": "25:00",
            "duration_minutes": "5",
            "link_url": "teams",
            "organisation": world.org_a.pk,
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Det finns ett problem" in body
    assert "Skriv tiden som timmar och minuter, till exempel 13:00." in body
    assert "Skriv mötets längd i minuter, mellan 15 och 480." in body
    assert not MeetingSeries.objects.exists()

    response = coordinator.post(
        url,
        {
            "weekday": "1",
            "start_time": "13:00",
            "duration_minutes": "60",
            "location": "Kommunhuset",
            "link_url": "teams",
            "organisation": world.org_a.pk,
        },
    )
    assert "Skriv en hel webbadress som börjar med https://." in response.content.decode()
    response = coordinator.post(
        url,
        {
            "weekday": "1",
            "start_time": "13:00",
            "duration_minutes": "60",
            "location": "Kommunhuset",
            "link_url": "https://example.invalid/avstamning",
            "organisation": world.org_a.pk,
        },
    )
    assert response.status_code == 302
    series = MeetingSeries.objects.get(partnership=world.p)
    assert series.start_time == datetime.time(13, 0)
    assert series.title == "Veckans avstämning"
    page = coordinator.get(reverse("meetings:series")).content.decode()
    assert "Varje måndag klockan 13:00, 60 minuter" in page
    assert AuditEntry.objects.filter(action="meetings.series_create").exists()


def test_creating_the_next_meeting_from_the_list(world, series, coordinator):
    response = coordinator.post(reverse("meetings:create"), {"day": "", "label": "GREEN"})
    assert response.status_code == 302
    meeting = Meeting.objects.get(partnership=world.p)
    assert meeting.starts_at.isoweekday() == 1
    assert meeting.link_url == "https://example.invalid/avstamning"
    assert meeting.items.exists(), "the agenda is built"
    listing = coordinator.get(reverse("meetings:list")).content.decode()
    assert reverse("meetings:detail", args=[meeting.pk]) in listing

    # the next one follows a week later; the same day twice is refused
    coordinator.post(reverse("meetings:create"), {"day": "", "label": "GREEN"})
    days = sorted(m.starts_at for m in Meeting.objects.filter(partnership=world.p))
    assert days[1] - days[0] == datetime.timedelta(weeks=1)
    response = coordinator.post(
        reverse("meetings:create"),
        {"day": days[0].date().isoformat(), "label": "GREEN"},
        follow=True,
    )
    assert "Det finns redan en avstämning" in response.content.decode()
    assert Meeting.objects.filter(partnership=world.p).count() == 2


def test_without_a_series_no_meeting_is_created(world, coordinator):
    response = coordinator.post(reverse("meetings:create"), {"label": "GREEN"}, follow=True)
    assert "Ställ in mötesserien" in response.content.decode()
    assert not Meeting.objects.exists()


def test_attendance_and_notes(world, meeting, coordinator):
    url = reverse("meetings:attendance", args=[meeting.pk])
    page = coordinator.get(url).content.decode()
    assert "Organisation A" in page and "Organisation B" in page
    response = coordinator.post(url, {f"org_{world.org_a.pk}": "0", f"org_{world.org_b.pk}": "0"})
    assert "Markera minst en organisation" in response.content.decode()
    assert not Attendance.objects.exists()
    response = coordinator.post(url, {f"org_{world.org_a.pk}": "3", f"org_{world.org_b.pk}": ""})
    assert "Skriv antalet deltagare, 0 om organisationen inte var med." in response.content.decode()
    response = coordinator.post(url, {f"org_{world.org_a.pk}": "3", f"org_{world.org_b.pk}": "0"})
    assert response.status_code == 302
    assert Attendance.objects.get(meeting=meeting, organisation=world.org_a).people == 3
    assert not Attendance.objects.get(meeting=meeting, organisation=world.org_b).present

    item = meeting.items.first()
    response = coordinator.post(
        reverse("meetings:notes", args=[meeting.pk]),
        {
            f"notes_{item.pk}": "Diskuterades; kontakt via 19121212-1212.",
            "summary": "Kort.",
            "label": "GREEN",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert "Diskuterades" in item.notes and "19121212-1212" not in item.notes
    page = coordinator.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Diskuterades" in page


def test_a_decision_that_creates_an_action(world, meeting, coordinator):
    url = reverse("meetings:decision", args=[meeting.pk])
    assert coordinator.get(url).status_code == 200
    response = coordinator.post(url, {"text": "Ny belysning.", "action_choice": "create"})
    body = response.content.decode()
    assert "Skriv åtgärdens rubrik." in body
    assert "Välj den ansvariga organisationen." in body
    assert not Decision.objects.exists() and not Action.objects.exists()

    item = meeting.items.first()
    response = coordinator.post(
        url,
        {
            "item": item.pk,
            "text": "Kommunen byter belysningen i gångtunneln.",
            "action_choice": "create",
            "new_title": "Ny belysning i gångtunneln",
            "new_type": "environment",
            "new_organisation": world.org_a.pk,
            "new_end": (MEETING_DAY + datetime.timedelta(days=21)).isoformat(),
            "new_label": "GREEN",
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get(meeting=meeting)
    assert decision.item == item
    assert decision.action.title == "Ny belysning i gångtunneln"
    assert decision.action.organisation == world.org_a
    page = coordinator.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Åtgärd: Ny belysning i gångtunneln" in page


def test_a_decision_that_updates_an_action(world, meeting, coordinator):
    action = work_services.create_action(
        actor=world.users["coordinator"],
        partnership=world.p,
        title="Klotterborttagning",
        type="environment",
        organisation=world.org_b,
        end=MEETING_DAY,
    )
    url = reverse("meetings:decision", args=[meeting.pk])
    response = coordinator.post(
        url, {"text": "Förlängs.", "action_choice": "update", "change_action": action.pk}
    )
    assert "Välj vad som ska ändras" in response.content.decode()
    new_end = MEETING_DAY + datetime.timedelta(days=14)
    response = coordinator.post(
        url,
        {
            "text": "Förlängs två veckor.",
            "action_choice": "update",
            "change_action": action.pk,
            "change_status": "ongoing",
            "change_end": new_end.isoformat(),
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "ongoing" and action.end == new_end
    assert Decision.objects.get(meeting=meeting).action == action
    assert "Förlängs två veckor." in action.revisions.last().note


def test_the_proposed_focus_becomes_planned_presence(sigtuna, series, coordinator):
    from trygg.meetings import services

    world = sigtuna
    valsta = world.sigtuna.focus["Valsta"]
    situation_services.save_assessment(
        actor=world.users["coordinator"],
        partnership=world.p,
        period=WEEK,
        proposed_focus="Kvällar vid centrum.",
        proposed_areas=[valsta.pk],
        proposed_times="fredag kl. 20–24",
    )
    meeting = services.create_meeting(
        actor=world.users["coordinator"], partnership=world.p, day=MEETING_DAY
    )
    url = reverse("meetings:focus", args=[meeting.pk])
    page = coordinator.get(url).content.decode()
    assert "Kvällar vid centrum." in page and "fredag kl. 20–24" in page
    areas = list(valsta.areas.all())
    assert areas and all(a.name in page for a in areas)

    response = coordinator.post(url, {"organisation": world.org_a.pk, "kind": "field_workers"})
    body = response.content.decode()
    assert "Välj minst ett område." in body and "Välj minst en dag." in body
    assert not Presence.objects.exists()

    friday = MEETING_DAY + datetime.timedelta(days=4)
    response = coordinator.post(
        url,
        {
            "organisation": world.org_a.pk,
            "kind": "field_workers",
            "areas": [a.pk for a in areas],
            "days": [friday.isoformat()],
            "start_time": "20:00",
            "end_time": "00:30",
            "people": "2",
            "label": "AMBER",
        },
    )
    assert response.status_code == 302
    rows = list(Presence.objects.filter(partnership=world.p))
    assert len(rows) == len(areas)
    assert {p.area for p in rows} == set(areas)
    first = rows[0]
    assert first.status == "planned" and first.label == "AMBER" and first.people == 2
    assert first.hours == pytest.approx(4.5)
    assert AuditEntry.objects.filter(action="meetings.focus_presence").exists()


def test_a_presence_error_from_the_work_service_shows_next_to_the_field(
    sigtuna, series, coordinator, monkeypatch
):
    from django.core.exceptions import ValidationError

    from trygg.meetings import services

    def refuse(**kwargs):
        raise ValidationError({"ends_at": "Ett närvaropass får vara högst 24 timmar."})

    monkeypatch.setattr(work_services, "plan_presence", refuse)

    world = sigtuna
    meeting = services.create_meeting(
        actor=world.users["coordinator"], partnership=world.p, day=MEETING_DAY
    )
    area = world.sigtuna.focus["Valsta"].areas.first()
    response = coordinator.post(
        reverse("meetings:focus", args=[meeting.pk]),
        {
            "organisation": world.org_a.pk,
            "kind": "field_workers",
            "areas": [area.pk],
            "days": [MEETING_DAY.isoformat()],
            "start_time": "08:00",
            "end_time": "07:00",
            "people": "2",
            "label": "AMBER",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Det finns ett problem" in body
    assert 'href="#id_end_time">Ett närvaropass får vara högst 24 timmar.' in body
    assert not Presence.objects.exists()
