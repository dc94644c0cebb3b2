"""Exports, API token administration and approving a lägesbild need a recent login or
re-authentication (issue 7 §1)."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from trygg.accounts.security import REAUTHENTICATION_URL_NAMES
from trygg.api.models import ApiToken
from trygg.core.access import url_names
from trygg.testing import PASSWORD

from .helpers import age_authentication_records, log_in_with_password


@pytest.fixture(autouse=True)
def reauthentication_enforced(settings):
    settings.TRYGG_REAUTH_ENFORCED = True


WEEK = {"key": "2026-W47"}
# URL name -> (role that may use it, URL kwargs, method)
SENSITIVE = {
    "incidents:export_csv": ("analyst", {}, "get"),
    "incidents:export_xlsx": ("coordinator", {}, "get"),
    "situation:csv": ("coordinator", WEEK, "get"),
    "api_tokens:create": ("org_admin", {}, "get"),
    "api_tokens:revoke": ("org_admin", {"pk": 999999}, "post"),
    "situation:approve": ("coordinator", WEEK, "post"),
    "audit:export_csv": ("auditor", {}, "get"),
    "cases:export": ("case_worker", {"pk": 999999}, "get"),
    "cases:export_pdf": ("case_worker", {"pk": 999999}, "get"),
    "user_admin:invite": ("org_admin", {}, "get"),
    "user_admin:role": ("org_admin", {"pk": 999999}, "get"),
    "user_admin:deactivate": ("org_admin", {"pk": 999999}, "post"),
    "user_admin:reactivate": ("partnership_admin", {"pk": 999999}, "post"),
    "user_admin:organisation_create": ("partnership_admin", {}, "get"),
    "user_admin:organisation_join": ("partnership_admin", {}, "get"),
    "user_admin:unit_create": ("partnership_admin", {}, "post"),
}


def is_reauthentication_prompt(response):
    return response.status_code == 302 and response.url.startswith(
        reverse("account_reauthenticate")
    )


@pytest.mark.django_db
def test_every_listed_url_name_exists_and_is_tested():
    assert set(REAUTHENTICATION_URL_NAMES) <= set(url_names())
    assert set(SENSITIVE) == set(REAUTHENTICATION_URL_NAMES)


@pytest.mark.parametrize("name", sorted(SENSITIVE))
def test_a_stale_session_is_sent_to_re_authenticate_and_a_fresh_one_passes(world, name):
    role, kwargs, method = SENSITIVE[name]
    url = reverse(name, kwargs=kwargs)
    client = Client()
    assert log_in_with_password(client, world.users[role].email).status_code == 302

    fresh = getattr(client, method)(url)
    assert not is_reauthentication_prompt(fresh), fresh
    assert fresh.status_code in (200, 302, 404), fresh

    age_authentication_records(client, 11 * 60)
    stale = getattr(client, method)(url)
    assert is_reauthentication_prompt(stale)
    assert f"next={url}" in stale.url.replace("%2F", "/").replace("%3A", ":")

    # Nine minutes after the password prompt is still fresh.
    client.post(stale.url, {"password": PASSWORD})
    age_authentication_records(client, 9 * 60)
    assert not is_reauthentication_prompt(getattr(client, method)(url))


def test_a_session_without_any_authentication_record_is_stale(world):
    client = Client()
    client.force_login(world.users["analyst"])  # made outside allauth: no record at all
    assert is_reauthentication_prompt(client.get(reverse("incidents:export_csv")))
    # Pages that are not sensitive are not affected.
    assert client.get(reverse("incidents:list")).status_code == 200


def test_looking_at_the_approval_form_needs_no_re_authentication(world):
    client = Client()
    client.force_login(world.users["coordinator"])
    url = reverse("situation:approve", kwargs=WEEK)
    assert client.get(url).status_code == 200
    assert is_reauthentication_prompt(client.post(url, {}))


def test_a_role_that_may_not_export_is_refused_before_any_password_prompt(world):
    client = Client()
    client.force_login(world.users["viewer"])
    assert client.get(reverse("incidents:export_csv")).status_code == 403


def test_the_suspended_post_is_carried_out_after_re_authentication(world):
    client = Client()
    client.force_login(world.users["org_admin"])
    data = {"name": "Felanmälan", "organisation": world.org_a.pk, "scope": "read"}
    response = client.post(reverse("api_tokens:create"), data)
    assert is_reauthentication_prompt(response)
    assert not ApiToken.objects.exists()

    wrong = client.post(response.url, {"password": "fel-lösenord-helt-fel"})
    assert wrong.status_code == 200 and not ApiToken.objects.exists()
    done = client.post(response.url, {"password": PASSWORD})
    assert done.status_code == 200
    assert ApiToken.objects.get().name == "Felanmälan"
    assert 'id="api-token-value"' in done.content.decode()


def test_the_export_follows_the_password_prompt(world):
    client = Client()
    client.force_login(world.users["analyst"])
    url = reverse("incidents:export_csv")
    prompt = client.get(url)
    response = client.post(prompt.url, {"password": PASSWORD})
    assert response.status_code == 302 and response.url == url
    export = client.get(url)
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")


def test_switched_off_in_the_suite_by_default(world):
    with override_settings(TRYGG_REAUTH_ENFORCED=False):
        client = Client()
        client.force_login(world.users["analyst"])
        assert client.get(reverse("incidents:export_csv")).status_code == 200
