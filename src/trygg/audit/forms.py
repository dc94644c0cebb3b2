"""The audit log page's filter: one GET form that selects entries for the page and the
CSV export alike.

The form only narrows a queryset that is already limited to the current partnership's
chain (``views.chain_entries``); it never widens what the reader sees.
"""

import datetime

from django import forms
from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Swedish words for the actions the application writes (DESIGN.md §5); an action not
# listed here (a newer one) is shown by its code.
ACTION_LABELS = {
    "audit.view": _("Läste granskningsloggen"),
    "audit.export": _("Exporterade granskningsloggen"),
    "incident.create": _("Rapporterade en händelse"),
    "incident.view": _("Läste en händelse"),
    "incident.correct": _("Ändrade en händelse"),
    "incident.withdraw": _("Återkallade en händelse"),
    "incident.review": _("Markerade en händelse som granskad"),
    "incident.question": _("Ställde en fråga till rapportören"),
    "incident.answer": _("Svarade på en fråga"),
    "incident.acute_alert": _("Skickade en akut avisering"),
    "incident.export": _("Exporterade händelser"),
    "incident.import": _("Importerade händelser"),
    "incident.bulk_create": _("Skapade många händelser på en gång"),
    "rollup.rebuild": _("Byggde om statistiken"),
    "feeds.import": _("Hämtade polisens händelser"),
    "feeds.type_mapping": _("Kopplade en av polisens händelsetyper"),
    "feeds.place_add": _("Lade till ett ortnamn"),
    "feeds.place_remove": _("Tog bort ett ortnamn"),
    "feeds.place_load": _("Läste in ortnamn"),
    "feeds.link": _("Kopplade en av polisens händelser till en rapport"),
    "feeds.unlink": _("Tog bort en koppling till en rapport"),
    "api_token.create": _("Skapade en API-nyckel"),
    "api_token.revoke": _("Återkallade en API-nyckel"),
    "api_token.revoked_use": _("En återkallad API-nyckel användes"),
    "geo.regso_load": _("Läste in RegSO-områden"),
    "geo.districts_configure": _("Ändrade kommundelarna"),
    "geo.focus_areas_configure": _("Ändrade fokusområdena"),
    "situation.read": _("Läste en lägesbild"),
    "situation.export_csv": _("Exporterade en lägesbilds tabeller"),
    "situation.pdf_download": _("Laddade ner en lägesbild som PDF"),
    "situation.assessment_save": _("Sparade en bedömning"),
    "situation.approve": _("Fastställde en lägesbild"),
    "situation.revise": _("Reviderade en lägesbild"),
    "situation.subscribe": _("Började prenumerera på lägesbilden"),
    "situation.unsubscribe": _("Slutade prenumerera på lägesbilden"),
    "import.prune": _("Rensade gamla importer"),
    "demo.load": _("Läste in demodata"),
    "demo.reset": _("Återställde demodata"),
    "partnership.create": _("Skapade samverkan"),
    "partnership.add_organisation": _("Lade till en organisation i samverkan"),
    "partnership.publishes_overview": _("Ändrade publiceringen av översikten"),
    "organisation.create": _("Skapade en organisation"),
    "user.create": _("Skapade en användare"),
    "membership.set": _("Gav en användare en roll"),
    "membership.deactivate": _("Tog bort en användares roll"),
    "user.invite": _("Bjöd in en användare"),
    "partnership.add_unit": _("Lade till en enhet i samverkan"),
    "login.failed": _("Misslyckad inloggning"),
    "login.locked": _("Inloggningen spärrades efter för många försök"),
    "logout.idle": _("Utloggad efter inaktivitet"),
    "logout.no_two_factor": _("Utloggad: tvåstegsverifieringen saknades"),
    "mfa.added": _("Aktiverade tvåstegsverifiering"),
    "mfa.removed": _("Tog bort tvåstegsverifiering"),
    "password.change": _("Bytte lösenord"),
    "password.reset": _("Återställde lösenordet"),
    "retention.policy": _("Ändrade gallringsreglerna"),
    "retention.apply": _("Gallrade gamla händelser"),
    "retention.archive_export": _("Exporterade till arkivet"),
    "retention.snapshot_coarsen": _("Grovkornade punkterna i en fastställd lägesbild"),
    "audit.checkpoint": _("Skrev en kontrollpunkt för loggen"),
    "audit.prune": _("Gallrade granskningsloggen"),
}

FILTER_FIELDS = ("anvandare", "organisation", "objekttyp", "objekt", "handelse", "fran", "till")

# Entries are written by this application only, so no date outside these can match;
# the bounds also keep the conversion to UTC inside what datetime can hold.
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2099, 12, 31)


def action_label(action):
    return ACTION_LABELS.get(action, action)


