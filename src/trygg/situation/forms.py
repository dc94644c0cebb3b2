from django import forms
from django.utils.translation import gettext_lazy as _

from trygg.core.forms import add_service_errors
from trygg.geo.models import FocusArea

from .services import MAX_CHANGE_NOTE, MAX_TEXT
from .structure import category_groups


class AssessmentForm(forms.Form):
    assessment = forms.CharField(
        label=_("Samlad bedömning"),
        help_text=_(
            "Vad säger veckans bild sammantaget? Skriv om platser och situationer, aldrig "
            "om enskilda personer; personnummer, telefonnummer, e-postadresser och "
            "registreringsnummer tas bort när du sparar."
        ),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6, "class": "textarea"}),
    )
    proposed_focus = forms.CharField(
        label=_("Föreslaget fokus kommande period"),
        help_text=_("Var och när partnerna bör vara på plats, och vad de bör göra."),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4, "class": "textarea"}),
    )
    proposed_areas = forms.TypedMultipleChoiceField(
        label=_("Föreslagna fokusområden"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    proposed_categories = forms.MultipleChoiceField(
        label=_("Föreslagna händelsegrupper"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    proposed_times = forms.CharField(
        label=_("Föreslagna tider"),
        help_text=_("Till exempel: fredag och lördag kl. 20–24."),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "input"}),
    )

    def __init__(self, *args, partnership, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.focus_areas = list(FocusArea.objects.filter(partnership=partnership))
        self.fields["proposed_areas"].choices = [(f.pk, f.name) for f in self.focus_areas]
        self.fields["proposed_categories"].choices = [
            (g.code, g.label) for g in category_groups(partnership)
        ]
        for focus_area in self.focus_areas:
            self.fields[f"focus_{focus_area.pk}"] = forms.CharField(
                label=_("Bedömning för %(name)s") % {"name": focus_area.name},
                required=False,
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 3, "class": "textarea"}),
            )
        if report is not None and not self.is_bound:
            self.initial.update(
                {
                    "assessment": report.assessment,
                    "proposed_focus": report.proposed_focus,
                    "proposed_areas": report.proposed_areas,
                    "proposed_categories": report.proposed_categories,
                    "proposed_times": report.proposed_times,
                    **{f"focus_{k}": v for k, v in (report.focus_area_assessments or {}).items()},
                }
            )

    @property
    def focus_fields(self):
        return [self[f"focus_{f.pk}"] for f in self.focus_areas]

    def service_arguments(self):
        data = self.cleaned_data
        return {
            "assessment": data["assessment"],
            "focus_area_assessments": {
                f.pk: data.get(f"focus_{f.pk}", "") for f in self.focus_areas
            },
            "proposed_focus": data["proposed_focus"],
            "proposed_areas": data["proposed_areas"],
            "proposed_categories": data["proposed_categories"],
            "proposed_times": data["proposed_times"],
        }

    def add_service_errors(self, exc):
        add_service_errors(self, exc)


class ApproveForm(forms.Form):
    change_note = forms.CharField(
        label=_("Vad har ändrats sedan förra versionen?"),
        help_text=_("Visas i arkivet bredvid den nya versionen, till exempel sena rapporter."),
        required=False,
        max_length=MAX_CHANGE_NOTE,
        widget=forms.Textarea(attrs={"rows": 3, "class": "textarea"}),
    )

    def __init__(self, *args, revision=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.revision = revision
        if revision:
            self.fields["change_note"].required = True
            self.fields["change_note"].error_messages["required"] = _(
                "Skriv vad som ändrats sedan förra versionen."
            )
        else:
            del self.fields["change_note"]

    def add_service_errors(self, exc):
        add_service_errors(self, exc)
