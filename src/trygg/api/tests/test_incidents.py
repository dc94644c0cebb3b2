"""Creating, idempotent creating, correcting, withdrawing and listing through the API."""

import datetime as dt

from django.utils import timezone

from trygg.api.models import ApiToken
from trygg.audit.models import AuditEntry
from trygg.incidents.models import Incident, IncidentRevision, Source
from trygg.incidents.services import report_incident

from .conftest import ApiClient, incident_payload, make_token


def test_create_reports_as_the_organisation_and_is_audited(world, api_a, token_a):
    response = api_a.post("/incidents", json=incident_payload(external_id="FA-1"))
    assert response.status_code == 201, response.content
    body = response.json()
    incident = Incident.objects.get()
    assert body["id"] == incident.pk and body["external_id"] == "FA-1"
    assert incident.source == Source.API and incident.organisation == world.org_a
    assert incident.reported_by == token_a[0].service_user
    assert body["area"]["code"] == world.area_p.code and body["own_organisation"] is True
    entry = AuditEntry.objects.get(action="incident.create")
    assert entry.actor_id == token_a[0].service_user_id and entry.data["source"] == "api"


def test_create_with_date_and_time_bucket_and_area_code(world, api_a):
    payload = incident_payload(
        lat=None,
        lon=None,
        occurred_from=None,
        area=world.area_p.code,
        occurred_date="2026-11-20",
        time_bucket="night",
        place_type="stairwell",
    )
    response = api_a.post("/incidents", json=payload)
    assert response.status_code == 201, response.content
    assert response.json()["time_bucket"] == "night"
    assert response.json()["occurred_date"] == "2026-11-20"


def test_json_ints_are_accepted_for_coordinates(world, api_a):
    response = api_a.post("/incidents", json=incident_payload(lat=59.62, lon=18))
    # 18 is outside the test square, so the service refuses it: a field error, not a type error
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lat"


def test_personal_data_is_redacted(world, api_a):
    response = api_a.post("/incidents", json=incident_payload(description="Ring 070-123 45 67"))
    assert response.status_code == 201
    assert "070-123 45 67" not in response.json()["description"]


def test_the_same_external_id_returns_the_existing_incident_unchanged(world, api_a):
    first = api_a.post("/incidents", json=incident_payload(external_id="FA-7"))
    again = api_a.post(
        "/incidents", json=incident_payload(external_id="FA-7", description="Annan text")
    )
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["description"] == first.json()["description"]
    assert Incident.objects.count() == 1


def test_external_ids_belong_to_each_organisation(world, api_a, api_b):
    """Two partners' systems may number their reports the same way."""
    first = api_a.post("/incidents", json=incident_payload(external_id="X-1"))
    response = api_b.post("/incidents", json=incident_payload(external_id="X-1"))
    assert first.status_code == response.status_code == 201
    assert first.json()["id"] != response.json()["id"]
    assert Incident.objects.count() == 2


def test_patch_corrects_only_the_fields_sent(world, api_a):
    created = api_a.post("/incidents", json=incident_payload(people_count=3)).json()
    response = api_a.patch(
        f"/incidents/{created['id']}",
        json={"category": "VALD.HOT", "reason": "Fel typ"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["category"] == "VALD.HOT"
    assert response.json()["people_count"] == 3
    revision = IncidentRevision.objects.get()
    assert set(revision.changes) == {"category"} and revision.reason == "Fel typ"
    assert AuditEntry.objects.filter(action="incident.correct").count() == 1


def test_patch_validation_from_the_service_is_422_with_the_field(world, api_a):
    created = api_a.post("/incidents", json=incident_payload()).json()
    response = api_a.patch(f"/incidents/{created['id']}", json={"category": "VALD"})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "category", "message": response.json()["errors"][0]["message"]}
    ]


def test_a_nul_character_in_any_text_is_422_and_changes_nothing(world, api_a):
    """Found by the schemathesis run on PostgreSQL: a NUL in a correction's reason was a
    500 (PostgreSQL text cannot hold it)."""
    created = api_a.post("/incidents", json=incident_payload()).json()
    before = Incident.objects.values().get(pk=created["id"])
    url = f"/incidents/{created['id']}"
    for body in (
        {"reason": "fel\x00typ", "category": "VALD.HOT"},
        {"description": "bråk\x00"},
        {"category": "VALD\x00.HOT"},
        {"police_reference": "\x00"},
    ):
        response = api_a.patch(url, json=body)
        assert response.status_code == 422, (body, response.content)
        assert response.json()["errors"][0]["field"] == next(iter(body))
    assert api_a.post(f"{url}/withdraw", json={"reason": "\x00"}).status_code == 422
    assert api_a.post("/incidents", json=incident_payload(description="a\x00b")).status_code == 422
    assert Incident.objects.values().get(pk=created["id"]) == before
    assert Incident.objects.count() == 1 and not IncidentRevision.objects.exists()


def test_only_own_organisations_incidents_can_be_changed(world, api_a, api_b):
    created = api_a.post("/incidents", json=incident_payload()).json()
    assert api_b.get(f"/incidents/{created['id']}").status_code == 200  # GREEN: visible
    response = api_b.patch(f"/incidents/{created['id']}", json={"description": "x"})
    assert response.status_code == 403
    response = api_b.post(f"/incidents/{created['id']}/withdraw", json={"reason": "x"})
    assert response.status_code == 403


