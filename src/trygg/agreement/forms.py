"""Forms of the agreement pages (GOV.UK style: the template shows an error summary at the
top and each error next to its field). The services validate; the forms parse."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trygg.core.forms import add_service_errors
from trygg.core.models import Organisation
from trygg.geo.models import Area
from trygg.incidents.models import AgeGroup, Category, PlaceClass

from .models import Indicator, Priority, WorkStatus

TEXT = {"class": "input"}
AREA_TEXT = {"rows": 4, "class": "textarea"}


def _date_widget():
    return forms.DateInput(attrs={"type": "date", "class": "input"}, format="%Y-%m-%d")


class ServiceForm(forms.Form):
    """A form whose cleaned data are a service's keyword arguments."""

    def add_service_errors(self, exc):
        add_service_errors(self, exc)

    def service_arguments(self):
        return dict(self.cleaned_data)


class AgreementForm(ServiceForm):
    title = forms.CharField(label=_("Titel"), max_length=200, widget=forms.TextInput(TEXT))
    description = forms.CharField(
        label=_("Beskrivning"), required=False, widget=forms.Textarea(AREA_TEXT)
    )
    start = forms.DateField(label=_("Gäller från"), widget=_date_widget())
    end = forms.DateField(label=_("Gäller till"), widget=_date_widget())
    parties = forms.TypedMultipleChoiceField(
        label=_("Parter"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Välj minst en part.")},
    )
    signatories = forms.CharField(
        label=_("Undertecknare"),
        help_text=_("En per rad: namn, titel och organisation."),
        required=False,
        widget=forms.Textarea(AREA_TEXT),
    )
    signed_on = forms.DateField(label=_("Undertecknad"), required=False, widget=_date_widget())

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parties"].choices = [
            (o.pk, o.name)
            for o in partnership.organisations.filter(parent__isnull=True)
            .exclude(kind=Organisation.Kind.SYSTEM)
            .order_by("name")
        ]


class PriorityForm(ServiceForm):
    number = forms.IntegerField(
        label=_("Nummer"), min_value=1, max_value=99, widget=forms.NumberInput(TEXT)
    )
    title = forms.CharField(label=_("Rubrik"), max_length=300, widget=forms.TextInput(TEXT))
    description = forms.CharField(
        label=_("Beskrivning"), required=False, widget=forms.Textarea(AREA_TEXT)
    )


class GoalForm(PriorityForm):
    title = forms.CharField(label=_("Mål"), max_length=300, widget=forms.TextInput(TEXT))


