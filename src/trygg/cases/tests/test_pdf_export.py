"""The PDF export of one case: the owning organisation's case workers only, after
re-authentication; a tagged PDF/UA file marked TLP:RED on every page; audited with its
sha256 and never with the identity."""

import hashlib
import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from trygg.audit.models import AuditEntry
from trygg.cases import services
from trygg.testing import PASSWORD

from .conftest import NAME, PNR, give_consent, make_case

pytestmark = pytest.mark.django_db


def pdf_pages(content):
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def planned_case(cases_world):
    owner = cases_world.users["case_worker"]
    case = make_case(cases_world)
    give_consent(cases_world, case)
    services.add_commitment(
        actor=owner,
        case=case,
        sector="school",
        organisation=cases_world.org_b,
        description="Mentor varje vecka",
    )
    services.add_follow_up(actor=owner, case=case, due_on=cases_world.today, what="Närvaron")
    return case


def test_the_owner_gets_a_tlp_red_pdf_with_code_and_plan_audited_by_its_sha256(
    cases_world, planned_case
):
    case = planned_case
    response = client_for(cases_world.users["case_worker"]).get(
        reverse("cases:export_pdf", args=[case.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{case.code}.pdf"'
    assert response["Cache-Control"] == "no-store"
    content = bytes(response.content)
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged (PDF/UA-1)
    pages = pdf_pages(content)
    text = "\n".join(pages)
    assert all("TLP:RED" in page for page in pages)
    assert case.code in text and "Mentor varje vecka" in text and "Närvaron" in text
    assert NAME in text and PNR in text  # the owner's export holds the identity
    entry = AuditEntry.objects.get(action="cases.export")
    assert entry.data["format"] == "pdf"
    assert entry.data["sha256"] == hashlib.sha256(content).hexdigest()
    assert NAME not in repr(entry.data) and PNR not in repr(entry.data)
    assert PNR[2:] not in repr(entry.data)


@pytest.mark.parametrize("state", ["none", "valid", "expired", "withdrawn"])
def test_other_organisations_are_refused_in_every_consent_state(cases_world, state):
    case = make_case(cases_world)
    if state != "none":
        give_consent(cases_world, case, state=state)
    response = client_for(cases_world.users["case_worker_b"]).get(
        reverse("cases:export_pdf", args=[case.pk])
    )
    # On the team under a valid consent B may open the case, but not export it.
    assert response.status_code == (403 if state == "valid" else 404)
    assert not AuditEntry.objects.filter(action="cases.export").exists()


@pytest.mark.parametrize("role", ["coordinator", "analyst", "viewer", "partnership_admin"])
def test_the_place_based_roles_are_refused(cases_world, planned_case, role):
    response = client_for(cases_world.users[role]).get(
        reverse("cases:export_pdf", args=[planned_case.pk])
    )
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="cases.export").exists()


def test_the_service_refuses_another_organisation(cases_world, planned_case):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.export_case_pdf(actor=cases_world.users["case_worker_b"], case=planned_case)
    assert not AuditEntry.objects.filter(action="cases.export").exists()


def test_no_pdf_without_re_authentication(cases_world, planned_case, settings):
    settings.TRYGG_REAUTH_ENFORCED = True
    url = reverse("cases:export_pdf", args=[planned_case.pk])
    client = client_for(cases_world.users["case_worker"])  # no authentication record
    prompt = client.get(url)
    assert prompt.status_code == 302
    assert prompt.url.startswith(reverse("account_reauthenticate"))
    assert not AuditEntry.objects.filter(action="cases.export").exists()
    wrong = client.post(prompt.url, {"password": "fel-lösenord-helt-fel"})
    assert wrong.status_code == 200
    assert not AuditEntry.objects.filter(action="cases.export").exists()
    done = client.post(prompt.url, {"password": PASSWORD})
    assert done.status_code == 302 and done.url == url
    response = client.get(url)
    assert response.status_code == 200 and bytes(response.content).startswith(b"%PDF-")
    assert AuditEntry.objects.filter(action="cases.export").count() == 1
