from django import forms
from django.utils.translation import gettext_lazy as _

from trygg.geo.models import Area

IGNORE_CHOICE = "ignore"
CLEAR_CHOICE = ""


class MappingForm(forms.Form):
    police_type = forms.CharField(widget=forms.HiddenInput, max_length=100)
    target = forms.ChoiceField(
        label=_("Räknas som"),
        required=False,
        widget=forms.Select(attrs={"class": "select select--small"}),
    )

    def __init__(self, *args, categories, **kwargs):
        """``categories``: the partnership's active leaf categories (read once per page
        for every type's form)."""
        super().__init__(*args, **kwargs)
        self.categories = {
            str(c.pk): c
            for c in sorted(categories, key=lambda c: (c.parent.sort_order, c.sort_order, c.code))
        }
        groups = {}
        for pk, category in self.categories.items():
            groups.setdefault(category.parent.label, []).append((pk, category.label))
        self.fields["target"].choices = [
            (CLEAR_CHOICE, _("– ingen koppling (visas som okopplad) –")),
            (IGNORE_CHOICE, _("Ingen händelse (t.ex. en sammanfattning)")),
            *groups.items(),
        ]

    def chosen(self):
        """(category or None, ignored)"""
        target = self.cleaned_data["target"]
        if target == IGNORE_CHOICE:
            return None, True
        return self.categories.get(target), False


class PlaceNameForm(forms.Form):
    name = forms.CharField(
        label=_("Ortnamn"),
        max_length=100,
        widget=forms.TextInput(attrs={"class": "input"}),
        help_text=_("Som det skrivs i polisens texter, t.ex. Holmboda eller Märsta station."),
    )
    area = forms.ModelChoiceField(
        label=_("Område"),
        queryset=Area.objects.none(),
        widget=forms.Select(attrs={"class": "select"}),
        help_text=_(
            "Ett RegSO-område när namnet pekar ut platsen; en kommundel när namnet täcker "
            "flera områden (då blir det bara en ledtråd)."
        ),
    )
    note = forms.CharField(
        label=_("Anteckning"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"class": "input"}),
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(
            partnership=partnership, kind__in=[Area.Kind.REGSO, Area.Kind.DISTRICT]
        ).order_by("kind", "name")
        self.fields["area"].label_from_instance = lambda a: f"{a.name} ({a.get_kind_display()})"


class LinkForm(forms.Form):
    report = forms.IntegerField(
        label=_("Rapportens nummer"),
        min_value=1,
        widget=forms.NumberInput(attrs={"class": "input"}),
        help_text=_("Numret på partnerns rapport om samma händelse (syns i rapportens adress)."),
    )
