"""The annual report (lag 2023:196): page and PDF, texts, approval that freezes a snapshot
and a PDF, refused edits after approval, reopening (audited), and viewers' suppression."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from trygg.agreement import services
from trygg.agreement.models import AnnualReport
from trygg.audit.models import AuditEntry
from trygg.incidents.models import Category
from trygg.work import services as work

from .conftest import make_incidents

pytestmark = pytest.mark.django_db


@pytest.fixture
def report_world(agreement_world):
    w = agreement_world
    make_incidents(
        w, [w.r1, w.r2, w.r3], n=200, start=dt.date(2024, 1, 1), end=dt.date(2025, 12, 31)
    )
    services.save_indicator(
        actor=w.coordinator,
        partnership=w.p,
        goal=w.goal,
        name="Hot i Valsta per tertial",
        kind="computed",
        categories=Category.objects.filter(code="VALD.HOT"),
        areas=[w.district],
        resolution="tertial",
        baseline_start=dt.date(2024, 1, 1),
        baseline_end=dt.date(2024, 12, 31),
        target_value="1",
    )
    action = work.create_action(
        actor=w.coordinator,
        partnership=w.p,
        title="Belysning i gångtunneln",
        type="environment",
        organisation=w.org_a,
        label="GREEN",
        goal=w.goal,
        start=dt.date(2025, 3, 1),
        end=dt.date(2025, 5, 31),
    )
    work.update_action(actor=w.coordinator, partnership=w.p, action=action, status="done")
    return w


def pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_draft_page_shows_summary_indicators_and_actions(report_world, client):
    w = report_world
    client.force_login(w.coordinator)
    body = client.get(reverse("agreement:annual", args=[2025])).content.decode()
    assert "Årsuppföljning 2025" in body and "Utkast" in body
    assert "Hot i Valsta per tertial" in body
    assert "Belysning i gångtunneln" in body
    assert "Våld och hot" in body
    client.force_login(w.users["viewer"])
    body = client.get(reverse("agreement:annual", args=[2025])).content.decode()
    assert "inte fastställd ännu" in body and "Belysning i gångtunneln" not in body
    assert client.get(reverse("agreement:annual_pdf", args=[2025])).status_code == 404


def test_approval_freezes_and_refuses_later_edits_until_reopened(report_world, client):
    w = report_world
    with pytest.raises(ValidationError) as error:
        services.approve_annual_report(actor=w.coordinator, partnership=w.p, year=2025)
    assert "Skriv samordnarens bedömning" in " ".join(error.value.messages)
    services.save_annual_texts(
        actor=w.coordinator,
        partnership=w.p,
        year=2025,
        summary="Färre hot i Valsta.",
        assessment="Arbetet går åt rätt håll.",
    )
    with pytest.raises(ValidationError):
        services.save_annual_texts(
            actor=w.users["partnership_admin"], partnership=w.p, year=2025, assessment="x"
        )
    client.force_login(w.coordinator)
    response = client.post(reverse("agreement:annual_approve", args=[2025]))
    assert response.status_code == 302
    report = AnnualReport.objects.get(year=2025)
    assert report.approved_at and report.pdf_sha256 and report.snapshot["texts"]["assessment"]
    frozen_total = report.snapshot["lagesbild"]["total"]
    # A late report does not change the approved numbers.
    make_incidents(
        w,
        [w.r1],
        n=5,
        start=dt.date(2025, 6, 1),
        end=dt.date(2025, 6, 2),
        withdrawn=0,
        duplicates=0,
    )
    report.refresh_from_db()
    assert report.snapshot["lagesbild"]["total"] == frozen_total
    with pytest.raises(ValidationError) as error:
        services.save_annual_texts(
            actor=w.coordinator, partnership=w.p, year=2025, assessment="Nytt"
        )
    assert "är fastställd och ändras inte" in " ".join(error.value.messages)
    response = client.get(reverse("agreement:annual_pdf", args=[2025]))
    assert response.status_code == 200 and bytes(response.content) == bytes(report.pdf)
    text = pdf_text(response.content)
    assert "TLP:GREEN" in text and "Årsuppföljning 2025" in text
    assert "Arbetet går åt rätt håll." in text and "Belysning i gångtunneln" in text
    assert AuditEntry.objects.filter(action="agreement.annual_pdf").count() == 1
    services.reopen_annual_report(
        actor=w.coordinator, partnership=w.p, year=2025, reason="Sena rapporter från juni."
    )
    entry = AuditEntry.objects.get(action="agreement.annual_reopen")
    assert entry.data["previous"]["pdf_sha256"] == report.pdf_sha256
    services.save_annual_texts(actor=w.coordinator, partnership=w.p, year=2025, assessment="Nytt")
    services.approve_annual_report(actor=w.coordinator, partnership=w.p, year=2025)
    report.refresh_from_db()
    assert report.snapshot["lagesbild"]["total"] == frozen_total + 5


def test_a_viewer_reads_the_approved_report_with_small_counts_hidden(report_world, client):
    w = report_world
    services.save_annual_texts(actor=w.coordinator, partnership=w.p, year=2025, assessment="Bra.")
    services.approve_annual_report(actor=w.coordinator, partnership=w.p, year=2025)
    report = AnnualReport.objects.get(year=2025)
    small = [r for r in report.snapshot["lagesbild"]["rows"] if 0 < r["count"] < 5]
    client.force_login(w.users["viewer"])
    body = client.get(reverse("agreement:annual", args=[2025])).content.decode()
    assert "Fastställd" in body and "Belysning i gångtunneln" in body
    if small:
        assert "&lt;5" in body
    response = client.get(reverse("agreement:annual_pdf", args=[2025]))
    assert response.status_code == 200
    assert "TLP:GREEN" in pdf_text(response.content)
    client.force_login(w.users["auditor"])
    assert client.get(reverse("agreement:annual", args=[2025])).status_code == 403
