"""Name and personnummer never reach the log output or an error page (issue 9: "never
written to logs, exports of other organisations, or error pages")."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from trygg.cases import services
from trygg.cases.models import Case

from .conftest import NAME, PNR, PNR_10, make_case

pytestmark = pytest.mark.django_db

SECRETS = (NAME, PNR, PNR_10, PNR[2:8])


def client_for(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


def assert_no_identity(text):
    for secret in SECRETS:
        assert secret not in text, secret


def test_a_case_worker_s_day_leaves_no_identity_in_the_log(cases_world, caplog):
    """Everything at DEBUG, from every logger: creating a case, a duplicate, a malformed
    personnummer, reading the case, its identity and a withdrawn consent's effect."""
    caplog.set_level(logging.DEBUG)
    client = client_for(cases_world.users["case_worker"])
    response = client.post(
        reverse("cases:create"),
        {"programme": "sspf", "name": NAME, "personnummer": PNR_10, "background": "Oro"},
    )
    assert response.status_code == 302
    case = Case.objects.get()
    duplicate = client.post(
        reverse("cases:create"), {"programme": "exit", "name": NAME, "personnummer": PNR}
    )
    assert duplicate.status_code == 200 and case.code in duplicate.content.decode()
    malformed = client.post(
        reverse("cases:create"), {"programme": "exit", "name": NAME, "personnummer": PNR[:-1]}
    )
    assert malformed.status_code == 200 and Case.objects.count() == 1
    client.post(reverse("cases:purpose", args=[case.pk]), {"purpose": "handlaggning"})
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert NAME in page  # the owner does see it: the page is not the log
    other = client_for(cases_world.users["case_worker_b"])
    assert other.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert caplog.records, "the requests should have logged something (404, warnings)"
    assert_no_identity(caplog.text)
    assert_no_identity(" ".join(str(r.args) for r in caplog.records))


def test_an_error_while_showing_a_case_shows_and_logs_no_identity(cases_world, caplog, monkeypatch):
    """A crash in the middle of the case page (after the identity was decrypted): the 500
    page is the generic one, and the logged traceback holds no name or personnummer."""
    caplog.set_level(logging.DEBUG)
    case = make_case(cases_world)

    decrypt = services.identity_of

    def broken(user, case):
        identity = decrypt(user, case)
        assert identity  # decrypted: the name is in memory when it breaks
        raise RuntimeError(f"broken while showing case {case.code}")

    monkeypatch.setattr(services, "identity_of", broken)
    client = client_for(cases_world.users["case_worker"], raise_request_exception=False)
    client.post(reverse("cases:purpose", args=[case.pk]), {"purpose": "handlaggning"})
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 500
    assert_no_identity(response.content.decode())
    assert "broken while showing case" in caplog.text  # the crash was logged
    assert_no_identity(caplog.text)
