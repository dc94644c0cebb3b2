"""The per-token rate limit lives in Django's cache and answers 429 with Retry-After."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache, caches
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


def test_trygg_redis_url_chooses_redis_for_the_cache_and_the_rate_limit(tmp_path):
    """Without TRYGG_REDIS_URL the cache is the database; with it, Redis."""
    from trygg.config import ConfigError
    from trygg.settings import caches_from_url

    assert caches_from_url("")["default"]["BACKEND"].endswith("db.DatabaseCache")
    redis = caches_from_url("redis://127.0.0.1:6379/3")["default"]
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://127.0.0.1:6379/3"
    with pytest.raises(ConfigError, match="not a Redis URL"):
        caches_from_url("127.0.0.1:6379")
    # and the environment variable is what the settings read
    script = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRYGG_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="trygg.settings",
        PYTHONPATH=str(Path(__file__).resolve().parents[3]),
        TRYGG_DEBUG="1",
        TRYGG_VAR_DIR=str(tmp_path),
        TRYGG_REDIS_URL="redis://127.0.0.1:6379/3",
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache", result.stderr


def _redis_or_skip():
    url = os.environ.get("TRYGG_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except Exception:  # noqa: BLE001 (no Redis here: nothing to test against)
        pytest.skip(f"no Redis at {url}")
    return url


def test_the_rate_limit_on_redis_counts_in_one_expiring_key(world, api_a, token_a):
    url = _redis_or_skip()
    prefix = f"trygg-test-{uuid.uuid4().hex}"  # never clear a Redis others may share
    redis_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(CACHES=redis_cache, TRYGG_API_RATE_LIMIT=3):
        backend = caches["default"]
        try:
            statuses = [api_a.get("/categories").status_code for _ in range(4)]
            assert statuses == [200, 200, 200, 429]
            client = backend._cache.get_client(write=True)
            (key,) = client.keys(f"{prefix}:*api-rate:{token_a[0].pk}:*")
            assert int(client.get(key)) == 4
            assert 0 < client.ttl(key) <= 120
            # another token has its own budget
            other = ApiClient(make_token(world, name="Annat system")[1])
            assert other.get("/categories").status_code == 200
        finally:
            client = backend._cache.get_client(write=True)
            for key in client.keys(f"{prefix}:*"):
                client.delete(key)
