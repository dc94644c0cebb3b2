"""Incident pages: the list with filters, map and exports of the same selection, the
detail page with corrections and withdrawal, and the coordinators' triage inbox.

Every query of incidents starts from ``Incident.objects.visible_to(user, partnership)``;
an incident the user may not see is a 404, never a 403, so its existence is not revealed.
Writes go through the service functions (``services``, ``triage``).
"""

import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trygg.audit.services import record
from trygg.core.forms import add_service_errors
from trygg.feeds import views as feeds_views
from trygg.geo.models import Area

from . import export, filters, services, triage
from .filters import parse_iso_week
from .models import (
    AgeGroup,
    Category,
    Incident,
    IncidentRevision,
    Label,
    PlaceType,
    ReporterQuestion,
    Status,
    TimeBucket,
)

WEEK_CHOICES = 26  # weeks offered in the filter, counting back from the current one
PAGE_SIZE = 50
MAP_MAX_WEEKS = 17  # DESIGN.md §4: a page reads at most 17 weeks of incidents
MAP_MAX_POINTS = 5000

__all__ = ["parse_iso_week"]


def week_choices(selected=""):
    """The recent ISO weeks as (value, year, week, monday, sunday), newest first."""
    monday = timezone.localdate()
    monday -= datetime.timedelta(days=monday.isoweekday() - 1)
    weeks = []
    for i in range(WEEK_CHOICES):
        start = monday - datetime.timedelta(weeks=i)
        year, week, _ = start.isocalendar()
        weeks.append((f"{year}-W{week:02d}", year, week, start, start + datetime.timedelta(6)))
    if selected and selected not in {w[0] for w in weeks} and parse_iso_week(selected):
        start = parse_iso_week(selected)[0]
        year, week, _ = start.isocalendar()
        weeks.append((f"{year}-W{week:02d}", year, week, start, start + datetime.timedelta(6)))
    return weeks


def visible(request):
    return Incident.objects.visible_to(request.user, request.partnership)


def _method_not_allowed_unless_post(request):
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


# --- the list, its map and its exports ------------------------------------------------


SORT_LABELS = {
    "datum": gettext_lazy("Datum"),
    "kategori": gettext_lazy("Händelsetyp och beskrivning"),
    "omrade": gettext_lazy("Område"),
    "organisation": gettext_lazy("Rapporterande organisation"),
}


def _sort_headers(selection):
    current = selection.sort
    headers = {}
    for key, label in SORT_LABELS.items():
        if current.lstrip("-") == key:
            aria = "descending" if current.startswith("-") else "ascending"
            nxt = key if current.startswith("-") else f"-{key}"
        else:
            aria = "none"
            nxt = f"-{key}" if key == "datum" else key
        query = f"{selection.query}&sort={nxt}" if selection.query else f"sort={nxt}"
        headers[key] = {"label": label, "aria_sort": aria, "href": f"?{query}"}
    return headers


def _selected_week(form):
    bounds = getattr(form, "cleaned_data", {}).get("vecka")
    if not bounds:
        return None
    return {"monday": bounds[0], "sunday": bounds[1], "week": bounds[0].isocalendar().week}


def incident_list(request):
    selection = filters.select(request)
    incidents = filters.order(
        selection.incidents.select_related("category", "area", "organisation__parent"),
        selection.sort,
    )
    page = Paginator(incidents, PAGE_SIZE).get_page(request.GET.get("sida"))
    form = selection.form
    week = form.week_value()
    page_query = selection.query
    if selection.sort != filters.DEFAULT_SORT:
        page_query = (
            f"{page_query}&sort={selection.sort}" if page_query else f"sort={selection.sort}"
        )
    return render(
        request,
        "incidents/list.html",
        {
            "form": form,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(
                page.number, on_each_side=1, on_ends=1
            ),
            "page_query": page_query,
            "query": selection.query,
            "sort_headers": _sort_headers(selection),
            "sort": selection.sort,
            "week": week,
            "week_choices": week_choices(week),
            "week_error": form.errors.get("vecka", [""])[0] if form.is_bound else "",
            "selected_week": _selected_week(form),
            "filtered": bool(selection.query),
        },
    )


