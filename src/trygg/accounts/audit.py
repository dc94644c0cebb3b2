"""Logins, failed logins and password changes go to the system audit chain (never the
password itself)."""

from trygg.audit.services import record


def log_login(sender, request, user, **kwargs):
    record("login", actor=user, request=request, obj=user)


def log_failed_login(sender, credentials, request=None, **kwargs):
    login = credentials.get("email") or credentials.get("username") or credentials.get("login")
    record("login.failed", request=request, data={"login": str(login or "")[:254]})


def log_password_reset(sender, request, user, **kwargs):
    record("password.reset", actor=user, request=request, obj=user)


def log_password_changed(sender, request, user, **kwargs):
    record("password.change", actor=user, request=request, obj=user)


def log_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    """django-axes locked an e-mail address and IP after repeated failures."""
    record("login.locked", request=request, data={"login": str(username or "")[:254]})


def log_authenticator_added(sender, request, user, authenticator, **kwargs):
    record("mfa.added", actor=user, request=request, obj=user, data={"type": authenticator.type})


def log_authenticator_removed(sender, request, user, authenticator, **kwargs):
    record("mfa.removed", actor=user, request=request, obj=user, data={"type": authenticator.type})


def log_idle_logout(request, user, minutes):
    record("logout.idle", actor=user, request=request, obj=user, data={"minutes": minutes})


def log_session_without_two_factor(request, user):
    record("logout.no_two_factor", actor=user, request=request, obj=user)
