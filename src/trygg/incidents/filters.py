"""The incident list's filters: one GET form that selects incidents for the list, the map
and the exports alike (the same selection everywhere).

The form never widens what a user sees: it only narrows a queryset that already went
through ``Incident.objects.visible_to(user, partnership)``.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from trygg.core.models import Organisation
from trygg.geo.models import Area, FocusArea

from .models import Category, Incident, Label, Source, Status

WEEK_FORMAT = "%G-W%V"

# sort parameter -> order_by fields (a whitelist: nothing else reaches order_by)
SORTS = {
    "datum": ("occurred_date", "occurred_from", "id"),
    "kategori": ("category_label", "occurred_date", "id"),
    "omrade": ("area__name", "occurred_date", "id"),
    "organisation": ("organisation_sort", "organisation__name", "occurred_date", "id"),
}
DEFAULT_SORT = "-datum"
SORT_COLUMNS = tuple(SORTS)

FILTER_FIELDS = (
    "vecka",
    "fran",
    "till",
    "omrade",
    "kategori",
    "organisation",
    "kalla",
    "tlp",
    "status",
    "aterkallade",
)


def parse_iso_week(value):
    """'2026-W48' -> (monday, sunday) of that ISO week, or None if it is no ISO week."""
    import re

    match = re.match(r"^(\d{4})-W(\d{1,2})$", (value or "").strip())
    if not match:
        return None
    try:
        monday = datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None
    return monday, monday + datetime.timedelta(days=6)


def _select(**attrs):
    return forms.Select(attrs={"class": "select", **attrs})


def area_choices(partnership):
    """Grouped choices: the municipality, focus areas, districts, RegSO areas.
    Values are ``a<pk>`` for an area and ``f<pk>`` for a focus area."""
    if partnership is None:
        return [("", _("Hela kommunen"))]
    areas = list(
        Area.objects.filter(partnership=partnership)
        .exclude(kind=Area.Kind.PLACE)
        .only("pk", "name", "kind", "code")
        .order_by("name")
    )
    choices = [("", _("Alla områden"))]
    choices += [(f"a{a.pk}", a.name) for a in areas if a.kind == Area.Kind.MUNICIPALITY]
    focus = [(f"f{f.pk}", f.name) for f in FocusArea.objects.filter(partnership=partnership)]
    if focus:
        choices.append((_("Fokusområden"), focus))
    districts = [(f"a{a.pk}", a.name) for a in areas if a.kind == Area.Kind.DISTRICT]
    if districts:
        choices.append((_("Kommundelar"), districts))
    regso = [(f"a{a.pk}", a.name) for a in areas if a.kind == Area.Kind.REGSO]
    if regso:
        choices.append((_("RegSO-områden"), regso))
    return choices


def category_choices(partnership):
    """Groups with their categories under them; a group's value selects all of it."""
    cats = Category.objects.filter(Q(partnership__isnull=True) | Q(partnership=partnership))
    cats = list(cats.select_related("parent"))
    groups = [c for c in cats if c.parent_id is None]
    choices = [("", _("Alla händelsetyper"))]
    for group in groups:
        options = [(str(group.pk), _("Hela gruppen %(group)s") % {"group": group.label})]
        options += [(str(c.pk), c.label) for c in cats if c.parent_id == group.pk]
        choices.append((group.label, options))
    return choices


def organisation_choices(partnership):
    if partnership is None:
        return [("", _("Alla organisationer"))]
    orgs = (
        Organisation.objects.filter(
            Q(participation__partnership=partnership)
            | Q(parent__participation__partnership=partnership)
        )
        .select_related("parent")
        .distinct()
    )
    orgs = sorted(orgs, key=lambda o: str(o).casefold())
    return [("", _("Alla organisationer"))] + [(str(o.pk), str(o)) for o in orgs]


