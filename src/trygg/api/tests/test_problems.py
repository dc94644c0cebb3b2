"""Errors are RFC 9457 problem details in Swedish, with field errors for validation."""

import pytest

from .conftest import incident_payload

PROBLEM_KEYS = {"type", "title", "status", "detail"}


def problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert PROBLEM_KEYS <= set(body) and body["status"] == status
    assert body["type"].startswith("urn:trygghetscenter:problem:")
    return body


def test_malformed_json_is_400(world, api_a):
    response = api_a.client.post(
        "/api/v1/incidents",
        data="{inte json",
        content_type="application/json",
        headers=api_a.headers,
    )
    body = problem(response, 400)
    assert "JSON" in body["detail"]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"lat": False}, "lat"),
        ({"lat": "59.6"}, "lat"),
        ({"lat": 91}, "lat"),
        ({"category": None}, "category"),
        ({"okänt": 1}, "okänt"),
        ({"occurred_from": "2026-11-23T21:30:00"}, "occurred_from"),  # no offset
        ({"occurred_from": "i går"}, "occurred_from"),
        ({"label": "RED"}, "label"),
        ({"people_count": "3"}, "people_count"),
        ({"external_id": "med mellanslag"}, "external_id"),
    ],
)
def test_schema_errors_are_422_with_the_field(world, api_a, change, field):
    payload = incident_payload()
    payload.update(change)
    if change.get("category", "") is None:
        del payload["category"]
    body = problem(api_a.post("/incidents", json=payload), 422)
    assert field in [e["field"] for e in body["errors"]], body
    assert all(e["message"] for e in body["errors"])


def test_missing_offset_is_explained_in_swedish(world, api_a):
    payload = incident_payload(occurred_from="2026-11-23T21:30:00")
    body = problem(api_a.post("/incidents", json=payload), 422)
    assert body["errors"] == [
        {
            "field": "occurred_from",
            "message": "Ange tidpunkten med tidszon, till exempel +01:00 eller Z.",
        }
    ]
    assert body["title"] == "Ogiltiga uppgifter"


def test_service_errors_are_422_with_the_field(world, api_a):
    body = problem(api_a.post("/incidents", json=incident_payload(category="FINNS.INTE")), 422)
    assert body["errors"][0]["field"] == "category"
    assert body["errors"][0]["message"] == "Välj en händelsetyp."


def test_unknown_area_code(world, api_a):
    payload = incident_payload(
        lat=None,
        lon=None,
        area="9999",
        occurred_from=None,
        occurred_date="2026-11-20",
        time_bucket="day",
    )
    body = problem(api_a.post("/incidents", json=payload), 422)
    assert body["errors"][0]["field"] == "area"


def test_not_found_and_unauthorised_are_problems(world, api_a):
    problem(api_a.get("/incidents/999999"), 404)
    problem(api_a.client.get("/api/v1/incidents"), 401)


def test_odd_but_valid_offsets_and_far_years(world, api_a):
    """Found by schemathesis on PostgreSQL: an offset like +20:33 reached the database."""
    assert api_a.get("/incidents?updated_since=0057-03-08T14:29:58%2B20:33").status_code == 422
    assert api_a.get("/incidents?updated_since=2026-01-01T00:00:00%2B20:33").status_code == 200
    assert api_a.get("/incidents?since=0001-01-01").status_code == 422
    payload = incident_payload(occurred_from="2026-11-20T10:00:00+20:33")
    assert api_a.post("/incidents", json=payload).status_code == 201
