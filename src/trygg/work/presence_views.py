"""The presence pages (/narvaro/): the week's planned and performed presence, register
and change presence, and two views of presence against incidents: the week's hotspots
(map and table) and hours against insecurity-creating incidents per focus area over time.

Detail roles see the rows they may see (``visible_to``); every aggregate (hours per area
and week) counts every performed presence, whatever its label, and is all a viewer sees.
Incident counts come from the rollup only.
"""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.audit.services import record
from trygg.core.forms import add_service_errors
from trygg.core.models import DETAIL_ROLES
from trygg.geo.models import Area
from trygg.incidents.models import IncidentCount
from trygg.situation import charts
from trygg.situation.periods import Period

from . import evaluate, forms, selectors, services
from .models import Action, Presence, PresenceStatus

AGGREGATE_WEEKS = 8
TREND_WEEKS = 16
MAX_TREND_WEEKS = 52


def _detail_role(request):
    return request.membership is not None and request.membership.role in DETAIL_ROLES


def _week(request, default):
    key = request.GET.get("vecka", "")
    if not key:
        return default
    try:
        period = Period.from_key(key)
    except ValueError:
        raise Http404("bad week") from None
    if str(period.kind) != "week":
        raise Http404("not a week")
    return period


def _hours_table(partnership, last_week, weeks):
    """Hours of performed presence per area and week: (weeks, rows) where each row is
    {"area", "hours": [per week], "total"}; weeks oldest first."""
    first = last_week.start - dt.timedelta(weeks=weeks - 1)
    mondays = [first + dt.timedelta(weeks=i) for i in range(weeks)]
    hours = selectors.presence_hours(partnership, first, last_week.end)
    names = dict(Area.objects.filter(pk__in={a for a, _m in hours}).values_list("pk", "name"))
    rows = []
    for area_id in sorted({a for a, _m in hours}, key=lambda pk: names.get(pk, "")):
        values = [round(hours.get((area_id, m), 0.0), 1) for m in mondays]
        rows.append(
            {"area": names.get(area_id, ""), "hours": values, "total": round(sum(values), 1)}
        )
    weeks_shown = [Period.containing("week", m) for m in mondays]
    return weeks_shown, rows


def week(request):
    today = timezone.localdate()
    period = _week(request, Period.containing("week", today))
    weeks, hour_rows = _hours_table(request.partnership, period, AGGREGATE_WEEKS)
    context = {
        "period": period,
        "previous_key": period.previous().key,
        "next_key": period.next().key,
        "weeks": weeks,
        "hour_rows": hour_rows,
        "summary_only": not _detail_role(request),
        "may_create": services.may_write(request.membership),
    }
    if _detail_role(request):
        since = timezone.make_aware(dt.datetime.combine(period.start, dt.time.min))
        until = timezone.make_aware(
            dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min)
        )
        rows = list(
            Presence.objects.visible_to(request.user, request.partnership)
            .filter(starts_at__gte=since, starts_at__lt=until)
            .select_related("organisation", "area", "action")
            .order_by("starts_at", "id")
        )
        for row in rows:
            row.may_change = services.may_change_presence(request.user, request.membership, row)
        context["presences"] = rows
    return render(request, "work/presence_week.html", context)


def _actions_for_form(request):
    return list(
        Action.objects.visible_to(request.user, request.partnership).open().order_by("title")[:300]
    )


