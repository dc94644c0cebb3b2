"""The access table against the hand-written matrix, and deny-by-default for URLs."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from trygg.agreement.tests import access_matrix as agreement_matrix
from trygg.cases.tests import access_matrix as cases_matrix
from trygg.core.access import ACCESS, stale_rules, unlisted_urls
from trygg.incidents.models import Category, Incident, Label, Source
from trygg.meetings.tests import access_matrix as meetings_matrix
from trygg.work.tests import access_matrix as work_matrix

from . import access_matrix as core_matrix
from .access_matrix import ALLOWED, DENIED, LOGIN, MUST_NOT_SHOW, SUBJECTS

APP_MATRICES = (agreement_matrix, work_matrix, meetings_matrix, cases_matrix)
EXPECTED = {**core_matrix.EXPECTED}
for _matrix in APP_MATRICES:
    assert not set(EXPECTED) & set(_matrix.EXPECTED), "a URL name in two matrices"
    EXPECTED.update(_matrix.EXPECTED)


def outcome_of(response):
    if response.status_code == 403:
        return DENIED
    if response.status_code == 302 and response.url.startswith(reverse("account_login")):
        return LOGIN
    return response.status_code


def matches(got, expected):
    if expected == ALLOWED:
        return got not in (LOGIN, DENIED)
    return got == expected


@pytest.fixture
def matrix_world(world):
    Incident.objects.create(
        partnership=world.p,
        organisation=world.org_a,
        reported_by=world.users["reporter"],
        source=Source.MANUAL,
        category=Category.objects.get(code="VALD.HOT"),
        occurred_date="2026-11-23",
        reported_at=timezone.now(),
        area=world.area_p,
        description="MARKÖR-P-GRÖN",
        label=Label.GREEN,
    )
    for matrix in APP_MATRICES:
        matrix.setup_matrix(world)
    return world


@pytest.mark.django_db
def test_every_url_in_the_urlconf_has_an_access_rule():
    assert unlisted_urls() == [], "add these URL names to trygg.core.access.ACCESS"


@pytest.mark.django_db
def test_the_access_table_names_no_url_that_does_not_exist():
    assert stale_rules() == []


def test_every_rule_has_expected_outcomes_in_the_matrix():
    assert sorted(ACCESS) == sorted(EXPECTED), "the matrix and the access table name different URLs"


@pytest.mark.django_db
def test_a_url_missing_from_the_table_is_found_and_denied(world):
    with override_settings(ROOT_URLCONF="trygg.core.tests.urls_unlisted"):
        assert unlisted_urls("trygg.core.tests.urls_unlisted") == ["forgotten_view"]
        client = Client()
        client.force_login(world.users["partnership_admin"])
        response = client.get("/glomd/")
        assert response.status_code == 403
        assert b"this must never be served" not in response.content
        assert Client().get("/glomd/").status_code == 403


@pytest.mark.django_db
def test_matrix_url_by_subject(matrix_world):
    failures = []
    for subject in SUBJECTS:
        client = Client()
        if subject != "anonymous":
            client.force_login(matrix_world.users[subject])
        for name, (kwargs, expected) in EXPECTED.items():
            response = client.get(reverse(name, kwargs=kwargs))
            got = outcome_of(response)
            if not matches(got, expected[subject]):
                failures.append(f"{name} as {subject}: expected {expected[subject]}, got {got}")
            body = response.content.decode(errors="replace")
            for text in MUST_NOT_SHOW.get(subject, []):
                if text in body:
                    failures.append(f"{name} as {subject}: shows {text!r}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_a_detail_role_sees_its_partnerships_marker(matrix_world):
    """The leak check above is only meaningful if the marker shows where it should."""
    client = Client()
    client.force_login(matrix_world.users["coordinator"])
    assert "MARKÖR-P-GRÖN" in client.get(reverse("incidents:list")).content.decode()
    assert "Sigtuna kommun" in client.get(reverse("geo:areas_geojson")).content.decode()


@pytest.mark.django_db
def test_choosing_a_partnership_without_a_role_changes_nothing(world):
    client = Client()
    coordinator = world.users["coordinator"]
    client.force_login(coordinator)
    client.get(reverse("core:home"))
    session_before = client.session["trygg_partnership_id"]
    response = client.post(reverse("core:choose_partnership"), {"partnership": world.q.pk})
    assert response.status_code == 302
    assert client.session["trygg_partnership_id"] == session_before == world.p.pk
    response = client.post(reverse("core:choose_partnership"), {"partnership": "x"})
    assert client.session["trygg_partnership_id"] == world.p.pk


@pytest.mark.django_db
def test_a_user_in_two_partnerships_switches_between_them(world):
    from trygg.core import services
    from trygg.core.models import Role

    services.add_organisation_to_partnership(
        actor=None, partnership=world.q, organisation=world.org_a
    )
    user = world.users["analyst"]
    services.set_membership(actor=None, user=user, partnership=world.q, role=Role.VIEWER)
    client = Client()
    client.force_login(user)
    assert client.get(reverse("incidents:list")).status_code == 200  # analyst in P
    response = client.post(reverse("core:choose_partnership"), {"partnership": world.q.pk})
    assert response.status_code == 302
    assert client.session["trygg_partnership_id"] == world.q.pk
    assert client.get(reverse("incidents:list")).status_code == 403  # viewer in Q
