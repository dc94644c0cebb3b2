"""Incidents of several ages in partnership P (and one in Q), with everything retention
touches: texts, points, revisions, questions, recipients, a police feed event."""

import datetime
from types import SimpleNamespace

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from trygg.core import services as core
from trygg.core.models import Organisation
from trygg.feeds.models import PoliceEvent
from trygg.incidents import rollup
from trygg.incidents.models import (
    AgeGroup,
    Category,
    Incident,
    IncidentRevision,
    Label,
    PlaceType,
    ReporterQuestion,
    Source,
    TimeBucket,
)


def months_ago(today, months, days=0):
    return today - relativedelta(months=months) - datetime.timedelta(days=days)


def make_incident(world, day, *, partnership=None, area=None, organisation=None, **extra):
    occurred = timezone.make_aware(datetime.datetime.combine(day, datetime.time(21, 15)))
    values = {
        "partnership": partnership or world.p,
        "organisation": organisation or world.org_a,
        "reported_by": world.users["reporter"],
        "source": Source.MANUAL,
        "category": Category.objects.get(code="VALD.HOT"),
        "occurred_from": occurred,
        "occurred_to": occurred + datetime.timedelta(minutes=30),
        "occurred_date": day,
        "time_bucket": TimeBucket.EVENING,
        "reported_at": occurred + datetime.timedelta(hours=1),
        "lat": 59.62,
        "lon": 17.85,
        "area": area or world.area_p,
        "place_type": PlaceType.SCHOOL,
        "description": "Grupp ungdomar kastade sten vid entrén.",
        "people_count": 4,
        "age_group": AgeGroup.YOUTH,
        "police_notified": True,
        "police_reference": "5000-K123456-26",
        "label": Label.GREEN,
    }
    values.update(extra)
    incident = Incident.objects.create(**values)
    IncidentRevision.objects.create(
        incident=incident,
        changed_by=world.users["coordinator"],
        changed_at=incident.reported_at + datetime.timedelta(days=1),
        changes={
            "description": ["Sten vid entrén.", incident.description],
            "lat": [59.6, incident.lat],
            "lon": [17.8, incident.lon],
            "time_bucket": ["night", incident.time_bucket],
            "people_count": [3, incident.people_count],
            "category": ["ORDNING.BRAK", "VALD.HOT"],
        },
        reason="Rapportören ringde och kompletterade.",
    )
    ReporterQuestion.objects.create(
        incident=incident,
        asked_by=world.users["coordinator"],
        asked_at=incident.reported_at + datetime.timedelta(days=2),
        question="Hur många var de?",
        answer="Fyra, ungefär 15 år.",
        answered_at=incident.reported_at + datetime.timedelta(days=3),
    )
    incident.recipients.set([world.users["analyst"]])
    return incident


@pytest.fixture
def aged(world):
    today = timezone.localdate()
    police_org = core.create_organisation(
        actor=None, name="Polisen, publicerade händelser", kind=Organisation.Kind.POLICE
    )
    old6 = make_incident(world, months_ago(today, 72))
    old3 = make_incident(world, months_ago(today, 36), place_type=PlaceType.STREET)
    edge = make_incident(world, months_ago(today, 24, days=1))  # one day past the limit
    recent = make_incident(world, months_ago(today, 24))  # exactly at the limit: stays
    withdrawn = make_incident(
        world, months_ago(today, 30), withdrawn_at=timezone.now(), withdrawn_reason="Fel kommun."
    )
    police_incident = make_incident(
        world,
        months_ago(today, 30),
        organisation=police_org,
        source=Source.POLICE_FEED,
        reported_by=None,
        label=Label.CLEAR,
        description="Misshandel vid stationen.",
    )
    event_time = timezone.make_aware(
        datetime.datetime.combine(police_incident.occurred_date, datetime.time(12))
    )
    police_event = PoliceEvent.objects.create(
        partnership=world.p,
        police_id=42,
        published_at=event_time,
        occurred_from=event_time,
        occurred_date=police_incident.occurred_date,
        name="Misshandel, Sigtuna",
        police_type="Misshandel",
        summary="En man misshandlad vid stationen.",
        body="En man i 30-årsåldern misshandlades vid stationen på lördagskvällen.",
        location_name="Sigtuna",
        area=world.area_p,
        content_hash="x" * 64,
        incident=police_incident,
        first_seen_at=event_time,
        updated_at=event_time,
    )
    recent_event = PoliceEvent.objects.create(
        partnership=world.p,
        police_id=43,
        published_at=event_time,
        occurred_date=today - datetime.timedelta(days=3),
        name="Stöld, Sigtuna",
        police_type="Stöld",
        summary="Stöld i butik.",
        body="Stöld i butik.",
        location_name="Sigtuna",
        area=world.area_p,
        content_hash="y" * 64,
        first_seen_at=event_time,
        updated_at=event_time,
    )
    other = make_incident(
        world,
        months_ago(today, 72),
        partnership=world.q,
        area=world.area_q,
        organisation=world.org_q,
    )
    rollup.rebuild()
    return SimpleNamespace(
        world=world,
        today=today,
        old6=old6,
        old3=old3,
        edge=edge,
        recent=recent,
        withdrawn=withdrawn,
        police_incident=police_incident,
        police_event=police_event,
        recent_event=recent_event,
        other=other,
    )