def object_type_label(object_type):
    """'incidents.incident' -> 'händelse'; a type that names no model is shown as is."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return str(model._meta.verbose_name)


def present_values(entries):
    """The actions, object types and organisations that occur in ``entries`` (one query:
    one scan of the chain, a small result)."""
    actions, types, organisations = set(), set(), {}
    rows = (
        entries.order_by()
        .values_list("action", "object_type", "organisation_id", "organisation_label")
        .distinct()
    )
    for action, object_type, organisation_id, organisation_label in rows:
        actions.add(action)
        if object_type:
            types.add(object_type)
        if organisation_id is not None:
            # The same organisation under an older name keeps one entry (the first name
            # in alphabetical order, so the choice does not change between requests).
            label = organisation_label or str(organisation_id)
            known = organisations.get(organisation_id)
            organisations[organisation_id] = min(label, known) if known else label
    return actions, types, organisations


def _select():
    return forms.Select(attrs={"class": "select"})


def _date_field(label):
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "input"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Ange datumet som ÅÅÅÅ-MM-DD.")},
    )


class AuditFilterForm(forms.Form):
    anvandare = forms.CharField(
        label=_("Användare"),
        help_text=_("En del av användarens e-postadress."),
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"class": "input", "autocomplete": "off"}),
        error_messages={"max_length": _("Skriv högst %(limit_value)d tecken.")},
    )
    organisation = forms.ChoiceField(label=_("Organisation"), required=False, widget=_select())
    handelse = forms.ChoiceField(label=_("Händelse"), required=False, widget=_select())
    objekttyp = forms.ChoiceField(label=_("Objekttyp"), required=False, widget=_select())
    objekt = forms.CharField(
        label=_("Objekt-id"),
        help_text=_("Hela id:t, t.ex. en händelses nummer."),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"class": "input", "autocomplete": "off"}),
        error_messages={"max_length": _("Skriv högst %(limit_value)d tecken.")},
    )
    fran = _date_field(_("Från och med"))
    till = _date_field(_("Till och med"))

    invalid_choice = _("Välj ett alternativ i listan.")

    def __init__(self, data, *, entries, **kwargs):
        super().__init__(data, **kwargs)
        actions, types, organisations = present_values(entries)
        self.fields["handelse"].choices = [("", _("Alla händelser"))] + sorted(
            ((a, f"{action_label(a)} ({a})") for a in actions), key=lambda c: c[1].casefold()
        )
        self.fields["objekttyp"].choices = [("", _("Alla objekttyper"))] + sorted(
            ((t, f"{object_type_label(t)} ({t})") for t in types), key=lambda c: c[1].casefold()
        )
        self.fields["organisation"].choices = [("", _("Alla organisationer"))] + sorted(
            ((str(pk), label) for pk, label in organisations.items()),
            key=lambda c: c[1].casefold(),
        )
        for name in ("organisation", "handelse", "objekttyp"):
            self.fields[name].error_messages["invalid_choice"] = self.invalid_choice

    def _clean_date(self, name):
        value = self.cleaned_data.get(name)
        if value is not None and not EARLIEST <= value <= LATEST:
            raise forms.ValidationError(
                _("Ange ett datum mellan %(first)s och %(last)s.")
                % {"first": EARLIEST.isoformat(), "last": LATEST.isoformat()}
            )
        return value

    def clean_fran(self):
        return self._clean_date("fran")

    def clean_till(self):
        return self._clean_date("till")

    def clean(self):
        data = super().clean()
        start, end = data.get("fran"), data.get("till")
        if start and end and start > end:
            self.add_error(
                "till", _("Slutdatumet måste vara samma dag som eller efter startdatumet.")
            )
        return data

    def filter(self, entries):
        """Narrow ``entries`` by the (valid) form; call only after ``is_valid()``."""
        data = self.cleaned_data
        if data.get("anvandare"):
            entries = entries.filter(actor_label__icontains=data["anvandare"])
        if data.get("organisation"):
            entries = entries.filter(organisation_id=int(data["organisation"]))
        if data.get("handelse"):
            entries = entries.filter(action=data["handelse"])
        if data.get("objekttyp"):
            entries = entries.filter(object_type=data["objekttyp"])
        if data.get("objekt"):
            entries = entries.filter(object_id=data["objekt"])
        # Dates are local (Europe/Stockholm) days: from the start of "från" up to the
        # start of the day after "till".
        zone = timezone.get_default_timezone()
        if data.get("fran"):
            start = datetime.datetime.combine(data["fran"], datetime.time.min, tzinfo=zone)
            entries = entries.filter(at__gte=start)
        if data.get("till"):
            day_after = data["till"] + datetime.timedelta(days=1)
            end = datetime.datetime.combine(day_after, datetime.time.min, tzinfo=zone)
            entries = entries.filter(at__lt=end)
        return entries

    def as_params(self):
        """The valid filter as a JSON-safe dict (for the audit entry of the read)."""
        data = getattr(self, "cleaned_data", {})
        params = {}
        for name in FILTER_FIELDS:
            value = data.get(name)
            if value:
                params[name] = value.isoformat() if isinstance(value, datetime.date) else value
        return params
