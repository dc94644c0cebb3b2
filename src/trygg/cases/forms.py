"""Forms of the person track (GOV.UK style: one question per line, errors beside the
field). The forms only parse input; the services validate the rules and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from trygg.work.services import participating_organisations

from .models import (
    SECTORS_BY_PROGRAMME,
    CommitmentStatus,
    ConsentGiver,
    NoteLabel,
    Outcome,
    Programme,
    RiskDomain,
    RiskLevel,
    ShareScope,
    Stage,
    TeamRole,
)

DATE = forms.DateInput(attrs={"type": "date", "class": "input input--date"}, format="%Y-%m-%d")
SELECT = {"class": "select"}
TEXT = {"class": "input"}
AREA = {"rows": 4, "class": "textarea"}
DATE_ERRORS = {"required": _("Ange datum."), "invalid": _("Ange datum som ÅÅÅÅ-MM-DD.")}

PURPOSES = (
    ("handlaggning", _("Handläggning och planering")),
    ("mote", _("Förberedelse av eller anteckningar från möte")),
    ("uppfoljning", _("Uppföljning")),
    ("samtycke", _("Kontroll av samtycke")),
    ("annat", _("Annat (beskriv nedan)")),
)


def _organisation_choices(partnership):
    return [(o.pk, str(o)) for o in participating_organisations(partnership)]


class PurposeForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Varför öppnar du ärendet?"),
        help_text=_("Syftet sparas i granskningsloggen tillsammans med att du läste ärendet."),
        choices=[("", _("Välj syfte")), *PURPOSES],
        widget=forms.Select(attrs=SELECT),
        error_messages={"required": _("Välj varför du öppnar ärendet.")},
    )
    other = forms.CharField(
        label=_("Beskriv syftet"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs=TEXT),
    )

    def clean(self):
        data = super().clean()
        if data.get("purpose") == "annat" and not (data.get("other") or "").strip():
            self.add_error("other", _("Beskriv varför du öppnar ärendet."))
        return data

    def purpose_text(self):
        data = self.cleaned_data
        label = str(dict(PURPOSES)[data["purpose"]])
        other = (data.get("other") or "").strip()
        return f"{label}: {other}" if other else label


class CaseForm(forms.Form):
    programme = forms.ChoiceField(
        label=_("Verksamhet"),
        choices=[("", _("Välj verksamhet")), *Programme.choices],
        widget=forms.Select(attrs=SELECT),
        error_messages={"required": _("Välj verksamhet.")},
    )
    name = forms.CharField(
        label=_("Personens namn"),
        max_length=200,
        help_text=_("Sparas krypterat och visas bara för din organisations handläggare i teamet."),
        widget=forms.TextInput(attrs={**TEXT, "autocomplete": "off"}),
        error_messages={"required": _("Skriv personens namn.")},
    )
    personnummer = forms.CharField(
        label=_("Personnummer eller samordningsnummer"),
        max_length=20,
        help_text=_("12 siffror, t.ex. 20100101-1234. Används för att hitta dubbla ärenden."),
        widget=forms.TextInput(
            attrs={"class": "input input--short", "autocomplete": "off", "inputmode": "numeric"}
        ),
        error_messages={"required": _("Skriv personnumret.")},
    )
    opened_on = forms.DateField(
        label=_("Aktualiserat"), required=False, widget=DATE, error_messages=DATE_ERRORS
    )
    background = forms.CharField(
        label=_("Anledning till ärendet"),
        required=False,
        help_text=_("Kort, utan personnummer och kontaktuppgifter. Journalen förs i egna system."),
        widget=forms.Textarea(attrs=AREA),
    )


class StageForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("Skede"),
        choices=[c for c in Stage.choices if c[0] != Stage.CLOSED],
        widget=forms.Select(attrs=SELECT),
    )


class TeamForm(forms.Form):
    user = forms.TypedChoiceField(
        label=_("Handläggare"), coerce=int, widget=forms.Select(attrs=SELECT)
    )
    role = forms.ChoiceField(
        label=_("Roll i teamet"),
        choices=TeamRole.choices,
        initial=TeamRole.MEMBER,
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", _("Välj handläggare"))] + [
            (u.pk, f"{u.get_full_name() or u.email} ({u.organisation})") for u in candidates
        ]
        self.fields["user"].error_messages["required"] = _("Välj en handläggare.")


class ConsentForm(forms.Form):
    given_by = forms.ChoiceField(
        label=_("Vem har lämnat samtycket?"),
        choices=[("", _("Välj")), *ConsentGiver.choices],
        widget=forms.Select(attrs=SELECT),
        error_messages={"required": _("Välj vem som har lämnat samtycket.")},
    )
    given_on = forms.DateField(
        label=_("Datum för samtycket"), widget=DATE, error_messages=DATE_ERRORS
    )
    expires_on = forms.DateField(
        label=_("Samtycket gäller till och med"), widget=DATE, error_messages=DATE_ERRORS
    )
    organisations = forms.TypedMultipleChoiceField(
        label=_("Organisationer som får dela och ta emot uppgifter"),
        coerce=int,
        widget=forms.SelectMultiple(attrs={"class": "select", "size": 8}),
        error_messages={"required": _("Välj minst en organisation som får dela uppgifter.")},
    )
    scope = forms.MultipleChoiceField(
        label=_("Vad får delas?"),
        choices=ShareScope.choices,
        widget=forms.SelectMultiple(attrs={"class": "select", "size": 3}),
        error_messages={"required": _("Välj vad som får delas.")},
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].choices = _organisation_choices(partnership)


class ReferenceForm(forms.Form):
    reference = forms.CharField(
        label=_("Referens i er egen dokumentation"),
        max_length=200,
        help_text=_("T.ex. diarienummer eller journalens ärendenummer. Inga personuppgifter."),
        widget=forms.TextInput(attrs=TEXT),
        error_messages={"required": _("Skriv referensen, t.ex. ett diarienummer.")},
    )


class CommitmentForm(forms.Form):
    sector = forms.ChoiceField(label=_("Område"), widget=forms.Select(attrs=SELECT))
    organisation = forms.TypedChoiceField(
        label=_("Ansvarig organisation"), coerce=int, widget=forms.Select(attrs=SELECT)
    )
    description = forms.CharField(
        label=_("Åtagande"),
        widget=forms.Textarea(attrs=AREA),
        error_messages={"required": _("Beskriv vad organisationen åtar sig.")},
    )
    due_on = forms.DateField(
        label=_("Klart senast"), required=False, widget=DATE, error_messages=DATE_ERRORS
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [
            (s.value, s.label) for s in SECTORS_BY_PROGRAMME[case.programme]
        ]
        self.fields["organisation"].choices = _organisation_choices(case.partnership)


class CommitmentStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CommitmentStatus.choices)


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Datum"), widget=DATE, error_messages=DATE_ERRORS)
    participants = forms.CharField(
        label=_("Deltagande organisationer"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs=TEXT),
    )
    notes = forms.CharField(
        label=_("Anteckningar"),
        widget=forms.Textarea(attrs={"rows": 6, "class": "textarea"}),
        error_messages={"required": _("Skriv anteckningar från mötet.")},
    )
    label = forms.ChoiceField(
        label=_("Delning"),
        choices=NoteLabel.choices,
        initial=NoteLabel.RED,
        widget=forms.Select(attrs=SELECT),
    )


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(label=_("Datum"), widget=DATE, error_messages=DATE_ERRORS)
    protective_factors = forms.CharField(
        label=_("Skyddsfaktorer"), required=False, widget=forms.Textarea(attrs=AREA)
    )
    needs = forms.CharField(label=_("Behov"), required=False, widget=forms.Textarea(attrs=AREA))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for domain in RiskDomain:
            self.fields[f"risk_{domain.value}"] = forms.ChoiceField(
                label=_("Risk: %(domain)s") % {"domain": domain.label},
                required=False,
                choices=[("", _("Inte bedömt")), *RiskLevel.choices],
                widget=forms.Select(attrs=SELECT),
            )

    def risk_fields(self):
        return [self[f"risk_{d}"] for d in RiskDomain.values]

    def ratings(self):
        return {d: self.cleaned_data.get(f"risk_{d}") for d in RiskDomain.values}


class FollowUpForm(forms.Form):
    due_on = forms.DateField(
        label=_("Datum för uppföljning"), widget=DATE, error_messages=DATE_ERRORS
    )
    what = forms.CharField(
        label=_("Vad ska följas upp?"),
        max_length=300,
        widget=forms.TextInput(attrs=TEXT),
        error_messages={"required": _("Skriv vad som ska följas upp.")},
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Utfall"),
        choices=[("", _("Välj utfall")), *Outcome.choices],
        widget=forms.Select(attrs=SELECT),
        error_messages={"required": _("Välj utfall.")},
    )
    outcome_note = forms.CharField(
        label=_("Kommentar"), required=False, widget=forms.Textarea(attrs=AREA)
    )
    closed_on = forms.DateField(
        label=_("Avslutat"), required=False, widget=DATE, error_messages=DATE_ERRORS
    )