class IncidentFilterForm(forms.Form):
    vecka = forms.CharField(label=_("Vecka"), required=False)
    fran = forms.DateField(
        label=_("Från och med"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "input"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Ange datumet som ÅÅÅÅ-MM-DD.")},
    )
    till = forms.DateField(
        label=_("Till och med"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "input"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Ange datumet som ÅÅÅÅ-MM-DD.")},
    )
    omrade = forms.ChoiceField(label=_("Område"), required=False, widget=_select())
    kategori = forms.ChoiceField(label=_("Händelsetyp"), required=False, widget=_select())
    organisation = forms.ChoiceField(
        label=_("Rapporterande organisation"), required=False, widget=_select()
    )
    kalla = forms.ChoiceField(
        label=_("Källa"),
        required=False,
        choices=[("", _("Alla källor")), *Source.choices],
        widget=_select(),
    )
    tlp = forms.ChoiceField(
        label=_("Delning (TLP)"),
        required=False,
        choices=[("", _("Alla")), *Label.choices],
        widget=_select(),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Alla")), *Status.choices],
        widget=_select(),
    )
    aterkallade = forms.BooleanField(
        label=_("Visa återkallade rapporter"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "checkbox__input"}),
    )

    invalid_choice = _("Välj ett alternativ i listan.")

    def __init__(self, data, *, partnership, **kwargs):
        super().__init__(data, **kwargs)
        self.partnership = partnership
        self.fields["omrade"].choices = area_choices(partnership)
        self.fields["kategori"].choices = category_choices(partnership)
        self.fields["organisation"].choices = organisation_choices(partnership)
        self.fields["vecka"].widget.attrs["id"] = "filter-week"
        for name in ("omrade", "kategori", "organisation", "kalla", "tlp", "status"):
            self.fields[name].error_messages["invalid_choice"] = self.invalid_choice

    def clean_vecka(self):
        value = (self.cleaned_data.get("vecka") or "").strip()
        if not value:
            return None
        bounds = parse_iso_week(value)
        if bounds is None:
            raise forms.ValidationError(_("Välj en vecka i listan."))
        return bounds

    def clean(self):
        data = super().clean()
        start, end = data.get("fran"), data.get("till")
        if data.get("vecka") and (start or end):
            self.add_error("vecka", _("Välj antingen en vecka eller en period, inte båda."))
            data.pop("vecka", None)
        if start and end and start > end:
            self.add_error(
                "till", _("Slutdatumet måste vara samma dag som eller efter startdatumet.")
            )
            data.pop("till", None)
        return data

    # The selection, from whatever parts of the form are valid.
    def period(self):
        data = getattr(self, "cleaned_data", {})
        if data.get("vecka"):
            return data["vecka"]
        return data.get("fran"), data.get("till")

    def week_value(self):
        bounds = getattr(self, "cleaned_data", {}).get("vecka")
        return bounds[0].strftime(WEEK_FORMAT) if bounds else ""

    def area_ids(self):
        """Area ids the selection covers, or None for all (the municipality root)."""
        value = getattr(self, "cleaned_data", {}).get("omrade") or ""
        if not value or self.partnership is None:
            return None
        kind, pk = value[0], int(value[1:])
        if kind == "f":
            roots = list(
                Area.objects.filter(focus_areas__pk=pk, partnership=self.partnership).values_list(
                    "pk", flat=True
                )
            )
        else:
            area = Area.objects.filter(pk=pk, partnership=self.partnership).first()
            if area is None:
                return []
            if area.kind == Area.Kind.MUNICIPALITY and area.parent_id is None:
                return None
            roots = [area.pk]
        ids = set(roots)
        level = roots
        while level:  # children, grandchildren (district > RegSO > named place)
            level = list(Area.objects.filter(parent_id__in=level).values_list("pk", flat=True))
            level = [i for i in level if i not in ids]
            ids.update(level)
        return ids

    def filter(self, incidents):
        data = getattr(self, "cleaned_data", {})
        start, end = self.period()
        if start:
            incidents = incidents.filter(occurred_date__gte=start)
        if end:
            incidents = incidents.filter(occurred_date__lte=end)
        area_ids = self.area_ids()
        if area_ids is not None:
            incidents = incidents.filter(area_id__in=area_ids)
        if data.get("kategori"):
            pk = int(data["kategori"])
            incidents = incidents.filter(Q(category_id=pk) | Q(category__parent_id=pk))
        if data.get("organisation"):
            pk = int(data["organisation"])
            incidents = incidents.filter(Q(organisation_id=pk) | Q(organisation__parent_id=pk))
        for field, column in (("kalla", "source"), ("tlp", "label"), ("status", "status")):
            if data.get(field):
                incidents = incidents.filter(**{column: data[field]})
        if not data.get("aterkallade"):
            incidents = incidents.filter(withdrawn_at__isnull=True)
        return incidents

    def as_params(self):
        """The valid filter as a JSON-safe dict (for audit entries)."""
        data = getattr(self, "cleaned_data", {})
        params = {}
        for name in FILTER_FIELDS:
            value = data.get(name)
            if not value:
                continue
            if name == "vecka":
                value = self.week_value()
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            params[name] = value
        return params


@dataclass
class Selection:
    form: IncidentFilterForm
    incidents: object  # the filtered, visible queryset (unsorted)
    sort: str
    query: str  # the filter's query string, without sort and page


def sort_param(value):
    value = (value or "").strip()
    return value if value.lstrip("-") in SORTS else DEFAULT_SORT


def order(incidents, sort):
    field = sort.lstrip("-")
    desc = sort.startswith("-")
    if field == "kategori":
        label = (
            "category__label_en"
            if (get_language() or "sv").startswith("en")
            else ("category__label_sv")
        )
        incidents = incidents.annotate(category_label=Coalesce(label, "category__code"))
    if field == "organisation":
        incidents = incidents.annotate(
            organisation_sort=Coalesce("organisation__parent__name", "organisation__name")
        )
    return incidents.order_by(*[f"-{f}" if desc else f for f in SORTS[field]])


def select(request):
    """The visible incidents selected by the request's GET filter."""
    form = IncidentFilterForm(
        request.GET or None, partnership=request.partnership, auto_id="filter-%s"
    )
    if form.is_bound:
        form.is_valid()
    incidents = Incident.objects.visible_to(request.user, request.partnership)
    incidents = form.filter(incidents)
    query = QueryDict(mutable=True)
    for name in FILTER_FIELDS:
        value = request.GET.get(name, "")
        if value:
            query[name] = value
    return Selection(form, incidents, sort_param(request.GET.get("sort")), query.urlencode())
