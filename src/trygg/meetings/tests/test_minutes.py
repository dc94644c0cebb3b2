"""Minutes: approving (justera) freezes a version with its PDF; later changes become a
new version with a change note; old versions stay readable; the PDF carries the TLP
marking and is tagged."""

import datetime
import hashlib
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trygg.audit.models import AuditEntry
from trygg.meetings import services
from trygg.meetings.models import MeetingStatus, MinutesVersion

pytestmark = pytest.mark.django_db


def pdf_text(data):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), reader


@pytest.fixture
def coordinator(world):
    client = Client()
    client.force_login(world.users["coordinator"])
    return client


def attend(world, meeting):
    services.record_attendance(
        actor=world.users["coordinator"],
        partnership=world.p,
        meeting=meeting,
        attendance={world.org_a.pk: 3, world.org_b.pk: 0},
    )


def test_approving_freezes_the_minutes_and_a_revision_needs_a_change_note(
    world, meeting, coordinator
):
    attend(world, meeting)
    services.record_decision(
        actor=world.users["coordinator"], partnership=world.p, meeting=meeting, text="BESLUT-ETT"
    )
    response = coordinator.post(reverse("meetings:approve", args=[meeting.pk]))
    assert response.status_code == 302
    first = MinutesVersion.objects.get(meeting=meeting, number=1)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.APPROVED
    assert (
        first.snapshot_sha256 == hashlib.sha256(services.canonical_json(first.snapshot)).hexdigest()
    )
    assert first.pdf_sha256 == hashlib.sha256(bytes(first.pdf)).hexdigest()
    assert AuditEntry.objects.filter(action="meetings.minutes_approve").exists()

    # A later change shows only in a new version, which needs a change note.
    services.record_decision(
        actor=world.users["coordinator"], partnership=world.p, meeting=meeting, text="BESLUT-TVÅ"
    )
    page = coordinator.get(reverse("meetings:minutes", args=[meeting.pk])).content.decode()
    assert "BESLUT-ETT" in page and "BESLUT-TVÅ" not in page
    draft = coordinator.get(reverse("meetings:minutes", args=[meeting.pk]) + "?utkast=1")
    assert "BESLUT-TVÅ" in draft.content.decode()

    response = coordinator.post(reverse("meetings:approve", args=[meeting.pk]), {"change_note": ""})
    assert response.status_code == 200
    assert "Skriv vad som ändrats sedan förra versionen." in response.content.decode()
    assert MinutesVersion.objects.filter(meeting=meeting).count() == 1

    response = coordinator.post(
        reverse("meetings:approve", args=[meeting.pk]), {"change_note": "Beslut två tillagt."}
    )
    assert response.status_code == 302
    second = MinutesVersion.objects.get(meeting=meeting, number=2)
    assert second.change_note == "Beslut två tillagt."
    assert AuditEntry.objects.filter(action="meetings.minutes_revise").exists()

    latest = coordinator.get(reverse("meetings:minutes", args=[meeting.pk])).content.decode()
    assert "BESLUT-TVÅ" in latest and "Beslut två tillagt." in latest
    old = coordinator.get(reverse("meetings:minutes", args=[meeting.pk]) + "?version=1")
    assert "BESLUT-TVÅ" not in old.content.decode()
    assert "Det finns en nyare version." in old.content.decode()
    first.refresh_from_db()
    assert [d["text"] for d in first.snapshot["decisions"]] == ["BESLUT-ETT"]
    missing = coordinator.get(reverse("meetings:minutes", args=[meeting.pk]) + "?version=9")
    assert missing.status_code == 404


def test_minutes_cannot_be_approved_before_the_meeting_or_without_attendance(world, series):
    from django.core.exceptions import ValidationError

    coordinator = world.users["coordinator"]
    future = services.create_meeting(
        actor=coordinator,
        partnership=world.p,
        day=timezone.localdate() + datetime.timedelta(days=14),
    )
    with pytest.raises(ValidationError, match="inte börjat"):
        services.approve_minutes(actor=coordinator, partnership=world.p, meeting=future)
    past = services.create_meeting(
        actor=coordinator, partnership=world.p, day=datetime.date(2026, 10, 5)
    )
    with pytest.raises(ValidationError, match="Registrera vilka organisationer"):
        services.approve_minutes(actor=coordinator, partnership=world.p, meeting=past)
    assert not MinutesVersion.objects.exists()


def test_the_pdf_carries_the_tlp_marking_and_is_tagged(world, meeting, coordinator):
    attend(world, meeting)
    services.save_notes(
        actor=world.users["coordinator"],
        partnership=world.p,
        meeting=meeting,
        notes={},
        summary="Mötet gick igenom veckans lägesbild.",
        label="AMBER",
    )
    services.approve_minutes(actor=world.users["coordinator"], partnership=world.p, meeting=meeting)

    response = coordinator.get(reverse("meetings:minutes_pdf", args=[meeting.pk, 1]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text, reader = pdf_text(response.content)
    assert text.count("TLP:AMBER") >= 2  # the running header and footer
    assert "Mötet gick igenom veckans lägesbild." in text
    assert "Organisation A" in text
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert AuditEntry.objects.filter(action="meetings.minutes_pdf_download").exists()
    assert coordinator.get(reverse("meetings:minutes_pdf", args=[meeting.pk, 2])).status_code == 404
