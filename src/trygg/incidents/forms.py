"""The one-minute reporting form (``incidents:report``).

The form only parses what was typed; every rule about what may be reported (the point in
the municipality, a time not in the future, recipients for TLP:RED, redaction) belongs to
``services.report_incident`` and its validators, whose errors the view maps back onto the
fields here (``SERVICE_FIELD``).
"""

import datetime as dt

from django import forms
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trygg.core.models import DETAIL_ROLES, Membership
from trygg.geo.models import Area
from trygg.geo.selectors import area_table

from .models import AgeGroup, Category, Incident, Label, PlaceType, TimeBucket
from .services import MAX_DESCRIPTION

MOST_USED_DAYS = 90
MOST_USED_COUNT = 5

POLICE_YES, POLICE_NO, POLICE_UNKNOWN = "yes", "no", "unknown"
POLICE_CHOICES = [
    (POLICE_YES, gettext_lazy("Ja")),
    (POLICE_NO, gettext_lazy("Nej")),
    (POLICE_UNKNOWN, gettext_lazy("Vet inte")),
]
POLICE_VALUE = {POLICE_YES: True, POLICE_NO: False, POLICE_UNKNOWN: None, "": None}

# One line for each sharing level, shown under its radio button (DESIGN.md §5).
LABEL_HINTS = {
    Label.CLEAR: gettext_lazy("Får publiceras, till exempel i en lägesbild för allmänheten."),
    Label.GREEN: gettext_lazy(
        "Alla i samverkan som får se händelser ser detaljerna. Passar de flesta rapporter."
    ),
    Label.AMBER: gettext_lazy(
        "Bara din organisation och samverkans trygghetssamordnare och analytiker."
    ),
    Label.AMBER_STRICT: gettext_lazy("Bara din egen organisation."),
    Label.RED: gettext_lazy("Bara du och de personer du väljer här nedanför."),
}

# Age groups for which the form reminds of the duty to report concern for a child
# (orosanmälan, 14 kap. 1 § socialtjänstlagen): children, and youth, who may be under 18.
CHILD_AGE_GROUPS = (AgeGroup.CHILDREN, AgeGroup.YOUTH)

# Where each key of the service's ValidationError dict is shown in the form.
SERVICE_FIELD = {
    "category": "category",
    "lat": "area",
    "lon": "area",
    "area": "area",
    "place_type": "place_type",
    "occurred_from": "occurred_time",
    "occurred_to": "occurred_time",
    "occurred_date": "occurred_date",
    "time_bucket": "time_bucket",
    "description": "description",
    "people_count": "people_count",
    "age_group": "age_group",
    "police_notified": "police_notified",
    "police_reference": "police_reference",
    "label": "label",
    "recipients": "recipients",
}


class Radios(forms.RadioSelect):
    """Radio buttons whose group "label" points at the first button, so the error
    summary can link to the group (GOV.UK pattern)."""

    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)


class Checkboxes(forms.CheckboxSelectMultiple):
    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)


def category_choices(partnership, organisation):
    """Grouped choices (pk as value): the organisation's most used categories of the last
    90 days first, then every group of the taxonomy with its categories."""
    nodes = list(
        Category.objects.filter(Q(partnership__isnull=True) | Q(partnership=partnership))
        .filter(is_active=True)
        .order_by("sort_order", "code")
    )
    groups = [n for n in nodes if n.parent_id is None]
    by_group = {g.pk: [] for g in groups}
    for node in nodes:
        if node.parent_id in by_group:
            by_group[node.parent_id].append(node)
    leaves = {c.pk: c for cats in by_group.values() for c in cats}
    choices = [("", _("Välj händelsetyp"))]
    most_used = most_used_categories(partnership, organisation, set(leaves))
    if most_used:
        choices.append(
            (
                _("Vanligast för din organisation"),
                [(str(pk), leaves[pk].label) for pk in most_used],
            )
        )
    for group in groups:
        if by_group[group.pk]:
            choices.append((group.label, [(str(c.pk), c.label) for c in by_group[group.pk]]))
    return choices


def most_used_categories(partnership, organisation, allowed, now=None):
    """The ids of the categories the organisation reported most in the partnership over
    the last 90 days (a count over its own reports, no details read)."""
    if organisation is None:
        return []
    since = (now or timezone.now()) - dt.timedelta(days=MOST_USED_DAYS)
    rows = (
        Incident.objects.filter(
            partnership=partnership,
            organisation=organisation,
            reported_at__gte=since,
            withdrawn_at__isnull=True,
        )
        .values("category")
        .annotate(n=Count("pk"))
        .order_by("-n", "category")
    )
    return [r["category"] for r in rows if r["category"] in allowed][:MOST_USED_COUNT]


def area_choices(partnership):
    """Areas to pick when there is no point: the whole municipality ("don't know where"),
    then the RegSO areas grouped by district."""
    choices = [("", _("Välj område"))]
    for root in Area.objects.filter(partnership=partnership, kind=Area.Kind.MUNICIPALITY).order_by(
        "code"
    ):
        choices.append(
            (str(root.pk), _("Vet inte var i kommunen (hela %(name)s)") % {"name": root.name})
        )
    for district, areas in area_table(partnership):
        label = district.name if district else _("Områden utanför kommundelarna")
        if areas:
            choices.append((label, [(str(a.pk), a.name) for a in areas]))
    return choices


