"""Lockout after repeated failed logins (django-axes, database handler): the e-mail address
axes counts by, and the page a locked-out login gets."""

from django.conf import settings
from django.shortcuts import render


def username_from(request, credentials):
    """The e-mail address of a login attempt, lower-cased so that spelling variants of one
    address share their failures (allauth passes ``email``; a login form posts ``login``)."""
    value = None
    if credentials:
        value = credentials.get("email") or credentials.get("login") or credentials.get("username")
    if not value and request is not None and request.method == "POST":
        value = request.POST.get("login") or request.POST.get("email")
    return str(value).strip().lower()[:254] if value else None


def lockout_minutes():
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_response(request, original_response=None, credentials=None):
    """HTTP 429 with a Swedish explanation; the lockout is audited by the signal handler
    (``trygg.accounts.audit.log_lockout``)."""
    return render(
        request,
        "accounts/lockout.html",
        {"minutes": lockout_minutes(), "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


def client_str(username, ip_address, user_agent, path_info, request):
    """How django-axes names a client in its log lines: a short digest of the e-mail
    address instead of the address, and no IP address (logs carry no personal data; the
    audit log has who and from where)."""
    import hashlib

    digest = hashlib.sha256((username or "").encode()).hexdigest()[:12] if username else "-"
    return f"login {digest} at {path_info}"
