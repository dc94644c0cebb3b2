"""API fuzzing: schemathesis over the OpenAPI document (/api/v1/openapi.json).

For every operation, Hypothesis generates cases from the document (positive: data the
schema allows; negative: data it forbids) and sends them, authenticated with a read/write
token, straight to the WSGI application. Every response must pass the checks below (no
5xx, documented status code, content type, headers and body schema; negative data
rejected; missing auth refused).

Random data alone would rarely get past the service's own rules (a category code that
exists, a point inside the partnership, a time in the past), so part of the positive
cases is steered: the incident id is drawn from incidents created before the run, and the
create/patch bodies get a valid category, place and time on top of the generated fields.
Every operation must then reach a 2xx at least once, and the whole run must send at least
MIN_TOTAL_CASES cases. Deterministic (derandomize) so a CI failure reproduces locally.
"""

import collections
import datetime as dt

import pytest
import schemathesis
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from trygg.wsgi import application

from .conftest import ApiClient, incident_payload, make_token


def _load(*, allow_extra_parameters):
    loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    # The token is sent by the test (below), not generated from the security scheme.
    loaded.config.generation.update(
        with_security_parameters=False, allow_extra_parameters=allow_extra_parameters
    )
    return loaded


schema = _load(allow_extra_parameters=True)
# The API ignores unknown query parameters (as most HTTP APIs do) but rejects unknown body
# fields (extra="forbid"): operations without a body are fuzzed without extra parameters.
schema_without_extras = _load(allow_extra_parameters=False)

# positive_data_acceptance is left out: the document cannot say which category codes or
# places exist, so schema-valid data is often (rightly) answered 404/409/422. The stateful
# checks (use_after_free, ensure_resource_availability) need schemathesis' own runner.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    missing_required_header,
    ignored_auth,
]

# Generated cases per operation (Hypothesis may stop earlier when an operation has
# fewer distinct inputs, e.g. the reference lists without parameters).
EXAMPLES = {
    "GET /api/v1/incidents": 250,
    "POST /api/v1/incidents": 300,
    "GET /api/v1/incidents/{incident_id}": 200,
    "PATCH /api/v1/incidents/{incident_id}": 300,
    "POST /api/v1/incidents/{incident_id}/withdraw": 200,
    "GET /api/v1/categories": 30,
    "GET /api/v1/areas": 30,
}
MIN_TOTAL_CASES = 1000
POOL_SIZE = 40  # own incidents created before each operation's run

# an operation the document gets wrong fails here, at collection (Err has no .ok())
LABELS = sorted(result.ok().label for result in schema.get_all_operations())
# cases and status codes per operation, for the summary test at the end of the module
RESULTS = {}


def test_every_operation_is_fuzzed():
    """The document and EXAMPLES agree (a new operation gets a budget)."""
    assert set(LABELS) == set(EXAMPLES)


@pytest.fixture
def bearer(world):
    """A valid read/write token (plaintext). The rate limit is raised so that the run is
    not answered 429 (the limit is still counted on every request)."""
    from django.core.cache import cache

    cache.clear()
    with override_settings(TRYGG_API_RATE_LIMIT=1_000_000):
        yield make_token(world)[1]


@pytest.fixture
def direct_wsgi(pool):
    """As Django's test client does, keep the request signals from closing the test's
    database connection while the WSGI app is called directly. After `pool`: the test
    client connects the signal again after each of its requests."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def pool(world, bearer):
    """Incidents that exist before the run: own ones (changeable), one withdrawn, and one
    of another organisation (visible, not changeable)."""
    api = ApiClient(bearer)
    own = []
    for i in range(POOL_SIZE):
        response = api.post("/incidents", json=incident_payload(external_id=f"fuzz-{i}"))
        assert response.status_code == 201, response.content
        own.append(response.json()["id"])
    withdrawn = api.post(f"/incidents/{own[-1]}/withdraw", json={"reason": "Dubblett"})
    assert withdrawn.status_code == 200, withdrawn.content
    other = ApiClient(make_token(world, org="org_b")[1]).post(
        "/incidents", json=incident_payload(label="GREEN")
    )
    assert other.status_code == 201, other.content
    categories = api.get("/categories").json()
    areas = api.get("/areas").json()
    return {
        "ids": [*own, other.json()["id"]],
        "categories": [c["code"] for c in categories if c["selectable"]],
        "areas": [a["code"] for a in areas if a["selectable"]],
    }


def _timestamps():
    """A past moment with an offset, as ISO 8601 text."""
    now = timezone.now().replace(microsecond=0)
    return st.builds(
        lambda minutes, offset: (
            (now - dt.timedelta(minutes=minutes))
            .astimezone(dt.timezone(dt.timedelta(minutes=offset)))
            .isoformat()
        ),
        st.integers(min_value=1, max_value=60 * 24 * 365),
        st.sampled_from([0, 60, 120, -300, 330]),
    )


def _place(pool):
    """Either a point inside the partnership's area or one of its area codes."""
    point = st.fixed_dictionaries(
        {
            "lat": st.floats(min_value=59.601, max_value=59.649),
            "lon": st.floats(min_value=17.801, max_value=17.899),
        }
    )
    if not pool["areas"]:
        return point
    return st.one_of(point, st.sampled_from(pool["areas"]).map(lambda code: {"area": code}))


