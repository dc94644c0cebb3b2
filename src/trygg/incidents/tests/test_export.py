"""Exports of the list's selection: CSV and XLSX, only visible rows, one audit entry each."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trygg.audit.models import AuditEntry
from trygg.incidents import export
from trygg.incidents.models import Category, Incident, Label, Source


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def add(
    world,
    description,
    *,
    organisation=None,
    label=Label.GREEN,
    category="ORDNING.BRAK",
    police_reference="",
):
    return Incident.objects.create(
        partnership=world.p,
        organisation=organisation or world.org_a,
        reported_by=world.users["reporter"],
        source=Source.MANUAL,
        category=Category.objects.get(code=category),
        occurred_date=timezone.localdate(),
        reported_at=timezone.now(),
        area=world.area_p,
        description=description,
        label=label,
        police_reference=police_reference,
        lat=59.62,
        lon=17.85,
    )


@pytest.fixture
def sample(world):
    add(world, "synlig grön")
    add(world, '=HYPERLINK("http://evil.example";"klicka")', category="VALD.HOT")
    add(world, "strikt hos B", organisation=world.org_b, label=Label.AMBER_STRICT)
    add(world, "@SUM(1+1)", police_reference="-5000")
    return world


def read_csv(response):
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


@pytest.mark.django_db
def test_csv_has_swedish_headers_bom_semicolons_and_only_visible_rows(sample):
    response = client_for(sample.users["coordinator"]).get(reverse("incidents:export_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    header = rows[0]
    assert header[:3] == ["Id", "Datum", "Från klockan"]
    assert "Beskrivning" in header and "Rapporterande organisation" in header
    descriptions = {r[header.index("Beskrivning")] for r in rows[1:]}
    assert "strikt hos B" not in descriptions
    assert len(rows) == 1 + 3
    assert rows[1][header.index("Latitud")] == "59,620000"  # Swedish decimal comma


@pytest.mark.django_db
def test_csv_guards_against_formula_injection(sample):
    rows = read_csv(client_for(sample.users["coordinator"]).get(reverse("incidents:export_csv")))
    header = rows[0]
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://evil.example";"klicka")' in cells
    assert "'@SUM(1+1)" in cells
    assert "'-5000" in cells
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "@")), cell
        assert not row[header.index("Polisens diarienummer")].startswith("-")


@pytest.mark.django_db
def test_export_follows_the_filter_and_is_audited_once(sample):
    client = client_for(sample.users["reporter"])
    hot = Category.objects.get(code="VALD.HOT")
    response = client.get(reverse("incidents:export_csv"), {"kategori": hot.pk, "sort": "datum"})
    rows = read_csv(response)
    assert len(rows) == 2
    entries = AuditEntry.objects.filter(action="incident.export")
    assert entries.count() == 1
    entry = entries.get()
    assert entry.actor_id == sample.users["reporter"].pk
    assert entry.partnership_id == sample.p.pk
    assert entry.data["rows"] == 1
    assert entry.data["format"] == "csv"
    assert entry.data["filter"] == {"kategori": str(hot.pk)}


@pytest.mark.django_db
def test_xlsx_export(sample):
    from openpyxl import load_workbook

    response = client_for(sample.users["coordinator"]).get(reverse("incidents:export_xlsx"))
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Id" and "Beskrivning" in rows[0]
    assert len(rows) == 4
    texts = {v for row in rows for v in row if isinstance(v, str)}
    assert "strikt hos B" not in texts
    assert '\'=HYPERLINK("http://evil.example";"klicka")' in texts
    assert AuditEntry.objects.get(action="incident.export").data["format"] == "xlsx"


@pytest.mark.django_db
def test_an_invalid_filter_is_not_exported(sample):
    client = client_for(sample.users["coordinator"])
    response = client.get(reverse("incidents:export_csv"), {"fran": "igår"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("incidents:list"))
    assert not AuditEntry.objects.filter(action="incident.export").exists()


@pytest.mark.django_db
def test_too_large_exports_are_refused(sample, monkeypatch):
    monkeypatch.setattr(export, "MAX_ROWS", 2)
    response = client_for(sample.users["coordinator"]).get(reverse("incidents:export_xlsx"))
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action="incident.export").exists()


@pytest.mark.django_db
def test_roles_without_details_cannot_export(sample):
    for subject in ("viewer", "auditor", "case_worker"):
        client = client_for(sample.users[subject])
        assert client.get(reverse("incidents:export_csv")).status_code == 403
        assert client.get(reverse("incidents:export_xlsx")).status_code == 403


def test_safe_text():
    assert export.safe_text("=1+1") == "'=1+1"
    assert export.safe_text("+46") == "'+46"
    assert export.safe_text("\tx") == "'\tx"
    assert export.safe_text("vanlig text") == "vanlig text"
    assert export.safe_text(-5) == -5
