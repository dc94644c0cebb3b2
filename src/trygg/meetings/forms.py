"""Forms of the meeting pages (GOV.UK style: error summary, errors next to fields)."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from trygg.core.forms import add_service_errors
from trygg.geo.models import Area
from trygg.incidents.models import Label

from .services import MAX_CHANGE_NOTE, MAX_DECISION, MAX_TEXT, MAX_TITLE

WEEKDAYS = [
    (1, _("måndag")),
    (2, _("tisdag")),
    (3, _("onsdag")),
    (4, _("torsdag")),
    (5, _("fredag")),
    (6, _("lördag")),
    (7, _("söndag")),
]


def _textarea(rows=4):
    return forms.Textarea(attrs={"rows": rows, "class": "textarea"})


def _input(**attrs):
    return forms.TextInput(attrs={"class": "input", **attrs})


class ServiceErrorsMixin:
    def add_service_errors(self, exc):
        add_service_errors(self, exc)


class SeriesForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Mötets namn"), max_length=200, widget=_input(), required=False)
    weekday = forms.TypedChoiceField(
        label=_("Veckodag"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.Select(attrs={"class": "select"}),
        error_messages={"required": _("Välj en veckodag.")},
    )
    start_time = forms.TimeField(
        label=_("Börjar klockan"),
        help_text=_("Till exempel 13:00."),
        widget=forms.TimeInput(attrs={"class": "input", "inputmode": "numeric"}, format="%H:%M"),
        error_messages={
            "required": _("Skriv när mötet börjar, till exempel 13:00."),
            "invalid": _("Skriv tiden som timmar och minuter, till exempel 13:00."),
        },
    )
    duration_minutes = forms.IntegerField(
        label=_("Längd i minuter"),
        min_value=15,
        max_value=480,
        widget=forms.NumberInput(attrs={"class": "input"}),
        error_messages={
            "required": _("Skriv mötets längd i minuter, mellan 15 och 480."),
            "invalid": _("Skriv mötets längd i minuter, mellan 15 och 480."),
            "min_value": _("Skriv mötets längd i minuter, mellan 15 och 480."),
            "max_value": _("Skriv mötets längd i minuter, mellan 15 och 480."),
        },
    )
    location = forms.CharField(label=_("Plats"), max_length=200, required=False, widget=_input())
    link_url = forms.CharField(
        label=_("Länk till digitalt möte"),
        help_text=_("Till exempel länken till ett Teams-möte. Visas i kalendern."),
        max_length=200,
        required=False,
        widget=forms.URLInput(attrs={"class": "input"}),
    )
    organisation = forms.ModelChoiceField(
        label=_("Sammankallande organisation"),
        queryset=None,
        widget=forms.Select(attrs={"class": "select"}),
        error_messages={"required": _("Välj den sammankallande organisationen.")},
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class CreateMeetingForm(ServiceErrorsMixin, forms.Form):
    day = forms.DateField(
        label=_("Datum"),
        required=False,
        widget=forms.DateInput(attrs={"class": "input", "type": "date"}),
        error_messages={"invalid": _("Skriv datumet som ÅÅÅÅ-MM-DD.")},
    )
    label = forms.ChoiceField(
        label=_("Delning (TLP)"),
        choices=Label.choices,
        initial=Label.GREEN,
        widget=forms.Select(attrs={"class": "select"}),
    )


class ItemForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(
        label=_("Rubrik"),
        max_length=MAX_TITLE,
        widget=_input(),
        error_messages={"required": _("Skriv en rubrik för punkten.")},
    )
    text = forms.CharField(
        label=_("Underlag"),
        help_text=_(
            "Vad vill ni ta upp, och vad behöver mötet bestämma? Skriv om platser och "
            "situationer, inte om enskilda personer; personuppgifter tas bort när du sparar."
        ),
        max_length=MAX_TEXT,
        required=False,
        widget=_textarea(),
    )


class AttendanceForm(ServiceErrorsMixin, forms.Form):
    """One number per participating organisation: how many took part (0 = not there)."""

    def __init__(self, *args, organisations, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        self.organisations = list(organisations)
        for org in self.organisations:
            self.fields[f"org_{org.pk}"] = forms.IntegerField(
                label=org.name,
                min_value=0,
                max_value=99,
                initial=current.get(org.pk, 0),
                widget=forms.NumberInput(attrs={"class": "input input--narrow"}),
                error_messages={
                    "required": _("Skriv antalet deltagare, 0 om organisationen inte var med."),
                    "invalid": _("Skriv antalet deltagare som ett tal mellan 0 och 99."),
                    "min_value": _("Skriv antalet deltagare som ett tal mellan 0 och 99."),
                    "max_value": _("Skriv antalet deltagare som ett tal mellan 0 och 99."),
                },
            )

    def attendance(self):
        return {org.pk: self.cleaned_data.get(f"org_{org.pk}") or 0 for org in self.organisations}


class NotesForm(ServiceErrorsMixin, forms.Form):
    summary = forms.CharField(
        label=_("Sammanfattning"),
        help_text=_(
            "Några meningar om vad mötet kom fram till. Ledning och förtroendevalda ser "
            "sammanfattningen, närvaron och besluten när protokollet är märkt TLP:CLEAR "
            "eller TLP:GREEN."
        ),
        max_length=MAX_TEXT,
        required=False,
        widget=_textarea(4),
    )
    label = forms.ChoiceField(
        label=_("Delning (TLP) för protokollet"),
        choices=Label.choices,
        widget=forms.Select(attrs={"class": "select"}),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"notes_{item.pk}"] = forms.CharField(
                label=_("Anteckningar: %(title)s") % {"title": item.title},
                max_length=MAX_TEXT,
                required=False,
                initial=item.notes,
                widget=_textarea(3),
            )

    @property
    def note_fields(self):
        return [(item, self[f"notes_{item.pk}"]) for item in self.items]

    def notes(self):
        return {item.pk: self.cleaned_data.get(f"notes_{item.pk}", "") for item in self.items}


NONE, CREATE, UPDATE = "none", "create", "update"


class DecisionForm(ServiceErrorsMixin, forms.Form):
    item = forms.TypedChoiceField(
        label=_("Dagordningspunkt"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs={"class": "select"}),
    )
    text = forms.CharField(
        label=_("Beslut"),
        help_text=_(
            "Vad mötet beslutade, så som det ska stå i protokollet. Ledning och "
            "förtroendevalda kan se beslutets text när protokollet är TLP:CLEAR eller GREEN."
        ),
        max_length=MAX_DECISION,
        widget=_textarea(3),
        error_messages={"required": _("Skriv vad mötet beslutade.")},
    )
    action_choice = forms.ChoiceField(
        label=_("Åtgärd"),
        choices=[
            (NONE, _("Beslutet gäller ingen åtgärd")),
            (CREATE, _("Skapa en ny åtgärd")),
            (UPDATE, _("Ändra en befintlig åtgärd")),
        ],
        initial=NONE,
        widget=forms.RadioSelect(attrs={"class": "radios__input"}),
    )
    new_title = forms.CharField(
        label=_("Åtgärdens rubrik"), max_length=300, required=False, widget=_input()
    )
    new_type = forms.ChoiceField(
        label=_("Typ av åtgärd"), required=False, widget=forms.Select(attrs={"class": "select"})
    )
    new_organisation = forms.ModelChoiceField(
        label=_("Ansvarig organisation"),
        queryset=None,
        required=False,
        widget=forms.Select(attrs={"class": "select"}),
    )
    new_end = forms.DateField(
        label=_("Klar senast"),
        required=False,
        widget=forms.DateInput(attrs={"class": "input", "type": "date"}),
        error_messages={"invalid": _("Skriv datumet som ÅÅÅÅ-MM-DD.")},
    )
    new_areas = forms.ModelMultipleChoiceField(
        label=_("Områden"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "select", "size": 6}),
    )
    new_label = forms.ChoiceField(
        label=_("Delning (TLP) för åtgärden"),
        choices=Label.choices,
        initial=Label.GREEN,
        required=False,
        help_text=_("Planerad polisnärvaro och tillsyn märks TLP:AMBER."),
        widget=forms.Select(attrs={"class": "select"}),
    )
    new_priority = forms.TypedChoiceField(
        label=_("Prioriterat område i överenskommelsen"),
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.Select(attrs={"class": "select"}),
    )
    change_action = forms.TypedChoiceField(
        label=_("Åtgärd att ändra"),
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.Select(attrs={"class": "select"}),
    )
    change_status = forms.ChoiceField(
        label=_("Ny status"), required=False, widget=forms.Select(attrs={"class": "select"})
    )
    change_end = forms.DateField(
        label=_("Nytt slutdatum"),
        required=False,
        widget=forms.DateInput(attrs={"class": "input", "type": "date"}),
        error_messages={"invalid": _("Skriv datumet som ÅÅÅÅ-MM-DD.")},
    )
    change_outcome = forms.CharField(
        label=_("Resultat"), max_length=MAX_TEXT, required=False, widget=_textarea(3)
    )

    def __init__(self, *args, items, organisations, areas, actions, priorities=(), **kwargs):
        from trygg.work.models import ActionStatus, ActionType

        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", _("Ingen särskild punkt"))] + [
            (i.pk, f"{i.order}. {i.title}") for i in items
        ]
        self.fields["new_type"].choices = [("", _("Välj typ"))] + list(ActionType.choices)
        self.fields["new_organisation"].queryset = organisations
        self.fields["new_areas"].queryset = areas
        self.priorities = list(priorities)
        if self.priorities:
            self.fields["new_priority"].choices = [("", _("Ingen"))] + [
                (p.pk, str(p)) for p in self.priorities
            ]
        else:
            del self.fields["new_priority"]
        self.actions = {a.pk: a for a in actions}
        self.fields["change_action"].choices = [("", _("Välj åtgärd"))] + [
            (a.pk, f"{a.title} ({a.organisation.name})") for a in actions
        ]
        self.fields["change_status"].choices = [("", _("Oförändrad"))] + list(ActionStatus.choices)
        self.items = {i.pk: i for i in items}

    def clean(self):
        data = super().clean()
        choice = data.get("action_choice")
        if choice == CREATE:
            if not data.get("new_title"):
                self.add_error("new_title", _("Skriv åtgärdens rubrik."))
            if not data.get("new_type"):
                self.add_error("new_type", _("Välj typ av åtgärd."))
            if not data.get("new_organisation"):
                self.add_error("new_organisation", _("Välj den ansvariga organisationen."))
            if not data.get("new_end"):
                self.add_error("new_end", _("Skriv när åtgärden ska vara klar, som ÅÅÅÅ-MM-DD."))
        elif choice == UPDATE:
            if data.get("change_action") not in self.actions:
                self.add_error("change_action", _("Välj en åtgärd ur listan."))
            elif not (
                data.get("change_status") or data.get("change_end") or data.get("change_outcome")
            ):
                self.add_error(
                    "change_status", _("Välj vad som ska ändras: status, slutdatum eller resultat.")
                )
        return data

    def service_arguments(self):
        data = self.cleaned_data
        arguments = {
            "text": data["text"],
            "item": self.items.get(data.get("item")),
        }
        if data["action_choice"] == CREATE:
            new_action = {
                "title": data["new_title"],
                "type": data["new_type"],
                "organisation": data["new_organisation"],
                "end": data["new_end"],
                "areas": list(data.get("new_areas") or []),
                "label": data.get("new_label") or Label.GREEN,
            }
            if data.get("new_priority"):
                priority = next(p for p in self.priorities if p.pk == data["new_priority"])
                new_action["priority"] = priority
            arguments["new_action"] = new_action
        elif data["action_choice"] == UPDATE:
            arguments["action"] = self.actions[data["change_action"]]
            arguments["action_changes"] = {
                "status": data.get("change_status") or None,
                "end": data.get("change_end"),
                "outcome": data.get("change_outcome") or None,
            }
        return arguments


class FocusPresenceForm(ServiceErrorsMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=None,
        widget=forms.Select(attrs={"class": "select"}),
        error_messages={"required": _("Välj vilken organisation som ska vara på plats.")},
    )
    kind = forms.ChoiceField(
        label=_("Typ av närvaro"),
        widget=forms.Select(attrs={"class": "select"}),
        error_messages={"required": _("Välj typ av närvaro.")},
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Områden"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkbox__input"}),
        error_messages={"required": _("Välj minst ett område.")},
    )
    days = forms.TypedMultipleChoiceField(
        label=_("Dagar"),
        coerce=datetime.date.fromisoformat,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkbox__input"}),
        error_messages={"required": _("Välj minst en dag.")},
    )
    start_time = forms.TimeField(
        label=_("Från klockan"),
        widget=forms.TimeInput(attrs={"class": "input input--narrow"}, format="%H:%M"),
        error_messages={
            "required": _("Skriv när närvaron börjar, till exempel 20:00."),
            "invalid": _("Skriv tiden som timmar och minuter, till exempel 20:00."),
        },
    )
    end_time = forms.TimeField(
        label=_("Till klockan"),
        help_text=_("En sluttid före starttiden betyder att passet går över midnatt."),
        widget=forms.TimeInput(attrs={"class": "input input--narrow"}, format="%H:%M"),
        error_messages={
            "required": _("Skriv när närvaron slutar, till exempel 23:00."),
            "invalid": _("Skriv tiden som timmar och minuter, till exempel 23:00."),
        },
    )
    people = forms.IntegerField(
        label=_("Antal personer"),
        min_value=1,
        max_value=99,
        initial=2,
        widget=forms.NumberInput(attrs={"class": "input input--narrow"}),
        error_messages={
            "required": _("Skriv hur många personer, mellan 1 och 99."),
            "invalid": _("Skriv hur många personer, mellan 1 och 99."),
            "min_value": _("Skriv hur många personer, mellan 1 och 99."),
            "max_value": _("Skriv hur många personer, mellan 1 och 99."),
        },
    )
    label = forms.ChoiceField(
        label=_("Delning (TLP)"),
        choices=Label.choices,
        initial=Label.AMBER,
        help_text=_("Planerad närvaro är känslig och märks normalt TLP:AMBER."),
        widget=forms.Select(attrs={"class": "select"}),
    )

    def __init__(self, *args, organisations, areas, meeting, **kwargs):
        from trygg.work.models import PresenceKind

        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["kind"].choices = [("", _("Välj typ"))] + list(PresenceKind.choices)
        self.fields["areas"].queryset = Area.objects.filter(pk__in=[a.pk for a in areas])
        first = timezone.localdate(meeting.starts_at)
        days = [first + datetime.timedelta(days=n) for n in range(7)]
        self.fields["days"].choices = [
            (d.isoformat(), date_format(d, "l j F").capitalize()) for d in days
        ]
        if not self.is_bound:
            self.initial.setdefault("areas", [a.pk for a in areas])

    def service_arguments(self):
        data = self.cleaned_data
        return {
            "organisation": data["organisation"],
            "kind": data["kind"],
            "areas": list(data["areas"]),
            "days": data["days"],
            "start_time": data["start_time"],
            "end_time": data["end_time"],
            "people": data["people"],
            "label": data["label"],
        }


class ApproveForm(ServiceErrorsMixin, forms.Form):
    change_note = forms.CharField(
        label=_("Vad har ändrats sedan förra versionen?"),
        max_length=MAX_CHANGE_NOTE,
        required=False,
        widget=_textarea(3),
    )

    def __init__(self, *args, revision=False, **kwargs):
        super().__init__(*args, **kwargs)
        if revision:
            self.fields["change_note"].required = True
            self.fields["change_note"].error_messages["required"] = _(
                "Skriv vad som ändrats sedan förra versionen."
            )
        else:
            del self.fields["change_note"]
