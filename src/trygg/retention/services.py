"""Retention and archiving (DESIGN.md §5, issue 7 §3; operator notes in
docs/drift/retention.md).

- :func:`set_policy`: a partnership's retention policy (validated, audited).
- :func:`apply_retention`: clears texts and exact places of incidents older than the text
  limit, and turns incidents older than the tombstone limit into statistics-only
  tombstones; every field of the rollup's key stays, so counts stay exact.
- :func:`export_archive`: writes what the records rules keep before purging.

An incident's age is its local date (``occurred_date``); an incident is "older than N
months" when its date is before ``today`` minus N calendar months (the cut-off).
"""

import csv
import datetime
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.audit.services import record
from trygg.core.models import Role
from trygg.feeds.models import PoliceEvent
from trygg.incidents.models import Incident, IncidentRevision, ReporterQuestion

from .models import (
    DEFAULT_AUDIT_MONTHS,
    DEFAULT_TEXT_MONTHS,
    DEFAULT_TOMBSTONE_MONTHS,
    ArchiveExport,
    IncidentRetention,
    RetentionPolicy,
)

# The lägesbild's analysis windows reach 17 weeks back and a tertial; texts must outlive them.
MIN_TEXT_MONTHS = 6
MAX_MONTHS = 1200
MIN_AUDIT_MONTHS = 12
BATCH = 1000

# What the text stage clears on an incident, and on its revisions (old and new values).
TEXT_FIELDS = {"description": "", "police_reference": "", "lat": None, "lon": None}
TEXT_EXTRA_FIELDS = {"withdrawn_reason": ""}
# What the tombstone stage clears in addition. Everything in the rollup's key stays:
# partnership, area, category, organisation, source, place_type, age_group, occurred_date.
TOMBSTONE_FIELDS = {
    "occurred_from": None,
    "occurred_to": None,
    "time_bucket": "",
    "people_count": None,
    "reported_by": None,
}
KEY_FIELDS = (
    "partnership_id",
    "area_id",
    "category_id",
    "organisation_id",
    "source",
    "place_type",
    "age_group",
    "occurred_date",
)


# --- policy -------------------------------------------------------------------------


def policy_for(partnership):
    """The partnership's policy (the defaults, unsaved, when none was set)."""
    try:
        return partnership.retention_policy
    except RetentionPolicy.DoesNotExist:
        return RetentionPolicy(
            partnership=partnership,
            text_months=DEFAULT_TEXT_MONTHS,
            tombstone_months=DEFAULT_TOMBSTONE_MONTHS,
            audit_months=DEFAULT_AUDIT_MONTHS,
        )


def _months(name, value, minimum):
    try:
        months = int(value)
    except (TypeError, ValueError):
        raise ValidationError({name: _("Ange ett helt antal månader.")}) from None
    if isinstance(value, bool) or str(months) != str(value).strip():
        raise ValidationError({name: _("Ange ett helt antal månader.")})
    if not minimum <= months <= MAX_MONTHS:
        raise ValidationError(
            {
                name: _("Ange mellan %(min)d och %(max)d månader.")
                % {"min": minimum, "max": MAX_MONTHS}
            }
        )
    return months


