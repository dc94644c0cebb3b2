"""Reporting an incident in under a minute: form → preview → save → receipt.

The description is redacted as soon as it arrives: after the first POST no page holds the
text as typed, only the redacted text (the preview's hidden fields carry that, never the
original). Saving goes through ``services.report_incident`` only.
"""

import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from trygg.audit.services import record
from trygg.geo.models import Area

from . import services
from .forms import (
    CHILD_AGE_GROUPS,
    ReportForm,
    recipient_label,
)
from .models import AgeGroup, Incident, Label, PlaceType, TimeBucket
from .redaction import KIND_LABELS, REASONS, redact

# Saved reports of this session: preview token -> incident id, so that pressing "Spara"
# twice (or reloading) shows the receipt again instead of saving a second report.
SAVED_SESSION_KEY = "trygg_report_saved"
SAVED_KEEP = 20


def report(request):
    partnership, user = request.partnership, request.user
    if request.method != "POST":
        form = ReportForm(partnership=partnership, reporter=user)
        return _render_form(request, form)

    data = request.POST.copy()
    # Redact at once: nothing after this line sees the description as typed.
    redaction = redact((data.get("description") or "").strip())
    kinds = _kinds(data.get("redacted_kinds")) | {f.kind for f in redaction.findings}
    data["description"] = redaction.text
    data["redacted_kinds"] = ",".join(sorted(kinds))
    action = data.get("action", "preview")

    form = ReportForm(data, partnership=partnership, reporter=user)
    if action == "edit":
        return _render_form(request, form, kinds=kinds, show_errors=False)
    if action == "save":
        token = data.get("submission", "")
        saved = request.session.get(SAVED_SESSION_KEY, {})
        if token and token in saved:
            return redirect("incidents:report_receipt", pk=saved[token])
    if not form.is_valid():
        return _render_form(request, form, kinds=kinds)
    values = form.service_kwargs()

    if action == "save":
        try:
            incident = services.report_incident(
                reporter=user,
                partnership=partnership,
                request=request,
                redacted=sorted(kinds),
                **values,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
            return _render_form(request, form, kinds=kinds)
        if token:
            saved = {**request.session.get(SAVED_SESSION_KEY, {}), token: incident.pk}
            request.session[SAVED_SESSION_KEY] = dict(list(saved.items())[-SAVED_KEEP:])
        return redirect("incidents:report_receipt", pk=incident.pk)

    checked = _check(form, values, user, partnership)
    if checked is None:
        return _render_form(request, form, kinds=kinds)
    return render(
        request,
        "incidents/report_preview.html",
        {
            "form": form,
            "rows": _rows(**checked),
            "description": checked["description"],
            "removed": _removed(kinds),
            "child_reminder": checked["age_group"] in CHILD_AGE_GROUPS,
            "submission": uuid.uuid4().hex,
        },
    )


def report_receipt(request, pk):
    """What was saved; only the reporter sees their own receipt (anyone else: 404)."""
    incident = get_object_or_404(
        Incident.objects.visible_to(request.user, request.partnership)
        .filter(reported_by=request.user)
        .select_related("category__parent", "area", "organisation")
        .prefetch_related("recipients__organisation"),
        pk=pk,
    )
    # The receipt shows the report's details: audited like the detail page.
    record(
        "incident.view",
        actor=request.user,
        partnership=request.partnership,
        obj=incident,
        request=request,
        data={"page": "receipt"},
    )
    return render(
        request,
        "incidents/report_receipt.html",
        {
            "incident": incident,
            "rows": _rows(
                category=incident.category,
                lat=incident.lat,
                lon=incident.lon,
                area=incident.area,
                place_type=incident.place_type,
                occurred_from=incident.occurred_from,
                occurred_date=incident.occurred_date,
                time_bucket=incident.time_bucket,
                description=incident.description,
                people_count=incident.people_count,
                age_group=incident.age_group,
                police_notified=incident.police_notified,
                police_reference=incident.police_reference,
                needs_follow_up=incident.needs_follow_up,
                label=incident.label,
                recipients=list(incident.recipients.all()),
            ),
            "description": incident.description,
            "child_reminder": incident.age_group in CHILD_AGE_GROUPS,
        },
    )


# --- helpers ----------------------------------------------------------------------------


def _render_form(request, form, kinds=(), show_errors=True):
    if form.is_bound:
        form.is_valid()
        if not show_errors:
            form._errors.clear()  # back from the preview to change something: no errors
    context = {
        "form": form,
        "removed": _removed(kinds),
        "child_reminder": form.child_reminder,
        "label_options": form.label_options(),
        "is_red": form.is_bound and form.data.get("label") == Label.RED,
        "time_unknown": form.is_bound and bool(form.data.get("time_unknown")),
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "child_age_groups": " ".join(CHILD_AGE_GROUPS),
    }
    return render(request, "incidents/report.html", context)


def _kinds(raw):
    return {k for k in (raw or "").split(",") if k in KIND_LABELS}


def _removed(kinds):
    """(label, reason) for each kind of personal data removed from the description."""
    return [(KIND_LABELS[k], REASONS[k]) for k in sorted(kinds)]


def _check(form, values, user, partnership):
    """Validate with the service (no write), so the preview shows every error the save
    would raise and the area a point falls in; None when there are errors (on the form)."""
    try:
        cleaned = services.validate_report(reporter=user, partnership=partnership, **values)
    except ValidationError as exc:
        form.add_service_errors(exc)
        return None
    checked = dict(values)
    checked.update(
        {
            k: cleaned[k]
            for k in (
                "category",
                "lat",
                "lon",
                "area",
                "occurred_from",
                "occurred_date",
                "time_bucket",
                "description",
            )
        }
    )
    checked["recipients"] = list(
        get_user_model()
        .objects.filter(pk__in=cleaned.get("recipients") or [])
        .select_related("organisation")
    )
    return checked


def _yes_no(value):
    return _("Ja") if value else _("Nej")


def _rows(
    *,
    category,
    lat,
    lon,
    area,
    place_type,
    occurred_from,
    occurred_date,
    time_bucket,
    description,
    people_count,
    age_group,
    police_notified,
    police_reference,
    needs_follow_up,
    label,
    recipients,
):
    """The summary list shared by the preview (what will be saved) and the receipt."""
    group = category.parent.label if category.parent_id else ""
    if occurred_from is not None:
        local = timezone.localtime(occurred_from)
        when = _("%(date)s kl. %(time)s") % {
            "date": local.date().isoformat(),
            "time": local.strftime("%H:%M"),
        }
    else:
        bucket = TimeBucket(time_bucket).label if time_bucket else _("okänd tid")
        when = _("%(date)s, %(bucket)s (exakt tid okänd)") % {
            "date": occurred_date.isoformat(),
            "bucket": bucket,
        }
    if lat is not None:
        place = _("Punkt på kartan (%(lat).5f, %(lon).5f) i området %(area)s") % {
            "lat": lat,
            "lon": lon,
            "area": area.name,
        }
    elif area is not None and area.kind == Area.Kind.MUNICIPALITY:
        place = _("%(area)s (platsen i kommunen är okänd)") % {"area": area.name}
    else:
        place = area.name if area is not None else ""
    police = {True: _("Ja"), False: _("Nej"), None: _("Vet inte")}[police_notified]
    rows = [
        (_("Händelsetyp"), f"{group}: {category.label}" if group else category.label),
        (_("Plats"), place),
        (
            _("Typ av plats"),
            capfirst(PlaceType(place_type).label) if place_type else _("Inte angiven"),
        ),
        (_("När"), when),
        (_("Antal inblandade"), people_count if people_count is not None else _("Inte angivet")),
        (_("Åldersgrupp"), capfirst(AgeGroup(age_group).label)),
        (_("Polisen har fått veta"), police),
    ]
    if police_reference:
        rows.append((_("Polisens diarienummer"), police_reference))
    rows.append((_("Behöver följas upp"), _yes_no(needs_follow_up)))
    rows.append((_("Delning"), Label(label).label))
    if label == Label.RED:
        rows.append((_("Mottagare"), ", ".join(recipient_label(u) for u in recipients)))
    return rows
