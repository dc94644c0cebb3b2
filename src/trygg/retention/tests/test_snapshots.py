"""Approved lägesbild snapshots: point layers coarsened to the leaf area once their
incidents pass the text limit; numbers and texts unchanged; hashes renewed; audited."""

import copy
import random

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from trygg.audit.models import AuditEntry
from trygg.audit.services import verify_all
from trygg.geo.models import Area
from trygg.geo.services import setup_sigtuna_demo_geography
from trygg.incidents import rollup
from trygg.incidents.models import Label
from trygg.retention import services
from trygg.retention.models import SnapshotRetention
from trygg.situation import services as situation_services
from trygg.situation.models import SituationVersion
from trygg.situation.periods import Period
from trygg.situation.services import canonical_json, sha256
from trygg.situation.tests.conftest import add_incidents, random_positions


def without_positions(snapshot):
    """The snapshot with every point's position (and coarsening mark) left out."""
    copied = copy.deepcopy(snapshot)
    for point in copied.get("points", []):
        for key in ("lat", "lon", "coarsened"):
            point.pop(key, None)
    return copied


@pytest.fixture
def approved(world):
    setup_sigtuna_demo_geography(actor=None, partnership=world.p)
    regso = list(Area.objects.filter(partnership=world.p, kind=Area.Kind.REGSO).order_by("pk"))
    today = timezone.localdate()
    old_week = Period.containing("week", today - relativedelta(months=36))
    new_week = Period.containing("week", today - relativedelta(months=2))
    rng = random.Random(7)
    old_points = add_incidents(
        world, area=regso[0], day=old_week.start, n=3, positions=random_positions(regso[0], 3, rng)
    )
    old_points += add_incidents(
        world,
        area=regso[1],
        day=old_week.start,
        label=Label.AMBER,
        positions=random_positions(regso[1], 1, rng),
    )
    new_points = add_incidents(world, area=regso[0], day=new_week.start, n=2)
    rollup.rebuild([world.p.pk])
    coordinator = world.users["coordinator"]
    world.old_version = situation_services.approve(
        actor=coordinator, partnership=world.p, period=old_week
    )
    world.approve_new = lambda: situation_services.approve(
        actor=coordinator, partnership=world.p, period=new_week
    )
    world.old_points, world.new_points, world.regso = old_points, new_points, regso
    return world


def test_points_are_coarsened_and_everything_else_stays(approved):
    old = SituationVersion.objects.get(pk=approved.old_version.pk)
    before_snapshot = copy.deepcopy(old.snapshot)
    before_viewer = bytes(old.pdf_viewer)
    new_before = approved.approve_new()
    assert len(before_snapshot["points"]) == 4

    result = services.apply_retention(approved.p, archive_check=False)

    assert [s["version"] for s in result.snapshots] == [old.pk]
    old.refresh_from_db()
    assert without_positions(old.snapshot) == without_positions(before_snapshot)
    for point in old.snapshot["points"]:
        assert point["coarsened"] is True
        area = approved.regso[0] if point["id"] != approved.old_points[-1].pk else approved.regso[1]
        expected = services._area_points([area.pk])[area.pk]
        assert (point["lat"], point["lon"]) == expected
        original = next(p for p in before_snapshot["points"] if p["id"] == point["id"])
        assert (point["lat"], point["lon"]) != (original["lat"], original["lon"])
    assert old.snapshot_sha256 == sha256(canonical_json(old.snapshot))
    assert old.snapshot_sha256 != approved.old_version.snapshot_sha256
    # The partnership PDF shows GREEN points: re-rendered; the viewer PDF shows none.
    assert old.pdf_partnership_sha256 == sha256(bytes(old.pdf_partnership))
    assert old.pdf_partnership_sha256 != approved.old_version.pdf_partnership_sha256
    assert bytes(old.pdf_viewer) == before_viewer
    # The recent version is untouched.
    new = SituationVersion.objects.get(pk=new_before.pk)
    assert new.snapshot == new_before.snapshot
    assert new.snapshot_sha256 == new_before.snapshot_sha256

    marker = SnapshotRetention.objects.get(version=old)
    assert marker.complete and marker.points == 4
    entry = AuditEntry.objects.filter(action="retention.snapshot_coarsen").get()
    assert entry.object_id == str(old.pk)
    assert entry.data["before"]["snapshot_sha256"] == approved.old_version.snapshot_sha256
    assert entry.data["after"]["snapshot_sha256"] == old.snapshot_sha256
    assert entry.data["pdf_rendered"] is True
    assert all(r.ok for r in verify_all())

    again = services.apply_retention(approved.p, archive_check=False)
    assert not again.changed
    assert SituationVersion.objects.get(pk=old.pk).snapshot_sha256 == old.snapshot_sha256


def test_dry_run_names_the_version_but_changes_nothing(approved):
    old = SituationVersion.objects.get(pk=approved.old_version.pk)
    result = services.apply_retention(approved.p, dry_run=True, archive_check=False)
    assert [(s["version"], s["points"]) for s in result.snapshots] == [(old.pk, 4)]
    fresh = SituationVersion.objects.get(pk=old.pk)
    assert fresh.snapshot == old.snapshot and fresh.snapshot_sha256 == old.snapshot_sha256
    assert not SnapshotRetention.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="retention.").exists()


def test_pdf_kept_when_no_shown_point_is_coarsened(approved):
    """Only the AMBER point passed the limit: the partnership PDF does not show it."""
    from trygg.retention.models import IncidentRetention

    old = SituationVersion.objects.get(pk=approved.old_version.pk)
    amber = approved.old_points[-1]
    IncidentRetention.objects.create(
        incident=amber, partnership=approved.p, texts_cleared_at=timezone.now()
    )
    changed = services._coarsen_snapshots(approved.p, dry_run=False)
    assert [(c["version"], c["points"]) for c in changed] == [(old.pk, 1)]
    fresh = SituationVersion.objects.get(pk=old.pk)
    assert bytes(fresh.pdf_partnership) == bytes(old.pdf_partnership)
    assert fresh.snapshot_sha256 != old.snapshot_sha256
    marker = SnapshotRetention.objects.get(version=old)
    assert not marker.complete and marker.points == 1
    # The rest follow in a later run, and the version is then complete.
    services.apply_retention(approved.p, archive_check=False)
    marker.refresh_from_db()
    assert marker.complete and marker.points == 4 and len(marker.history) == 2
