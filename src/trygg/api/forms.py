from django import forms
from django.utils.translation import gettext_lazy

from .models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Namn"),
        max_length=100,
        help_text=gettext_lazy("Vilket system nyckeln är till, till exempel ”Felanmälan”."),
        error_messages={
            "required": gettext_lazy("Ge nyckeln ett namn, till exempel systemets namn."),
            "max_length": gettext_lazy("Namnet får vara högst 100 tecken."),
        },
        widget=forms.TextInput(attrs={"class": "input", "autocomplete": "off"}),
    )
    organisation = forms.ChoiceField(
        label=gettext_lazy("Organisation"),
        error_messages={
            "required": gettext_lazy("Välj organisation."),
            "invalid_choice": gettext_lazy("Välj organisation i listan."),
        },
        widget=forms.Select(attrs={"class": "select"}),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Behörighet"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        help_text=gettext_lazy(
            "”Läsa” räcker för att hämta händelser. ”Läsa och skriva” behövs för att "
            "rapportera, rätta och återkalla."
        ),
        error_messages={
            "required": gettext_lazy("Välj vad nyckeln får göra."),
            "invalid_choice": gettext_lazy("Välj vad nyckeln får göra."),
        },
        widget=forms.Select(attrs={"class": "select"}),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {str(o.pk): o for o in organisations}
        self.fields["organisation"].choices = [(k, str(o)) for k, o in self.organisations.items()]
        if len(self.organisations) == 1:
            self.fields["organisation"].initial = next(iter(self.organisations))

    def clean_organisation(self):
        return self.organisations[self.cleaned_data["organisation"]]