@transaction.atomic
def set_policy(
    *, actor, partnership, text_months, tombstone_months, audit_months, request=None, now=None
):
    """Set the partnership's retention policy. Only its partnership admin may (``actor``
    None is the operator, from a management command)."""
    from trygg.incidents.visibility import membership_for

    if actor is not None:
        membership = membership_for(actor, partnership)
        if membership is None or membership.role != Role.PARTNERSHIP_ADMIN:
            raise PermissionDenied(_("Bara samverkansadministratören kan ändra gallringsregler."))
    text = _months("text_months", text_months, MIN_TEXT_MONTHS)
    tombstone = _months("tombstone_months", tombstone_months, MIN_TEXT_MONTHS)
    audit = _months("audit_months", audit_months, MIN_AUDIT_MONTHS)
    if tombstone < text:
        raise ValidationError(
            {
                "tombstone_months": _(
                    "Händelser kan bli enbart statistik tidigast när fritexten gallras."
                )
            }
        )
    policy = RetentionPolicy.objects.select_for_update().filter(partnership=partnership).first()
    before = (
        {
            "text_months": policy.text_months,
            "tombstone_months": policy.tombstone_months,
            "audit_months": policy.audit_months,
        }
        if policy
        else None
    )
    policy = policy or RetentionPolicy(partnership=partnership)
    policy.text_months, policy.tombstone_months, policy.audit_months = text, tombstone, audit
    policy.updated_by = actor
    policy.updated_at = now or timezone.now()
    policy.save()
    partnership.retention_policy = policy
    record(
        "retention.policy",
        actor=actor,
        partnership=partnership,
        obj=policy,
        request=request,
        data={
            "before": before,
            "after": {"text_months": text, "tombstone_months": tombstone, "audit_months": audit},
        },
    )
    return policy


def cutoffs(policy, today):
    """(text cut-off, tombstone cut-off): incidents dated before them are past the limit."""
    return (
        today - relativedelta(months=policy.text_months),
        today - relativedelta(months=policy.tombstone_months),
    )


# --- apply --------------------------------------------------------------------------


@dataclass
class RetentionResult:
    partnership: object
    today: datetime.date
    text_cutoff: datetime.date
    tombstone_cutoff: datetime.date
    dry_run: bool
    cleared: list = field(default_factory=list)
    tombstoned: list = field(default_factory=list)
    police_events: list = field(default_factory=list)
    snapshots: list = field(default_factory=list)
    archive_export_id: int | None = None

    @property
    def changed(self):
        return bool(self.cleared or self.tombstoned or self.police_events or self.snapshots)

    def summary(self):
        return {
            "today": self.today.isoformat(),
            "text_cutoff": self.text_cutoff.isoformat(),
            "tombstone_cutoff": self.tombstone_cutoff.isoformat(),
            "texts_cleared": len(self.cleared),
            "texts_cleared_ids": _id_range(self.cleared),
            "tombstoned": len(self.tombstoned),
            "tombstoned_ids": _id_range(self.tombstoned),
            "police_events_cleared": len(self.police_events),
            "police_event_ids": _id_range(self.police_events),
            "snapshots_coarsened": self.snapshots,
            "archive_export": self.archive_export_id,
        }


class ArchiveMissing(Exception):
    """No recorded archive export covers what a retention run would change."""


def _id_range(ids):
    return [min(ids), max(ids)] if ids else None


