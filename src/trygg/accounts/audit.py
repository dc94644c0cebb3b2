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
