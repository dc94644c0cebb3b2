"""Progress of a background import: the rows are checked in chunks and the job's progress
is stored after each one (outside the write's transaction); the status page shows it."""

import pytest
from django.test import Client
from django.urls import reverse

from trygg.imports import services
from trygg.imports.models import ImportJob
from trygg.incidents import bulk
from trygg.incidents.models import Incident

from .conftest import assert_rollup_exact
from .test_wizard import upload, walk_to_check

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def mixed_rows():
    """Valid rows, rows with problems, a point outside the municipality, an area by name,
    repeated and missing row numbers: everything the chunking could get wrong."""
    rows = []
    for n in range(1, 12):
        rows.append(
            {
                "row_number": n,
                "category": "SKADA.KLOTTER",
                "lat": 59.62,
                "lon": 17.85 + n / 10000,
                "occurred_from": f"2025-03-0{n % 9 + 1}T21:30:00",
                "description": f"Klotter nr {n}",
            }
        )
    rows[2]["lat"] = 40.0  # outside
    rows[4]["category"] = "FINNS.INTE"
    rows[5]["lat"], rows[5]["lon"] = 41.0, 2.0  # outside, and a second problem:
    rows[5]["people_count"] = "många"
    rows[7].pop("row_number")  # row number 0, twice
    rows[8].pop("row_number")
    rows[8]["lat"] = 39.0
    rows[9] = {"row_number": 10, "category": "ORDNING.BRAK", "area": "Centrum"}
    rows[9]["occurred_date"] = "2025-03-03"
    return rows


def as_comparable(result):
    cleaned, problems = result
    return cleaned, [p.as_dict() for p in problems]


def test_chunked_validation_gives_exactly_the_same_result(world):
    rows = mixed_rows()
    kwargs = {"partnership": world.p, "organisation": world.org_a}
    whole = as_comparable(bulk.validate_rows(rows=rows, chunk_size=10_000, **kwargs))
    assert len(whole[1]) >= 5
    calls = []
    for size in (1, 2, 3, 5):
        chunked = bulk.validate_rows(
            rows=rows, chunk_size=size, progress=lambda d, t: calls.append((d, t)), **kwargs
        )
        assert as_comparable(chunked) == whole, size
    assert calls[:3] == [(1, 11), (2, 11), (3, 11)]
    assert calls[-1] == (11, 11)


def test_a_background_import_stores_its_progress_while_checking(world, monkeypatch):
    client = client_for(world.users["reporter"])
    upload(client)
    job = ImportJob.objects.get()
    walk_to_check(client, job)
    job.refresh_from_db()
    job.status = ImportJob.Status.QUEUED
    job.save()
    monkeypatch.setattr(bulk, "CHECK_CHUNK", 1)
    seen = []
    report = services._report_progress

    def spy(job):
        inner = report(job)

        def call(done, total):
            inner(done, total)
            stored = ImportJob.objects.values_list("status", "progress").get(pk=job.pk)
            seen.append(stored)

        return call

    monkeypatch.setattr(services, "_report_progress", spy)
    services.run_import_job.call(job.pk)
    assert seen == [("running", 1), ("running", 2), ("running", 3)]
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.progress == job.row_count == 3
    assert Incident.objects.count() == 3
    assert_rollup_exact()


def progress_part(client, job):
    return client.get(reverse("imports:status", args=[job.pk]), {"del": "framsteg"})


def test_the_progress_part_shows_checking_then_saving(world):
    client = client_for(world.users["reporter"])
    upload(client)
    job = ImportJob.objects.get()
    job.status, job.progress = ImportJob.Status.RUNNING, 1
    job.save()
    html = progress_part(client, job).content.decode()
    assert "data-import-running" in html and "<html" not in html
    assert "Kontrollerar raderna" in html and "1 av 3 rader kontrollerade" in html
    assert 'max="3" value="1"' in html and 'aria-live="polite"' in html
    page = client.get(reverse("imports:status", args=[job.pk])).content.decode()
    assert "1 av 3 rader kontrollerade" in page and "<progress" in page
    job.progress = 3
    job.save()
    html = progress_part(client, job).content.decode()
    assert "Sparar händelserna" in html and "value=" not in html  # indeterminate
    job.status = ImportJob.Status.DONE
    job.save()
    html = progress_part(client, job).content.decode()
    assert "data-import-running" not in html  # import.js then reloads to show the result


def test_the_progress_part_is_404_for_others(world):
    upload(client_for(world.users["reporter"]))
    job = ImportJob.objects.get()
    job.status = ImportJob.Status.RUNNING
    job.save()
    for subject in ("coordinator", "other_org_reporter"):  # may import, but not this job
        assert progress_part(client_for(world.users[subject]), job).status_code == 404
    assert progress_part(client_for(world.users["analyst"]), job).status_code == 403
    assert progress_part(Client(), job).status_code == 302  # to the login page
