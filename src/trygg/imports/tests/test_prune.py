"""Old import jobs lose their parsed rows; recent and running ones keep them."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from trygg.audit.models import AuditEntry
from trygg.imports.models import ImportJob
from trygg.imports.services import prune_jobs


def job(world, *, days_old, status=ImportJob.Status.CHECKED):
    created = ImportJob.objects.create(
        partnership=world.p,
        organisation=world.org_a,
        user=world.users["reporter"],
        file_name="fil.csv",
        row_count=1,
        table={"headers": ["Datum"], "rows": [["2025-03-05"]]},
        status=status,
    )
    ImportJob.objects.filter(pk=created.pk).update(
        updated_at=timezone.now() - dt.timedelta(days=days_old)
    )
    return created


def test_old_jobs_are_emptied_and_the_pruning_is_audited(world):
    old, recent = job(world, days_old=40), job(world, days_old=5)
    running = job(world, days_old=40, status=ImportJob.Status.RUNNING)
    assert prune_jobs(older_than_days=30) == 1
    old.refresh_from_db(), recent.refresh_from_db(), running.refresh_from_db()
    assert old.table == {} and old.row_count == 1 and old.file_name == "fil.csv"
    assert recent.table["rows"] and running.table["rows"]
    entry = AuditEntry.objects.get(action="import.prune")
    assert entry.data["jobs"] == [old.pk] and entry.partnership_id == world.p.pk
    assert prune_jobs(older_than_days=30) == 0  # nothing left to empty


def test_the_command(world):
    job(world, days_old=10)
    out = StringIO()
    call_command("imports", "prune", "--days", "7", stdout=out)
    assert "1 importer" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("imports", "prune", "--days", "0")
