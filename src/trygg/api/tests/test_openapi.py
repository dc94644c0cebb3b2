"""The OpenAPI document: served as JSON without a token, documents every status."""

from django.test import Client

EXPECTED = {
    ("get", "/api/v1/incidents"): {"200", "401", "422", "429"},
    ("post", "/api/v1/incidents"): {"200", "201", "400", "401", "403", "409", "422", "429"},
    ("get", "/api/v1/incidents/{incident_id}"): {"200", "401", "404", "422", "429"},
    ("patch", "/api/v1/incidents/{incident_id}"): {
        "200",
        "400",
        "401",
        "403",
        "404",
        "409",
        "422",
        "429",
    },
    ("post", "/api/v1/incidents/{incident_id}/withdraw"): {
        "200",
        "400",
        "401",
        "403",
        "404",
        "409",
        "422",
        "429",
    },
    ("get", "/api/v1/categories"): {"200", "401", "429"},
    ("get", "/api/v1/areas"): {"200", "401", "429"},
}


def schema():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_every_operation_documents_its_statuses(db):
    paths = schema()["paths"]
    found = {
        (method, path): set(operation["responses"])
        for path, methods in paths.items()
        for method, operation in methods.items()
    }
    assert found == EXPECTED


def test_errors_are_documented_as_problem_json(db):
    for methods in schema()["paths"].values():
        for operation in methods.values():
            assert operation["security"] == [{"TokenAuth": []}]
            for status, response in operation["responses"].items():
                media = set(response["content"])
                if int(status) >= 400:
                    assert media == {"application/problem+json"}
                else:
                    assert media == {"application/json"}


def test_the_docs_page_uses_nothing_external(db):
    body = Client().get("/api/v1/docs").content.decode()
    assert "cdn" not in body.lower() and "/api/v1/openapi.json" in body