def test_a_read_token_cannot_patch_or_withdraw(world, api_a):
    created = api_a.post("/incidents", json=incident_payload()).json()
    reader = ApiClient(make_token(world, scope=ApiToken.Scope.READ, name="Läsare")[1])
    assert reader.patch(f"/incidents/{created['id']}", json={"description": "x"}).status_code == 403
    response = reader.post(f"/incidents/{created['id']}/withdraw", json={"reason": "x"})
    assert response.status_code == 403


def test_withdraw_then_changes_are_a_conflict(world, api_a):
    created = api_a.post("/incidents", json=incident_payload()).json()
    url = f"/incidents/{created['id']}/withdraw"
    assert api_a.post(url, json={"reason": ""}).status_code == 422
    response = api_a.post(url, json={"reason": "Dubblett"})
    assert response.status_code == 200 and response.json()["withdrawn"] is True
    assert api_a.post(url, json={"reason": "Igen"}).status_code == 409
    assert api_a.patch(f"/incidents/{created['id']}", json={"description": "x"}).status_code == 409
    assert api_a.get("/incidents").json()["count"] == 0
    assert api_a.get("/incidents?include_withdrawn=true").json()["count"] == 1


def test_list_filters_and_pages(world, api_a):
    for day in (18, 19, 20):
        payload = incident_payload(
            lat=None,
            lon=None,
            occurred_from=None,
            area=world.area_p.code,
            occurred_date=f"2026-11-{day}",
            time_bucket="day",
        )
        assert api_a.post("/incidents", json=payload).status_code == 201
    page = api_a.get("/incidents?page_size=2").json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next_page"] == 2
    assert [r["occurred_date"] for r in page["results"]] == ["2026-11-20", "2026-11-19"]
    last = api_a.get("/incidents?page_size=2&page=2").json()
    assert len(last["results"]) == 1 and last["next_page"] is None
    assert api_a.get("/incidents?since=2026-11-19&until=2026-11-19").json()["count"] == 1
    future = (timezone.now() + dt.timedelta(minutes=1)).isoformat().replace("+", "%2B")
    assert api_a.get(f"/incidents?updated_since={future}").json()["count"] == 0
    assert api_a.get("/incidents?updated_since=2020-01-01T00:00:00Z").json()["count"] == 3
    assert api_a.get("/incidents?page=0").status_code == 422


def test_an_organisation_sees_only_what_it_may_see(world, api_b):
    reporter_a = world.users["reporter"]
    made = {}
    for label in ("GREEN", "AMBER", "AMBER+STRICT"):
        made[label] = report_incident(
            reporter=reporter_a,
            partnership=world.p,
            category="ORDNING.BRAK",
            area=world.area_p,
            occurred_date=dt.date(2026, 11, 20),
            time_bucket="evening",
            label=label,
        )
    listed = {r["id"] for r in api_b.get("/incidents").json()["results"]}
    assert listed == {made["GREEN"].pk}
    assert api_b.get(f"/incidents/{made['AMBER+STRICT'].pk}").status_code == 404
    assert api_b.get(f"/incidents/{made['AMBER'].pk}").status_code == 404
    assert api_b.get(f"/incidents/{made['GREEN'].pk}").json()["own_organisation"] is False


def test_reference_data(world, api_a):
    categories = api_a.get("/categories").json()
    brak = next(c for c in categories if c["code"] == "ORDNING.BRAK")
    assert brak["selectable"] and brak["group"] == "ORDNING"
    assert any(c["code"] == "VALD" and not c["selectable"] for c in categories)
    areas = api_a.get("/areas").json()
    assert [a["code"] for a in areas] == [world.area_p.code]


def test_the_create_answer_equals_reading_the_incident_back(world, api_a):
    """The 201 answer is built from the saved instance, not read back: it must say exactly
    what a later GET says (times in UTC, the area and organisation as stored)."""
    payload = incident_payload(
        external_id="FA-20", occurred_from="2026-11-20T21:30:00+01:00", place_type="park"
    )
    created = api_a.post("/incidents", json=payload)
    assert created.status_code == 201, created.content
    read = api_a.get(f"/incidents/{created.json()['id']}")
    assert created.json() == read.json()
    undated = api_a.post(
        "/incidents",
        json=incident_payload(
            external_id="FA-21",
            lat=None,
            lon=None,
            occurred_from=None,
            area=world.area_p.code,
            occurred_date="2026-11-19",
            time_bucket="evening",
        ),
    )
    assert undated.status_code == 201, undated.content
    assert undated.json() == api_a.get(f"/incidents/{undated.json()['id']}").json()


def test_a_repeat_answers_200_even_when_its_body_is_now_invalid(world, api_a):
    """A repeat is recognised before the body's content counts (as a lookup first would):
    an unknown area, both kinds of time, or a refused category still give the earlier
    incident back. Without an earlier incident the same bodies are errors."""
    first = api_a.post("/incidents", json=incident_payload(external_id="FA-30"))
    assert first.status_code == 201
    bad_bodies = [
        incident_payload(external_id="FA-30", lat=None, lon=None, area="NOPE"),
        incident_payload(external_id="FA-30", occurred_date="2026-11-20"),
        incident_payload(external_id="FA-30", category="NOT.A.CATEGORY"),
    ]
    for body in bad_bodies:
        again = api_a.post("/incidents", json=body)
        assert again.status_code == 200, again.content
        assert again.json()["id"] == first.json()["id"]
    for body in bad_bodies:
        body["external_id"] = "FA-31"
        assert api_a.post("/incidents", json=body).status_code == 422
    assert Incident.objects.count() == 1
    assert AuditEntry.objects.filter(action="incident.create").count() == 1