def _map_window(form):
    """(start, end, error, defaulted) of the map's period: the selection's, at most
    ``MAP_MAX_WEEKS`` weeks; without a period, the last 17 weeks."""
    start, end = form.period()
    defaulted = False
    if start is None and end is None:
        end = timezone.localdate()
        start = end - datetime.timedelta(weeks=MAP_MAX_WEEKS) + datetime.timedelta(days=1)
        defaulted = True
    elif start is None:
        start = end - datetime.timedelta(weeks=MAP_MAX_WEEKS) + datetime.timedelta(days=1)
        defaulted = True
    elif end is None:
        end = max(start, timezone.localdate())
    if (end - start).days + 1 > MAP_MAX_WEEKS * 7:
        return (
            start,
            end,
            _("Kartan visar högst %(weeks)s veckor åt gången. Välj en kortare period.")
            % {"weeks": MAP_MAX_WEEKS},
            defaulted,
        )
    return start, end, "", defaulted


def _police_by_area(selection, start, end, *, positions=True):
    """The police's published events in the selection and window, counted per area
    (withdrawn ones and ones linked to a partner's report left out): never points, as
    their place is known no better than an area. A list of {area, count, lat, lon,
    unknown}, the most first; the municipality (position unknown) last and without a
    position. ``lat``/``lon`` is a point inside the area (its representative point)."""
    from django.db.models import Count
    from shapely.geometry import shape

    from .models import Source

    counts = dict(
        selection.incidents.filter(source=Source.POLICE_FEED, occurred_date__range=(start, end))
        .counted()
        .order_by()
        .values_list("area_id")
        .annotate(n=Count("pk"))
    )
    if not counts:
        return []
    fields = ("pk", "name", "kind", "geometry") if positions else ("pk", "name", "kind")
    rows = []
    for area in Area.objects.filter(pk__in=counts).only(*fields):
        unknown = area.kind == Area.Kind.MUNICIPALITY
        lat = lon = None
        if positions and not unknown and area.geometry:
            point = shape(area.geometry).representative_point()
            lat, lon = round(point.y, 6), round(point.x, 6)
        rows.append(
            {
                "area": _("Position okänd (hela kommunen)") if unknown else area.name,
                "count": counts[area.pk],
                "lat": lat,
                "lon": lon,
                "unknown": unknown,
            }
        )
    rows.sort(key=lambda r: (r["unknown"], -r["count"], r["area"].casefold()))
    return rows


def incident_map(request):
    selection = filters.select(request)
    start, end, window_error, defaulted = _map_window(selection.form)
    geojson_url = reverse("incidents:map_geojson")
    if selection.query:
        geojson_url += "?" + selection.query
    police_by_area = None  # no table when the map shows an error instead
    if not window_error and not selection.form.errors:
        police_by_area = _police_by_area(selection, start, end, positions=False)
    return render(
        request,
        "incidents/map.html",
        {
            "form": selection.form,
            "query": selection.query,
            "start": start,
            "end": end,
            "window_error": window_error,
            "defaulted": defaulted,
            "max_weeks": MAP_MAX_WEEKS,
            "max_points": MAP_MAX_POINTS,
            "geojson_url": geojson_url,
            "week": selection.form.week_value(),
            "week_choices": week_choices(selection.form.week_value()),
            "sort": selection.sort,
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
            "police_by_area": police_by_area,
        },
    )


def incident_map_geojson(request):
    """The selection's points as GeoJSON: visible incidents with a point, at most 17
    weeks and ``MAP_MAX_POINTS`` points (the newest first); and, under
    ``police_by_area``, the police's published events of the same selection as counts
    per area (they have no point)."""
    selection = filters.select(request)
    start, end, window_error, _defaulted = _map_window(selection.form)
    if window_error or selection.form.errors:
        return JsonResponse({"error": window_error or _("Filtret är ogiltigt.")}, status=400)
    incidents = (
        selection.incidents.filter(
            occurred_date__range=(start, end), lat__isnull=False, lon__isnull=False
        )
        .select_related("category", "area")
        .order_by("-occurred_date", "-id")
        .only("pk", "lat", "lon", "occurred_date", "label", "category", "area")
    )
    rows = list(incidents[: MAP_MAX_POINTS + 1])
    truncated = len(rows) > MAP_MAX_POINTS
    rows = rows[:MAP_MAX_POINTS]
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(i.lon, 6), round(i.lat, 6)]},
            "properties": {
                "id": i.pk,
                "category": i.category.label,
                "date": i.occurred_date.isoformat(),
                "area": i.area.name,
                "label": i.label,
                "url": reverse("incidents:detail", args=[i.pk]),
            },
        }
        for i in rows
    ]
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "features": features,
            "truncated": truncated,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "police_by_area": [
                {key: row[key] for key in ("area", "count", "lat", "lon")}
                for row in _police_by_area(selection, start, end)
            ],
        }
    )


