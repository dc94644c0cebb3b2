"""Forms of the user and organisation administration (Swedish errors next to the field)."""

from django import forms
from django.utils.translation import gettext_lazy

from .models import Organisation

SELECT = {"class": "select"}

# Kinds an admin may give an organisation ("system" is the police feed's own).
ORGANISATION_KINDS = [(k, label) for k, label in Organisation.Kind.choices if k != "system"]


def _choice_field(label, required_message, invalid_message, **kwargs):
    return forms.ChoiceField(
        label=label,
        error_messages={"required": required_message, "invalid_choice": invalid_message},
        widget=forms.Select(attrs=SELECT),
        **kwargs,
    )


def _role_field():
    return _choice_field(
        gettext_lazy("Roll"),
        gettext_lazy("Välj roll."),
        gettext_lazy("Välj en roll i listan."),
        help_text=gettext_lazy("Rollen gäller i den här samverkan."),
    )


class _ObjectChoiceMixin:
    """A select of objects given to the form: the cleaned value is the object."""

    def _set_objects(self, field, objects):
        self._objects = getattr(self, "_objects", {})
        self._objects[field] = {str(o.pk): o for o in objects}
        blank = [("", "")] if len(objects) > 1 else []
        self.fields[field].choices = blank + [(k, str(o)) for k, o in self._objects[field].items()]
        if len(objects) == 1:
            self.fields[field].initial = str(objects[0].pk)

    def _object(self, field):
        return self._objects[field][self.cleaned_data[field]]


class InviteForm(_ObjectChoiceMixin, forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("E-postadress"),
        max_length=254,
        help_text=gettext_lazy("Inbjudan skickas hit. Adressen blir användarens inloggning."),
        error_messages={
            "required": gettext_lazy("Skriv användarens e-postadress."),
            "invalid": gettext_lazy(
                "Skriv e-postadressen i rätt format, till exempel namn@kommun.se."
            ),
            "max_length": gettext_lazy("E-postadressen får vara högst 254 tecken."),
        },
        widget=forms.EmailInput(attrs={"class": "input", "autocomplete": "off"}),
    )
    first_name = forms.CharField(
        label=gettext_lazy("Förnamn"),
        max_length=150,
        error_messages={
            "required": gettext_lazy("Skriv användarens förnamn."),
            "max_length": gettext_lazy("Förnamnet får vara högst 150 tecken."),
        },
        widget=forms.TextInput(attrs={"class": "input", "autocomplete": "off"}),
    )
    last_name = forms.CharField(
        label=gettext_lazy("Efternamn"),
        max_length=150,
        error_messages={
            "required": gettext_lazy("Skriv användarens efternamn."),
            "max_length": gettext_lazy("Efternamnet får vara högst 150 tecken."),
        },
        widget=forms.TextInput(attrs={"class": "input", "autocomplete": "off"}),
    )
    organisation = _choice_field(
        gettext_lazy("Organisation"),
        gettext_lazy("Välj organisation."),
        gettext_lazy("Välj en organisation i listan."),
    )
    role = _role_field()

    def __init__(self, *args, organisations, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_objects("organisation", list(organisations))
        self.fields["role"].choices = [("", "")] + [(r.value, r.label) for r in roles]

    def clean_organisation(self):
        return self._object("organisation")


class RoleForm(forms.Form):
    role = _role_field()

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in roles]


def _name_field():
    return forms.CharField(
        label=gettext_lazy("Namn"),
        max_length=200,
        error_messages={
            "required": gettext_lazy("Skriv organisationens namn."),
            "max_length": gettext_lazy("Namnet får vara högst 200 tecken."),
        },
        widget=forms.TextInput(attrs={"class": "input", "autocomplete": "off"}),
    )


def _kind_field():
    return _choice_field(
        gettext_lazy("Typ"),
        gettext_lazy("Välj typ av organisation."),
        gettext_lazy("Välj en typ i listan."),
        choices=[("", "")] + ORGANISATION_KINDS,
    )


class OrganisationForm(forms.Form):
    name = _name_field()
    kind = _kind_field()

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if Organisation.objects.filter(parent__isnull=True, name__iexact=name).exists():
            raise forms.ValidationError(
                gettext_lazy(
                    "Det finns redan en organisation med det namnet. "
                    "Lägg till den befintliga organisationen i stället."
                )
            )
        return name


class JoinForm(_ObjectChoiceMixin, forms.Form):
    organisation = _choice_field(
        gettext_lazy("Organisation"),
        gettext_lazy("Välj organisation."),
        gettext_lazy("Välj en organisation i listan."),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_objects("organisation", list(organisations))

    def clean_organisation(self):
        return self._object("organisation")


class UnitForm(_ObjectChoiceMixin, forms.Form):
    parent = _choice_field(
        gettext_lazy("Ingår i"),
        gettext_lazy("Välj vilken organisation enheten ingår i."),
        gettext_lazy("Välj en organisation i listan."),
    )
    name = _name_field()
    kind = _kind_field()

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_objects("parent", list(parents))
        self.fields["name"].error_messages["required"] = gettext_lazy("Skriv enhetens namn.")

    def clean_parent(self):
        return self._object("parent")

    def clean(self):
        cleaned = super().clean()
        parent, name = cleaned.get("parent"), cleaned.get("name")
        if parent and name and parent.units.filter(name__iexact=name.strip()).exists():
            self.add_error(
                "name", gettext_lazy("Organisationen har redan en enhet med det namnet.")
            )
        return cleaned
