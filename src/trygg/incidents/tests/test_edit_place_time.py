"""The correction form's map point and exact time (incidents:edit): moving the point moves
the incident to the area the point lies in (the rollup follows), a point outside the
municipality is refused, and the time can be set exactly or as a time of day."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from trygg.geo.models import Area
from trygg.incidents import rollup
from trygg.incidents.models import Incident, IncidentRevision

from .test_detail_and_changes import client_for, edit_data, report

pytestmark = pytest.mark.django_db


def box(west, east):
    ring = [[west, 59.60], [east, 59.60], [east, 59.65], [west, 59.65], [west, 59.60]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def halves(world):
    """Two RegSO areas: the municipality's western and eastern half."""

    def regso(code, name, west, east):
        return Area.objects.create(
            partnership=world.p,
            kind=Area.Kind.REGSO,
            code=code,
            name=name,
            parent=world.area_p,
            geometry=box(west, east),
        )

    return regso("R1", "Väster", 17.80, 17.85), regso("R2", "Öster", 17.85, 17.90)


def assert_rollup_exact():
    assert rollup.stored_counts() == rollup.direct_counts()


def edit(world, incident, user="reporter", **changes):
    return client_for(world.users[user]).post(
        reverse("incidents:edit", args=[incident.pk]), edit_data(incident, **changes)
    )


def test_the_form_has_the_report_forms_map_and_time_fields(world, halves):
    incident = report(world, lat=59.62, lon=17.82, area=None)
    html = (
        client_for(world.users["reporter"])
        .get(reverse("incidents:edit", args=[incident.pk]))
        .content.decode()
    )
    assert 'id="report-map"' in html and "trygg/js/report.js" in html
    assert 'name="lat" value="59.62"' in html and "data-lat" in html
    assert 'name="occurred_time"' in html and "data-time-unknown" in html
    assert "<script>" not in html and "style=" not in html  # strict CSP


def test_moving_the_point_changes_the_area_and_keeps_the_rollup_exact(world, halves):
    west, east = halves
    incident = report(world, lat=59.62, lon=17.82, area=None)
    assert incident.area == west
    response = edit(world, incident, lat="59.63", lon="17.88", reason="Fel plats")
    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.lat, incident.lon, incident.area) == (59.63, 17.88, east)
    revision = IncidentRevision.objects.get(incident=incident)
    assert revision.changes["area"] == [west.pk, east.pk]
    assert set(revision.changes) == {"lat", "lon", "area"}
    assert revision.reason == "Fel plats"
    assert_rollup_exact()


def test_a_point_outside_the_municipality_is_refused_and_nothing_changes(world, halves):
    incident = report(world, lat=59.62, lon=17.82, area=None)
    before = Incident.objects.values().get(pk=incident.pk)
    response = edit(world, incident, lat="59.70", lon="17.88")
    html = response.content.decode()
    assert response.status_code == 400
    assert "ligger utanför Sigtuna kommun" in html
    assert 'id="edit-area_error"' in html and 'href="#edit-area"' in html
    assert Incident.objects.values().get(pk=incident.pk) == before
    assert not IncidentRevision.objects.exists()
    assert_rollup_exact()


def test_choosing_another_area_replaces_the_point(world, halves):
    west, east = halves
    incident = report(world, lat=59.62, lon=17.82, area=None)
    assert edit(world, incident, area=str(east.pk)).status_code == 302
    incident.refresh_from_db()
    assert (incident.lat, incident.lon, incident.area) == (None, None, east)
    assert_rollup_exact()


def test_a_point_can_be_set_on_a_report_that_had_only_an_area(world, halves):
    west, east = halves
    incident = report(world, area=west)
    assert edit(world, incident, lat="59.61", lon="17.86").status_code == 302
    incident.refresh_from_db()
    assert (incident.lat, incident.lon, incident.area) == (59.61, 17.86, east)
    assert_rollup_exact()


def test_setting_an_exact_time(world):
    incident = report(world)  # a date and "evening"
    assert incident.occurred_from is None
    day = timezone.localdate() - datetime.timedelta(days=1)
    response = edit(
        world, incident, occurred_date=day.isoformat(), occurred_time="21:30", time_unknown=None
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    tz = timezone.get_current_timezone()
    assert incident.occurred_from == datetime.datetime.combine(
        day, datetime.time(21, 30), tzinfo=tz
    )
    assert (incident.occurred_date, incident.time_bucket) == (day, "")
    changes = IncidentRevision.objects.get(incident=incident).changes
    assert {"occurred_from", "occurred_date", "time_bucket"} <= set(changes)
    assert_rollup_exact()
    # saved again as shown (to the minute): nothing changed
    response = edit(world, incident)
    assert response.status_code == 400
    assert "Du har inte ändrat något." in response.content.decode()


def test_an_exact_time_can_become_a_time_of_day(world):
    when = timezone.now().replace(second=17, microsecond=0) - datetime.timedelta(hours=30)
    incident = report(world, occurred_from=when, occurred_date=None, time_bucket="")
    # the form shows hours and minutes; posting them back unchanged changes nothing
    assert "Du har inte ändrat något." in edit(world, incident).content.decode()
    response = edit(world, incident, time_unknown="on", occurred_time="", time_bucket="night")
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.occurred_from is None and incident.time_bucket == "night"
    assert incident.occurred_date == timezone.localtime(when).date()
    assert_rollup_exact()


def test_time_errors_show_next_to_the_time_fields(world):
    incident = report(world)
    response = edit(world, incident, time_unknown=None, occurred_time="")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Ange klockslaget, eller kryssa i att du inte vet exakt när." in html
    assert 'href="#edit-occurred_time"' in html
    response = edit(world, incident, time_bucket="")
    assert "Välj ungefär när på dygnet händelsen inträffade." in response.content.decode()
    soon = timezone.localtime() + datetime.timedelta(hours=2)
    if soon.date() == timezone.localdate():  # (a time later today)
        response = edit(world, incident, time_unknown=None, occurred_time=soon.strftime("%H:%M"))
        html = response.content.decode()
        assert "Tidpunkten kan inte ligga i framtiden." in html
        assert 'id="edit-occurred_time_error"' in html
    assert not IncidentRevision.objects.exists()


def test_the_permission_rules_stay_as_they_were(world, halves):
    incident = report(world, lat=59.62, lon=17.82, area=None)
    for user in ("analyst", "org_admin", "other_org_reporter"):
        assert edit(world, incident, user=user, lon="17.88").status_code == 403
    incident.refresh_from_db()
    assert incident.lon == 17.82
    Incident.objects.filter(pk=incident.pk).update(
        reported_at=timezone.now() - datetime.timedelta(days=8)
    )
    assert edit(world, incident, lon="17.88").status_code == 403
    assert edit(world, incident, user="coordinator", lon="17.88").status_code == 302
    incident.refresh_from_db()
    assert incident.lon == 17.88
    assert_rollup_exact()
