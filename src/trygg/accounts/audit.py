"""Logins and failed logins go to the system audit chain (never the password)."""

from trygg.audit.services import record


def log_login(sender, request, user, **kwargs):
    record("login", actor=user, request=request, obj=user)


def log_failed_login(sender, credentials, request=None, **kwargs):
    login = credentials.get("email") or credentials.get("username") or credentials.get("login")
    record("login.failed", request=request, data={"login": str(login or "")[:254]})
