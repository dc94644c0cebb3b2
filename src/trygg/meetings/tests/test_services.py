"""Service rules not covered by the loop and the pages: the scheduler's upcoming meetings,
validation messages, and that every write is audited."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from trygg.audit.models import AuditEntry
from trygg.meetings import services
from trygg.meetings.models import Decision, Meeting

from .conftest import MEETING_DAY

pytestmark = pytest.mark.django_db


def test_ensure_upcoming_meetings_creates_the_missing_weeks_once(world, series):
    today = datetime.date(2026, 10, 7)  # a Wednesday
    created = services.ensure_upcoming_meetings(world.p, today, weeks=2)
    assert [m.starts_at.date() for m in created] == [
        datetime.date(2026, 10, 12),
        datetime.date(2026, 10, 19),
    ]
    assert all(m.created_by == world.users["coordinator"] for m in created)
    assert all(m.items.exists() for m in created)
    assert services.ensure_upcoming_meetings(world.p, today, weeks=2) == []
    assert Meeting.objects.filter(partnership=world.p).count() == 2


def test_ensure_upcoming_meetings_does_nothing_without_a_series(world):
    assert services.ensure_upcoming_meetings(world.p, MEETING_DAY) == []


def test_only_coordinators_and_partnership_admins_change_the_series(world, series):
    with pytest.raises(ValidationError, match="Bara trygghetssamordnare och"):
        services.save_series(
            actor=world.users["reporter"],
            partnership=world.p,
            weekday=2,
            start_time=datetime.time(9, 0),
        )
    services.save_series(
        actor=world.users["partnership_admin"],
        partnership=world.p,
        weekday=2,
        start_time=datetime.time(9, 0),
    )
    series.refresh_from_db()
    assert series.weekday == 2
    assert AuditEntry.objects.filter(action="meetings.series_change").exists()


def test_a_decision_needs_text_and_a_failed_action_writes_nothing(world, meeting):
    coordinator = world.users["coordinator"]
    with pytest.raises(ValidationError) as error:
        services.record_decision(actor=coordinator, partnership=world.p, meeting=meeting, text=" ")
    assert error.value.message_dict == {"text": ["Skriv vad mötet beslutade."]}
    with pytest.raises(ValidationError) as error:
        services.record_decision(
            actor=coordinator,
            partnership=world.p,
            meeting=meeting,
            text="Något",
            new_action={"title": "", "type": "other", "organisation": world.org_a},
        )
    assert any(key.startswith("new_") for key in error.value.message_dict)
    assert not Decision.objects.exists()


def test_every_write_is_audited(world, meeting):
    coordinator = world.users["coordinator"]
    services.add_agenda_item(
        actor=world.users["reporter"], partnership=world.p, meeting=meeting, title="Punkt"
    )
    services.record_attendance(
        actor=coordinator, partnership=world.p, meeting=meeting, attendance={world.org_a.pk: 1}
    )
    services.save_notes(actor=coordinator, partnership=world.p, meeting=meeting, notes={})
    services.record_decision(actor=coordinator, partnership=world.p, meeting=meeting, text="B")
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "meetings.series_create",
        "meetings.meeting_create",
        "meetings.agenda_build",
        "meetings.item_add",
        "meetings.attendance",
        "meetings.notes",
        "meetings.decision",
    } <= actions


def test_attendance_only_for_participating_organisations(world, meeting):
    with pytest.raises(ValidationError, match="deltar inte"):
        services.record_attendance(
            actor=world.users["coordinator"],
            partnership=world.p,
            meeting=meeting,
            attendance={world.org_q.pk: 2},
        )
