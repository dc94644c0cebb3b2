"""The reporting form (incidents:report): form → preview → save → receipt, through
services.report_incident; redaction before anything is shown back or stored."""

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trygg.audit.models import AuditEntry
from trygg.incidents.models import Category, Incident, Label, Source

pytestmark = pytest.mark.django_db

PHONE = "070-123 45 67"
PNR = "811218-9876"  # Skatteverket's example personnummer (valid check digit)
SECRET_DESCRIPTION = f"Bråk vid busshållplatsen, ring mig på {PHONE}. Personnummer {PNR}."


class _Inputs(HTMLParser):
    """The hidden inputs of a page's forms, as a list of (name, value)."""

    def __init__(self):
        super().__init__()
        self.fields = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            if attrs["name"] not in ("csrfmiddlewaretoken",):
                self.fields.append((attrs["name"], attrs.get("value") or ""))


def hidden_fields(response):
    parser = _Inputs()
    parser.feed(response.content.decode())
    data = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    return data


def category(code):
    return Category.objects.get(code=code, partnership=None)


def an_hour_ago():
    return timezone.localtime() - dt.timedelta(hours=1)


def form_data(**extra):
    when = an_hour_ago()
    data = {
        "category": str(category("ORDNING.BRAK").pk),
        "lat": "59.625",
        "lon": "17.85",
        "area": "",
        "place_type": "station",
        "occurred_date": when.date().isoformat(),
        "occurred_time": when.strftime("%H:%M"),
        "description": "Högljutt bråk vid hållplatsen.",
        "people_count": "4",
        "age_group": "adults",
        "police_notified": "no",
        "police_reference": "",
        "label": "GREEN",
        "action": "preview",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def reporter_client(world):
    client = Client()
    client.force_login(world.users["reporter"])
    return client


def preview(client, **extra):
    return client.post(reverse("incidents:report"), form_data(**extra))


def save(client, preview_response, action="save"):
    assert preview_response.status_code == 200
    data = hidden_fields(preview_response)
    data["action"] = action
    return client.post(reverse("incidents:report"), data)


def body(response):
    return response.content.decode()


def test_the_form_opens_with_now_as_the_default_time(world, reporter_client):
    response = reporter_client.get(reverse("incidents:report"))
    html = body(response)
    assert response.status_code == 200
    now = timezone.localtime()
    assert f'value="{now.date().isoformat()}"' in html
    assert 'type="time"' in html
    assert "Vet inte var i kommunen (hela Sigtuna kommun)" in html
    assert 'id="report-map"' in html and reverse("geo:areas_geojson") in html
    # grouped and searchable
    assert '<optgroup label="Ordningsstörning">' in html
    assert "data-category-filter" in html
    # nav link for detail roles
    assert 'href="/handelser/rapportera/"' in html


def test_happy_path_with_a_point_assigns_the_area_from_the_point(world, reporter_client):
    response = preview(reporter_client)
    html = body(response)
    assert "Granska rapporten" in html
    assert "Sigtuna kommun" in html and "59.62500" in html
    assert not Incident.objects.exists()

    response = save(reporter_client, response)
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("incidents:report_receipt", kwargs={"pk": incident.pk})
    assert incident.area == world.area_p
    assert (incident.lat, incident.lon) == (59.625, 17.85)
    assert incident.category.code == "ORDNING.BRAK"
    assert incident.source == Source.MANUAL
    assert incident.organisation == world.org_a
    assert incident.reported_by == world.users["reporter"]
    assert incident.place_type == "station"
    assert incident.people_count == 4
    assert incident.police_notified is False
    assert incident.label == Label.GREEN
    expected = an_hour_ago().replace(second=0, microsecond=0)
    assert abs(incident.occurred_from - expected) <= dt.timedelta(minutes=1)

    receipt = reporter_client.get(response.url)
    html = body(receipt)
    assert AuditEntry.objects.filter(action="incident.view", object_id=str(incident.pk)).exists()
    assert "Rapporten är sparad" in html
    assert "Högljutt bråk vid hållplatsen." in html
    assert "Rapportera en till" in html and reverse("incidents:report") in html


def test_an_area_without_a_point(world, reporter_client):
    response = preview(reporter_client, lat="", lon="", area=str(world.area_p.pk))
    assert "platsen i kommunen är okänd" in body(response)
    save(reporter_client, response)
    incident = Incident.objects.get()
    assert incident.area == world.area_p
    assert incident.lat is None and incident.lon is None


def test_neither_point_nor_area_is_refused_next_to_the_area(world, reporter_client):
    response = preview(reporter_client, lat="", lon="", area="")
    html = body(response)
    assert "Det finns ett problem" in html
    assert 'href="#id_area"' in html
    assert "Peka ut platsen på kartan eller välj ett område." in html


def test_unknown_time_with_a_bucket(world, reporter_client):
    today = timezone.localdate()
    response = preview(
        reporter_client,
        occurred_time="",
        time_unknown="on",
        time_bucket="evening",
        occurred_date=today.isoformat(),
    )
    assert "exakt tid okänd" in body(response)
    save(reporter_client, response)
    incident = Incident.objects.get()
    assert incident.occurred_from is None
    assert incident.occurred_date == today
    assert incident.time_bucket == "evening"


def test_unknown_time_needs_a_bucket(world, reporter_client):
    response = preview(reporter_client, occurred_time="", time_unknown="on")
    html = body(response)
    assert "Välj ungefär när på dygnet händelsen inträffade." in html
    assert 'href="#id_time_bucket_0"' in html


def test_a_time_is_needed_unless_unknown(world, reporter_client):
    response = preview(reporter_client, occurred_time="")
    assert "Ange klockslaget, eller kryssa i att du inte vet exakt när." in body(response)


def test_a_future_time_is_refused_and_nothing_saved(world, reporter_client):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = preview(reporter_client, occurred_date=tomorrow.isoformat(), occurred_time="12:00")
    html = body(response)
    assert response.status_code == 200
    assert "Det finns ett problem" in html
    assert "kan inte ligga i framtiden" in html
    assert 'href="#id_occurred_date"' in html
    assert "Fel: Rapportera en händelse" in html  # the title says so too

    # A tampered preview does not get past the service either.
    good = preview(reporter_client)
    data = hidden_fields(good)
    data.update(action="save", occurred_date=[tomorrow.isoformat()])
    response = reporter_client.post(reverse("incidents:report"), data)
    assert response.status_code == 200
    assert "kan inte ligga i framtiden" in body(response)
    assert not Incident.objects.exists()


def test_a_point_outside_the_municipality_is_refused_with_a_clear_message(world, reporter_client):
    response = preview(reporter_client, lat="59.40", lon="18.30")
    html = body(response)
    assert "Platsen ligger utanför Sigtuna kommun" in html
    assert "Välj en plats inom kommunen." in html
    assert 'href="#id_area"' in html
    assert not Incident.objects.exists()

    good = preview(reporter_client)
    data = hidden_fields(good)
    data.update(action="save", lat=["59.40"], lon=["18.30"])
    response = reporter_client.post(reverse("incidents:report"), data)
    assert "Platsen ligger utanför Sigtuna kommun" in body(response)
    assert not Incident.objects.exists()


def test_red_without_recipients_is_refused(world, reporter_client):
    response = preview(reporter_client, label="RED")
    html = body(response)
    assert "TLP:RED kräver minst en namngiven mottagare." in html
    assert 'href="#id_recipients_0"' in html
    assert not Incident.objects.exists()


def test_red_recipients_are_detail_members_only(world, reporter_client):
    html = body(reporter_client.get(reverse("incidents:report")))
    for role in ["coordinator", "analyst", "org_admin", "partnership_admin"]:
        assert f"{role}@a.example" in html
    assert "reporter@b.example" in html and "reporter@a1.example" in html
    for excluded in [
        "viewer@a.example",
        "auditor@a.example",
        "case_worker@a.example",
        "coordinator@q.example",
        "norole@a.example",
    ]:
        assert excluded not in html
    # A viewer's id posted by hand is refused.
    viewer = world.users["viewer"]
    response = preview(reporter_client, label="RED", recipients=[str(viewer.pk)])
    assert "Välj mottagare bland dem som finns i listan." in body(response)


def test_red_with_recipients_is_saved_with_them(world, reporter_client):
    coordinator, other = world.users["coordinator"], world.users["other_org_reporter"]
    response = preview(
        reporter_client, label="RED", recipients=[str(coordinator.pk), str(other.pk)]
    )
    html = body(response)
    assert "coordinator@a.example" in html and "reporter@b.example" in html
    save(reporter_client, response)
    incident = Incident.objects.get()
    assert incident.label == Label.RED
    assert set(incident.recipients.all()) == {coordinator, other}


def test_recipients_are_dropped_when_the_label_is_not_red(world, reporter_client):
    coordinator = world.users["coordinator"]
    save(reporter_client, preview(reporter_client, label="AMBER", recipients=[str(coordinator.pk)]))
    incident = Incident.objects.get()
    assert incident.label == Label.AMBER
    assert not incident.recipients.exists()


def test_personal_data_is_redacted_in_the_preview_and_never_shown_or_stored(world, reporter_client):
    responses = []
    response = preview(reporter_client, description=SECRET_DESCRIPTION)
    responses.append(response)
    html = body(response)
    assert "[telefonnummer borttaget]" in html
    assert "[personnummer borttaget]" in html
    assert "Personuppgifter har tagits bort ur beskrivningen" in html
    assert "Telefonnummer tas bort: rapporter handlar om platser, inte personer." in html
    assert "Personnummer tas bort" in html
    # the preview's form holds the redacted description, not the typed one
    assert hidden_fields(response)["description"] == [
        "Bråk vid busshållplatsen, ring mig på [telefonnummer borttaget]. "
        "Personnummer [personnummer borttaget]."
    ]

    # back to change something: still only the redacted text, and still the reasons
    edit = save(reporter_client, response, action="edit")
    responses.append(edit)
    assert "[telefonnummer borttaget]" in body(edit)
    assert "Personnummer tas bort" in body(edit)

    # preview again from the edit form, then save
    data = hidden_fields(edit)
    data.update(
        action="preview",
        category=[str(category("ORDNING.BRAK").pk)],
        description=[
            "Bråk vid busshållplatsen, ring mig på [telefonnummer borttaget]. "
            "Personnummer [personnummer borttaget]."
        ],
        occurred_date=[an_hour_ago().date().isoformat()],
        occurred_time=[an_hour_ago().strftime("%H:%M")],
        age_group=["adults"],
        label=["GREEN"],
    )
    again = reporter_client.post(reverse("incidents:report"), data)
    responses.append(again)
    assert "Personnummer tas bort" in body(again)
    saved = save(reporter_client, again)
    responses.append(saved)
    responses.append(reporter_client.get(saved.url))

    incident = Incident.objects.get()
    assert PHONE not in incident.description and PNR not in incident.description
    assert "[personnummer borttaget]" in incident.description
    for r in responses:
        text = body(r)
        assert PHONE not in text and PNR not in text and "9876" not in text
    for entry in AuditEntry.objects.all():
        dump = f"{entry.data} {entry.actor_label} {entry.object_id} {entry.action}"
        assert PHONE not in dump and PNR not in dump
    assert AuditEntry.objects.filter(action="incident.create").count() == 1


def test_a_form_with_errors_shows_the_description_redacted(world, reporter_client):
    response = preview(reporter_client, category="", description=SECRET_DESCRIPTION)
    html = body(response)
    assert "Välj en händelsetyp." in html
    assert PHONE not in html and PNR not in html
    assert "[telefonnummer borttaget]" in html
    assert "Telefonnummer tas bort" in html


def test_the_children_reminder_appears(world, reporter_client):
    form = body(reporter_client.get(reverse("incidents:report")))
    assert "Tänk på orosanmälan" in form  # rendered hidden, shown by report.js
    assert "data-child-reminder hidden" in form

    response = preview(reporter_client, age_group="children")
    html = body(response)
    assert "Tänk på orosanmälan" in html
    assert "[socialtjänstens kontaktuppgifter]" in html
    saved = save(reporter_client, response)
    assert "Tänk på orosanmälan" in body(reporter_client.get(saved.url))

    assert "Tänk på orosanmälan" not in body(preview(reporter_client, age_group="adults"))


def test_a_viewer_gets_403(world):
    client = Client()
    client.force_login(world.users["viewer"])
    assert client.get(reverse("incidents:report")).status_code == 403
    assert client.post(reverse("incidents:report"), form_data(action="save")).status_code == 403
    assert not Incident.objects.exists()
    assert 'href="/handelser/rapportera/"' not in body(client.get(reverse("core:home")))


def test_the_organisations_most_used_categories_come_first(world, reporter_client):
    def report(code, days_ago, user="reporter"):
        Incident.objects.create(
            partnership=world.p,
            organisation=world.users[user].organisation,
            reported_by=world.users[user],
            source=Source.MANUAL,
            category=category(code),
            occurred_date=timezone.localdate(),
            reported_at=timezone.now() - dt.timedelta(days=days_ago),
            area=world.area_p,
        )

    for _ in range(3):
        report("SKADA.KLOTTER", 5)
    report("MILJO.BELYSNING", 30)
    report("BRAND.ANLAGD", 100)  # too old
    for _ in range(5):
        report("NARK.BRUK", 1, user="other_org_reporter")  # another organisation

    html = body(reporter_client.get(reverse("incidents:report")))
    first_group = html.index('<optgroup label="Vanligast för din organisation">')
    assert first_group < html.index('<optgroup label="Våld och hot">')
    group = html[first_group : html.index("</optgroup>", first_group)]
    assert group.index("Klotter") < group.index("Bristande belysning")
    assert "Anlagd brand" not in group and "Påverkan/bruk" not in group

    other = Client()
    other.force_login(world.users["other_org_reporter"])
    html = body(other.get(reverse("incidents:report")))
    group = html[html.index("Vanligast för din organisation") :]
    group = group[: group.index("</optgroup>")]
    assert "Påverkan/bruk" in group and "Klotter" not in group


def test_the_receipt_is_only_for_the_reporter(world, reporter_client):
    saved = save(reporter_client, preview(reporter_client))
    assert reporter_client.get(saved.url).status_code == 200
    for subject in ["coordinator", "unit_reporter", "other_org_reporter", "partnership_admin"]:
        client = Client()
        client.force_login(world.users[subject])
        assert client.get(saved.url).status_code == 404, subject


def test_saving_twice_saves_once(world, reporter_client):
    response = preview(reporter_client)
    first = save(reporter_client, response)
    second = save(reporter_client, response)
    assert first.url == second.url
    assert Incident.objects.count() == 1


def test_partnership_q_reports_in_q(world):
    client = Client()
    client.force_login(world.users["other_partnership_coordinator"])
    html = body(client.get(reverse("incidents:report")))
    assert "Södertälje kommun" in html and "Sigtuna kommun" not in html
    response = client.post(
        reverse("incidents:report"), form_data(area=str(world.area_p.pk), lat="", lon="")
    )
    assert "Välj ett område i listan." in body(response)


def test_a_too_long_description_is_refused_next_to_it(world, reporter_client):
    response = preview(reporter_client, description="x" * 2001)
    html = body(response)
    assert "Beskrivningen får vara högst 2000 tecken." in html
    assert 'href="#id_description"' in html
    assert not Incident.objects.exists()
