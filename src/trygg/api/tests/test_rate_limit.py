"""The per-token rate limit lives in Django's cache and answers 429 with Retry-After."""

from django.core.cache import cache
from django.test import override_settings

from .conftest import ApiClient, make_token


@override_settings(TRYGG_API_RATE_LIMIT=3)
def test_over_the_limit_is_429_with_retry_after_per_token(world, api_a):
    cache.clear()
    statuses = [api_a.get("/categories").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api_a.get("/categories")
    assert response["Content-Type"] == "application/problem+json"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["status"] == 429
    # another token has its own budget
    other = ApiClient(make_token(world, name="Annat system")[1])
    assert other.get("/categories").status_code == 200
    cache.clear()
