"""Reporting, correcting and withdrawing through the service functions."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from trygg.audit.models import AuditEntry
from trygg.incidents import rollup
from trygg.incidents.models import Incident, IncidentCount, IncidentRevision, Label, Status
from trygg.incidents.services import correct_incident, report_incident, withdraw_incident

INSIDE = {"lat": 59.62, "lon": 17.85}


def report(world, user="reporter", **kwargs):
    values = {
        "reporter": world.users[user],
        "partnership": world.p,
        "category": "ORDNING.BRAK",
        "occurred_from": timezone.now() - dt.timedelta(hours=1),
        "description": "Bråk vid busshållplatsen",
        **INSIDE,
    }
    values.update(kwargs)
    return report_incident(**values)


def counts_agree():
    return rollup.stored_counts() == rollup.direct_counts()


def test_a_report_is_stored_counted_and_audited(world):
    incident = report(world)
    assert incident.area == world.area_p
    assert incident.organisation == world.org_a
    assert incident.status == Status.NEW and incident.label == Label.GREEN
    assert IncidentCount.objects.get().count == 1
    entry = AuditEntry.objects.get(action="incident.create")
    assert entry.object_id == str(incident.pk) and entry.actor_id == world.users["reporter"].pk


def test_personal_data_is_redacted_before_it_is_stored(world):
    incident = report(world, description="Ring 070-123 45 67 eller skriv till a.b@example.se")
    stored = Incident.objects.get(pk=incident.pk).description
    assert "070-123 45 67" not in stored and "a.b@example.se" not in stored
    assert "[telefonnummer borttaget]" in stored
    entry = AuditEntry.objects.get(action="incident.create")
    assert "070" not in str(entry.data) and set(entry.data["redacted"]) == {"email", "phone"}


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"category": "FINNS.INTE"}, "category"),
        ({"category": "VALD"}, "category"),  # a group, not a category
        ({"lat": 59.33, "lon": 18.07}, "lat"),  # Stockholm, outside the municipality
        ({"lat": 59.62, "lon": None}, "lat"),
        ({"occurred_from": timezone.now() + dt.timedelta(hours=2)}, "occurred_from"),
        ({"occurred_from": None, "occurred_date": None}, "occurred_date"),
        ({"occurred_from": None, "occurred_date": dt.date(2026, 1, 1)}, "time_bucket"),
        ({"label": "PURPLE"}, "label"),
        ({"label": Label.RED}, "recipients"),
        ({"place_type": "rymdstation"}, "place_type"),
        ({"people_count": -1}, "people_count"),
        ({"description": "x" * 2001}, "description"),
    ],
)
def test_bad_input_is_refused_with_a_field_error_and_nothing_is_written(world, kwargs, field):
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        report(world, **kwargs)
    assert field in exc.value.message_dict
    assert all(m and m[0].isupper() for m in exc.value.message_dict[field])
    assert not Incident.objects.exists() and not IncidentCount.objects.exists()
    assert AuditEntry.objects.count() == audit_before


def test_roles_without_details_cannot_report(world):
    for role in ("viewer", "auditor", "case_worker", "no_role"):
        with pytest.raises(ValidationError):
            report(world, user=role)
    assert not Incident.objects.exists()


def test_no_point_needs_a_leaf_area_of_the_partnership(world):
    incident = report(world, lat=None, lon=None, area=world.area_p)
    assert incident.area == world.area_p and incident.lat is None
    with pytest.raises(ValidationError, match="Området finns inte"):
        report(world, lat=None, lon=None, area=world.area_q)


def test_unknown_time_counts_on_the_given_date(world):
    incident = report(
        world, occurred_from=None, occurred_date=dt.date(2026, 11, 2), time_bucket="night"
    )
    assert incident.occurred_date == dt.date(2026, 11, 2) and incident.occurred_from is None


def test_a_report_just_after_midnight_counts_on_the_local_date(world):
    local = timezone.get_current_timezone()
    occurred = dt.datetime(2026, 11, 23, 0, 30, tzinfo=local)  # 23:30 UTC the day before
    incident = report(world, occurred_from=occurred)
    assert incident.occurred_date == dt.date(2026, 11, 23)


def test_red_goes_only_to_members_who_see_details(world):
    incident = report(world, label=Label.RED, recipients=[world.users["coordinator"]])
    assert list(incident.recipients.all()) == [world.users["coordinator"]]
    with pytest.raises(ValidationError, match="Mottagarna"):
        report(world, label=Label.RED, recipients=[world.users["viewer"]])
    with pytest.raises(ValidationError, match="Mottagarna"):
        report(world, label=Label.RED, recipients=[world.users["other_partnership_coordinator"]])


def test_a_correction_keeps_history_and_moves_the_count(world):
    incident = report(world)
    correct_incident(
        actor=world.users["reporter"],
        incident=incident,
        changes={"category": "SKADA.KLOTTER", "age_group": "youth"},
        reason="Fel typ",
    )
    incident.refresh_from_db()
    assert incident.category.code == "SKADA.KLOTTER"
    revision = IncidentRevision.objects.get(incident=incident)
    assert set(revision.changes) == {"category", "age_group"} and revision.reason == "Fel typ"
    assert counts_agree() and IncidentCount.objects.get().category.code == "SKADA.KLOTTER"
    assert AuditEntry.objects.filter(action="incident.correct").exists()


def test_the_reporter_may_correct_for_seven_days_then_only_a_coordinator(world):
    incident = report(world)
    later = timezone.now() + dt.timedelta(days=8)
    with pytest.raises(ValidationError, match="7"):
        correct_incident(
            actor=world.users["reporter"],
            incident=incident,
            changes={"description": "ny"},
            now=later,
        )
    correct_incident(
        actor=world.users["coordinator"],
        incident=incident,
        changes={"description": "ny"},
        now=later,
    )
    with pytest.raises(ValidationError):
        correct_incident(
            actor=world.users["other_org_reporter"],
            incident=incident,
            changes={"description": "kapat"},
        )
    assert Incident.objects.get(pk=incident.pk).description == "ny"


def test_withdrawing_needs_a_reason_and_stops_the_count(world):
    incident = report(world)
    with pytest.raises(ValidationError):
        withdraw_incident(actor=world.users["reporter"], incident=incident, reason=" ")
    assert IncidentCount.objects.get().count == 1
    withdraw_incident(actor=world.users["reporter"], incident=incident, reason="Dubblett")
    incident.refresh_from_db()
    assert incident.withdrawn_at and incident.withdrawn_reason == "Dubblett"
    assert not IncidentCount.objects.exists() and counts_agree()
    with pytest.raises(ValidationError, match="återkallad"):
        correct_incident(
            actor=world.users["coordinator"], incident=incident, changes={"description": "x"}
        )


def test_a_correction_can_replace_the_point_with_an_area(world):
    incident = report(world)
    correct_incident(
        actor=world.users["reporter"],
        incident=incident,
        changes={"lat": None, "lon": None, "area": world.area_p},
    )
    incident.refresh_from_db()
    assert (incident.lat, incident.lon, incident.area) == (None, None, world.area_p)


def test_an_inactive_user_cannot_be_a_red_recipient(world):
    coordinator = world.users["coordinator"]
    coordinator.is_active = False
    coordinator.save()
    with pytest.raises(ValidationError, match="Mottagarna"):
        report(world, label=Label.RED, recipients=[coordinator])