# generated fields that the steered bodies replace (the place and the time are given anew)
_PLACE_AND_TIME = {"lat", "lon", "area", "occurred_from", "occurred_to", "occurred_date"}


def _steer(data, case, pool):
    """Make some positive cases likely to succeed (see the module docstring)."""
    if case.meta is not None and case.meta.generation.mode is GenerationMode.NEGATIVE:
        return  # negative data must stay negative (negative_data_rejection)
    if "incident_id" in (case.path_parameters or {}) and data.draw(st.integers(0, 3)):
        case.path_parameters["incident_id"] = data.draw(st.sampled_from(pool["ids"]))
    label = case.operation.label
    if label not in ("POST /api/v1/incidents", "PATCH /api/v1/incidents/{incident_id}"):
        return
    if not isinstance(case.body, dict) or not data.draw(st.integers(0, 2)):
        return
    body = {k: v for k, v in case.body.items() if k not in _PLACE_AND_TIME}
    if label.startswith("POST") or "category" in body or data.draw(st.booleans()):
        body["category"] = data.draw(st.sampled_from(pool["categories"]))
    if label.startswith("POST") or data.draw(st.booleans()):
        body.update(data.draw(_place(pool)))
        body["occurred_from"] = data.draw(_timestamps())
    if "occurred_from" in body:
        body.pop("time_bucket", None)
    case.body = body


def _fuzz(label, bearer, pool):
    operation = schema.find_operation_by_label(label)
    if not operation.body:
        operation = schema_without_extras.find_operation_by_label(label)
    strategies = [operation.as_strategy(GenerationMode.POSITIVE)]
    if operation.path_parameters or operation.query or operation.body:
        strategies.append(operation.as_strategy(GenerationMode.NEGATIVE))
    statuses = collections.Counter()
    headers = {"Authorization": f"Bearer {bearer}"}

    @settings(
        max_examples=EXAMPLES[label],
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def run(data):
        case = data.draw(st.one_of(strategies))
        _steer(data, case, pool)
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        statuses[response.status_code] += 1

    run()
    return statuses


@pytest.mark.django_db
@pytest.mark.parametrize("label", LABELS)
def test_the_api_holds_under_fuzzing(label, bearer, pool, direct_wsgi):
    statuses = _fuzz(label, bearer, pool)
    RESULTS[label] = statuses
    assert not [code for code in statuses if code >= 500]
    assert any(200 <= code < 300 for code in statuses), (
        f"{label} never answered 2xx in {sum(statuses.values())} cases: {dict(statuses)}"
    )


@pytest.mark.django_db  # runs with the fuzzing tests in the PostgreSQL run too
def test_fuzzing_summary(capsys):
    """Prints the cases per operation (quoted in docs/security.md) and checks the total."""
    if set(RESULTS) != set(LABELS):
        pytest.skip("not every operation was fuzzed in this run")
    lines = ["", "schemathesis: cases per operation (status: count)"]
    for label in LABELS:
        statuses = RESULTS[label]
        codes = ", ".join(f"{code}: {n}" for code, n in sorted(statuses.items()))
        lines.append(f"  {sum(statuses.values()):5d}  {label}  ({codes})")
    total = sum(sum(s.values()) for s in RESULTS.values())
    lines.append(f"  {total:5d}  in total")
    with capsys.disabled():
        print("\n".join(lines))
    assert total >= MIN_TOTAL_CASES
