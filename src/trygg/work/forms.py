"""Forms of the work app (GOV.UK style: one question per line, errors beside the field)."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygg.core.models import DETAIL_ROLES, Membership
from trygg.geo.models import Area
from trygg.incidents.models import Category, Label

from .models import ActionStatus, ActionType, PresenceKind
from .selectors import priorities_for
from .services import MAX_PEOPLE, MAX_TEXT, MAX_TITLE, participating_organisations

DATE = forms.DateInput(attrs={"type": "date", "class": "input input--date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time", "class": "input input--time"}, format="%H:%M")
SELECT = {"class": "select"}


def _area_choices(partnership):
    return [
        (a.pk, f"{a.name} ({a.get_kind_display()})")
        for a in Area.objects.filter(partnership=partnership).order_by("kind", "name")
    ]


class ActionForm(forms.Form):
    title = forms.CharField(
        label=_("Rubrik"),
        max_length=MAX_TITLE,
        widget=forms.TextInput(attrs={"class": "input"}),
        error_messages={"required": _("Skriv en rubrik för åtgärden.")},
    )
    type = forms.ChoiceField(
        label=_("Typ av åtgärd"), choices=ActionType.choices, widget=forms.Select(attrs=SELECT)
    )
    description = forms.CharField(
        label=_("Beskrivning"),
        help_text=_(
            "Vad ska göras, var och hur? Skriv om platser och situationer, aldrig om "
            "enskilda personer; personuppgifter tas bort när du sparar."
        ),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5, "class": "textarea"}),
    )
    organisation = forms.TypedChoiceField(
        label=_("Ansvarig organisation"), coerce=int, widget=forms.Select(attrs=SELECT)
    )
    contact = forms.TypedChoiceField(
        label=_("Kontaktperson"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs=SELECT),
    )
    areas = forms.TypedMultipleChoiceField(
        label=_("Områden"),
        help_text=_("Håll ner Ctrl (Cmd på Mac) för att välja flera."),
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "select", "size": 8}),
    )
    priority = forms.TypedChoiceField(
        label=_("Prioriterat område i överenskommelsen"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs=SELECT),
    )
    goal = forms.TypedChoiceField(
        label=_("Mål"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs=SELECT),
    )
    situation_key = forms.CharField(
        label=_("Från lägesbilden"),
        help_text=_("Lägesbildens period, till exempel 2026-W47."),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"class": "input input--short"}),
    )
    start = forms.DateField(label=_("Startdatum"), required=False, widget=DATE)
    end = forms.DateField(label=_("Klar senast"), required=False, widget=DATE)
    status = forms.ChoiceField(
        label=_("Status"), choices=ActionStatus.choices, widget=forms.Select(attrs=SELECT)
    )
    label = forms.ChoiceField(
        label=_("Delning (TLP)"),
        choices=Label.choices,
        initial=Label.GREEN,
        help_text=_(
            "GREEN: alla i samverkan med rätt att se detaljer. Planerad polisnärvaro och "
            "tillsyn ska vara AMBER eller strängare: då ser bara den egna organisationen "
            "samt samordnare och analytiker den."
        ),
        widget=forms.Select(attrs=SELECT),
    )
    outcome = forms.CharField(
        label=_("Resultat"),
        help_text=_("Vad blev gjort och vad hände? Fyll i när åtgärden är genomförd."),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4, "class": "textarea"}),
    )
    note = forms.CharField(
        label=_("Kommentar till ändringen"),
        required=False,
        max_length=1000,
        widget=forms.TextInput(attrs={"class": "input"}),
    )

    def __init__(self, *args, partnership, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        if not editing:
            del self.fields["note"]
            del self.fields["outcome"]
        orgs = list(participating_organisations(partnership))
        self.org_by_id = {o.pk: o for o in orgs}
        self.fields["organisation"].choices = [("", _("Välj organisation"))] + [
            (o.pk, str(o)) for o in orgs
        ]
        members = (
            Membership.objects.filter(
                partnership=partnership, is_active=True, role__in=DETAIL_ROLES
            )
            .select_related("user")
            .order_by("user__email")
        )
        self.user_by_id = {m.user_id: m.user for m in members}
        self.fields["contact"].choices = [("", _("Ingen vald"))] + [
            (m.user_id, m.user.email) for m in members
        ]
        self.fields["areas"].choices = _area_choices(partnership)
        priorities = list(priorities_for(partnership).prefetch_related("goals"))
        self.priority_by_id = {p.pk: p for p in priorities}
        self.goal_by_id = {g.pk: g for p in priorities for g in p.goals.all()}
        self.fields["priority"].choices = [("", _("Inget"))] + [
            (p.pk, f"{p.number}. {p.title}") for p in priorities
        ]
        self.fields["goal"].choices = [("", _("Inget"))] + [
            (g.pk, f"{p.number}. {g.title}") for p in priorities for g in p.goals.all()
        ]

    def _lookup(self, field, table, message):
        value = self.cleaned_data.get(field)
        if value in (None, ""):
            return None
        if value not in table:
            raise forms.ValidationError(message)
        return table[value]

    def clean_organisation(self):
        return self._lookup("organisation", self.org_by_id, _("Välj en organisation ur listan."))

    def clean_contact(self):
        return self._lookup("contact", self.user_by_id, _("Välj en kontaktperson ur listan."))

    def clean_priority(self):
        return self._lookup("priority", self.priority_by_id, _("Välj ett prioriterat område."))

    def clean_goal(self):
        return self._lookup("goal", self.goal_by_id, _("Välj ett mål ur listan."))

    def clean_areas(self):
        ids = self.cleaned_data.get("areas") or []
        return list(Area.objects.filter(partnership=self.partnership, pk__in=ids))

    def service_arguments(self):
        data = dict(self.cleaned_data)
        data.pop("note", None)
        return data

    @classmethod
    def initial_from(cls, action):
        return {
            "title": action.title,
            "type": action.type,
            "description": action.description,
            "organisation": action.organisation_id,
            "contact": action.contact_id,
            "areas": list(action.areas.values_list("pk", flat=True)),
            "priority": action.priority_id,
            "goal": action.goal_id,
            "situation_key": action.situation_key,
            "start": action.start,
            "end": action.end,
            "status": action.status,
            "label": action.label,
            "outcome": action.outcome,
        }


class ActionFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, widget=forms.Select(attrs=SELECT))
    organisation = forms.TypedChoiceField(
        label=_("Organisation"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs=SELECT),
    )
    area = forms.TypedChoiceField(
        label=_("Område"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs=SELECT),
    )
    priority = forms.TypedChoiceField(
        label=_("Prioriterat område"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", _("Alla")),
            ("open", _("Öppna (planerade och pågående)")),
            ("overdue", _("Försenade")),
            *ActionStatus.choices,
        ]
        self.fields["organisation"].choices = [("", _("Alla"))] + [
            (o.pk, str(o)) for o in participating_organisations(partnership)
        ]
        self.fields["area"].choices = [("", _("Alla"))] + _area_choices(partnership)
        self.fields["priority"].choices = [("", _("Alla"))] + [
            (p.pk, f"{p.number}. {p.title}") for p in priorities_for(partnership)
        ]


class PresenceForm(forms.Form):
    organisation = forms.TypedChoiceField(
        label=_("Organisation"), coerce=int, widget=forms.Select(attrs=SELECT)
    )
    kind = forms.ChoiceField(
        label=_("Typ av närvaro"), choices=PresenceKind.choices, widget=forms.Select(attrs=SELECT)
    )
    area = forms.TypedChoiceField(label=_("Område"), coerce=int, widget=forms.Select(attrs=SELECT))
    day = forms.DateField(
        label=_("Datum"), widget=DATE, error_messages={"required": _("Ange datum.")}
    )
    time_from = forms.TimeField(
        label=_("Från klockan"), widget=TIME, error_messages={"required": _("Ange starttid.")}
    )
    time_to = forms.TimeField(
        label=_("Till klockan"),
        help_text=_("En tid före starttiden betyder nästa dag (passet går över midnatt)."),
        widget=TIME,
        error_messages={"required": _("Ange sluttid.")},
    )
    people = forms.IntegerField(
        label=_("Antal personer"),
        min_value=1,
        max_value=MAX_PEOPLE,
        initial=1,
        widget=forms.NumberInput(attrs={"class": "input input--number", "inputmode": "numeric"}),
    )
    status = forms.ChoiceField(
        label=_("Planerad eller genomförd"),
        choices=[("planned", _("Planerad")), ("performed", _("Genomförd"))],
        initial="planned",
        widget=forms.RadioSelect(attrs={"class": "radios__input"}),
    )
    label = forms.ChoiceField(
        label=_("Delning (TLP)"),
        choices=Label.choices,
        initial=Label.AMBER,
        help_text=_(
            "Planerad polisnärvaro ska vara AMBER eller strängare. Ledningen ser bara "
            "summan av timmar per område och vecka, aldrig enskilda pass."
        ),
        widget=forms.Select(attrs=SELECT),
    )
    action = forms.TypedChoiceField(
        label=_("Hör till åtgärd"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs=SELECT),
    )
    note = forms.CharField(
        label=_("Kommentar"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "textarea"}),
    )

    def __init__(self, *args, partnership, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        orgs = list(participating_organisations(partnership))
        self.org_by_id = {o.pk: o for o in orgs}
        self.fields["organisation"].choices = [("", _("Välj organisation"))] + [
            (o.pk, str(o)) for o in orgs
        ]
        areas = list(Area.objects.filter(partnership=partnership).order_by("kind", "name"))
        self.area_by_id = {a.pk: a for a in areas}
        self.fields["area"].choices = [("", _("Välj område"))] + [
            (a.pk, f"{a.name} ({a.get_kind_display()})") for a in areas
        ]
        self.action_by_id = {a.pk: a for a in actions}
        self.fields["action"].choices = [("", _("Ingen"))] + [(a.pk, a.title) for a in actions]

    def clean_organisation(self):
        value = self.cleaned_data["organisation"]
        if value not in self.org_by_id:
            raise forms.ValidationError(_("Välj en organisation ur listan."))
        return self.org_by_id[value]

    def clean_area(self):
        value = self.cleaned_data["area"]
        if value not in self.area_by_id:
            raise forms.ValidationError(_("Välj ett område ur listan."))
        return self.area_by_id[value]

    def clean_action(self):
        value = self.cleaned_data.get("action")
        if value is None:
            return None
        if value not in self.action_by_id:
            raise forms.ValidationError(_("Välj en åtgärd ur listan."))
        return self.action_by_id[value]

    def clean(self):
        data = super().clean()
        day, start, end = data.get("day"), data.get("time_from"), data.get("time_to")
        if day and start and end:
            starts_at = timezone.make_aware(dt.datetime.combine(day, start))
            end_day = day if end > start else day + dt.timedelta(days=1)
            data["starts_at"] = starts_at
            data["ends_at"] = timezone.make_aware(dt.datetime.combine(end_day, end))
        return data

    def service_arguments(self):
        data = self.cleaned_data
        return {
            "organisation": data["organisation"],
            "kind": data["kind"],
            "area": data["area"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "people": data["people"],
            "label": data["label"],
            "note": data["note"],
            "action": data["action"],
        }

    @classmethod
    def initial_from(cls, presence):
        starts = timezone.localtime(presence.starts_at)
        ends = timezone.localtime(presence.ends_at)
        return {
            "organisation": presence.organisation_id,
            "kind": presence.kind,
            "area": presence.area_id,
            "day": starts.date(),
            "time_from": starts.time(),
            "time_to": ends.time(),
            "people": presence.people,
            "status": presence.status if presence.status != "cancelled" else "planned",
            "label": presence.label,
            "action": presence.action_id,
            "note": presence.note,
        }


class EvaluationForm(forms.Form):
    categories = forms.TypedMultipleChoiceField(
        label=_("Händelsetyper"),
        help_text=_("Förvalt: de otrygghetsskapande händelsetyperna på allmän plats."),
        coerce=int,
        widget=forms.SelectMultiple(attrs={"class": "select", "size": 10}),
        error_messages={"required": _("Välj minst en händelsetyp.")},
    )
    comparison_areas = forms.TypedMultipleChoiceField(
        label=_("Jämförelseområden"),
        help_text=_(
            "Förvalt: de områden utanför åtgärden vars nivå före åtgärden liknar åtgärdens "
            "områden mest."
        ),
        coerce=int,
        widget=forms.SelectMultiple(attrs={"class": "select", "size": 8}),
        error_messages={"required": _("Välj minst ett jämförelseområde.")},
    )
    before_start = forms.DateField(label=_("Före: från"), widget=DATE)
    before_end = forms.DateField(label=_("Före: till"), widget=DATE)
    after_start = forms.DateField(label=_("Efter: från"), widget=DATE)
    after_end = forms.DateField(label=_("Efter: till"), widget=DATE)

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        from django.db.models import Q

        categories = Category.objects.filter(
            Q(partnership__isnull=True) | Q(partnership=partnership), is_active=True
        ).select_related("parent")
        self.category_by_id = {c.pk: c for c in categories}
        self.fields["categories"].choices = [
            (c.pk, f"{c.parent.label}: {c.label}" if c.parent else c.label) for c in categories
        ]
        from .evaluate import candidate_areas

        areas = list(candidate_areas(partnership))
        self.area_by_id = {a.pk: a for a in areas}
        self.fields["comparison_areas"].choices = [(a.pk, a.name) for a in areas]

    def clean_categories(self):
        return [self.category_by_id[i] for i in self.cleaned_data["categories"]]

    def clean_comparison_areas(self):
        return [self.area_by_id[i] for i in self.cleaned_data["comparison_areas"]]

    def service_arguments(self):
        data = self.cleaned_data
        return {
            "categories": data["categories"],
            "comparison_areas": data["comparison_areas"],
            "before": (data["before_start"], data["before_end"]),
            "after": (data["after_start"], data["after_end"]),
        }