def create(request):
    form = forms.PresenceForm(
        request.POST or None,
        partnership=request.partnership,
        actions=_actions_for_form(request),
        initial={"organisation": request.user.organisation_id, "status": "planned"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            presence = services.plan_presence(
                actor=request.user,
                partnership=request.partnership,
                status=form.cleaned_data["status"],
                request=request,
                **form.service_arguments(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Närvaron är sparad."))
            key = Period.containing("week", timezone.localdate(presence.starts_at)).key
            return redirect(f"{reverse('presence:week')}?vecka={key}")
    return render(request, "work/presence_form.html", {"form": form, "presence": None})


def _visible_presence(request, pk):
    presence = (
        Presence.objects.visible_to(request.user, request.partnership)
        .select_related("organisation", "area", "action")
        .filter(pk=pk)
        .first()
    )
    if presence is None:
        raise Http404("no such presence")
    if not services.may_change_presence(request.user, request.membership, presence):
        raise PermissionDenied("not the presence's organisation")
    return presence


def edit(request, pk):
    presence = _visible_presence(request, pk)
    form = forms.PresenceForm(
        request.POST or None,
        partnership=request.partnership,
        actions=_actions_for_form(request),
        initial=forms.PresenceForm.initial_from(presence),
    )
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        try:
            if form.cleaned_data["status"] == PresenceStatus.PERFORMED:
                services.update_presence(
                    actor=request.user,
                    partnership=request.partnership,
                    presence=presence,
                    request=request,
                    **{k: v for k, v in arguments.items() if k not in ("starts_at", "ends_at")},
                )
                services.record_presence(
                    actor=request.user,
                    partnership=request.partnership,
                    presence=presence,
                    starts_at=arguments["starts_at"],
                    ends_at=arguments["ends_at"],
                    request=request,
                )
            else:
                services.update_presence(
                    actor=request.user,
                    partnership=request.partnership,
                    presence=presence,
                    request=request,
                    **arguments,
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Närvaron är sparad."))
            key = Period.containing("week", arguments["starts_at"].date()).key
            return redirect(f"{reverse('presence:week')}?vecka={key}")
    if request.method == "GET":
        record(
            "work.presence_read",
            actor=request.user,
            partnership=request.partnership,
            obj=presence,
            request=request,
            data={"label": presence.label},
        )
    return render(request, "work/presence_form.html", {"form": form, "presence": presence})


def cancel(request, pk):
    presence = _visible_presence(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.cancel_presence(
            actor=request.user, partnership=request.partnership, presence=presence, request=request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Närvaron är inställd."))
    key = Period.containing("week", timezone.localdate(presence.starts_at)).key
    return redirect(f"{reverse('presence:week')}?vecka={key}")


def _picture(partnership, period):
    """The approved snapshot of the week if there is one, else the draft picture."""
    from trygg.situation.models import SituationVersion
    from trygg.situation.views import draft_picture

    version = (
        SituationVersion.objects.filter(
            report__partnership=partnership, report__period_key=period.key
        )
        .defer("pdf_partnership", "pdf_viewer")
        .order_by("-number")
        .first()
    )
    if version is not None:
        return version.snapshot, version
    return draft_picture(partnership, period), None


def hotspots(request):
    from trygg.situation import render as rendering
    from trygg.situation.views import last_complete_week

    period = _week(request, last_complete_week())
    picture, version = _picture(request.partnership, period)
    hours = selectors.presence_hours(request.partnership, period.start, period.end)
    by_area = defaultdict(float)
    for (area_id, _monday), value in hours.items():
        by_area[area_id] += value
    areas = {a.pk: a for a in Area.objects.filter(partnership=request.partnership)}
    hotspot_rows = {row["area"]: row for row in rendering.hotspot_rows(picture)}
    children = defaultdict(list)
    for area in areas.values():
        children[area.parent_id].append(area)
    rows = []
    named = set()
    for area_id, value in sorted(by_area.items(), key=lambda item: areas[item[0]].name):
        area = areas[area_id]
        covered = {area.name} | {c.name for c in children.get(area.pk, [])}
        cells = sum(hotspot_rows[name]["cells"] for name in covered if name in hotspot_rows)
        named |= covered
        rows.append(
            {
                "area": area.name,
                "kind": area.get_kind_display(),
                "hours": round(value, 1),
                "cells": cells,
            }
        )
    for name, row in sorted(hotspot_rows.items()):
        if name not in named:
            rows.append(
                {"area": name, "kind": _("RegSO-område"), "hours": 0, "cells": row["cells"]}
            )
    presence_features = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": areas[area_id].geometry,
                "properties": {"area": areas[area_id].name, "hours": round(value, 1)},
            }
            for area_id, value in by_area.items()
            if areas[area_id].geometry and areas[area_id].kind != Area.Kind.MUNICIPALITY
        ],
    }
    return render(
        request,
        "work/presence_hotspots.html",
        {
            "period": period,
            "version": version,
            "previous_key": period.previous().key,
            "next_key": period.next().key,
            "rows": rows,
            "hotspots": picture.get("hotspots", {}),
            "hotspot_features": rendering.hotspot_features(picture),
            "presence_features": presence_features,
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )


def _weeks_param(request):
    raw = request.GET.get("veckor", "")
    if raw.isdigit():
        return max(4, min(int(raw), MAX_TREND_WEEKS))
    return TREND_WEEKS


def trend(request):
    from trygg.situation.views import last_complete_week

    weeks = _weeks_param(request)
    last = last_complete_week()
    first = last.start - dt.timedelta(weeks=weeks - 1)
    mondays = [first + dt.timedelta(weeks=i) for i in range(weeks)]
    hours = selectors.presence_hours(request.partnership, first, last.end)
    children = selectors._children(request.partnership)
    areas = {a.pk: a for a in Area.objects.filter(partnership=request.partnership)}
    presence_leaves = {
        area_id: selectors.leaf_area_ids(request.partnership, [areas[area_id]], children)
        for area_id in {a for a, _m in hours}
    }
    category_ids = evaluate.leaf_category_ids(evaluate.default_categories(request.partnership))
    sections = []
    for index, (focus, leaves) in enumerate(selectors.focus_area_leaves(request.partnership)):
        presence_by_week = [0.0] * weeks
        for (area_id, monday), value in hours.items():
            if presence_leaves[area_id] and presence_leaves[area_id] <= leaves:
                presence_by_week[(monday - first).days // 7] += value
        incidents_by_week = [0] * weeks
        counts = (
            IncidentCount.objects.filter(
                partnership=request.partnership,
                area_id__in=leaves,
                category_id__in=category_ids,
                date__gte=first,
                date__lte=last.end,
            )
            .values("date")
            .annotate(n=Sum("count"))
            .order_by()
        )
        for row in counts:
            incidents_by_week[(row["date"] - first).days // 7] += row["n"]
        presence_by_week = [round(v, 1) for v in presence_by_week]
        sections.append(
            {
                "focus": focus,
                "rows": [
                    {"week": Period.containing("week", m), "hours": h, "incidents": n}
                    for m, h, n in zip(mondays, presence_by_week, incidents_by_week, strict=True)
                ],
                "hours_total": round(sum(presence_by_week), 1),
                "incidents_total": sum(incidents_by_week),
                "incident_chart": charts.trend_chart(
                    mondays,
                    incidents_by_week,
                    None,
                    None,
                    None,
                    title=_("Otrygghetsskapande händelser per vecka i %(name)s")
                    % {"name": focus.name},
                    description=_("Antal händelser per vecka; samma siffror finns i tabellen."),
                    id_prefix=f"trend-incidents-{index}",
                    count_label=_("Händelser"),
                ),
                "presence_chart": charts.trend_chart(
                    mondays,
                    presence_by_week,
                    None,
                    None,
                    None,
                    title=_("Genomförd närvaro, timmar per vecka i %(name)s")
                    % {"name": focus.name},
                    description=_("Timmar närvaro per vecka; samma siffror finns i tabellen."),
                    id_prefix=f"trend-presence-{index}",
                    count_label=_("Timmar"),
                ),
            }
        )
    return render(
        request,
        "work/presence_trend.html",
        {"sections": sections, "weeks": weeks, "first": first, "last": last},
    )
