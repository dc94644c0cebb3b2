"""Repeated failed logins lock the e-mail address and IP for 15 minutes (django-axes with
its database handler, so every web process shares the count); audited (issue 7 §1)."""

import datetime

from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from trygg.audit.models import AuditEntry

from .helpers import log_in_with_password

EMAIL = "coordinator@a.example"
WRONG = "fel-lösenord-som-är-långt"


def fail(client, times, email=EMAIL, ip="192.0.2.10"):
    return [log_in_with_password(client, email, WRONG, REMOTE_ADDR=ip) for _ in range(times)]


def test_five_failures_lock_the_address_and_ip_for_15_minutes(world):
    client = Client()
    first_four = fail(client, 4)
    assert [r.status_code for r in first_four] == [200] * 4  # the form with its error
    locked = fail(client, 1)[0]
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "För många misslyckade inloggningar" in body
    assert "spärrad från den här internetanslutningen i 15 minuter" in body

    # Now even the right password is refused from that address ...
    response = log_in_with_password(client, EMAIL, REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # ... while the same person elsewhere, and another person here, can log in.
    assert log_in_with_password(Client(), EMAIL, REMOTE_ADDR="198.51.100.7").status_code == 302
    other = log_in_with_password(Client(), "analyst@a.example", REMOTE_ADDR="192.0.2.10")
    assert other.status_code == 302


def test_the_count_is_kept_in_the_database_and_ignores_case(world):
    fail(Client(), 2, email="Coordinator@A.example")
    fail(Client(), 2)  # another process or browser: the count is shared
    attempt = AccessAttempt.objects.get(username=EMAIL, ip_address="192.0.2.10")
    assert attempt.failures_since_start == 4
    assert WRONG not in attempt.post_data
    assert fail(Client(), 1)[0].status_code == 429


def test_the_lock_ends_after_15_minutes(world):
    fail(Client(), 5)
    assert log_in_with_password(Client(), EMAIL, REMOTE_ADDR="192.0.2.10").status_code == 429
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16)
    )
    assert log_in_with_password(Client(), EMAIL, REMOTE_ADDR="192.0.2.10").status_code == 302


def test_a_successful_login_starts_the_count_again(world):
    fail(Client(), 4)
    assert log_in_with_password(Client(), EMAIL, REMOTE_ADDR="192.0.2.10").status_code == 302
    assert [r.status_code for r in fail(Client(), 4)] == [200] * 4


def test_failures_and_the_lockout_are_audited(world):
    fail(Client(), 5)
    failed = AuditEntry.objects.filter(action="login.failed", data__login=EMAIL)
    assert failed.count() == 5
    locked = AuditEntry.objects.get(action="login.locked")
    assert locked.data == {"login": EMAIL}
    assert locked.ip == "192.0.2.10"
    assert not AuditEntry.objects.filter(action="login", actor_label=EMAIL).exists()


def test_the_lockout_page_is_swedish_and_links_to_the_password_reset(world):
    response = fail(Client(), 5)[-1]
    body = response.content.decode()
    assert '<html lang="sv">' in body
    assert reverse("account_reset_password") in body
