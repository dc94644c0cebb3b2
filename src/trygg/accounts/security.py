"""The account protections' decisions, in one place (DESIGN.md §5, issue 7 "Accounts").

- Two-step verification: a session counts as verified when allauth's authentication
  records for the signed-in user hold an "mfa" step (the login's TOTP or recovery code, a
  re-authentication with one, or activating TOTP in this session).
- Re-authentication: the URL names below need a login or re-authentication within
  ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` seconds.
- Idle timeout: the time of the last request, kept in the session.
"""

import time

from allauth.account.authentication import get_authentication_records
from django.conf import settings

# URL name -> the HTTP methods that need a recent authentication (None: every method).
REAUTHENTICATION_URL_NAMES = {
    "incidents:export_csv": None,
    "incidents:export_xlsx": None,
    "situation:csv": None,
    "api_tokens:create": None,
    "api_tokens:revoke": None,
    "situation:approve": {"POST"},
    "audit:export_csv": None,
    "cases:export": None,
    "cases:export_pdf": None,
    "user_admin:invite": None,
    "user_admin:role": None,
    "user_admin:deactivate": None,
    "user_admin:reactivate": None,
    "user_admin:organisation_create": None,
    "user_admin:organisation_join": None,
    "user_admin:unit_create": None,
}

# URL names a signed-in user without TOTP may still use: allauth's own pages (log out,
# activate TOTP, recovery codes, password), and what needs no account at all.
TWO_FACTOR_EXEMPT_PREFIXES = ("account_", "mfa_", "api:")
TWO_FACTOR_EXEMPT_NAMES = frozenset(
    {"set_language", "core:health", "core:accessibility", "core:privacy"}
)

IDLE_SESSION_KEY = "trygg_last_activity"
# The last-activity time is rewritten at most this often (one session write a minute,
# not one per request).
IDLE_TOUCH_SECONDS = 60


def needs_recent_authentication(view_name, method):
    if view_name not in REAUTHENTICATION_URL_NAMES:
        return False
    methods = REAUTHENTICATION_URL_NAMES[view_name]
    return methods is None or method in methods


def exempt_from_two_factor(view_name):
    return bool(view_name) and (
        view_name.startswith(TWO_FACTOR_EXEMPT_PREFIXES) or view_name in TWO_FACTOR_EXEMPT_NAMES
    )


def has_totp(user):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import is_mfa_enabled

    return is_mfa_enabled(user, [Authenticator.Type.TOTP])


def passed_two_factor(request, user):
    """True when this session passed a second factor for ``user``."""
    return any(r.get("method") == "mfa" for r in get_authentication_records(request, user))


def record_two_factor(request, user):
    """Note in the session, as allauth does after the login's second step, that ``user``
    proved a second factor here (activating TOTP takes a valid code from the new
    authenticator, as strong as the login step)."""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator

    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    record_authentication(request, user, "mfa", id=totp.pk, type=totp.type, activated=True)


def last_authenticated_at(request, user):
    """When ``user`` last logged in or re-authenticated in this session (epoch seconds),
    or None (e.g. a session made by force_login or otherwise outside allauth)."""
    times = [r.get("at") for r in get_authentication_records(request, user)]
    times = [t for t in times if isinstance(t, int | float)]
    return max(times) if times else None


def recently_authenticated(request, user, now=None):
    at = last_authenticated_at(request, user)
    if at is None:
        return False
    now = time.time() if now is None else now
    return now - at < settings.ACCOUNT_REAUTHENTICATION_TIMEOUT
