"""The lägesbild pages: the week (or longer period) as draft or approved version, the
coordinator's assessment and approval, the archive, and the outputs (PDF, CSV, points).

A draft is built from the rollup when it is read; an approved version is read from its
snapshot only, never from the incidents. Points are filtered for the reader with the same
visibility decision as ``Incident.objects.visible_to`` (``incidents.visibility.may_see``);
readers without a detail role see aggregates only, suppressed (``render``).
"""

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from trygg.audit.services import record
from trygg.core.models import Role

from . import forms, services
from . import render as rendering
from .models import PeriodKind, SituationReport, SituationVersion, Subscription
from .periods import Period
from .picture import build_picture

DRAFTERS = frozenset({Role.COORDINATOR, Role.ANALYST, Role.PARTNERSHIP_ADMIN})
ARCHIVE_WEEKS = 26


def may_draft(membership):
    return membership is not None and membership.role in DRAFTERS


def may_write(membership):
    return membership is not None and membership.role in services.WRITERS


def _period(key):
    try:
        return Period.from_key(key)
    except ValueError as error:
        raise Http404(str(error)) from None


def _versions(partnership, period):
    return list(
        SituationVersion.objects.filter(
            report__partnership=partnership, report__period_key=period.key
        )
        .defer("snapshot", "pdf_partnership", "pdf_viewer")
        .select_related("approved_by")
        .order_by("number")
    )


def _snapshot(partnership, period, number):
    version = (
        SituationVersion.objects.filter(
            report__partnership=partnership, report__period_key=period.key, number=number
        )
        .defer("pdf_partnership", "pdf_viewer")
        .first()
    )
    if version is None:
        raise Http404("no such version")
    return version


def last_complete_week(today=None):
    today = today or timezone.localdate()
    return Period.containing("week", today).previous()


OTHER_PERIOD_LABELS = {
    "week": _lazy("Veckan"),
    "4w": _lazy("Fyra veckor"),
    "month": _lazy("Månaden"),
    "tertial": _lazy("Tertialet"),
    "year": _lazy("Året"),
}


def other_periods(period):
    """The other kinds of period that end with (or contain) this one's last day."""
    day = period.end
    return [
        {"key": Period.containing(kind, day).key, "label": label}
        for kind, label in OTHER_PERIOD_LABELS.items()
        if kind != str(period.kind)
    ]


def latest(request):
    return redirect("situation:page", key=last_complete_week().key)


DRAFT_CACHE_SECONDS = 60


def draft_picture(partnership, period):
    """A draft's numbers, shared by its readers for up to a minute (the page says when
    they were counted): the picture holds no reader-specific data, ``render`` filters."""
    key = f"situation:draft:{partnership.pk}:{period.key}"
    picture = cache.get(key)
    if picture is None:
        picture = build_picture(partnership, period)
        cache.set(key, picture, DRAFT_CACHE_SECONDS)
    return picture


