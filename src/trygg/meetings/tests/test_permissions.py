"""Who may do what with a meeting: other partnerships get 404, a partner's reporter adds
items but does not run the meeting, viewers read approved CLEAR/GREEN summaries only,
AMBER minutes stay within the convening organisation and the coordinators."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from trygg.meetings import services
from trygg.meetings.models import AgendaItem, Decision, Meeting
from trygg.work import services as work_services

from .conftest import MEETING_DAY

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def held_and_approved(world, meeting, *, summary="Lugn vecka."):
    coordinator = world.users["coordinator"]
    services.record_attendance(
        actor=coordinator,
        partnership=world.p,
        meeting=meeting,
        attendance={world.org_a.pk: 2, world.org_b.pk: 1},
    )
    services.save_notes(
        actor=coordinator,
        partnership=world.p,
        meeting=meeting,
        notes={i.pk: "ANTECKNING-HEMLIG" for i in meeting.items.all()},
        summary=summary,
    )
    return services.approve_minutes(actor=coordinator, partnership=world.p, meeting=meeting)


def test_another_partnerships_coordinator_gets_404(world, meeting):
    client = client_for(world.users["other_partnership_coordinator"])
    for name in ("meetings:detail", "meetings:minutes", "meetings:attendance"):
        assert client.get(reverse(name, args=[meeting.pk])).status_code == 404
    response = client.post(reverse("meetings:item_add", args=[meeting.pk]), {"title": "Inte här"})
    assert response.status_code == 404
    assert not AgendaItem.objects.filter(title="Inte här").exists()
    with pytest.raises(ValidationError):
        services.add_agenda_item(
            actor=world.users["other_partnership_coordinator"],
            partnership=world.p,
            meeting=meeting,
            title="Inte här",
        )


def test_a_partner_reporter_adds_an_item_but_does_not_run_the_meeting(world, meeting):
    reporter_b = world.users["other_org_reporter"]
    client = client_for(reporter_b)
    page = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert page.status_code == 200
    assert "Lägg till en punkt" in page.content.decode()
    assert "Registrera mötesnärvaro" not in page.content.decode()

    response = client.post(
        reverse("meetings:item_add", args=[meeting.pk]),
        {"title": "Klotter i gångtunneln", "text": "Ring 070-123 45 67 om du vet mer."},
    )
    assert response.status_code == 302
    item = AgendaItem.objects.get(title="Klotter i gångtunneln")
    assert item.added_by_organisation == world.org_b
    assert "070-123 45 67" not in item.body, "personal data is redacted"
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Klotter i gångtunneln" in page and "från Organisation B" in page

    for name in ("meetings:attendance", "meetings:decision", "meetings:approve"):
        assert client.get(reverse(name, args=[meeting.pk])).status_code == 403
    assert (
        client.post(reverse("meetings:decision", args=[meeting.pk]), {"text": "x"}).status_code
        == 403
    )
    assert not Decision.objects.exists()
    with pytest.raises(ValidationError, match="Bara trygghetssamordnare"):
        services.record_decision(
            actor=reporter_b, partnership=world.p, meeting=meeting, text="Beslut"
        )


def test_an_empty_item_gives_a_clear_error_and_writes_nothing(world, meeting):
    client = client_for(world.users["reporter"])
    before = AgendaItem.objects.count()
    response = client.post(reverse("meetings:item_add", args=[meeting.pk]), {"title": "  "})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Det finns ett problem" in body
    assert "Skriv en rubrik för punkten." in body
    assert AgendaItem.objects.count() == before


def test_items_can_only_be_added_before_the_meeting_is_held(world, meeting):
    services.record_attendance(
        actor=world.users["coordinator"],
        partnership=world.p,
        meeting=meeting,
        attendance={world.org_a.pk: 1},
    )
    meeting.refresh_from_db()
    with pytest.raises(ValidationError, match="redan hållits"):
        services.add_agenda_item(
            actor=world.users["reporter"], partnership=world.p, meeting=meeting, title="Sent"
        )


def test_a_viewer_sees_the_approved_summary_only(world, meeting):
    viewer = client_for(world.users["viewer"])
    page = viewer.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "inte justerat än" in page

    held_and_approved(world, meeting, summary="SAMMANFATTNING-FÖR-LEDNINGEN")
    services.record_decision(
        actor=world.users["coordinator"],
        partnership=world.p,
        meeting=meeting,
        text="BESLUT-EFTER-JUSTERING",
    )
    for name in ("meetings:detail", "meetings:minutes"):
        response = viewer.get(reverse(name, args=[meeting.pk]))
        assert response.status_code == 200
        body = response.content.decode()
        assert "SAMMANFATTNING-FÖR-LEDNINGEN" in body
        assert "Organisation B" in body  # attendance
        assert "ANTECKNING-HEMLIG" not in body
        assert "Lägesbilden för" not in body  # no agenda
        assert "BESLUT-EFTER-JUSTERING" not in body  # not in the approved version
    assert viewer.get(reverse("meetings:minutes_pdf", args=[meeting.pk, 1])).status_code == 403
    assert viewer.get(reverse("meetings:list")).status_code == 200


def test_a_viewer_does_not_see_amber_meetings_nor_decisions_on_amber_actions(world, meeting):
    coordinator = world.users["coordinator"]
    services.record_decision(
        actor=coordinator,
        partnership=world.p,
        meeting=meeting,
        text="Polisen planerar tillsyn.",
        new_action={
            "title": "TILLSYN-HEMLIG",
            "type": "inspection",
            "organisation": world.org_a,
            "end": MEETING_DAY + datetime.timedelta(days=10),
            "label": "AMBER",
        },
    )
    services.record_decision(
        actor=coordinator, partnership=world.p, meeting=meeting, text="ÖPPET-BESLUT"
    )
    held_and_approved(world, meeting)
    viewer = client_for(world.users["viewer"])
    body = viewer.get(reverse("meetings:minutes", args=[meeting.pk])).content.decode()
    assert "ÖPPET-BESLUT" in body
    assert "Polisen planerar tillsyn." not in body
    assert "TILLSYN-HEMLIG" not in body
    assert "1 beslut om en åtgärd med begränsad delning visas inte." in body

    Meeting.objects.filter(pk=meeting.pk).update(label="AMBER")
    assert viewer.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 404
    assert viewer.get(reverse("meetings:minutes", args=[meeting.pk])).status_code == 404
    listing = viewer.get(reverse("meetings:list")).content.decode()
    assert reverse("meetings:detail", args=[meeting.pk]) not in listing


def test_amber_minutes_are_invisible_to_another_organisations_reporter(world, meeting):
    held_and_approved(world, meeting)
    Meeting.objects.filter(pk=meeting.pk).update(label="AMBER")
    reporter_b = client_for(world.users["other_org_reporter"])
    for name in ("meetings:detail", "meetings:minutes", "meetings:item_add"):
        assert reporter_b.get(reverse(name, args=[meeting.pk])).status_code == 404
    assert reporter_b.get(reverse("meetings:minutes_pdf", args=[meeting.pk, 1])).status_code == 404
    listing = reporter_b.get(reverse("meetings:list")).content.decode()
    assert reverse("meetings:detail", args=[meeting.pk]) not in listing
    # the convening organisation's reporter and the coordinator still read them
    for user in ("reporter", "coordinator", "analyst"):
        response = client_for(world.users[user]).get(reverse("meetings:minutes", args=[meeting.pk]))
        assert response.status_code == 200, user


def test_action_items_are_shown_only_to_those_who_may_see_the_action(world, series):
    coordinator = world.users["coordinator"]
    secret = work_services.create_action(
        actor=coordinator,
        partnership=world.p,
        title="POLISINSATS-HEMLIG",
        type="presence",
        organisation=world.org_a,
        end=MEETING_DAY + datetime.timedelta(days=2),
        label="AMBER",
    )
    shared = work_services.create_action(
        actor=coordinator,
        partnership=world.p,
        title="STÄDNING-ÖPPEN",
        type="environment",
        organisation=world.org_a,
        end=MEETING_DAY + datetime.timedelta(days=2),
    )
    meeting = services.create_meeting(actor=coordinator, partnership=world.p, day=MEETING_DAY)
    assert {i.action for i in meeting.items.filter(kind="action")} == {secret, shared}

    page_b = client_for(world.users["other_org_reporter"]).get(
        reverse("meetings:detail", args=[meeting.pk])
    )
    body = page_b.content.decode()
    assert "STÄDNING-ÖPPEN" in body
    assert "POLISINSATS-HEMLIG" not in body
    assert "1 punkt om en åtgärd med begränsad delning visas inte för dig." in body
    body_a = (
        client_for(world.users["reporter"])
        .get(reverse("meetings:detail", args=[meeting.pk]))
        .content.decode()
    )
    assert "POLISINSATS-HEMLIG" in body_a  # own organisation's AMBER action

    held_and_approved(world, meeting)
    minutes_b = client_for(world.users["other_org_reporter"]).get(
        reverse("meetings:minutes", args=[meeting.pk])
    )
    assert "POLISINSATS-HEMLIG" not in minutes_b.content.decode()


def test_a_decision_about_a_restricted_action_is_as_restricted_as_the_action(world, meeting):
    """In GREEN minutes, the decision to patrol (an AMBER action of organisation A) is
    read by A and the coordinators, not by organisation B's reporter: not on the meeting
    page, not in the minutes, not in the PDF every detail role downloads."""
    coordinator = world.users["coordinator"]
    services.record_decision(
        actor=coordinator,
        partnership=world.p,
        meeting=meeting,
        text="PATRULL-BESLUT: fotpatrull vid torget fredag kväll.",
        new_action={
            "title": "Fotpatrull vid torget",
            "type": "presence",
            "organisation": world.org_a,
            "end": MEETING_DAY + datetime.timedelta(days=5),
            "label": "AMBER",
        },
    )
    services.record_decision(
        actor=coordinator, partnership=world.p, meeting=meeting, text="ÖPPET-BESLUT"
    )
    version = held_and_approved(world, meeting)
    pages = ("meetings:detail", "meetings:minutes")

    own = client_for(world.users["reporter"])  # organisation A
    for name in pages:
        assert "PATRULL-BESLUT" in own.get(reverse(name, args=[meeting.pk])).content.decode()

    other = client_for(world.users["other_org_reporter"])  # organisation B
    for name in pages:
        body = other.get(reverse(name, args=[meeting.pk])).content.decode()
        assert "ÖPPET-BESLUT" in body
        assert "PATRULL-BESLUT" not in body and "Fotpatrull vid torget" not in body
        assert "Ett beslut om en åtgärd med begränsad delning" in body

    from io import BytesIO

    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(BytesIO(bytes(version.pdf))).pages)
    assert "ÖPPET-BESLUT" in text
    assert "PATRULL-BESLUT" not in text
