"""Logging in the way a person does (allauth's forms, TOTP codes computed from the secret)."""

import time

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.urls import reverse

from trygg.testing import PASSWORD

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret=SECRET, step=0):
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + step))


def give_totp(user, secret=SECRET):
    return TOTP.activate(user, secret)


def log_in_with_password(client, email, password=PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def log_in_with_totp(client, user, secret=SECRET):
    """Password, then the TOTP step; returns the last response."""
    response = log_in_with_password(client, user.email)
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate"), response
    return client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})


def age_authentication_records(client, seconds):
    """Move every authentication record of the client's session ``seconds`` back in time."""
    session = client.session
    records = session.get(AUTHENTICATION_METHODS_SESSION_KEY) or []
    for record in records:
        record["at"] -= seconds
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session.save()