class IndicatorForm(ServiceForm):
    name = forms.CharField(label=_("Namn"), max_length=300, widget=forms.TextInput(TEXT))
    description = forms.CharField(
        label=_("Beskrivning"), required=False, widget=forms.Textarea(AREA_TEXT)
    )
    kind = forms.ChoiceField(
        label=_("Typ"), choices=Indicator.Kind.choices, widget=forms.RadioSelect
    )
    resolution = forms.ChoiceField(
        label=_("Redovisas per"),
        choices=Indicator.Resolution.choices,
        widget=forms.Select(attrs={"class": "select"}),
    )
    metric = forms.ChoiceField(
        label=_("Mått (beräknad indikator)"),
        choices=Indicator.Metric.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    categories = forms.TypedMultipleChoiceField(
        label=_("Händelsetyper (beräknad indikator)"),
        help_text=_("En händelsegrupp räknar alla händelsetyper i gruppen."),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    areas = forms.TypedMultipleChoiceField(
        label=_("Områden (beräknad indikator)"),
        help_text=_("Inga valda områden betyder hela kommunen."),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    place_classes = forms.MultipleChoiceField(
        label=_("Platsklasser (beräknad indikator)"),
        help_text=_("Inga valda betyder alla."),
        choices=PlaceClass.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    age_groups = forms.MultipleChoiceField(
        label=_("Åldersgrupper (beräknad indikator)"),
        help_text=_("Inga valda betyder alla."),
        choices=AgeGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    case_measure = forms.ChoiceField(
        label=_("Ärenden som räknas (personärenden)"),
        help_text=_(
            "Aktiva ärenden är de som pågått någon gång under perioden. Antal 1–4 visas "
            "som ”<5” för alla."
        ),
        choices=Indicator.CaseMeasure.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    case_programme = forms.ChoiceField(
        label=_("Verksamhet (personärenden)"),
        choices=Indicator.CaseProgramme.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    unit = forms.CharField(
        label=_("Enhet (indikator som förs in för hand)"),
        help_text=_("Till exempel: andel som känner sig trygga, %."),
        max_length=100,
        required=False,
        widget=forms.TextInput(TEXT),
    )
    baseline_start = forms.DateField(
        label=_("Jämförelseperiod från"), required=False, widget=_date_widget()
    )
    baseline_end = forms.DateField(
        label=_("Jämförelseperiod till"), required=False, widget=_date_widget()
    )
    target_direction = forms.ChoiceField(
        label=_("Målriktning"),
        choices=Indicator.Direction.choices,
        widget=forms.Select(attrs={"class": "select"}),
    )
    target_value = forms.CharField(
        label=_("Målvärde"),
        help_text=_("Nivån per period som ska nås, till exempel 40 eller 72,5."),
        required=False,
        max_length=20,
        widget=forms.TextInput(TEXT),
    )
    data_note = forms.CharField(
        label=_("Om underlaget"), required=False, widget=forms.Textarea(AREA_TEXT)
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        categories = Category.objects.filter(
            Q(partnership__isnull=True) | Q(partnership=partnership), is_active=True
        ).select_related("parent")
        self.fields["categories"].choices = [
            (c.pk, c.label if c.parent_id is None else f"{c.parent.label} – {c.label}")
            for c in sorted(
                categories,
                key=lambda c: (
                    c.parent.sort_order if c.parent_id else c.sort_order,
                    c.parent.code if c.parent_id else c.code,
                    c.parent_id is not None,
                    c.sort_order,
                    c.code,
                ),
            )
        ]
        self.fields["areas"].choices = [
            (a.pk, f"{a.name} ({a.get_kind_display()})")
            for a in Area.objects.filter(partnership=partnership)
            .exclude(kind=Area.Kind.PLACE)
            .order_by("kind", "name")
        ]


class IndicatorValueForm(ServiceForm):
    period_key = forms.ChoiceField(
        label=_("Period"), widget=forms.Select(attrs={"class": "select"})
    )
    value = forms.CharField(
        label=_("Värde"), max_length=20, widget=forms.TextInput(attrs={"class": "input"})
    )
    note = forms.CharField(
        label=_("Kommentar"), required=False, max_length=1000, widget=forms.Textarea(AREA_TEXT)
    )

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period_key"].choices = [(p["key"], p["label"]) for p in reversed(periods)]


class PopulationForm(ServiceForm):
    area = forms.TypedChoiceField(
        label=_("Område"), coerce=int, widget=forms.Select(attrs={"class": "select"})
    )
    year = forms.IntegerField(
        label=_("År"), min_value=1990, max_value=2100, widget=forms.NumberInput(TEXT)
    )
    population = forms.IntegerField(
        label=_("Folkmängd"), min_value=0, max_value=10_000_000, widget=forms.NumberInput(TEXT)
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = {
            a.pk: a
            for a in Area.objects.filter(partnership=partnership)
            .exclude(kind=Area.Kind.PLACE)
            .order_by("kind", "name")
        }
        self.fields["area"].choices = [(a.pk, f"{a.name} ({a.code})") for a in self.areas.values()]

    def service_arguments(self):
        data = dict(self.cleaned_data)
        data["area"] = self.areas[data["area"]]
        return data


class PopulationImportForm(ServiceForm):
    file = forms.FileField(
        label=_("Fil med folkmängd (CSV)"),
        help_text=_(
            "Tre kolumner: områdeskod (RegSO-kod eller kommunkod), år och folkmängd, "
            "åtskilda med semikolon eller komma. UTF-8, med eller utan rubrikrad."
        ),
        widget=forms.ClearableFileInput(attrs={"class": "file-upload", "accept": ".csv,text/csv"}),
    )


class CommitmentForm(ServiceForm):
    organisation = forms.TypedChoiceField(
        label=_("Part"), coerce=int, widget=forms.Select(attrs={"class": "select"})
    )
    priority = forms.TypedChoiceField(
        label=_("Prioriterat område"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs={"class": "select"}),
    )
    title = forms.CharField(label=_("Åtagande"), max_length=300, widget=forms.TextInput(TEXT))
    description = forms.CharField(
        label=_("Beskrivning"), required=False, widget=forms.Textarea(AREA_TEXT)
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=WorkStatus.choices,
        widget=forms.Select(attrs={"class": "select"}),
    )
    status_note = forms.CharField(
        label=_("Kommentar till status"), required=False, widget=forms.Textarea(AREA_TEXT)
    )

    def __init__(self, *args, partnership, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        participating = partnership.organisations.exclude(kind=Organisation.Kind.SYSTEM)
        self.organisations = {
            o.pk: o
            for o in Organisation.objects.filter(
                Q(pk__in=participating) | Q(parent__in=participating)
            )
            .exclude(kind=Organisation.Kind.SYSTEM)
            .select_related("parent")
            .order_by("parent__name", "name")
        }
        self.fields["organisation"].choices = [
            (o.pk, str(o)) for o in sorted(self.organisations.values(), key=str)
        ]
        self.priorities = {p.pk: p for p in Priority.objects.filter(agreement=agreement)}
        self.fields["priority"].choices = [("", _("Inget särskilt"))] + [
            (p.pk, str(p)) for p in self.priorities.values()
        ]

    def service_arguments(self):
        data = dict(self.cleaned_data)
        data["organisation"] = self.organisations[data["organisation"]]
        data["priority"] = self.priorities.get(data["priority"]) if data["priority"] else None
        return data


class PromiseForm(ServiceForm):
    title = forms.CharField(label=_("Medborgarlöfte"), max_length=300, widget=forms.TextInput(TEXT))
    description = forms.CharField(
        label=_("Beskrivning"), required=False, widget=forms.Textarea(AREA_TEXT)
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=WorkStatus.choices,
        widget=forms.Select(attrs={"class": "select"}),
    )


class ProgressNoteForm(ServiceForm):
    date = forms.DateField(label=_("Datum"), widget=_date_widget())
    text = forms.CharField(
        label=_("Uppföljning"),
        help_text=_("Vad har hänt sedan sist? Skriv om platser och insatser, inte om personer."),
        widget=forms.Textarea(AREA_TEXT),
    )


class AnnualTextsForm(ServiceForm):
    summary = forms.CharField(
        label=_("Lägesbilden i sammanfattning"),
        help_text=_("Årets viktigaste iakttagelser ur lägesbilderna."),
        required=False,
        widget=forms.Textarea({"rows": 6, "class": "textarea"}),
    )
    assessment = forms.CharField(
        label=_("Samordnarens bedömning"),
        help_text=_("Hur har arbetet gått mot målen, och vad behöver ändras nästa år?"),
        required=False,
        widget=forms.Textarea({"rows": 8, "class": "textarea"}),
    )


class ReopenForm(ServiceForm):
    reason = forms.CharField(
        label=_("Varför öppnas årsuppföljningen igen?"),
        help_text=_(
            "Sparas i granskningsloggen tillsammans med den fastställda versionens kontrollsumma."
        ),
        max_length=1000,
        widget=forms.Textarea({"rows": 3, "class": "textarea"}),
    )