def _chunks(ids, size=BATCH):
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def pending(partnership, today):
    """(policy, text cut-off, tombstone cut-off, ids to clear, ids to tombstone, police
    event ids to clear) for a run on ``today``."""
    policy = policy_for(partnership)
    text_cutoff, tombstone_cutoff = cutoffs(policy, today)
    incidents = Incident.objects.filter(partnership=partnership)
    to_clear = list(
        incidents.filter(occurred_date__lt=text_cutoff, retention__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    to_tombstone = list(
        incidents.filter(occurred_date__lt=tombstone_cutoff)
        .filter(Q(retention__isnull=True) | Q(retention__tombstoned_at__isnull=True))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    police = list(
        PoliceEvent.objects.filter(partnership=partnership, occurred_date__lt=text_cutoff)
        .exclude(body="", summary="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return policy, text_cutoff, tombstone_cutoff, to_clear, to_tombstone, police


def covering_export(partnership, cutoff, incident_ids):
    """The archive export that covers a run changing ``incident_ids`` with ``cutoff``, or
    None. The rule: the export's ``before`` is on or after the cut-off (it holds every
    incident dated before it that was not yet a tombstone), and it was written after the
    last change of every incident the run changes (so none of them changed or arrived,
    e.g. by a late import of old events, after it was exported)."""
    if not incident_ids:
        return None
    exports = ArchiveExport.objects.filter(partnership=partnership, before__gte=cutoff)
    latest = exports.order_by("-exported_at", "-pk").first()
    if latest is None:
        return None
    last_change = Incident.objects.filter(pk__in=incident_ids).aggregate(m=Max("updated_at"))["m"]
    if last_change is not None and last_change > latest.exported_at:
        return None
    return latest


def _blank_revisions(incident_ids, fields, *, clear_reason=False, clear_actor=False):
    for chunk in _chunks(incident_ids):
        revisions = list(IncidentRevision.objects.filter(incident_id__in=chunk))
        changed = []
        for revision in revisions:
            changes = dict(revision.changes or {})
            touched = False
            for name in fields:
                if name in changes and changes[name] != [None, None]:
                    changes[name] = [None, None]
                    touched = True
            if clear_reason and revision.reason:
                revision.reason = ""
                touched = True
            if clear_actor and revision.changed_by_id is not None:
                revision.changed_by = None
                touched = True
            if touched:
                revision.changes = changes
                changed.append(revision)
        IncidentRevision.objects.bulk_update(changed, ["changes", "reason", "changed_by"])


def _clear_texts(ids, now):
    for chunk in _chunks(ids):
        Incident.objects.filter(pk__in=chunk).update(**TEXT_FIELDS, **TEXT_EXTRA_FIELDS)
        ReporterQuestion.objects.filter(incident_id__in=chunk).update(question="", answer="")
    _blank_revisions(ids, TEXT_FIELDS, clear_reason=True)
    for chunk in _chunks(ids):
        IncidentRetention.objects.bulk_create(
            [
                IncidentRetention(incident_id=pk, partnership_id=p_id, texts_cleared_at=now)
                for pk, p_id in Incident.objects.filter(pk__in=chunk).values_list(
                    "pk", "partnership_id"
                )
            ]
        )


def _tombstone(ids, now):
    for chunk in _chunks(ids):
        Incident.objects.filter(pk__in=chunk).update(**TOMBSTONE_FIELDS)
        Incident.recipients.through.objects.filter(incident_id__in=chunk).delete()
        # A question names the person who asked it; a tombstone keeps no people.
        ReporterQuestion.objects.filter(incident_id__in=chunk).delete()
        IncidentRetention.objects.filter(incident_id__in=chunk).update(tombstoned_at=now)
    _blank_revisions(ids, TOMBSTONE_FIELDS, clear_actor=True)


def apply_retention(
    partnership, *, today=None, dry_run=False, archive_check=True, actor=None, now=None
):
    """Apply the partnership's policy as of ``today`` in one transaction, with one audit
    entry. Idempotent: a second run finds nothing to do (and writes no entry)."""
    now = now or timezone.now()
    real_today = timezone.localdate(now)
    today = today or real_today
    if today > real_today:
        raise ValidationError(_("Datumet får inte ligga i framtiden."))
    with transaction.atomic():
        policy, text_cutoff, tombstone_cutoff, to_clear, to_tombstone, police = pending(
            partnership, today
        )
        result = RetentionResult(
            partnership=partnership,
            today=today,
            text_cutoff=text_cutoff,
            tombstone_cutoff=tombstone_cutoff,
            dry_run=dry_run,
            cleared=to_clear,
            tombstoned=to_tombstone,
            police_events=police,
        )
        changing = sorted(set(to_clear) | set(to_tombstone))
        if archive_check and changing:
            export = covering_export(partnership, text_cutoff, changing)
            if export is None:
                raise ArchiveMissing(
                    _(
                        "Ingen arkivexport täcker brytdatumet %(date)s; kör `trygg archive "
                        "export --partnership %(slug)s --before %(date)s` först."
                    )
                    % {"date": text_cutoff.isoformat(), "slug": partnership.slug}
                )
            result.archive_export_id = export.pk
        if dry_run:
            result.snapshots = _coarsen_snapshots(
                partnership, dry_run=True, also_cleared=set(to_clear)
            )
            return result
        _clear_texts(to_clear, now)
        _tombstone(to_tombstone, now)
        for chunk in _chunks(police):
            PoliceEvent.objects.filter(pk__in=chunk).update(body="", summary="")
        result.snapshots = _coarsen_snapshots(partnership, dry_run=False, now=now)
        if result.changed:
            record(
                "retention.apply",
                actor=actor,
                partnership=partnership,
                data={
                    **result.summary(),
                    "policy": {
                        "text_months": policy.text_months,
                        "tombstone_months": policy.tombstone_months,
                    },
                    "archive_check": archive_check,
                },
            )
    return result


def _area_points(area_ids):
    """{area id: (lat, lon)}: a point inside each area (its representative point), the
    coarse position a point keeps once its incident's exact place is gone."""
    from shapely.geometry import shape

    from trygg.geo.models import Area

    found = {}
    for pk, geometry in Area.objects.filter(pk__in=area_ids).values_list("pk", "geometry"):
        if geometry:
            point = shape(geometry).representative_point()
            found[pk] = (round(point.y, 6), round(point.x, 6))
    return found


def _coarsen_snapshots(partnership, *, dry_run, now=None, also_cleared=frozenset()):
    """Coarsen the point layers of approved lägesbild versions to the leaf area for every
    point whose incident's texts and exact place were cleared. Only ``lat``/``lon`` change
    (to a point inside the leaf area, marked ``coarsened``; a point whose area has no
    geometry is dropped from the layer); every number and text stays as approved. The
    snapshot's SHA-256 is renewed, and the partnership PDF re-rendered when it shows a
    coarsened point (it shows CLEAR/GREEN points; the viewer PDF shows none). One audit
    entry per version, with the hashes before and after."""
    from trygg.situation import pdf
    from trygg.situation.models import SituationVersion
    from trygg.situation.services import canonical_json, sha256

    from .models import SnapshotRetention

    now = now or timezone.now()
    versions = (
        SituationVersion.objects.filter(report__partnership=partnership)
        .exclude(retention__complete=True)
        .select_related("report")
        .order_by("pk")
    )
    changed = []
    for version in versions.iterator(50):
        points = version.snapshot.get("points") or []
        todo = [p for p in points if not p.get("coarsened") and p.get("id") is not None]
        if not todo:
            continue
        ids = [p["id"] for p in todo]
        cleared = set(
            IncidentRetention.objects.filter(
                partnership=partnership, incident_id__in=ids
            ).values_list("incident_id", flat=True)
        ) | (set(ids) & also_cleared)
        if not cleared:
            continue
        entry = {"version": version.pk, "period": version.report.period_key, "points": 0}
        entry["version_number"] = version.number
        area_of = dict(Incident.objects.filter(pk__in=cleared).values_list("pk", "area_id"))
        coarse = _area_points(set(area_of.values()))
        snapshot = json.loads(json.dumps(version.snapshot))
        kept, shown_in_pdf = [], False
        for point in snapshot.get("points") or []:
            if point.get("coarsened") or point.get("id") not in cleared:
                kept.append(point)
                continue
            entry["points"] += 1
            shown_in_pdf = shown_in_pdf or point.get("label") in pdf.SHARED_LABELS
            position = coarse.get(area_of.get(point["id"]))
            if position is None:
                continue  # no geometry to place it in: the point leaves the map
            point["lat"], point["lon"] = position
            point["coarsened"] = True
            kept.append(point)
        snapshot["points"] = kept
        changed.append(entry)
        if dry_run:
            continue
        before = {
            "snapshot_sha256": version.snapshot_sha256,
            "pdf_partnership_sha256": version.pdf_partnership_sha256,
        }
        updates = {"snapshot": snapshot, "snapshot_sha256": sha256(canonical_json(snapshot))}
        if shown_in_pdf:
            pdf_bytes = pdf.render(snapshot, audience=pdf.PARTNERSHIP)
            updates["pdf_partnership"] = pdf_bytes
            updates["pdf_partnership_sha256"] = sha256(pdf_bytes)
        SituationVersion.objects.filter(pk=version.pk).update(**updates)
        after = {
            "snapshot_sha256": updates["snapshot_sha256"],
            "pdf_partnership_sha256": updates.get(
                "pdf_partnership_sha256", version.pdf_partnership_sha256
            ),
        }
        complete = all(p.get("coarsened") for p in kept)
        history_item = {"at": now.isoformat(), "points": entry["points"], "before": before}
        history_item["after"] = after
        marker, created = SnapshotRetention.objects.get_or_create(
            version=version,
            defaults={
                "partnership": partnership,
                "coarsened_at": now,
                "points": entry["points"],
                "complete": complete,
                "history": [history_item],
            },
        )
        if not created:
            marker.coarsened_at = now
            marker.points += entry["points"]
            marker.complete = complete
            marker.history = [*marker.history, history_item]
            marker.save()
        record(
            "retention.snapshot_coarsen",
            partnership=partnership,
            obj=version,
            data={
                "period": version.report.period_key,
                "version": version.number,
                "points": entry["points"],
                "pdf_rendered": shown_in_pdf,
                "before": before,
                "after": after,
            },
        )
    return changed


# --- archive export -----------------------------------------------------------------


class ArchiveError(Exception):
    """The archive export cannot be written (e.g. its directory is not empty)."""


CSV_COLUMNS = [
    "id",
    "external_id",
    "source",
    "category",
    "category_label",
    "organisation",
    "reported_by",
    "occurred_date",
    "occurred_from",
    "occurred_to",
    "time_bucket",
    "reported_at",
    "lat",
    "lon",
    "area_code",
    "area",
    "place_type",
    "place_class",
    "description",
    "people_count",
    "age_group",
    "police_notified",
    "police_reference",
    "needs_follow_up",
    "label",
    "status",
    "withdrawn_at",
    "withdrawn_reason",
    "duplicate_of",
    "created_at",
    "updated_at",
    "texts_cleared_at",
]


def _iso(value):
    return value.isoformat() if value is not None else None


def _incident_record(incident):
    retention = getattr(incident, "retention", None)
    return {
        "id": incident.pk,
        "external_id": incident.external_id,
        "source": incident.source,
        "category": incident.category.code,
        "category_label": incident.category.label_sv,
        "organisation": str(incident.organisation),
        "reported_by": incident.reported_by.email if incident.reported_by else None,
        "occurred_date": _iso(incident.occurred_date),
        "occurred_from": _iso(incident.occurred_from),
        "occurred_to": _iso(incident.occurred_to),
        "time_bucket": incident.time_bucket,
        "reported_at": _iso(incident.reported_at),
        "lat": incident.lat,
        "lon": incident.lon,
        "area_code": incident.area.code,
        "area": incident.area.name,
        "place_type": incident.place_type,
        "place_class": str(incident.place_class),
        "description": incident.description,
        "people_count": incident.people_count,
        "age_group": incident.age_group,
        "police_notified": incident.police_notified,
        "police_reference": incident.police_reference,
        "needs_follow_up": incident.needs_follow_up,
        "label": incident.label,
        "status": incident.status,
        "withdrawn_at": _iso(incident.withdrawn_at),
        "withdrawn_reason": incident.withdrawn_reason,
        "duplicate_of": incident.duplicate_of_id,
        "created_at": _iso(incident.created_at),
        "updated_at": _iso(incident.updated_at),
        "texts_cleared_at": _iso(retention.texts_cleared_at) if retention else None,
        "recipients": sorted(u.email for u in incident.recipients.all()),
        "revisions": [
            {
                "changed_at": _iso(r.changed_at),
                "changed_by": r.changed_by.email if r.changed_by else None,
                "changes": r.changes,
                "reason": r.reason,
            }
            for r in incident.revisions.all()
        ],
        "questions": [
            {
                "asked_at": _iso(q.asked_at),
                "asked_by": q.asked_by.email,
                "question": q.question,
                "answer": q.answer,
                "answered_at": _iso(q.answered_at),
            }
            for q in incident.questions.all()
        ],
    }


def archived_incidents(partnership, before):
    """What an export keeps: every incident dated before ``before`` that is not yet a
    tombstone (all that a retention run with a cut-off up to ``before`` may change)."""
    return (
        Incident.objects.filter(partnership=partnership, occurred_date__lt=before)
        .exclude(retention__tombstoned_at__isnull=False)
        .select_related("category", "organisation", "reported_by", "area", "retention")
        .prefetch_related("recipients", "revisions__changed_by", "questions__asked_by")
        .order_by("pk")
    )


def archived_versions(partnership, before):
    """The approved lägesbild versions of periods that ended before ``before``."""
    from trygg.situation.models import SituationVersion

    return (
        SituationVersion.objects.filter(report__partnership=partnership, report__end__lt=before)
        .select_related("report")
        .order_by("report__start", "report__period_key", "number")
    )


def _sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def export_archive(*, partnership, before, out_dir, actor=None, now=None):
    """Write the incidents (JSON and CSV) and the approved lägesbild versions (snapshot
    JSON and both PDFs) that a retention run up to ``before`` may change, and a manifest
    with every file's SHA-256, into the new or empty ``out_dir``; record and audit it."""
    from trygg.situation.services import canonical_json

    now = now or timezone.now()
    out = Path(out_dir)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ArchiveError(_("Katalogen %(dir)s finns redan och är inte tom.") % {"dir": out})
    out.mkdir(parents=True, exist_ok=True)
    files = []
    ids = []
    json_path, csv_path = out / "incidents.json", out / "incidents.csv"
    with (
        open(json_path, "w", encoding="utf-8") as json_file,
        open(csv_path, "w", encoding="utf-8", newline="") as csv_file,
    ):
        writer = csv.DictWriter(csv_file, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        json_file.write("[\n")
        for i, incident in enumerate(archived_incidents(partnership, before).iterator(BATCH)):
            row = _incident_record(incident)
            ids.append(incident.pk)
            json_file.write((",\n" if i else "") + json.dumps(row, ensure_ascii=False))
            writer.writerow(row)
        json_file.write("\n]\n")
    files += [json_path, csv_path]
    situation_dir = out / "lagesbilder"
    versions = list(archived_versions(partnership, before))
    version_rows = []
    for version in versions:
        situation_dir.mkdir(exist_ok=True)
        stem = f"{version.report.period_key}-v{version.number}"
        parts = [
            (f"{stem}.snapshot.json", canonical_json(version.snapshot), version.snapshot_sha256),
            (
                f"{stem}.samverkan.pdf",
                bytes(version.pdf_partnership),
                version.pdf_partnership_sha256,
            ),
            (f"{stem}.oversikt.pdf", bytes(version.pdf_viewer), version.pdf_viewer_sha256),
        ]
        for name, data, _stored in parts:
            (situation_dir / name).write_bytes(data)
            files.append(situation_dir / name)
        version_rows.append(
            {
                "period": version.report.period_key,
                "version": version.number,
                "approved_at": _iso(version.approved_at),
                "files": [name for name, _data, _stored in parts],
                "stored_sha256": {name: stored for name, _data, stored in parts},
            }
        )
    manifest = {
        "partnership": partnership.slug,
        "before": before.isoformat(),
        "exported_at": now.isoformat(),
        "incidents": len(ids),
        "incident_ids": _id_range(ids),
        "versions": version_rows,
        "files": [
            {
                "path": path.relative_to(out).as_posix(),
                "bytes": path.stat().st_size,
                "sha256": _sha256_file(path),
            }
            for path in files
        ],
    }
    manifest_path = out / "manifest.json"
    manifest_path.write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    manifest_sha256 = _sha256_file(manifest_path)
    with transaction.atomic():
        export = ArchiveExport.objects.create(
            partnership=partnership,
            before=before,
            exported_at=now,
            directory=str(out.resolve()),
            manifest_sha256=manifest_sha256,
            incidents=len(ids),
            versions=len(versions),
        )
        record(
            "retention.archive_export",
            actor=actor,
            partnership=partnership,
            obj=export,
            data={
                "before": before.isoformat(),
                "directory": export.directory,
                "manifest_sha256": manifest_sha256,
                "incidents": len(ids),
                "incident_ids": _id_range(ids),
                "versions": len(versions),
            },
        )
    return export
