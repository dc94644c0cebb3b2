"""A schemathesis run over the OpenAPI document: no input makes the API fail (5xx).

Bounded (few examples per operation, no shrinking) so the whole api suite stays fast.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error

from trygg.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def bearer(world):
    """A valid token; and, as Django's test client does, keep the request signals from
    closing the test's database connection (the WSGI app is called directly)."""
    from django.core import signals
    from django.core.cache import cache
    from django.db import close_old_connections

    from .conftest import make_token

    cache.clear()
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield {"Authorization": f"Bearer {make_token(world)[1]}"}
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_never_fails(case, bearer):
    case.call_and_validate(headers=bearer, checks=[not_a_server_error])
