"""The series' calendar feed: valid iCalendar, title, time, place and link only; the
token is the secret (a wrong one gives 404), and a new token replaces the old one."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from trygg.audit.models import AuditEntry
from trygg.meetings import services
from trygg.meetings.models import MeetingSeries

pytestmark = pytest.mark.django_db


def feed(token):
    return Client().get(reverse("meetings:feed", args=[token]))


def test_the_feed_is_valid_icalendar_with_the_meetings_and_no_agenda(world, meeting):
    services.add_agenda_item(
        actor=world.users["reporter"],
        partnership=world.p,
        meeting=meeting,
        title="DAGORDNING-HEMLIG",
        text="UNDERLAG-HEMLIGT",
    )
    services.record_decision(
        actor=world.users["coordinator"], partnership=world.p, meeting=meeting, text="BESLUT-X"
    )
    series = MeetingSeries.objects.get(partnership=world.p)

    response = feed(series.feed_token)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    for secret in ("DAGORDNING-HEMLIG", "UNDERLAG-HEMLIGT", "BESLUT-X", "Lägesbilden"):
        assert secret not in body
    calendar = Calendar.from_ical(response.content)
    events = [c for c in calendar.walk("VEVENT")]
    single = [e for e in events if "RRULE" not in e]
    recurring = [e for e in events if "RRULE" in e]
    assert len(single) == 1 and len(recurring) == 1
    event = single[0]
    assert str(event["SUMMARY"]) == "Veckans avstämning"
    assert str(event["LOCATION"]) == "Kommunhuset, rum Valsta"
    assert str(event["URL"]) == "https://example.invalid/avstamning"
    start = event.decoded("DTSTART")
    assert start == meeting.starts_at
    assert start.astimezone(datetime.UTC) == meeting.starts_at.astimezone(datetime.UTC)
    assert event.decoded("DTEND") - start == datetime.timedelta(minutes=60)
    assert str(recurring[0]["RRULE"].to_ical().decode()) == "FREQ=WEEKLY"
    assert recurring[0].decoded("DTSTART").isoweekday() == 1


def test_a_wrong_token_gives_404(world, series):
    assert feed("fel-nyckel").status_code == 404
    assert feed(series.feed_token[:-1]).status_code == 404


def test_a_new_token_replaces_the_old_one_and_is_audited(world, series):
    old = series.feed_token
    client = Client()
    client.force_login(world.users["coordinator"])
    page = client.get(reverse("meetings:series")).content.decode()
    assert reverse("meetings:feed", args=[old]) in page  # the subscribe address is shown

    response = client.post(reverse("meetings:series_token"))

    assert response.status_code == 302
    new = MeetingSeries.objects.get(pk=series.pk).feed_token
    assert new != old
    assert feed(old).status_code == 404
    assert feed(new).status_code == 200
    assert AuditEntry.objects.filter(action="meetings.feed_token_regenerate").exists()


def test_a_reporter_cannot_regenerate_the_token(world, series):
    client = Client()
    client.force_login(world.users["reporter"])
    assert client.post(reverse("meetings:series_token")).status_code == 403
    assert MeetingSeries.objects.get(pk=series.pk).feed_token == series.feed_token


def test_times_carry_their_time_zone(world, meeting):
    body = feed(MeetingSeries.objects.get(partnership=world.p).feed_token).content.decode()
    assert "BEGIN:VTIMEZONE" in body
    assert "TZID=Europe/Stockholm" in body