def recipient_choices(partnership, reporter):
    """Named recipients for TLP:RED: active members of the partnership with a role that
    sees incident details (never viewers, auditors or case workers), except the reporter."""
    memberships = (
        Membership.objects.filter(
            partnership=partnership,
            is_active=True,
            role__in=DETAIL_ROLES,
            user__is_active=True,
        )
        .exclude(user=reporter)
        .select_related("user", "user__organisation")
        .order_by("user__organisation__name", "user__last_name", "user__email")
    )
    return [(str(m.user_id), recipient_label(m.user, m)) for m in memberships]


def recipient_label(user, membership=None):
    name = user.get_full_name() or user.email
    parts = [name]
    if user.get_full_name():
        parts.append(user.email)
    if user.organisation_id:
        parts.append(str(user.organisation))
    if membership is not None:
        parts.append(membership.get_role_display())
    return f"{parts[0]} ({', '.join(parts[1:])})" if len(parts) > 1 else parts[0]


def _required(message):
    return {"required": message, "invalid_choice": message, "invalid": message}


class ReportForm(forms.Form):
    category = forms.ChoiceField(
        label=gettext_lazy("Vad hände?"),
        error_messages=_required(gettext_lazy("Välj en händelsetyp.")),
        widget=forms.Select(attrs={"class": "select", "data-category-select": ""}),
    )
    lat = forms.FloatField(
        required=False,
        widget=forms.HiddenInput(attrs={"data-lat": ""}),
        error_messages={"invalid": gettext_lazy("Platsens koordinater är ogiltiga.")},
    )
    lon = forms.FloatField(
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
        error_messages=_required(gettext_lazy("Välj ett område i listan.")),
        widget=forms.Select(attrs={"class": "select", "data-area-select": ""}),
    )
    place_type = forms.ChoiceField(
        label=gettext_lazy("Typ av plats"),
        required=False,
        choices=[("", gettext_lazy("Välj typ av plats")), *PlaceType.choices],
        error_messages=_required(gettext_lazy("Välj en platstyp i listan.")),
        widget=forms.Select(attrs={"class": "select"}),
    )
    occurred_date = forms.DateField(
        label=gettext_lazy("Datum"),
        error_messages={
            "required": gettext_lazy("Ange vilket datum händelsen inträffade."),
            "invalid": gettext_lazy("Ange datumet som år-månad-dag, till exempel 2026-11-23."),
        },
        widget=forms.DateInput(
            attrs={"type": "date", "class": "input input--date"}, format="%Y-%m-%d"
        ),
        input_formats=["%Y-%m-%d"],
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
        widget=forms.CheckboxInput(attrs={"data-time-unknown": ""}),
    )
    time_bucket = forms.ChoiceField(
        label=gettext_lazy("Ungefär när på dygnet?"),
        required=False,
        choices=TimeBucket.choices,
        error_messages=_required(gettext_lazy("Välj ungefär när på dygnet händelsen inträffade.")),
        widget=Radios(attrs={"class": "radios__input"}),
    )
    description = forms.CharField(
        label=gettext_lazy("Beskriv kort vad som hände"),
        required=False,
        strip=True,
        help_text=gettext_lazy(
            "Beskriv platsen och situationen, inte personer. Skriv inga namn, "
            "personnummer, telefonnummer, e-postadresser eller registreringsnummer; "
            "sådana uppgifter tas bort innan rapporten sparas."
        ),
        widget=forms.Textarea(attrs={"rows": 5, "class": "textarea", "maxlength": MAX_DESCRIPTION}),
    )
    people_count = forms.IntegerField(
        label=gettext_lazy("Hur många var inblandade?"),
        required=False,
        min_value=0,
        max_value=1000,
        error_messages={
            "invalid": gettext_lazy("Antal inblandade måste vara ett heltal, till exempel 3."),
            "min_value": gettext_lazy("Antal inblandade måste vara mellan 0 och 1000."),
            "max_value": gettext_lazy("Antal inblandade måste vara mellan 0 och 1000."),
        },
        widget=forms.NumberInput(attrs={"class": "input input--number", "inputmode": "numeric"}),
    )
    age_group = forms.ChoiceField(
        label=gettext_lazy("Ungefär vilken ålder hade de inblandade?"),
        choices=AgeGroup.choices,
        initial=AgeGroup.UNKNOWN,
        error_messages=_required(gettext_lazy("Välj en åldersgrupp.")),
        widget=Radios(attrs={"class": "radios__input", "data-age-group": ""}),
    )
    police_notified = forms.ChoiceField(
        label=gettext_lazy("Har polisen fått veta?"),
        required=False,
        choices=POLICE_CHOICES,
        error_messages=_required(gettext_lazy("Välj ja, nej eller vet inte.")),
        widget=Radios(attrs={"class": "radios__input"}),
    )
    police_reference = forms.CharField(
        label=gettext_lazy("Polisens diarienummer"),
        required=False,
        max_length=50,
        error_messages={"max_length": gettext_lazy("Diarienumret får vara högst 50 tecken.")},
        widget=forms.TextInput(attrs={"class": "input", "autocomplete": "off"}),
    )
    needs_follow_up = forms.BooleanField(
        label=gettext_lazy("Behöver följas upp"),
        required=False,
        help_text=gettext_lazy("Trygghetssamordnaren ser att rapporten behöver följas upp."),
    )
    label = forms.ChoiceField(
        label=gettext_lazy("Vem får se detaljerna?"),
        choices=Label.choices,
        initial=Label.GREEN,
        error_messages=_required(gettext_lazy("Välj hur rapporten får delas.")),
        widget=Radios(attrs={"class": "radios__input", "data-label": ""}),
    )
    redacted_kinds = forms.CharField(required=False, widget=forms.HiddenInput)
    recipients = forms.MultipleChoiceField(
        label=gettext_lazy("Mottagare"),
        required=False,
        error_messages=_required(gettext_lazy("Välj mottagare bland dem som finns i listan.")),
        widget=Checkboxes(attrs={"class": "checkbox__input"}),
    )

    def __init__(self, *args, partnership, reporter, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.reporter = reporter
        self.fields["category"].choices = category_choices(partnership, reporter.organisation)
        self.fields["area"].choices = area_choices(partnership)
        self.fields["recipients"].choices = recipient_choices(partnership, reporter)
        if not self.is_bound:
            local = timezone.localtime(now or timezone.now())
            self.initial.setdefault("occurred_date", local.date())
            self.initial.setdefault("occurred_time", local.time().replace(second=0, microsecond=0))

    def clean(self):
        data = super().clean()
        if not data.get("time_unknown") and self.errors.get("occurred_time") is None:
            if data.get("occurred_time") is None:
                self.add_error(
                    "occurred_time",
                    _("Ange klockslaget, eller kryssa i att du inte vet exakt när."),
                )
        if (
            data.get("time_unknown")
            and not data.get("time_bucket")
            and not self.errors.get("time_bucket")
        ):
            # The service says the same; said here too so it shows with the other errors.
            self.add_error("time_bucket", _("Välj ungefär när på dygnet händelsen inträffade."))
        return data

    # --- what the service gets -----------------------------------------------------------

    def service_kwargs(self):
        """The cleaned values as keyword arguments of ``report_incident`` (the description
        as typed; the service redacts it)."""
        data = self.cleaned_data
        occurred_from = None
        time_bucket = ""
        if data["time_unknown"]:
            time_bucket = data.get("time_bucket") or ""
        elif data.get("occurred_time") is not None:
            occurred_from = timezone.make_aware(
                dt.datetime.combine(data["occurred_date"], data["occurred_time"]),
                timezone.get_current_timezone(),
            )
        area = None
        if data.get("area"):
            area = Area.objects.filter(partnership=self.partnership, pk=data["area"]).first()
        category = Category.objects.get(pk=data["category"])
        return {
            "category": category,
            "lat": data.get("lat"),
            "lon": data.get("lon"),
            "area": area,
            "place_type": data.get("place_type") or "",
            "occurred_from": occurred_from,
            "occurred_date": None if occurred_from else data["occurred_date"],
            "time_bucket": time_bucket,
            "description": data.get("description") or "",
            "people_count": data.get("people_count"),
            "age_group": data.get("age_group") or AgeGroup.UNKNOWN,
            "police_notified": POLICE_VALUE.get(data.get("police_notified") or ""),
            "police_reference": data.get("police_reference") or "",
            "needs_follow_up": bool(data.get("needs_follow_up")),
            "label": data["label"],
            # Recipients ticked before the label was changed from RED are dropped.
            "recipients": [int(pk) for pk in data.get("recipients") or []]
            if data["label"] == Label.RED
            else [],
        }

    def add_service_errors(self, exc):
        """Show a service ValidationError next to the fields it concerns."""
        if hasattr(exc, "error_dict"):
            for key, errors in exc.message_dict.items():
                field = SERVICE_FIELD.get(key)
                if field == "occurred_time" and self._date_in_future():
                    field = "occurred_date"
                if field == "occurred_time" and self.data.get(self.add_prefix("time_unknown")):
                    field = "occurred_date"
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, exc.messages)

    def _date_in_future(self):
        value = self.cleaned_data.get("occurred_date") if hasattr(self, "cleaned_data") else None
        return value is not None and value > timezone.localdate()

    @property
    def child_reminder(self):
        """Show the reminder about orosanmälan (the age group chosen is children/youth)."""
        value = self.data.get(self.add_prefix("age_group")) if self.is_bound else None
        return value in CHILD_AGE_GROUPS

    def label_options(self):
        """(bound radio, one-line explanation) for the sharing radios."""
        return [(radio, LABEL_HINTS.get(radio.data["value"], "")) for radio in self["label"]]
