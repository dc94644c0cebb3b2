"""`trygg retention apply`: texts and exact places cleared after the text limit, tombstones
after the tombstone limit, counts exact, audited, idempotent, guarded by the archive."""

import datetime
from io import StringIO

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from trygg.audit.models import AuditEntry
from trygg.audit.services import verify_all
from trygg.feeds.models import PoliceEvent
from trygg.incidents import rollup
from trygg.incidents.models import Incident, IncidentRevision, ReporterQuestion
from trygg.retention import services
from trygg.retention.models import ArchiveExport, IncidentRetention


def state():
    """Everything retention may touch, as plain values."""
    return (
        list(Incident.objects.order_by("pk").values()),
        list(IncidentRevision.objects.order_by("pk").values()),
        list(ReporterQuestion.objects.order_by("pk").values()),
        sorted(Incident.recipients.through.objects.values_list("incident_id", "user_id")),
        list(PoliceEvent.objects.order_by("pk").values()),
        list(IncidentRetention.objects.order_by("pk").values()),
    )


def rollup_key(incident):
    incident.refresh_from_db()
    return rollup.key_of(incident)


def test_apply_clears_texts_and_makes_tombstones_with_exact_counts(aged):
    p = aged.world.p
    stored_before = rollup.stored_counts()
    keys_before = {i.pk: rollup.key_of(i) for i in Incident.objects.all()}
    key_fields_before = {
        i.pk: (i.area_id, i.category_id, i.organisation_id, i.source, i.place_type, i.age_group)
        for i in Incident.objects.all()
    }

    result = services.apply_retention(p, archive_check=False)

    cleared = {aged.old6.pk, aged.old3.pk, aged.edge.pk, aged.withdrawn.pk}
    cleared.add(aged.police_incident.pk)
    assert set(result.cleared) == cleared
    assert result.tombstoned == [aged.old6.pk]
    assert result.police_events == [aged.police_event.pk]

    # Counts stay exact: the stored rollup is unchanged and equals a direct count.
    assert rollup.stored_counts() == stored_before == rollup.direct_counts()
    for incident in Incident.objects.all():
        assert rollup.key_of(incident) == keys_before[incident.pk]
        assert (
            incident.area_id,
            incident.category_id,
            incident.organisation_id,
            incident.source,
            incident.place_type,
            incident.age_group,
        ) == key_fields_before[incident.pk]

    for pk in cleared:
        incident = Incident.objects.get(pk=pk)
        assert (incident.description, incident.police_reference) == ("", "")
        assert (incident.lat, incident.lon) == (None, None)
        assert incident.withdrawn_reason == ""
        assert incident.area_id is not None
        for revision in incident.revisions.all():
            for name in ("description", "lat", "lon"):
                assert revision.changes[name] == [None, None]
            assert revision.changes["category"] == ["ORDNING.BRAK", "VALD.HOT"]
            assert revision.reason == ""
        assert IncidentRetention.objects.get(incident=incident).texts_cleared_at is not None

    # Text stage only: time of day and people are still there.
    old3 = Incident.objects.get(pk=aged.old3.pk)
    assert old3.occurred_from is not None and old3.time_bucket == "evening"
    assert old3.people_count == 4 and old3.reported_by_id is not None
    assert old3.recipients.exists()
    question = old3.questions.get()
    assert (question.question, question.answer) == ("", "")
    assert old3.revisions.get().changes["people_count"] == [3, 4]
    assert IncidentRetention.objects.get(incident=old3).tombstoned_at is None

    # Tombstone: only the rollup's key (and the label, status, flags) is left.
    old6 = Incident.objects.get(pk=aged.old6.pk)
    assert (old6.occurred_from, old6.occurred_to, old6.time_bucket) == (None, None, "")
    assert (old6.people_count, old6.reported_by_id) == (None, None)
    assert not old6.recipients.exists()
    assert not old6.questions.exists()
    revision = old6.revisions.get()
    assert revision.changed_by_id is None
    assert revision.changes["time_bucket"] == [None, None]
    assert revision.changes["people_count"] == [None, None]
    assert IncidentRetention.objects.get(incident=old6).is_tombstone
    assert old6.occurred_date == aged.old6.occurred_date

    # Untouched: the incident at the limit, the other partnership, recent police events.
    recent = Incident.objects.get(pk=aged.recent.pk)
    assert recent.description and recent.lat is not None
    assert recent.revisions.get().reason
    other = Incident.objects.get(pk=aged.other.pk)
    assert other.description and other.people_count == 4
    event = PoliceEvent.objects.get(pk=aged.police_event.pk)
    assert (event.body, event.summary) == ("", "")
    assert event.name == "Misshandel, Sigtuna"
    assert PoliceEvent.objects.get(pk=aged.recent_event.pk).body

    entry = AuditEntry.objects.filter(action="retention.apply").get()
    assert entry.partnership_id == p.pk
    assert entry.data["texts_cleared"] == 5
    assert entry.data["texts_cleared_ids"] == [min(cleared), max(cleared)]
    assert entry.data["tombstoned"] == 1
    assert entry.data["tombstoned_ids"] == [aged.old6.pk, aged.old6.pk]
    assert entry.data["police_events_cleared"] == 1
    assert entry.data["archive_check"] is False
    assert all(r.ok for r in verify_all())


def test_second_run_changes_nothing_and_says_so(aged):
    services.apply_retention(aged.world.p, archive_check=False)
    before = state()
    entries = AuditEntry.objects.count()
    result = services.apply_retention(aged.world.p, archive_check=False)
    assert not result.changed
    assert state() == before
    assert AuditEntry.objects.count() == entries
    out = StringIO()
    call_command("retention", "apply", "--partnership", "p", stdout=out)
    assert "p: inget att gallra" in out.getvalue()


