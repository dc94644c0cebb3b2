"""The import wizard through the test client."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from trygg.audit.models import AuditEntry
from trygg.imports import services
from trygg.imports.models import CategoryMapping, ColumnMapping, ImportJob
from trygg.incidents.models import Incident

from .conftest import assert_rollup_exact, db_state

pytestmark = pytest.mark.django_db

FILE = (
    "Störningsrapport november;;;;;\r\n"
    "Ärendenr;Datum;Tid;Typ;Beskrivning;X;Y\r\n"
    "H-1;5 mars 2025;21.30;Klotter;Klotter, ring 070-123 45 67;659510,87;6612144,08\r\n"
    "H-2;6 mars 2025;22.00;Störning;Bråk i trapphus;17,85;59,62\r\n"
    "H-3;7 mars 2025;08.00;Störning;Bråk igen;17,86;59,63\r\n"
    "Summa;;;3;;;\r\n"
).encode("cp1252")


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def upload(client, data=FILE, name="sigtunahem.csv"):
    return client.post(
        reverse("imports:start"), {"file": SimpleUploadedFile(name, data, "text/csv")}
    )


def walk_to_check(client, job):
    response = client.get(reverse("imports:columns", args=[job.pk]))
    assert response.status_code == 200
    assert "Rubrikraden är rad 2" in response.content.decode()
    response = client.post(
        reverse("imports:columns", args=[job.pk]),
        {
            "external_id": "Ärendenr",
            "date": "Datum",
            "time": "Tid",
            "category": "Typ",
            "description": "Beskrivning",
            "x": "X",
            "y": "Y",
        },
    )
    assert response.url == reverse("imports:categories", args=[job.pk])
    page = client.get(response.url).content.decode()
    assert "Störning" in page
    response = client.post(
        reverse("imports:categories", args=[job.pk]), {"w0": "SKADA.KLOTTER", "w1": "ORDNING.BRAK"}
    )
    assert response.url == reverse("imports:check", args=[job.pk])
    return client.get(response.url)


def test_upload_map_check_and_import(world):
    reporter = world.users["reporter"]
    client = client_for(reporter)
    before = db_state()
    response = upload(client)
    job = ImportJob.objects.get()
    assert response.url == reverse("imports:columns", args=[job.pk])
    assert job.row_count == 3 and job.organisation == world.org_a
    assert "070-123" not in str(job.table)  # redacted at upload
    check = walk_to_check(client, job)
    assert check.status_code == 200
    assert "Ingenting är sparat ännu" in check.content.decode()
    assert db_state() == before  # the dry run wrote nothing
    response = client.post(reverse("imports:check", args=[job.pk]), {"mode": "all"})
    assert response.url == reverse("imports:status", args=[job.pk])
    page = client.get(response.url).content.decode()
    assert "Importen är klar" in page
    assert Incident.objects.count() == 3
    assert AuditEntry.objects.filter(action="incident.import").count() == 1
    assert_rollup_exact()
    # remembered for next time
    assert ColumnMapping.objects.get(organisation=world.org_a).mapping["category"] == "Typ"
    assert CategoryMapping.objects.get(their_word="Störning").category.code == "ORDNING.BRAK"
    # the second upload offers the remembered mapping and words
    upload(client)
    job2 = ImportJob.objects.latest("id")
    assert job2.mapping["external_id"] == "Ärendenr"
    page = client.get(reverse("imports:categories", args=[job2.pk])).content.decode()
    assert 'value="ORDNING.BRAK" selected' in page


def test_rows_with_problems_block_all_and_only_valid_gives_rejected_csv(world):
    data = FILE.replace(b"7 mars 2025", b"31/2/2025")
    client = client_for(world.users["reporter"])
    upload(client, data)
    job = ImportJob.objects.get()
    check = walk_to_check(client, job).content.decode()
    assert "Datumet 31/2/2025 finns inte." in check
    before = db_state()
    response = client.post(reverse("imports:check", args=[job.pk]), {"mode": "all"})
    assert response.status_code == 200
    assert "Det finns rader med fel" in response.content.decode()
    assert db_state() == before
    client.post(reverse("imports:check", args=[job.pk]), {"mode": "only_valid"})
    assert Incident.objects.count() == 2
    csv_text = client.get(reverse("imports:rejected", args=[job.pk])).content.decode("utf-8-sig")
    header, line = csv_text.strip().splitlines()
    assert header.startswith("Rad;Fel;Ärendenr")
    assert line.startswith("5;Datum: Datumet 31/2/2025 finns inte.;H-3")
    assert_rollup_exact()


def test_broken_upload_shows_the_message_and_creates_no_job(world):
    client = client_for(world.users["reporter"])
    response = upload(client, b"", "tom.csv")
    assert response.status_code == 200
    assert "Filen är tom." in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_another_user_cannot_see_the_job(world):
    upload(client_for(world.users["reporter"]))
    job = ImportJob.objects.get()
    for other in ("coordinator", "partnership_admin", "other_org_reporter"):
        client = client_for(world.users[other])
        for name in ("columns", "categories", "check", "status", "rejected"):
            assert client.get(reverse(f"imports:{name}", args=[job.pk])).status_code == 404
        assert job.file_name not in client.get(reverse("imports:start")).content.decode()


def test_large_file_runs_as_a_background_task(world, monkeypatch):
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 2)
    client = client_for(world.users["reporter"])
    upload(client)
    job = ImportJob.objects.get()
    check = walk_to_check(client, job).content.decode()
    assert "Felfria rader (nya eller ändrade händelser)" in check  # validated only
    response = client.post(reverse("imports:check", args=[job.pk]), {"mode": "all"})
    assert response.url == reverse("imports:status", args=[job.pk])
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE  # the test settings run tasks immediately
    assert Incident.objects.count() == 3
    assert_rollup_exact()


def test_coordinator_imports_for_another_organisation(world):
    client = client_for(world.users["coordinator"])
    page = client.get(reverse("imports:start")).content.decode()
    assert "Organisation B" in page
    client.post(
        reverse("imports:start"),
        {"file": SimpleUploadedFile("b.csv", FILE, "text/csv"), "organisation": world.org_b.pk},
    )
    assert ImportJob.objects.get().organisation == world.org_b


def test_progress_page_while_a_background_import_runs(world):
    client = client_for(world.users["reporter"])
    upload(client)
    job = ImportJob.objects.get()
    job.status = ImportJob.Status.RUNNING
    job.save()
    page = client.get(reverse("imports:status", args=[job.pk])).content.decode()
    assert "Importen pågår" in page
    assert "data-import-running" in page and "trygg/js/import.js" in page
    assert "<script>" not in page  # no inline script (CSP)
