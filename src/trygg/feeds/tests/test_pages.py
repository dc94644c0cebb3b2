"""The coordinator's page for the police's events and linking on the incident page."""

import pytest
from django.test import Client
from django.urls import reverse

from trygg.feeds import services
from trygg.feeds.models import PlaceName, PoliceEvent, TypeMapping
from trygg.geo.models import Area
from trygg.incidents.models import Category, Incident, Source

from .conftest import SIGTUNA_FILE, partner_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(feed_world):
    services.import_feed(partnership=feed_world.p, data=SIGTUNA_FILE.read_bytes(), source="file")
    return feed_world


def client_for(world, role):
    client = Client()
    client.force_login(world.users[role])
    return client


def test_the_coordinator_sees_status_unmapped_types_places_and_events(imported):
    response = client_for(imported, "coordinator").get(reverse("feeds:overview"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Senaste lyckade hämtning" in html and "368 nya" in html
    assert "Trafikolycka" in html and "Händelsetyper utan koppling" in html
    assert "Märsta centrum" in html  # a place name of the demo list
    assert 'action="/polisen/koppling/"' in html
    assert "50 av 368 händelser" in html


def test_the_analyst_reads_the_page_without_the_forms(imported):
    html = client_for(imported, "analyst").get(reverse("feeds:overview")).content.decode()
    assert "Trafikolycka" in html
    assert 'action="/polisen/koppling/"' not in html and 'action="/polisen/ortnamn/"' not in html


def test_an_empty_partnership_says_what_will_happen(world):
    html = client_for(world, "coordinator").get(reverse("feeds:overview")).content.decode()
    assert "ingen ännu" in html and "Inga händelser här ännu" in html


def test_mapping_a_type_on_the_page(imported):
    client = client_for(imported, "coordinator")
    other = Category.objects.get(code="OVRIGT.ANNAT")
    response = client.post(
        reverse("feeds:mapping"), {"police_type": "Trafikolycka", "target": str(other.pk)}
    )
    assert response.status_code == 302
    assert (
        TypeMapping.objects.get(partnership=imported.p, police_type="Trafikolycka").category
        == other
    )
    page = client.get(response.url).content.decode()
    assert "Kopplingen för Trafikolycka är sparad" in page
    response = client.post(
        reverse("feeds:mapping"), {"police_type": "Bedrägeri", "target": "ignore"}
    )
    assert TypeMapping.objects.get(partnership=imported.p, police_type="Bedrägeri").ignored


def test_a_bad_mapping_is_refused_with_a_message_and_nothing_changes(imported):
    client = client_for(imported, "coordinator")
    group = Category.objects.get(code="VALD")
    response = client.post(
        reverse("feeds:mapping"), {"police_type": "Bedrägeri", "target": str(group.pk)}
    )
    assert response.status_code == 400
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert not TypeMapping.objects.filter(police_type="Bedrägeri").exists()


def test_adding_and_removing_a_place_name_on_the_page(imported):
    client = client_for(imported, "coordinator")
    rosersberg = Area.objects.get(partnership=imported.p, kind=Area.Kind.REGSO, name="Rosersberg")
    response = client.post(reverse("feeds:place_add"), {"name": "Holmboda", "area": rosersberg.pk})
    assert response.status_code == 302
    place = PlaceName.objects.get(partnership=imported.p, name="Holmboda")
    assert (
        "Ortnamnet är sparat; 1 händelse fick ett nytt område."
        in client.get(response.url).content.decode()
    )
    response = client.post(reverse("feeds:place_add"), {"name": "Holmboda", "area": rosersberg.pk})
    assert response.status_code == 400 and "finns redan" in response.content.decode()
    response = client.post(reverse("feeds:place_add"), {"name": "", "area": ""})
    assert response.status_code == 400 and "Det finns ett problem" in response.content.decode()
    client.post(reverse("feeds:place_remove", args=[place.pk]))
    assert not PlaceName.objects.filter(pk=place.pk).exists()


def test_another_partnership_cannot_touch_the_place_names_or_events(imported):
    q = client_for(imported, "other_partnership_coordinator")
    place = PlaceName.objects.filter(partnership=imported.p).first()
    assert q.post(reverse("feeds:place_remove", args=[place.pk])).status_code == 404
    assert PlaceName.objects.filter(pk=place.pk).exists()
    police = Incident.objects.filter(partnership=imported.p, source=Source.POLICE_FEED).first()
    assert q.post(reverse("feeds:link", args=[police.pk]), {"report": 1}).status_code == 404
    html = q.get(reverse("feeds:overview")).content.decode()
    assert "368" not in html and "Märsta centrum" not in html


def test_linking_on_the_incident_page(imported):
    p = imported.p
    police = Incident.objects.filter(partnership=p, source=Source.POLICE_FEED).first()
    report = partner_report(imported, police)
    client = client_for(imported, "analyst")
    page = client.get(reverse("incidents:detail", args=[police.pk])).content.decode()
    assert "Polisens publicerade händelse" in page and "Händelsen på polisen.se" in page
    assert "Koppla till rapporten" in page
    # A report number that is not there: the page again with the error.
    response = client.post(reverse("feeds:link", args=[police.pk]), {"report": 99999999})
    assert response.status_code == 400
    assert "Rapporten finns inte" in response.content.decode()
    response = client.post(reverse("feeds:link", args=[police.pk]), {"report": report.pk})
    assert response.status_code == 302
    police.refresh_from_db()
    assert police.duplicate_of == report
    page = client.get(reverse("incidents:detail", args=[police.pk])).content.decode()
    assert f"rapport {report.pk}" in page and "Ta bort kopplingen" in page
    report_page = client.get(reverse("incidents:detail", args=[report.pk])).content.decode()
    assert "Polisens händelser om samma sak" in report_page
    client.post(reverse("feeds:unlink", args=[police.pk]))
    police.refresh_from_db()
    assert police.duplicate_of is None


def test_a_reporter_sees_the_police_event_but_cannot_link_it(imported):
    police = Incident.objects.filter(partnership=imported.p, source=Source.POLICE_FEED).first()
    client = client_for(imported, "reporter")
    page = client.get(reverse("incidents:detail", args=[police.pk])).content.decode()
    assert "Polisens publicerade händelse" in page and "Koppla till rapporten" not in page
    assert "Ändra rapporten" not in page
    assert client.post(reverse("feeds:link", args=[police.pk]), {"report": 1}).status_code == 403


def test_the_incident_list_shows_police_events(imported):
    html = client_for(imported, "reporter").get(reverse("incidents:list")).content.decode()
    assert (
        "Polisen, publicerade händelser" in html or "polisens publicerade händelser" in html.lower()
    )
    assert PoliceEvent.objects.filter(partnership=imported.p).exists()
