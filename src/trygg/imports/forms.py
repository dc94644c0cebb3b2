from django import forms
from django.utils.translation import gettext_lazy as _

FIELD_LABELS = {
    "external_id": (
        _("Id (ärendenummer)"),
        _("Gör att en ny import av samma fil uppdaterar i stället för att dubblera."),
    ),
    "datetime": (_("Datum och tid i samma kolumn"), ""),
    "date": (_("Datum"), ""),
    "time": (_("Klockslag"), ""),
    "time_bucket": (_("Tid på dygnet (morgon, dag, kväll, natt)"), ""),
    "category": (_("Händelsetyp"), ""),
    "area": (_("Område (RegSO-område)"), _("Används när raden saknar koordinater.")),
    "description": (
        _("Beskrivning"),
        _("Personuppgifter som personnummer och telefonnummer har redan tagits bort."),
    ),
    "x": (
        _("X-koordinat eller longitud"),
        _("SWEREF 99 TM eller WGS84; systemet känns igen automatiskt."),
    ),
    "y": (_("Y-koordinat eller latitud"), ""),
    "place_type": (_("Platstyp"), ""),
    "age_group": (_("Åldersgrupp"), ""),
    "people_count": (_("Antal inblandade"), ""),
    "police_notified": (_("Polisen underrättad"), ""),
    "label": (_("Delning (TLP)"), _("Utan kolumn delas händelserna som TLP:GREEN.")),
}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fil"),
        help_text=_("CSV (semikolon, komma eller tabb) eller Excel (.xlsx). Högst 30 MB."),
        error_messages={"required": _("Välj en fil att importera."), "empty": _("Filen är tom.")},
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".csv,.txt,.xlsx,.xls,.ods"
        if organisations:
            self.fields["organisation"] = forms.ModelChoiceField(
                queryset=organisations,
                label=_("Organisation som händelserna kommer från"),
                error_messages={"required": _("Välj organisation.")},
                widget=forms.Select(attrs={"class": "select"}),
            )


class ColumnsForm(forms.Form):
    def __init__(self, *args, headers, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("– ingen kolumn –")), *[(h, h) for h in headers]]
        for field, (label, hint) in FIELD_LABELS.items():
            self.fields[field] = forms.ChoiceField(
                label=label,
                help_text=hint,
                choices=choices,
                required=False,
                widget=forms.Select(attrs={"class": "select"}),
            )

    def mapping(self):
        return {f: h for f, h in self.cleaned_data.items() if h}


class CategoriesForm(forms.Form):
    def __init__(self, *args, words, categories, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("– välj händelsetyp –"))]
        groups = {}
        for c in categories:
            groups.setdefault(c.parent.label if c.parent_id else "", []).append((c.code, c.label))
        choices += list(groups.items())
        self.words = []
        for i, (word, count) in enumerate(words):
            name = f"w{i}"
            self.words.append((name, word))
            self.fields[name] = forms.ChoiceField(
                label=word,
                help_text=_("%(n)s rader") % {"n": count},
                choices=choices,
                required=True,
                error_messages={"required": _("Välj vilken händelsetyp %(w)s är.") % {"w": word}},
                widget=forms.Select(attrs={"class": "select"}),
            )

    def category_map(self):
        return {word: self.cleaned_data[name] for name, word in self.words}


class ConfirmForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Vad ska importeras?"),
        choices=[
            ("all", _("Alla rader")),
            ("only_valid", _("Bara de felfria raderna; raderna med fel importeras inte")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj vad som ska importeras.")},
    )
