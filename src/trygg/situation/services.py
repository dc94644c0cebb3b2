"""Writes of the lägesbild: the coordinator's texts, approval (fastställande) and
revisions, and e-mail subscriptions. Each validates, writes and audits in one transaction.
"""

import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.audit.services import record
from trygg.core.models import Membership, Role
from trygg.geo.models import FocusArea
from trygg.incidents.models import Category
from trygg.incidents.redaction import redact

from .models import SituationReport, SituationVersion, Subscription
from .picture import build_picture, with_suppression

MAX_TEXT = 5000
MAX_CHANGE_NOTE = 1000
WRITERS = frozenset({Role.COORDINATOR})


def _require_writer(actor, partnership):
    membership = Membership.objects.filter(
        user=actor, partnership=partnership, is_active=True
    ).first()
    if membership is None or membership.role not in WRITERS:
        raise ValidationError(_("Bara trygghetssamordnare skriver och fastställer lägesbilden."))


def _clean_text(field, text, limit=MAX_TEXT):
    text = (text or "").strip()
    if len(text) > limit:
        raise ValidationError({field: _("Texten får vara högst %(n)s tecken.") % {"n": limit}})
    return redact(text).text


def report_for(partnership, period):
    """The stored report of the period, or an unsaved one (reading never writes)."""
    report = SituationReport.objects.filter(partnership=partnership, period_key=period.key).first()
    return report or SituationReport(
        partnership=partnership,
        period_key=period.key,
        period_kind=period.kind,
        start=period.start,
        end=period.end,
    )


def _locked_report(partnership, period):
    report, _created = SituationReport.objects.get_or_create(
        partnership=partnership,
        period_key=period.key,
        defaults={"period_kind": period.kind, "start": period.start, "end": period.end},
    )
    return SituationReport.objects.select_for_update().get(pk=report.pk)


@transaction.atomic
def save_assessment(
    *,
    actor,
    partnership,
    period,
    assessment="",
    focus_area_assessments=None,
    proposed_focus="",
    proposed_areas=(),
    proposed_categories=(),
    proposed_times="",
    request=None,
):
    """The coordinator's texts for the period's draft; personal data is redacted."""
    _require_writer(actor, partnership)
    focus_ids = set(FocusArea.objects.filter(partnership=partnership).values_list("pk", flat=True))
    per_focus = {}
    for key, text in (focus_area_assessments or {}).items():
        if int(key) not in focus_ids:
            raise ValidationError(_("Fokusområdet finns inte i den här samverkan."))
        cleaned = _clean_text(f"focus_{key}", text)
        if cleaned:
            per_focus[str(int(key))] = cleaned
    area_ids = [int(a) for a in proposed_areas]
    if not set(area_ids) <= focus_ids:
        raise ValidationError({"proposed_areas": _("Välj fokusområden i den här samverkan.")})
    category_codes = [str(c) for c in proposed_categories]
    known = set(
        Category.objects.filter(code__in=category_codes, parent__isnull=True).values_list(
            "code", flat=True
        )
    )
    if set(category_codes) - known:
        raise ValidationError({"proposed_categories": _("Välj händelsegrupper ur listan.")})
    report = _locked_report(partnership, period)
    report.assessment = _clean_text("assessment", assessment)
    report.focus_area_assessments = per_focus
    report.proposed_focus = _clean_text("proposed_focus", proposed_focus)
    report.proposed_areas = area_ids
    report.proposed_categories = category_codes
    report.proposed_times = _clean_text("proposed_times", proposed_times, 200)
    report.updated_by = actor
    report.updated_at = timezone.now()
    report.save()
    record(
        "situation.assessment_save",
        actor=actor,
        partnership=partnership,
        obj=report,
        request=request,
        data={"period": period.key},
    )
    return report