def test_dry_run_changes_nothing(aged):
    before = state()
    entries = AuditEntry.objects.count()
    result = services.apply_retention(aged.world.p, dry_run=True, archive_check=False)
    assert len(result.cleared) == 5 and result.tombstoned == [aged.old6.pk]
    assert state() == before
    assert AuditEntry.objects.count() == entries
    out = StringIO()
    call_command(
        "retention", "apply", "--partnership", "p", "--dry-run", "--no-archive-check", stdout=out
    )
    assert "skulle ändras" in out.getvalue()
    assert "för 5 händelser" in out.getvalue()
    assert state() == before


def test_text_stage_then_tombstone_stage_years_later(aged):
    p = aged.world.p
    earlier = aged.today - relativedelta(months=24)
    first = services.apply_retention(p, today=earlier, archive_check=False)
    # 24 months ago, old6 was 48 months old: texts only; old3 was 12 months old: untouched.
    assert first.cleared == [aged.old6.pk] and first.tombstoned == []
    assert not IncidentRetention.objects.get(incident=aged.old6).is_tombstone
    second = services.apply_retention(p, archive_check=False)
    assert second.tombstoned == [aged.old6.pk]
    assert aged.old6.pk not in second.cleared
    assert IncidentRetention.objects.get(incident=aged.old6).is_tombstone
    assert rollup.stored_counts() == rollup.direct_counts()


def test_policy_decides_the_limits(aged):
    services.set_policy(
        actor=None, partnership=aged.world.p, text_months=48, tombstone_months=48, audit_months=120
    )
    result = services.apply_retention(aged.world.p, archive_check=False)
    assert result.cleared == [aged.old6.pk] == result.tombstoned


def test_future_today_is_refused(aged):
    with pytest.raises(ValidationError):
        services.apply_retention(
            aged.world.p, today=timezone.localdate() + datetime.timedelta(days=1)
        )
    with pytest.raises(CommandError, match="framtiden"):
        call_command("retention", "apply", "--today", "2999-01-01", "--no-archive-check")


@pytest.mark.parametrize("bad", ["2026-13-01", "idag", "01/02/2026", ""])
def test_bad_today_is_refused(aged, bad):
    before = state()
    with pytest.raises(CommandError, match="ÅÅÅÅ-MM-DD"):
        call_command("retention", "apply", "--today", bad, "--no-archive-check")
    assert state() == before


def test_unknown_partnership(aged):
    with pytest.raises(CommandError, match="ingen samverkan"):
        call_command("retention", "apply", "--partnership", "finns-inte")


# --- the archive check ---------------------------------------------------------------


def test_refuses_without_an_archive_export(aged):
    before = state()
    with pytest.raises(services.ArchiveMissing, match="trygg archive export"):
        services.apply_retention(aged.world.p)
    assert state() == before
    err = StringIO()
    with pytest.raises(CommandError, match="kördes inte för: p"):
        call_command("retention", "apply", stderr=err, stdout=StringIO())
    assert "Ingen arkivexport" in err.getvalue()
    assert state() == before


def test_runs_with_a_covering_export(aged, tmp_path):
    p = aged.world.p
    text_cutoff, _ = services.cutoffs(services.policy_for(p), aged.today)
    export = services.export_archive(partnership=p, before=text_cutoff, out_dir=tmp_path / "a")
    result = services.apply_retention(p)
    assert result.archive_export_id == export.pk
    assert len(result.cleared) == 5
    entry = AuditEntry.objects.filter(action="retention.apply").get()
    assert entry.data["archive_export"] == export.pk and entry.data["archive_check"] is True


def test_export_before_the_cutoff_does_not_cover(aged, tmp_path):
    p = aged.world.p
    text_cutoff, _ = services.cutoffs(services.policy_for(p), aged.today)
    services.export_archive(
        partnership=p, before=text_cutoff - datetime.timedelta(days=1), out_dir=tmp_path / "a"
    )
    with pytest.raises(services.ArchiveMissing):
        services.apply_retention(p)


def test_incident_changed_after_the_export_is_not_covered(aged, tmp_path):
    p = aged.world.p
    text_cutoff, _ = services.cutoffs(services.policy_for(p), aged.today)
    services.export_archive(partnership=p, before=text_cutoff, out_dir=tmp_path / "a")
    aged.old3.description = "Ändrad efter exporten."
    aged.old3.save()
    with pytest.raises(services.ArchiveMissing):
        services.apply_retention(p)
    # Another partnership's export never covers this one.
    services.export_archive(partnership=aged.world.q, before=aged.today, out_dir=tmp_path / "q")
    with pytest.raises(services.ArchiveMissing):
        services.apply_retention(p)
    services.export_archive(partnership=p, before=text_cutoff, out_dir=tmp_path / "b")
    assert len(services.apply_retention(p).cleared) == 5
    assert ArchiveExport.objects.filter(partnership=p).count() == 2


def test_nothing_to_do_needs_no_archive(world):
    result = services.apply_retention(world.p)
    assert not result.changed


def test_a_failing_run_changes_nothing(aged, monkeypatch):
    """One transaction per partnership: if the audit entry fails, nothing is cleared."""
    before = state()

    def broken(*args, **kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services, "record", broken)
    with pytest.raises(RuntimeError):
        services.apply_retention(aged.world.p, archive_check=False)
    assert state() == before