def _export(request, fmt):
    selection = filters.select(request)
    list_url = reverse("incidents:list") + (f"?{selection.query}" if selection.query else "")
    if selection.form.errors:
        messages.error(request, _("Rätta filtret innan du exporterar."))
        return redirect(list_url)
    incidents = filters.order(selection.incidents, selection.sort)
    count = incidents.count()
    if count > export.MAX_ROWS:
        messages.error(
            request,
            _(
                "Urvalet har %(count)s händelser; en export får ha högst %(max)s. Välj ett mindre urval."
            )
            % {"count": count, "max": export.MAX_ROWS},
        )
        return redirect(list_url)
    record(
        "incident.export",
        actor=request.user,
        partnership=request.partnership,
        request=request,
        data={
            "format": fmt,
            "filter": selection.form.as_params(),
            "sort": selection.sort,
            "rows": count,
        },
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"handelser-{request.partnership.slug}-{stamp}.{fmt}"
    if fmt == "csv":
        # Built in memory (capped by export.MAX_ROWS), not streamed: the response must be
        # complete before it is sent, like the XLSX one.
        response = HttpResponse(
            "".join(export.csv_chunks(incidents)), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            export.xlsx_bytes(incidents, _("Händelser")),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def export_csv(request):
    return _export(request, "csv")


def export_xlsx(request):
    return _export(request, "xlsx")


# --- one incident -----------------------------------------------------------------------

FIELD_LABELS = {
    "withdrawn": gettext_lazy("återkallad"),
}


def _revision_rows(incident):
    """The change history, each change as (field label, old, new) in words."""
    revisions = list(
        IncidentRevision.objects.filter(incident=incident).select_related("changed_by")
    )
    category_ids, area_ids = set(), set()
    for revision in revisions:
        for field, values in revision.changes.items():
            if field == "category":
                category_ids.update(v for v in values if v)
            if field == "area":
                area_ids.update(v for v in values if v)
    categories = {c.pk: c.label for c in Category.objects.filter(pk__in=category_ids)}
    areas = dict(Area.objects.filter(pk__in=area_ids).values_list("pk", "name"))
    choice_fields = {
        "place_type": dict(PlaceType.choices),
        "time_bucket": dict(TimeBucket.choices),
        "age_group": dict(AgeGroup.choices),
        "label": dict(Label.choices),
    }

    def words(field, value):
        if value in (None, ""):
            return "–"
        if field == "category":
            return categories.get(value, value)
        if field == "area":
            return areas.get(value, value)
        if field in choice_fields:
            return choice_fields[field].get(value, value)
        if isinstance(value, bool):
            return _("ja") if value else _("nej")
        return value

    rows = []
    for revision in revisions:
        changes = []
        for field, values in revision.changes.items():
            old, new = (values + [None, None])[:2] if isinstance(values, list) else (None, values)
            try:
                label = Incident._meta.get_field(field).verbose_name
            except Exception:  # noqa: BLE001 - a pseudo-field such as "withdrawn"
                label = FIELD_LABELS.get(field, field)
            changes.append((label, words(field, old), words(field, new)))
        rows.append({"revision": revision, "changes": changes})
    return rows


class AnswerForm(forms.Form):
    question = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(
        label=gettext_lazy("Ditt svar"),
        max_length=triage.MAX_TEXT,
        widget=forms.Textarea(attrs={"class": "textarea", "rows": 4}),
        error_messages={"required": gettext_lazy("Skriv ditt svar.")},
    )


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=gettext_lazy("Fråga till rapportören"),
        help_text=gettext_lazy(
            "Rapportören får ett e-postmeddelande med en länk hit, utan frågans text."
        ),
        max_length=triage.MAX_TEXT,
        widget=forms.Textarea(attrs={"class": "textarea", "rows": 3}),
        error_messages={"required": gettext_lazy("Skriv din fråga.")},
    )


def _detail_context(request, incident, **extra):
    is_coordinator = request.membership.role in services.TRIAGE_ROLES
    questions = list(ReporterQuestion.objects.filter(incident=incident).select_related("asked_by"))
    context = {
        "incident": incident,
        "recipients": incident.recipients.all() if incident.label == Label.RED else (),
        "revisions": _revision_rows(incident),
        "questions": questions,
        "may_change": incident.withdrawn_at is None and services.may_change(request.user, incident),
        "is_reporter": incident.reported_by_id == request.user.pk,
        "is_coordinator": is_coordinator,
        "answer_form": extra.pop("answer_form", None) or AnswerForm(auto_id="answer-%s"),
        "question_form": extra.pop("question_form", None) or QuestionForm(auto_id="question-%s"),
    }
    context.update(feeds_views.detail_context(request, incident, extra.pop("link_form", None)))
    context.update(extra)
    return context


def _get_visible(request, pk, *related):
    return get_object_or_404(
        visible(request).select_related(
            "category__parent",
            "area__parent",
            "organisation__parent",
            "reported_by",
            *related,
        ),
        pk=pk,
    )


def incident_detail(request, pk):
    incident = _get_visible(request, pk)
    record(
        "incident.view",
        actor=request.user,
        partnership=request.partnership,
        obj=incident,
        request=request,
    )
    return render(request, "incidents/detail.html", _detail_context(request, incident))


def incident_detail_with(request, incident, *, status=200, **forms):
    """The incident page again with a form of another view bound (its errors shown)."""
    return render(
        request, "incidents/detail.html", _detail_context(request, incident, **forms), status=status
    )


def answer(request, pk):
    incident = _get_visible(request, pk)
    refused = _method_not_allowed_unless_post(request)
    if refused:
        return refused
    form = AnswerForm(request.POST, auto_id="answer-%s")
    if form.is_valid():
        question = ReporterQuestion.objects.filter(
            incident=incident, pk=form.cleaned_data["question"]
        ).first()
        if question is None:
            form.add_error(None, _("Frågan finns inte."))
        else:
            try:
                triage.answer_question(
                    actor=request.user,
                    question=question,
                    answer=form.cleaned_data["answer"],
                    request=request,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Ditt svar är sparat."))
                return redirect("incidents:detail", pk=incident.pk)
    context = _detail_context(request, incident, answer_form=form)
    return render(request, "incidents/detail.html", context, status=400)


def _cannot_change(request, incident):
    if incident.withdrawn_at is not None:
        reason = _("Rapporten är återkallad och kan inte ändras.")
    else:
        reason = _(
            "Den som rapporterade kan rätta eller återkalla en rapport i %(days)s dagar; "
            "därefter kan samverkans trygghetssamordnare göra det."
        ) % {"days": services.REPORTER_CORRECTION_DAYS}
    return render(
        request,
        "incidents/cannot_change.html",
        {"incident": incident, "reason": reason},
        status=403,
    )


def _leaf_area_choices(partnership):
    areas = Area.objects.filter(
        partnership=partnership, kind__in=[Area.Kind.MUNICIPALITY, Area.Kind.REGSO]
    ).order_by("kind", "name")
    return [(str(a.pk), a.name) for a in areas]


def _leaf_category_choices(partnership, current):
    cats = list(
        Category.objects.filter(Q(partnership__isnull=True) | Q(partnership=partnership))
        .filter(Q(is_active=True) | Q(pk=current.pk))
        .select_related("parent")
    )
    choices = []
    for group in [c for c in cats if c.parent_id is None]:
        options = [(str(c.pk), c.label) for c in cats if c.parent_id == group.pk]
        if options:
            choices.append((group.label, options))
    return choices


YES_NO_UNKNOWN = [
    ("", gettext_lazy("Vet inte")),
    ("ja", gettext_lazy("Ja")),
    ("nej", gettext_lazy("Nej")),
]


# Where each key of ``correct_incident``'s ValidationError is shown in the correction form
# (the point has no visible field of its own: its errors go to the area, under the map).
CORRECTION_SERVICE_FIELD = {
    "lat": "area",
    "lon": "area",
    "occurred_from": "occurred_time",
    "occurred_to": "occurred_time",
}


class CorrectionForm(forms.Form):
    """The correction form: the report form's fields that ``services.CORRECTABLE`` allows,
    with the same map (report.js: a tap or a drag sets the hidden lat/lon) and the same
    exact time, or a date with a time of day when the time is unknown."""

    category = forms.ChoiceField(label=gettext_lazy("Händelsetyp"))
    lat = forms.FloatField(
        label=gettext_lazy("Plats"),
        required=False,
        widget=forms.HiddenInput(attrs={"data-lat": ""}),
        error_messages={"invalid": gettext_lazy("Platsens koordinater är ogiltiga.")},
    )
    lon = forms.FloatField(
        label=gettext_lazy("Plats"),
        required=False,
        widget=forms.HiddenInput(attrs={"data-lon": ""}),
        error_messages={"invalid": gettext_lazy("Platsens koordinater är ogiltiga.")},
    )
    area = forms.ChoiceField(
        label=gettext_lazy("Område"),
        required=False,
        help_text=gettext_lazy(
            "Välj ett område om du inte pekar ut platsen på kartan. En plats på kartan "
            "går före området."
        ),
    )
    place_type = forms.ChoiceField(
        label=gettext_lazy("Platstyp"),
        required=False,
        choices=[("", gettext_lazy("Okänd")), *PlaceType.choices],
    )
    occurred_date = forms.DateField(
        label=gettext_lazy("Datum"),
        widget=forms.DateInput(
            attrs={"type": "date", "class": "input input--date"}, format="%Y-%m-%d"
        ),
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": gettext_lazy("Ange när händelsen inträffade."),
            "invalid": gettext_lazy("Ange datumet som ÅÅÅÅ-MM-DD."),
        },
    )
    occurred_time = forms.TimeField(
        label=gettext_lazy("Klockslag"),
        required=False,
        error_messages={
            "invalid": gettext_lazy("Ange klockslaget som timmar och minuter, till exempel 21:30."),
        },
        widget=forms.TimeInput(
            attrs={"type": "time", "class": "input input--time"}, format="%H:%M"
        ),
        input_formats=["%H:%M", "%H:%M:%S", "%H.%M"],
    )
    time_unknown = forms.BooleanField(
        label=gettext_lazy("Jag vet inte exakt när"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "checkbox__input", "data-time-unknown": ""}),
    )
    time_bucket = forms.ChoiceField(
        label=gettext_lazy("Ungefär när på dygnet?"),
        required=False,
        choices=TimeBucket.choices,
        error_messages={
            "invalid_choice": gettext_lazy("Välj ungefär när på dygnet händelsen inträffade.")
        },
        widget=forms.RadioSelect(attrs={"class": "radios__input"}),
    )
    description = forms.CharField(
        label=gettext_lazy("Beskrivning"),
        required=False,
        max_length=services.MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"class": "textarea", "rows": 5}),
        help_text=gettext_lazy(
            "Beskriv platsen och situationen, inte personer. Personnummer, telefonnummer, "
            "e-postadresser och registreringsnummer tas bort automatiskt."
        ),
    )
    people_count = forms.IntegerField(
        label=gettext_lazy("Antal inblandade"),
        required=False,
        min_value=0,
        max_value=1000,
        widget=forms.NumberInput(attrs={"class": "input", "inputmode": "numeric"}),
    )
    age_group = forms.ChoiceField(label=gettext_lazy("Åldersgrupp"), choices=AgeGroup.choices)
    police_notified = forms.ChoiceField(
        label=gettext_lazy("Polisen underrättad"), required=False, choices=YES_NO_UNKNOWN
    )
    police_reference = forms.CharField(
        label=gettext_lazy("Polisens diarienummer"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"class": "input"}),
    )
    needs_follow_up = forms.BooleanField(
        label=gettext_lazy("Behöver följas upp"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "checkbox__input"}),
    )
    label = forms.ChoiceField(label=gettext_lazy("Delning (TLP)"))
    reason = forms.CharField(
        label=gettext_lazy("Varför ändras rapporten?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"class": "textarea", "rows": 2}),
        error_messages={"required": gettext_lazy("Skriv varför rapporten ändras.")},
    )

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.incident = incident
        partnership = incident.partnership
        self.fields["category"].choices = _leaf_category_choices(partnership, incident.category)
        self.fields["area"].choices = _leaf_area_choices(partnership)
        labels = (
            Label.choices
            if incident.label == Label.RED
            else [c for c in Label.choices if c[0] != Label.RED]
        )
        self.fields["label"].choices = labels
        if incident.lat is not None:
            self.fields["area"].help_text = _(
                "Området bestäms av platsen på kartan. Väljer du ett annat område här tas "
                "platsen bort."
            )
        for name in (
            "category",
            "area",
            "place_type",
            "age_group",
            "police_notified",
            "label",
        ):
            self.fields[name].widget.attrs["class"] = "select"
        self.fields["area"].widget.attrs["data-area-select"] = ""
        self.fields["category"].error_messages["required"] = _("Välj en händelsetyp.")

    @staticmethod
    def initial_for(incident):
        local = timezone.localtime(incident.occurred_from) if incident.occurred_from else None
        return {
            "category": str(incident.category_id),
            "lat": incident.lat,
            "lon": incident.lon,
            "area": str(incident.area_id),
            "place_type": incident.place_type,
            "occurred_date": incident.occurred_date,
            "occurred_time": local.time().replace(second=0, microsecond=0) if local else None,
            "time_unknown": local is None,
            "time_bucket": incident.time_bucket,
            "description": incident.description,
            "people_count": incident.people_count,
            "age_group": incident.age_group,
            "police_notified": {None: "", True: "ja", False: "nej"}[incident.police_notified],
            "police_reference": incident.police_reference,
            "needs_follow_up": incident.needs_follow_up,
            "label": incident.label,
        }

    def clean(self):
        data = super().clean()
        if data.get("time_unknown"):
            if not data.get("time_bucket") and not self.errors.get("time_bucket"):
                self.add_error("time_bucket", _("Välj ungefär när på dygnet händelsen inträffade."))
        elif data.get("occurred_time") is None and not self.errors.get("occurred_time"):
            self.add_error(
                "occurred_time", _("Ange klockslaget, eller kryssa i att du inte vet exakt när.")
            )
        return data

    # Fields compared one by one in changes(); the place and the time are compared whole.
    _PLAIN = (
        "category",
        "place_type",
        "description",
        "people_count",
        "age_group",
        "police_notified",
        "police_reference",
        "needs_follow_up",
        "label",
    )

    def changes(self):
        """Only the fields the user changed, as values for ``correct_incident``."""
        initial = self.initial_for(self.incident)
        data = self.cleaned_data
        changes = {}
        for name in self._PLAIN:
            before, after = initial[name], data.get(name)
            if name == "description":
                after, before = (after or "").strip(), (before or "").strip()
            if after in (None, "") and before in (None, ""):
                continue
            if after == before:
                continue
            if name == "category":
                after = Category.objects.get(pk=int(after))
            elif name == "police_notified":
                after = {"": None, "ja": True, "nej": False}[after]
            changes[name] = after
        changes.update(self._place_changes())
        changes.update(self._time_changes())
        return changes

    def _place_changes(self):
        """A moved (or removed) point decides; else a different area replaces the point."""
        incident, data = self.incident, self.cleaned_data
        lat, lon = data.get("lat"), data.get("lon")
        area_pk = data.get("area") or ""
        area_changed = bool(area_pk) and area_pk != str(incident.area_id)

        def area():
            return Area.objects.filter(pk=int(area_pk or 0)).first()

        if (lat, lon) != (incident.lat, incident.lon):
            if lat is None and lon is None:
                return {"lat": None, "lon": None, "area": area() or incident.area}
            return {"lat": lat, "lon": lon}
        if area_changed:
            return {"lat": None, "lon": None, "area": area()}
        return {}

    def _time_changes(self):
        """An exact start time (to the minute), or a date with a time of day."""
        incident, data = self.incident, self.cleaned_data
        date = data["occurred_date"]
        if data.get("time_unknown"):
            bucket = data.get("time_bucket") or ""
            if (
                incident.occurred_from is None
                and date == incident.occurred_date
                and bucket == incident.time_bucket
            ):
                return {}
            return {"occurred_from": None, "occurred_date": date, "time_bucket": bucket}
        wanted = timezone.make_aware(
            datetime.datetime.combine(date, data["occurred_time"]),
            timezone.get_current_timezone(),
        )
        if incident.occurred_from is not None:
            before = timezone.localtime(incident.occurred_from).replace(second=0, microsecond=0)
            if before == wanted:
                return {}
        return {"occurred_from": wanted}

    def add_service_errors(self, exc):
        """Show ``correct_incident``'s ValidationError next to the fields it concerns."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for key, errors in exc.message_dict.items():
            field = CORRECTION_SERVICE_FIELD.get(key, key)
            if field == "occurred_time" and self.cleaned_data.get("time_unknown"):
                field = "occurred_date"
            self.add_error(field if field in self.fields else None, errors)


def incident_edit(request, pk):
    incident = _get_visible(request, pk, "partnership")
    if incident.withdrawn_at is not None or not services.may_change(request.user, incident):
        return _cannot_change(request, incident)
    if request.method == "POST":
        form = CorrectionForm(
            request.POST,
            incident=incident,
            auto_id="edit-%s",
            initial=CorrectionForm.initial_for(incident),
        )
        if form.is_valid():
            changes = form.changes()
            if not changes:
                form.add_error(None, _("Du har inte ändrat något."))
            else:
                try:
                    services.correct_incident(
                        actor=request.user,
                        incident=incident,
                        changes=changes,
                        reason=form.cleaned_data["reason"],
                        request=request,
                    )
                except ValidationError as exc:
                    form.add_service_errors(exc)
                else:
                    messages.success(request, _("Rapporten är ändrad."))
                    return redirect("incidents:detail", pk=incident.pk)
    else:
        form = CorrectionForm(
            incident=incident, auto_id="edit-%s", initial=CorrectionForm.initial_for(incident)
        )
    status = 400 if form.errors else 200
    return render(
        request,
        "incidents/edit.html",
        {
            "incident": incident,
            "form": form,
            "time_unknown": _bound_time_unknown(form),
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
        status=status,
    )


def _bound_time_unknown(form):
    """Whether the correction form shows the time of day rather than the exact time."""
    if form.is_bound:
        return bool(form.data.get(form.add_prefix("time_unknown")))
    return bool(form.initial.get("time_unknown"))


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Varför återkallas rapporten?"),
        help_text=gettext_lazy(
            "Till exempel att händelsen rapporterades två gånger eller av misstag. "
            "Återkallade rapporter räknas inte i lägesbilden."
        ),
        max_length=1000,
        widget=forms.Textarea(attrs={"class": "textarea", "rows": 3}),
        error_messages={"required": gettext_lazy("Skriv varför rapporten återkallas.")},
    )


def incident_withdraw(request, pk):
    incident = _get_visible(request, pk, "partnership")
    if incident.withdrawn_at is not None or not services.may_change(request.user, incident):
        return _cannot_change(request, incident)
    form = WithdrawForm(request.POST or None, auto_id="withdraw-%s")
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_incident(
                actor=request.user,
                incident=incident,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Rapporten är återkallad."))
            return redirect("incidents:detail", pk=incident.pk)
    status = 400 if form.errors else 200
    return render(
        request, "incidents/withdraw.html", {"incident": incident, "form": form}, status=status
    )


# --- triage (coordinators) ----------------------------------------------------------------


def triage_inbox(request):
    base = (
        visible(request)
        .active()
        .select_related("category", "area", "organisation__parent", "reported_by")
    )
    new = base.filter(status=Status.NEW).order_by("reported_at", "id")
    follow_up = base.filter(needs_follow_up=True).order_by("reported_at", "id")
    new_page = Paginator(new, PAGE_SIZE).get_page(request.GET.get("sida"))
    return render(
        request,
        "incidents/triage.html",
        {
            "new_page": new_page,
            "follow_up": follow_up[:PAGE_SIZE],
            "follow_up_count": follow_up.count(),
            "next": request.get_full_path(),
        },
    )


def _back(request, incident):
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("incidents:detail", pk=incident.pk)


def review(request, pk):
    incident = _get_visible(request, pk, "partnership")
    refused = _method_not_allowed_unless_post(request)
    if refused:
        return refused
    try:
        services.mark_reviewed(actor=request.user, incident=incident, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Rapporten är markerad som granskad."))
    return _back(request, incident)


def ask(request, pk):
    incident = _get_visible(request, pk, "partnership")
    refused = _method_not_allowed_unless_post(request)
    if refused:
        return refused
    form = QuestionForm(request.POST, auto_id="question-%s")
    if form.is_valid():
        try:
            triage.ask_reporter(
                actor=request.user,
                incident=incident,
                question=form.cleaned_data["question"],
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Frågan är skickad till rapportören."))
            return _back(request, incident)
    context = _detail_context(request, incident, question_form=form)
    return render(request, "incidents/detail.html", context, status=400)


def clear_follow_up(request, pk):
    incident = _get_visible(request, pk, "partnership")
    refused = _method_not_allowed_unless_post(request)
    if refused:
        return refused
    try:
        services.correct_incident(
            actor=request.user,
            incident=incident,
            changes={"needs_follow_up": False},
            reason=_("Uppföljd i inkorgen."),
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Rapporten är markerad som uppföljd."))
    return _back(request, incident)