def texts_of(report, partnership):
    names = dict(FocusArea.objects.filter(partnership=partnership).values_list("pk", "name"))
    return {
        "assessment": report.assessment,
        "focus_areas": [
            {"id": int(k), "name": names.get(int(k), ""), "text": v}
            for k, v in sorted(report.focus_area_assessments.items(), key=lambda kv: int(kv[0]))
        ],
        "proposed_focus": report.proposed_focus,
        "proposed_areas": [names.get(a, "") for a in report.proposed_areas if a in names],
        "proposed_categories": list(report.proposed_categories),
        "proposed_times": report.proposed_times,
    }


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def canonical_json(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


MAX_NEIGHBOURS = 2
_SNAPSHOT_PARTS = ("period", "approval", "rows", "groups", "table", "windows", "suppression")


def published_neighbours(partnership, period):
    """The approved lägesbilder a viewer is most likely to read next to a new version of
    ``period``, nearest first: its own latest version (a revision is read against the
    first), then the latest version of the period before and of the period after (this
    year to date minus last week's is this week), at most ``MAX_NEIGHBOURS``: each one
    makes the suppression at approval slower (docs/benchmarks.md). Only the parts the
    suppression needs are read from the snapshots."""
    keys = [period.key, period.previous().key, period.next().key]
    latest = {}
    for report_id, key, number in SituationVersion.objects.filter(
        report__partnership=partnership, report__period_key__in=keys
    ).values_list("report_id", "report__period_key", "number"):
        if number > latest.get(key, (None, 0))[1]:
            latest[key] = (report_id, number)
    result = []
    for key in keys:
        if key not in latest or len(result) == MAX_NEIGHBOURS:
            continue
        report_id, number = latest[key]
        parts = (
            SituationVersion.objects.filter(report_id=report_id, number=number)
            .values(*(f"snapshot__{part}" for part in _SNAPSHOT_PARTS))
            .get()
        )
        result.append({part: parts[f"snapshot__{part}"] for part in _SNAPSHOT_PARTS})
    return result


@transaction.atomic
def approve(*, actor, partnership, period, change_note="", request=None, now=None):
    """Freeze the period's lägesbild as a new version: data, texts and two PDFs with their
    SHA-256. A revision (a second or later version) needs a change note."""
    from . import pdf

    _require_writer(actor, partnership)
    now = now or timezone.now()
    change_note = _clean_text("change_note", change_note, MAX_CHANGE_NOTE)
    if period.end >= timezone.localdate(now):
        raise ValidationError(_("Perioden är inte slut än; den kan fastställas när den är slut."))
    report = _locked_report(partnership, period)
    number = report.versions.count() + 1
    if number > 1 and not change_note:
        raise ValidationError({"change_note": _("Skriv vad som ändrats sedan förra versionen.")})
    picture = with_suppression(
        build_picture(partnership, period, now=now),
        earlier=published_neighbours(partnership, period),
    )
    picture["texts"] = texts_of(report, partnership)
    picture["approval"] = {
        "version": number,
        "approved_by": actor.get_full_name() or actor.email,
        "approved_at": now.isoformat(),
        "change_note": change_note,
    }
    pdf_partnership = pdf.render(picture, audience=pdf.PARTNERSHIP)
    pdf_viewer = pdf.render(picture, audience=pdf.VIEWER)
    version = SituationVersion.objects.create(
        report=report,
        number=number,
        approved_by=actor,
        approved_at=now,
        change_note=change_note,
        snapshot=picture,
        snapshot_sha256=sha256(canonical_json(picture)),
        pdf_partnership=pdf_partnership,
        pdf_partnership_sha256=sha256(pdf_partnership),
        pdf_viewer=pdf_viewer,
        pdf_viewer_sha256=sha256(pdf_viewer),
    )
    record(
        "situation.approve" if number == 1 else "situation.revise",
        actor=actor,
        partnership=partnership,
        obj=version,
        request=request,
        data={
            "period": period.key,
            "version": number,
            "snapshot_sha256": version.snapshot_sha256,
            "pdf_partnership_sha256": version.pdf_partnership_sha256,
            "pdf_viewer_sha256": version.pdf_viewer_sha256,
        },
    )
    transaction.on_commit(lambda: notify_subscribers(version.pk))
    return version


def notify_subscribers(version_id):
    from .mail import send_approval_mail_task

    send_approval_mail_task.enqueue(version_id)


@transaction.atomic
def set_subscription(*, actor, partnership, subscribed, request=None):
    """Subscribe ``actor`` to e-mail when a lägesbild of ``partnership`` is approved."""
    if not Membership.objects.filter(user=actor, partnership=partnership, is_active=True).exists():
        raise ValidationError(_("Du har ingen roll i den här samverkan."))
    if subscribed:
        _sub, created = Subscription.objects.get_or_create(user=actor, partnership=partnership)
        changed = created
    else:
        changed = bool(Subscription.objects.filter(user=actor, partnership=partnership).delete()[0])
    if changed:
        record(
            "situation.subscribe" if subscribed else "situation.unsubscribe",
            actor=actor,
            partnership=partnership,
            request=request,
        )
    return subscribed