def _requested_number(request):
    raw = request.GET.get("version", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404("bad version")
    return int(raw)


def _picture_for(request, period):
    """(picture, version or None, is_draft, versions) for the reader; the picture is None
    when there is nothing the reader may see (no approved version and not a drafter)."""
    membership = request.membership
    number = _requested_number(request)
    versions = _versions(request.partnership, period)
    if number is not None:
        version = _snapshot(request.partnership, period, number)
        return version.snapshot, version, False, versions
    wants_draft = request.GET.get("utkast") == "1" or not versions
    if may_draft(membership) and wants_draft:
        report = services.report_for(request.partnership, period)
        picture = draft_picture(request.partnership, period)
        picture["texts"] = services.texts_of(report, request.partnership)
        return picture, None, True, versions
    if not versions:
        return None, None, False, versions
    version = _snapshot(request.partnership, period, versions[-1].number)
    return version.snapshot, version, False, versions


def page(request, key):
    period = _period(key)
    picture, version, is_draft, versions = _picture_for(request, period)
    context = {
        "period": period,
        "versions": versions,
        "version": version,
        "is_draft": is_draft,
        "may_draft": may_draft(request.membership),
        "may_write": may_write(request.membership),
        "period_over": period.end < timezone.localdate(),
        "previous_key": period.previous().key,
        "next_key": period.next().key,
        "latest_number": versions[-1].number if versions else 0,
        "other_periods": other_periods(period),
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "subscribed": Subscription.objects.filter(
            user=request.user, partnership=request.partnership
        ).exists(),
    }
    if picture is None:
        return render(request, "situation/not_approved.html", context)
    context.update(rendering.page_context(picture, request.user, request.membership))
    record(
        "situation.read",
        actor=request.user,
        partnership=request.partnership,
        object_type="situation.situationversion" if version else "situation.draft",
        object_id=str(version.pk) if version else period.key,
        request=request,
        data={
            "period": period.key,
            "version": version.number if version else None,
            "points": len(context["points"]),
        },
    )
    return render(request, "situation/page.html", context)


def assessment(request, key):
    period = _period(key)
    if not may_write(request.membership):
        raise Http404("not a writer")
    report = services.report_for(request.partnership, period)
    picture = build_picture(request.partnership, period) if request.method == "GET" else None
    if request.method == "POST":
        form = forms.AssessmentForm(request.POST, partnership=request.partnership)
        if form.is_valid():
            try:
                services.save_assessment(
                    actor=request.user,
                    partnership=request.partnership,
                    period=period,
                    request=request,
                    **form.service_arguments(),
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("Bedömningen är sparad."))
                return redirect(reverse("situation:page", args=[period.key]) + "?utkast=1")
    elif request.method == "GET":
        form = forms.AssessmentForm(partnership=request.partnership, report=report)
    else:
        return HttpResponseNotAllowed(["GET", "POST"])
    context = {
        "period": period,
        "form": form,
        "starting_points": rendering.starting_points(picture) if picture else None,
    }
    return render(request, "situation/assessment.html", context)


def approve(request, key):
    period = _period(key)
    if not may_write(request.membership):
        raise Http404("not a writer")
    versions = _versions(request.partnership, period)
    form = forms.ApproveForm(
        request.POST if request.method == "POST" else None, revision=bool(versions)
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                version = services.approve(
                    actor=request.user,
                    partnership=request.partnership,
                    period=period,
                    change_note=form.cleaned_data.get("change_note", ""),
                    request=request,
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(
                    request,
                    _("Lägesbilden för %(period)s är fastställd (version %(n)s).")
                    % {"period": rendering.period_label(period.to_dict()), "n": version.number},
                )
                return redirect("situation:page", key=period.key)
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(
        request,
        "situation/approve.html",
        {
            "period": period,
            "period_label": rendering.period_label(period.to_dict()),
            "form": form,
            "versions": versions,
            "period_over": period.end < timezone.localdate(),
        },
    )


def archive(request):
    membership = request.membership
    kind = request.GET.get("typ", PeriodKind.WEEK)
    if kind not in PeriodKind.values:
        kind = PeriodKind.WEEK
    reports = {
        r["period_key"]: r
        for r in SituationReport.objects.filter(partnership=request.partnership, period_kind=kind)
        .annotate(n=Count("versions"), last=Max("versions__approved_at"))
        .values("period_key", "n", "last", "updated_at")
    }
    current = Period.containing(kind, timezone.localdate())
    entries = []
    period = current
    for _i in range(ARCHIVE_WEEKS if kind in ("week", "4w") else 12):
        stored = reports.get(period.key, {})
        n = stored.get("n", 0)
        entries.append(
            {
                "period": period,
                "label": rendering.period_label(period.to_dict()),
                "status": "revised" if n > 1 else "approved" if n == 1 else "draft",
                "versions": n,
                "approved_at": stored.get("last"),
                "ongoing": period.end >= timezone.localdate(),
            }
        )
        period = period.previous()
    if not may_draft(membership):
        entries = [e for e in entries if e["versions"]]
    return render(
        request,
        "situation/archive.html",
        {"entries": entries, "kind": kind, "kinds": PeriodKind.choices},
    )


def subscription(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    subscribed = request.POST.get("subscribed") == "1"
    services.set_subscription(
        actor=request.user, partnership=request.partnership, subscribed=subscribed, request=request
    )
    messages.success(
        request,
        _("Du får e-post när en lägesbild fastställs.")
        if subscribed
        else _("Du får inte längre e-post om lägesbilden."),
    )
    next_key = request.POST.get("period", "")
    try:
        return redirect("situation:page", key=Period.from_key(next_key).key)
    except ValueError:
        return redirect("situation:latest")


def tables_csv(request, key):
    period = _period(key)
    picture, version, is_draft, _versions_ = _picture_for(request, period)
    if picture is None:
        raise Http404("not approved")
    audience = rendering.audience_of(request.membership)
    body = rendering.tables_csv(picture, audience)
    record(
        "situation.export_csv",
        actor=request.user,
        partnership=request.partnership,
        request=request,
        data={
            "period": period.key,
            "version": version.number if version else None,
            "audience": audience,
        },
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    suffix = f"-v{version.number}" if version else "-utkast"
    response["Content-Disposition"] = f'attachment; filename="lagesbild-{period.key}{suffix}.csv"'
    return response


def version_pdf(request, key, number):
    period = _period(key)
    audience = rendering.audience_of(request.membership)
    field = "pdf_partnership" if audience == rendering.DETAIL else "pdf_viewer"
    version = (
        SituationVersion.objects.filter(
            report__partnership=request.partnership,
            report__period_key=period.key,
            number=number,
        )
        .only("pk", "number", field)
        .first()
    )
    if version is None:
        raise Http404("no such version")
    record(
        "situation.pdf_download",
        actor=request.user,
        partnership=request.partnership,
        obj=version,
        request=request,
        data={"period": period.key, "version": number, "audience": audience},
    )
    response = HttpResponse(bytes(getattr(version, field)), content_type="application/pdf")
    kind = "samverkan" if audience == rendering.DETAIL else "oversikt"
    response["Content-Disposition"] = (
        f'attachment; filename="lagesbild-{period.key}-v{number}-{kind}.pdf"'
    )
    return response
