"""`trygg archive export`: incidents (JSON + CSV), approved lägesbild versions and a
manifest with every file's SHA-256; refuses a non-empty directory; audited."""

import csv
import datetime
import hashlib
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from trygg.audit.models import AuditEntry
from trygg.audit.services import verify_all
from trygg.retention import services
from trygg.retention.models import ArchiveExport
from trygg.situation.models import SituationReport, SituationVersion
from trygg.situation.services import canonical_json, sha256


def make_version(world, start, end, key, number=1):
    report, _ = SituationReport.objects.get_or_create(
        partnership=world.p,
        period_key=key,
        defaults={"period_kind": "week", "start": start, "end": end},
    )
    snapshot = {"period": {"key": key}, "points": [], "texts": {"assessment": "Lugnt."}}
    pdf_p, pdf_v = f"%PDF-p {key}".encode(), f"%PDF-v {key}".encode()
    return SituationVersion.objects.create(
        report=report,
        number=number,
        approved_by=world.users["coordinator"],
        approved_at=timezone.now(),
        snapshot=snapshot,
        snapshot_sha256=sha256(canonical_json(snapshot)),
        pdf_partnership=pdf_p,
        pdf_partnership_sha256=sha256(pdf_p),
        pdf_viewer=pdf_v,
        pdf_viewer_sha256=sha256(pdf_v),
    )


def file_sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_export_writes_incidents_versions_and_manifest(aged, tmp_path):
    world = aged.world
    before = aged.today - datetime.timedelta(days=365 * 2)
    old = make_version(world, datetime.date(2022, 3, 7), datetime.date(2022, 3, 13), "2022-W10")
    make_version(world, aged.today - datetime.timedelta(days=20), aged.today, "recent")
    out = tmp_path / "arkiv" / "2024"
    export = services.export_archive(partnership=world.p, before=before, out_dir=out)

    expected = {aged.old6.pk, aged.old3.pk, aged.edge.pk, aged.withdrawn.pk}
    expected.add(aged.police_incident.pk)
    rows = json.loads((out / "incidents.json").read_text(encoding="utf-8"))
    assert {r["id"] for r in rows} == expected
    old6 = next(r for r in rows if r["id"] == aged.old6.pk)
    assert old6["description"] == aged.old6.description
    assert old6["lat"] == aged.old6.lat and old6["people_count"] == 4
    assert old6["recipients"] == ["analyst@a.example"]
    assert old6["revisions"][0]["reason"] and old6["questions"][0]["answer"]
    assert old6["place_class"] == "semi_public" and old6["area_code"] == "0191"
    with open(out / "incidents.csv", encoding="utf-8", newline="") as f:
        csv_rows = list(csv.DictReader(f))
    assert {int(r["id"]) for r in csv_rows} == expected
    assert {r["description"] for r in csv_rows} >= {aged.old6.description}

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["partnership"] == "p" and manifest["before"] == before.isoformat()
    assert manifest["incidents"] == 5
    assert manifest["incident_ids"] == [min(expected), max(expected)]
    paths = {f["path"] for f in manifest["files"]}
    assert paths == {
        "incidents.json",
        "incidents.csv",
        "lagesbilder/2022-W10-v1.snapshot.json",
        "lagesbilder/2022-W10-v1.samverkan.pdf",
        "lagesbilder/2022-W10-v1.oversikt.pdf",
    }
    for f in manifest["files"]:
        assert file_sha(out / f["path"]) == f["sha256"]
        assert (out / f["path"]).stat().st_size == f["bytes"]
    # The snapshot file is the stored snapshot, byte for byte as its stored SHA-256 says.
    assert file_sha(out / "lagesbilder/2022-W10-v1.snapshot.json") == old.snapshot_sha256
    assert file_sha(out / "lagesbilder/2022-W10-v1.samverkan.pdf") == old.pdf_partnership_sha256
    assert file_sha(out / "manifest.json") == export.manifest_sha256

    assert (export.incidents, export.versions, export.before) == (5, 1, before)
    entry = AuditEntry.objects.filter(action="retention.archive_export").get()
    assert entry.partnership_id == world.p.pk
    assert entry.data["manifest_sha256"] == export.manifest_sha256
    assert entry.data["incident_ids"] == [min(expected), max(expected)]
    assert all(r.ok for r in verify_all())


def test_export_leaves_out_tombstones(aged, tmp_path):
    services.apply_retention(aged.world.p, archive_check=False)
    services.export_archive(partnership=aged.world.p, before=aged.today, out_dir=tmp_path / "x")
    ids = {r["id"] for r in json.loads((tmp_path / "x" / "incidents.json").read_text())}
    assert aged.old6.pk not in ids and aged.old3.pk in ids and aged.recent.pk in ids
    assert aged.other.pk not in ids


def test_empty_export_is_valid(world, tmp_path):
    export = services.export_archive(
        partnership=world.p, before=datetime.date(2000, 1, 1), out_dir=tmp_path / "e"
    )
    assert export.incidents == 0
    assert json.loads((tmp_path / "e" / "incidents.json").read_text()) == []


def test_refuses_a_non_empty_directory(aged, tmp_path):
    (tmp_path / "old.txt").write_text("kvar")
    with pytest.raises(services.ArchiveError, match="inte tom"):
        services.export_archive(partnership=aged.world.p, before=aged.today, out_dir=tmp_path)
    assert (tmp_path / "old.txt").read_text() == "kvar"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.txt"]
    a_file = tmp_path / "old.txt"
    with pytest.raises(services.ArchiveError):
        services.export_archive(partnership=aged.world.p, before=aged.today, out_dir=a_file)
    assert not ArchiveExport.objects.exists()
    assert not AuditEntry.objects.filter(action="retention.archive_export").exists()


def test_an_existing_empty_directory_is_used(aged, tmp_path):
    (tmp_path / "tom").mkdir()
    services.export_archive(partnership=aged.world.p, before=aged.today, out_dir=tmp_path / "tom")
    assert (tmp_path / "tom" / "manifest.json").exists()


def test_command(aged, tmp_path):
    out = StringIO()
    call_command(
        "archive",
        "export",
        "--partnership",
        "p",
        "--before",
        aged.today.isoformat(),
        "--out",
        str(tmp_path / "c"),
        stdout=out,
    )
    assert "p: 6 händelser och 0 fastställda lägesbilder" in out.getvalue()
    with pytest.raises(CommandError, match="inte tom"):
        call_command(
            "archive",
            "export",
            "--partnership",
            "p",
            "--before",
            aged.today.isoformat(),
            "--out",
            str(tmp_path / "c"),
        )


@pytest.mark.parametrize("bad", ["2024-02-30", "igår", ""])
def test_command_refuses_bad_dates(aged, tmp_path, bad):
    with pytest.raises(CommandError, match="ÅÅÅÅ-MM-DD"):
        call_command(
            "archive", "export", "--partnership", "p", "--before", bad, "--out", str(tmp_path)
        )
    assert not any(tmp_path.iterdir())


def test_command_refuses_unknown_partnership(aged, tmp_path):
    with pytest.raises(CommandError, match="ingen samverkan"):
        call_command(
            "archive",
            "export",
            "--partnership",
            "nope",
            "--before",
            "2024-01-01",
            "--out",
            str(tmp_path / "n"),
        )
    assert not (tmp_path / "n").exists()
