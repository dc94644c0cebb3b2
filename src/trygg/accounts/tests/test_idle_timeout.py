"""An idle session is logged out on its next request; activity extends it (issue 7 §1)."""

import time

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from trygg.accounts.security import IDLE_SESSION_KEY
from trygg.audit.models import AuditEntry

from .helpers import log_in_with_password


def set_last_activity(client, seconds_ago):
    session = client.session
    session[IDLE_SESSION_KEY] = int(time.time()) - seconds_ago
    session.save()


def last_activity(client):
    return client.session[IDLE_SESSION_KEY]


@pytest.fixture
def client(world):
    client = Client()
    assert log_in_with_password(client, "coordinator@a.example").status_code == 302
    return client


def test_a_login_starts_the_clock(client):
    assert abs(last_activity(client) - time.time()) < 5


def test_after_30_idle_minutes_the_next_request_logs_out_with_a_message(client):
    set_last_activity(client, 31 * 60)
    url = reverse("incidents:list")
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login")) and "next=" in response.url
    assert "_auth_user_id" not in client.session
    page = client.get(response.url)
    assert "Du loggades ut efter 30 minuters inaktivitet" in page.content.decode()
    assert AuditEntry.objects.filter(
        action="logout.idle", actor_label="coordinator@a.example", data__minutes=30
    ).exists()


def test_activity_extends_the_session(client):
    set_last_activity(client, 29 * 60)
    assert client.get(reverse("core:home")).status_code == 200
    assert abs(last_activity(client) - time.time()) < 5
    set_last_activity(client, 29 * 60)  # another 29 minutes later: still signed in
    assert client.get(reverse("core:home")).status_code == 200


def test_the_activity_time_is_written_at_most_once_a_minute(client):
    set_last_activity(client, 30)
    before = last_activity(client)
    client.get(reverse("core:home"))
    assert last_activity(client) == before


def test_the_idle_limit_comes_from_the_settings(client, settings):
    settings.TRYGG_IDLE_MINUTES = 5
    set_last_activity(client, 6 * 60)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages[-1] == "Du loggades ut efter 5 minuters inaktivitet."


def test_an_idle_post_is_not_carried_out(client, world):
    set_last_activity(client, 31 * 60)
    response = client.post(reverse("api_tokens:create"), {"name": "x"})
    assert response.status_code == 302 and response.url == reverse("account_login")
