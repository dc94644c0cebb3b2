"""Bearer-token authentication and the per-token rate limit of the partner API."""

import datetime as dt
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from trygg.audit.services import record

from .problems import ApiProblem
from .services import find_token

DEFAULT_RATE_LIMIT = 600  # requests per token and minute
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def rate_limit():
    return int(getattr(settings, "TRYGG_API_RATE_LIMIT", DEFAULT_RATE_LIMIT))


def _count(key, *, timeout):
    """Add one to the counter ``key`` in the cache (created at 1, expiring ``timeout``
    seconds after its last use) and return the new count."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # One round trip (INCR and EXPIRE in MULTI/EXEC) instead of the three of
        # add() + incr(), which checks that the key exists first. The value stays a
        # plain integer, which is how Django's Redis cache stores ints.
        key = backend.make_and_validate_key(key)
        pipeline = backend._cache.get_client(key, write=True).pipeline(transaction=True)
        count, _expire = pipeline.incr(key).expire(key, timeout).execute()
        return count
    # Other caches (the database): increment first, as the key exists for all but the
    # first request of a window, and create it only when it is missing.
    try:
        return backend.incr(key)
    except ValueError:
        if backend.add(key, 1, timeout=timeout):
            return 1
    try:
        return backend.incr(key)  # another process created it meanwhile
    except ValueError:  # and it expired at once
        backend.set(key, 1, timeout=timeout)
        return 1


def check_rate(token, now=None):
    """Count this request in the token's current one-minute window (in Django's cache:
    the database or Redis, shared by every process); 429 over the limit."""
    limit = rate_limit()
    if limit <= 0:
        return
    now = time.time() if now is None else now
    window = int(now // 60)
    count = _count(f"trygg:api-rate:{token.pk}:{window}", timeout=120)
    if count > limit:
        retry_after = max(1, 60 - int(now % 60))
        raise ApiProblem(
            429,
            _("Högst %(limit)s anrop per minut och API-nyckel. Försök igen om %(s)s sekunder.")
            % {"limit": limit, "s": retry_after},
            headers={"Retry-After": str(retry_after)},
        )


def _audit_revoked_use(request, token):
    """A revoked token still in use: audited on its partnership's chain, at most once a
    minute per token (unknown tokens are not audited: nothing to tie them to)."""
    if not cache.add(f"trygg:api-revoked-use:{token.pk}", 1, timeout=60):
        return
    with transaction.atomic():
        record(
            "api_token.revoked_use",
            actor=token.service_user,
            partnership=token.partnership,
            organisation=token.organisation,
            obj=token,
            request=request,
            data={"prefix": token.prefix},
        )


class TokenAuth(HttpBearer):
    """``Authorization: Bearer tc_...``: the token acts as its organisation through its
    service user (``request.auth`` is the ApiToken)."""

    def authenticate(self, request, token):
        api_token = find_token(token.strip())
        if api_token is None or api_token.service_user is None:
            return None
        if api_token.revoked_at is not None:
            _audit_revoked_use(request, api_token)
            return None
        check_rate(api_token)
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at > LAST_USED_RESOLUTION:
            type(api_token).objects.filter(pk=api_token.pk).update(last_used_at=now)
            api_token.last_used_at = now
        return api_token
