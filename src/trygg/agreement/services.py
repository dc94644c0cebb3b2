"""Writes of the agreement: the agreement itself, priorities, goals, indicators and their
hand-entered values, population figures, commitments, citizen promises, progress notes and
the annual report. Each validates, writes and audits in one transaction.

Coordinators and partnership admins write; the annual report's texts, approval and
reopening are the coordinator's.
"""

import csv
import hashlib
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.audit.services import record
from trygg.core.models import Membership, Organisation, Participation, Role
from trygg.geo.models import Area
from trygg.incidents.models import AgeGroup, Category, PlaceClass
from trygg.incidents.redaction import redact
from trygg.situation.periods import Period

from .models import (
    Agreement,
    AnnualReport,
    Commitment,
    Goal,
    Indicator,
    IndicatorValue,
    Population,
    Priority,
    ProgressNote,
    Promise,
    WorkStatus,
)

WRITERS = frozenset({Role.COORDINATOR, Role.PARTNERSHIP_ADMIN})
REPORT_WRITERS = frozenset({Role.COORDINATOR})
MAX_TEXT = 5000
MAX_POPULATION = 10_000_000


def role_of(user, partnership):
    membership = Membership.objects.filter(
        user=user, partnership=partnership, is_active=True
    ).first()
    return membership.role if membership else None


def may_write(membership):
    return membership is not None and membership.role in WRITERS


def may_write_report(membership):
    return membership is not None and membership.role in REPORT_WRITERS


def _require_writer(actor, partnership):
    if role_of(actor, partnership) not in WRITERS:
        raise ValidationError(
            _("Bara trygghetssamordnare och samverkansadministratörer ändrar överenskommelsen.")
        )


def _require_report_writer(actor, partnership):
    if role_of(actor, partnership) not in REPORT_WRITERS:
        raise ValidationError(
            _("Bara trygghetssamordnaren skriver och fastställer årsuppföljningen.")
        )


def _text(field_name, text, *, required=False, limit=MAX_TEXT, label=None):
    text = (text or "").strip()
    if required and not text:
        raise ValidationError({field_name: _("Fyll i %(what)s.") % {"what": label or field_name}})
    if len(text) > limit:
        raise ValidationError({field_name: _("Texten får vara högst %(n)s tecken.") % {"n": limit}})
    return redact(text).text


def _check_owned(partnership, agreement):
    if agreement.partnership_id != partnership.pk:
        raise ValidationError(_("Överenskommelsen hör inte till den här samverkan."))


def _status(value):
    if value not in WorkStatus.values:
        raise ValidationError({"status": _("Välj en status ur listan.")})
    return value


# --- the agreement ----------------------------------------------------------------------


@transaction.atomic
def save_agreement(
    *,
    actor,
    partnership,
    title,
    start,
    end,
    parties=(),
    signatories="",
    signed_on=None,
    description="",
    agreement=None,
    request=None,
):
    """Create (``agreement=None``) or update an agreement."""
    _require_writer(actor, partnership)
    if agreement is not None:
        _check_owned(partnership, agreement)
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Skriv överenskommelsens titel.")
    if start is None:
        errors["start"] = _("Ange från vilket datum överenskommelsen gäller.")
    if end is None:
        errors["end"] = _("Ange till vilket datum överenskommelsen gäller.")
    if start and end and end < start:
        errors["end"] = _("Slutdatumet måste vara samma dag som eller efter startdatumet.")
    party_ids = {p.pk if isinstance(p, Organisation) else int(p) for p in parties}
    participating = set(
        Participation.objects.filter(partnership=partnership).values_list(
            "organisation_id", flat=True
        )
    )
    if not party_ids:
        errors["parties"] = _("Välj minst en part.")
    elif party_ids - participating:
        errors["parties"] = _("Parterna måste vara organisationer som deltar i samverkan.")
    if errors:
        raise ValidationError(errors)
    created = agreement is None
    agreement = agreement or Agreement(partnership=partnership)
    agreement.title = _text("title", title, limit=200)
    agreement.description = _text("description", description)
    agreement.start, agreement.end = start, end
    agreement.signatories = _text("signatories", signatories)
    agreement.signed_on = signed_on
    agreement.save()
    agreement.parties.set(sorted(party_ids))
    record(
        "agreement.create" if created else "agreement.update",
        actor=actor,
        partnership=partnership,
        obj=agreement,
        request=request,
        data={"start": start.isoformat(), "end": end.isoformat(), "parties": sorted(party_ids)},
    )
    return agreement


@transaction.atomic
def save_priority(
    *, actor, partnership, agreement, number, title, description="", priority=None, request=None
):
    _require_writer(actor, partnership)
    _check_owned(partnership, agreement)
    if priority is not None and priority.agreement_id != agreement.pk:
        raise ValidationError(_("Det prioriterade området hör till en annan överenskommelse."))
    title = _text("title", title, required=True, limit=300, label=_("en rubrik"))
    if not number or int(number) < 1:
        raise ValidationError({"number": _("Ange ett nummer, 1 eller högre.")})
    clash = Priority.objects.filter(agreement=agreement, number=number)
    if priority is not None:
        clash = clash.exclude(pk=priority.pk)
    if clash.exists():
        raise ValidationError(
            {
                "number": _("Överenskommelsen har redan ett prioriterat område med nummer %(n)s.")
                % {"n": number}
            }
        )
    created = priority is None
    priority = priority or Priority(agreement=agreement)
    priority.number = int(number)
    priority.title = title
    priority.description = _text("description", description)
    priority.save()
    record(
        "agreement.priority_create" if created else "agreement.priority_update",
        actor=actor,
        partnership=partnership,
        obj=priority,
        request=request,
        data={"agreement": agreement.pk, "number": priority.number},
    )
    return priority


@transaction.atomic
def save_goal(
    *, actor, partnership, priority, title, number=1, description="", goal=None, request=None
):
    _require_writer(actor, partnership)
    _check_owned(partnership, priority.agreement)
    if goal is not None and goal.priority_id != priority.pk:
        raise ValidationError(_("Målet hör till ett annat prioriterat område."))
    title = _text("title", title, required=True, limit=300, label=_("målet"))
    if not number or int(number) < 1:
        raise ValidationError({"number": _("Ange ett nummer, 1 eller högre.")})
    created = goal is None
    goal = goal or Goal(priority=priority)
    goal.number = int(number)
    goal.title = title
    goal.description = _text("description", description)
    goal.save()
    record(
        "agreement.goal_create" if created else "agreement.goal_update",
        actor=actor,
        partnership=partnership,
        obj=goal,
        request=request,
        data={"priority": priority.pk},
    )
    return goal


def _decimal(value, field_name):
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except InvalidOperation:
        raise ValidationError({field_name: _("Skriv ett tal, till exempel 12,5.")}) from None
    if not number.is_finite() or abs(number) >= Decimal("1e10"):
        raise ValidationError({field_name: _("Skriv ett tal, till exempel 12,5.")})
    return number.quantize(Decimal("0.01"))


@transaction.atomic
def save_indicator(
    *,
    actor,
    partnership,
    goal,
    name,
    kind,
    description="",
    metric=Indicator.Metric.COUNT,
    categories=(),
    areas=(),
    place_classes=(),
    age_groups=(),
    resolution=Indicator.Resolution.MONTH,
    unit="",
    baseline_start=None,
    baseline_end=None,
    target_direction=Indicator.Direction.DECREASE,
    target_value=None,
    data_note="",
    sort_order=0,
    case_measure=Indicator.CaseMeasure.ACTIVE,
    case_programme=Indicator.CaseProgramme.BOTH,
    indicator=None,
    request=None,
):
    """Create or update an indicator of ``goal``: computed from incidents, computed from
    the person track's anonymous counts (per month, tertial or year), or manual."""
    _require_writer(actor, partnership)
    _check_owned(partnership, goal.priority.agreement)
    if indicator is not None and indicator.goal_id != goal.pk:
        raise ValidationError(_("Indikatorn hör till ett annat mål."))
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Skriv indikatorns namn.")
    if kind not in Indicator.Kind.values:
        errors["kind"] = _(
            "Välj om indikatorn beräknas från händelser, från personärenden eller förs in för hand."
        )
    if resolution not in Indicator.Resolution.values:
        errors["resolution"] = _("Välj vecka, månad, tertial eller år.")
    if target_direction not in Indicator.Direction.values:
        errors["target_direction"] = _("Välj en målriktning ur listan.")
    if (baseline_start is None) != (baseline_end is None):
        errors["baseline_end"] = _("Ange jämförelseperiodens början och slut, eller inget av dem.")
    elif baseline_start and baseline_end < baseline_start:
        errors["baseline_end"] = _(
            "Jämförelseperioden måste sluta samma dag som eller efter att den börjar."
        )
    category_objs, area_objs = [], []
    place_classes, age_groups = list(place_classes or []), list(age_groups or [])
    if kind == Indicator.Kind.COMPUTED:
        if metric not in Indicator.Metric.values:
            errors["metric"] = _("Välj antal eller antal per 1 000 invånare.")
        ids = [c.pk if isinstance(c, Category) else int(c) for c in categories]
        category_objs = list(
            Category.objects.filter(pk__in=ids).filter(models_q_partnership(partnership))
        )
        if not ids:
            errors["categories"] = _("Välj minst en händelsetyp eller händelsegrupp.")
        elif len(category_objs) != len(set(ids)):
            errors["categories"] = _("Välj händelsetyper ur listan.")
        area_ids = [a.pk if isinstance(a, Area) else int(a) for a in areas]
        area_objs = list(Area.objects.filter(pk__in=area_ids, partnership=partnership))
        if len(area_objs) != len(set(area_ids)):
            errors["areas"] = _("Välj områden som hör till den här samverkan.")
        elif any(a.kind == Area.Kind.PLACE for a in area_objs):
            errors["areas"] = _(
                "Välj kommunen, kommundelar eller RegSO-områden; en namngiven plats kan "
                "inte räknas som område i en indikator."
            )
        if set(place_classes) - set(PlaceClass.values):
            errors["place_classes"] = _("Välj platsklasser ur listan.")
        if set(age_groups) - set(AgeGroup.values):
            errors["age_groups"] = _("Välj åldersgrupper ur listan.")
        if metric == Indicator.Metric.RATE and not errors.get("areas"):
            if not Population.objects.filter(partnership=partnership).exists():
                errors["metric"] = _(
                    "Antal per 1 000 invånare kräver folkmängd per område och år. Lägg in "
                    "folkmängden under Folkmängd först, eller välj antal."
                )
        unit = ""
    elif kind == Indicator.Kind.CASES:
        metric = Indicator.Metric.COUNT
        place_classes, age_groups = [], []
        unit = ""
        if case_measure not in Indicator.CaseMeasure.values:
            errors["case_measure"] = _("Välj nya, aktiva eller avslutade ärenden.")
        if case_programme not in Indicator.CaseProgramme.values:
            errors["case_programme"] = _("Välj SSPF, avhopparverksamhet eller båda.")
        if resolution == Indicator.Resolution.WEEK:
            # The person track counts whole months (purged cases keep only their months).
            errors["resolution"] = _(
                "Personärenden räknas per månad. Välj månad, tertial eller år."
            )
    else:
        metric = Indicator.Metric.COUNT
        place_classes, age_groups = [], []
        unit = (unit or "").strip()
        if not unit:
            errors["unit"] = _(
                "Skriv vad värdet är, till exempel ”andel som känner sig trygga, %”."
            )
    target = None
    try:
        target = _decimal(target_value, "target_value")
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    created = indicator is None
    indicator = indicator or Indicator(goal=goal)
    indicator.name = _text("name", name, limit=300)
    indicator.description = _text("description", description)
    indicator.kind = kind
    indicator.metric = metric
    indicator.place_classes = sorted(set(place_classes))
    indicator.age_groups = sorted(set(age_groups))
    indicator.resolution = resolution
    indicator.unit = unit[:100]
    indicator.baseline_start, indicator.baseline_end = baseline_start, baseline_end
    indicator.target_direction = target_direction
    indicator.target_value = target
    indicator.data_note = _text("data_note", data_note)
    indicator.sort_order = sort_order or 0
    if kind == Indicator.Kind.CASES:
        indicator.case_measure, indicator.case_programme = case_measure, case_programme
    indicator.save()
    indicator.categories.set(category_objs)
    indicator.areas.set(area_objs)
    record(
        "agreement.indicator_create" if created else "agreement.indicator_update",
        actor=actor,
        partnership=partnership,
        obj=indicator,
        request=request,
        data={
            "goal": goal.pk,
            "kind": kind,
            "metric": metric,
            "categories": sorted(c.code for c in category_objs),
            "areas": sorted(a.pk for a in area_objs),
            "resolution": resolution,
            **(
                {"case_measure": case_measure, "case_programme": case_programme}
                if kind == Indicator.Kind.CASES
                else {}
            ),
        },
    )
    return indicator


def models_q_partnership(partnership):
    from django.db.models import Q

    return Q(partnership__isnull=True) | Q(partnership=partnership)


@transaction.atomic
def record_indicator_value(
    *, actor, partnership, indicator, value, day=None, period_key="", note="", request=None
):
    """The hand-entered value of a manual indicator for the period containing ``day`` (or
    given by ``period_key``); a second value for the same period replaces the first."""
    _require_writer(actor, partnership)
    _check_owned(partnership, indicator.goal.priority.agreement)
    if indicator.kind != Indicator.Kind.MANUAL:
        raise ValidationError(
            _("Indikatorn beräknas från händelserna; den får inga inlagda värden.")
        )
    if period_key:
        try:
            period = Period.from_key(period_key)
        except ValueError:
            period = None
        if period is None or str(period.kind) != indicator.resolution:
            raise ValidationError({"period": _("Välj en period ur listan.")})
    elif day is not None:
        period = Period.containing(indicator.resolution, day)
    else:
        raise ValidationError({"period": _("Välj vilken period värdet gäller.")})
    number = _decimal(value, "value")
    if number is None:
        raise ValidationError({"value": _("Skriv värdet, till exempel 72,5.")})
    stored = IndicatorValue.objects.filter(indicator=indicator, period_key=period.key).first()
    before = str(stored.value) if stored else None
    stored = stored or IndicatorValue(indicator=indicator, period_key=period.key)
    stored.period_start = period.start
    stored.value = number
    stored.note = _text("note", note, limit=1000)
    stored.entered_by = actor
    stored.entered_at = timezone.now()
    stored.save()
    record(
        "agreement.indicator_value",
        actor=actor,
        partnership=partnership,
        obj=indicator,
        request=request,
        data={"period": period.key, "value": str(number), "before": before},
    )
    return stored


# --- population -------------------------------------------------------------------------


def _check_population(value, field_name="population"):
    try:
        number = int(str(value).replace(" ", "").replace("\u00a0", ""))
    except (TypeError, ValueError):
        raise ValidationError({field_name: _("Skriv folkmängden som ett heltal.")}) from None
    if not 0 <= number <= MAX_POPULATION:
        raise ValidationError({field_name: _("Folkmängden måste vara mellan 0 och 10 000 000.")})
    return number


def _check_year(value, field_name="year"):
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field_name: _("Skriv året med fyra siffror.")}) from None
    if not 1990 <= year <= 2100:
        raise ValidationError({field_name: _("Året måste vara mellan 1990 och 2100.")})
    return year


@transaction.atomic
def set_population(*, actor, partnership, area, year, population, source="", request=None):
    _require_writer(actor, partnership)
    if area.partnership_id != partnership.pk:
        raise ValidationError({"area": _("Välj ett område i den här samverkan.")})
    if area.kind == Area.Kind.PLACE:
        raise ValidationError(
            {"area": _("Folkmängd förs per RegSO-område, kommundel eller kommun.")}
        )
    year = _check_year(year)
    population = _check_population(population)
    row, created = Population.objects.update_or_create(
        area=area,
        year=year,
        defaults={"partnership": partnership, "population": population, "source": source[:200]},
    )
    record(
        "agreement.population_set",
        actor=actor,
        partnership=partnership,
        obj=row,
        request=request,
        data={"area": area.code, "year": year, "population": population, "created": created},
    )
    return row


@dataclass
class PopulationImport:
    created: int = 0
    updated: int = 0
    errors: list = field(default_factory=list)


def _decode(content):
    if isinstance(content, str):
        return content.lstrip("\ufeff")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _("Filen är inte UTF-8. Spara den som CSV (UTF-8) och försök igen.")
        ) from None


@transaction.atomic
def import_population(*, actor, partnership, content, source="SCB", request=None):
    """Population per area and year from an SCB-style CSV: region code (RegSO code or the
    municipality code), year, population; semicolon or comma separated, UTF-8 (with or
    without BOM); a header line is optional. Every bad row is reported by line number and
    nothing is written if any row is bad."""
    _require_writer(actor, partnership)
    text = _decode(content)
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise ValidationError(_("Filen är tom."))
    sample = next(line for line in lines if line.strip())
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    areas = {
        a.code: a
        for a in Area.objects.filter(partnership=partnership).exclude(kind=Area.Kind.PLACE)
    }
    errors, rows, seen = [], [], {}
    for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if number == 1 and not cells[0][:1].isdigit():
            continue  # a header line ("region;år;folkmängd")
        if len(cells) < 3:
            errors.append(
                _("Rad %(line)s: raden behöver tre kolumner (områdeskod, år, folkmängd).")
                % {"line": number}
            )
            continue
        code, year_text, population_text = cells[0], cells[1], cells[2]
        code = code.split(" ", 1)[0]  # SCB writes "0191R001 Arenberga-..." in some tables
        area = areas.get(code)
        problems = []
        if area is None:
            problems.append(
                _("områdeskoden %(code)s finns inte i samverkan") % {"code": code or "–"}
            )
        year = population = None
        try:
            year = _check_year(year_text)
        except ValidationError:
            problems.append(
                _("året %(year)s är inte ett år mellan 1990 och 2100") % {"year": year_text or "–"}
            )
        try:
            population = _check_population(population_text)
        except ValidationError:
            problems.append(
                _("folkmängden %(value)s är inte ett heltal mellan 0 och 10 000 000")
                % {"value": population_text or "–"}
            )
        if not problems and (code, year) in seen:
            problems.append(
                _("%(code)s år %(year)s finns redan på rad %(other)s")
                % {"code": code, "year": year, "other": seen[(code, year)]}
            )
        if problems:
            errors.append(
                _("Rad %(line)s: %(problems)s.") % {"line": number, "problems": "; ".join(problems)}
            )
            continue
        seen[(code, year)] = number
        rows.append((area, year, population))
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError(_("Filen har inga rader med folkmängd."))
    result = PopulationImport()
    existing = {
        (p.area_id, p.year): p
        for p in Population.objects.filter(partnership=partnership, area__in=[r[0] for r in rows])
    }
    for area, year, population in rows:
        row = existing.get((area.pk, year))
        if row is None:
            Population.objects.create(
                partnership=partnership,
                area=area,
                year=year,
                population=population,
                source=source[:200],
            )
            result.created += 1
        else:
            row.population = population
            row.source = source[:200]
            row.save()
            result.updated += 1
    record(
        "agreement.population_import",
        actor=actor,
        partnership=partnership,
        request=request,
        data={
            "rows": len(rows),
            "created": result.created,
            "updated": result.updated,
            "sha256": hashlib.sha256(text.encode()).hexdigest(),
        },
    )
    return result


# --- commitments, promises and progress notes -------------------------------------------


def _check_party(partnership, organisation):
    participating = set(
        Participation.objects.filter(partnership=partnership).values_list(
            "organisation_id", flat=True
        )
    )
    if organisation.pk not in participating and organisation.parent_id not in participating:
        raise ValidationError({"organisation": _("Välj en organisation som deltar i samverkan.")})


@transaction.atomic
def save_commitment(
    *,
    actor,
    partnership,
    agreement,
    organisation,
    title,
    description="",
    priority=None,
    status=WorkStatus.NOT_STARTED,
    status_note="",
    commitment=None,
    request=None,
):
    _require_writer(actor, partnership)
    _check_owned(partnership, agreement)
    if commitment is not None and commitment.agreement_id != agreement.pk:
        raise ValidationError(_("Åtagandet hör till en annan överenskommelse."))
    _check_party(partnership, organisation)
    if priority is not None and priority.agreement_id != agreement.pk:
        raise ValidationError({"priority": _("Välj ett prioriterat område i överenskommelsen.")})
    title = _text("title", title, required=True, limit=300, label=_("åtagandet"))
    status = _status(status)
    created = commitment is None
    before = None if created else commitment.status
    commitment = commitment or Commitment(agreement=agreement)
    commitment.organisation = organisation
    commitment.priority = priority
    commitment.title = title
    commitment.description = _text("description", description)
    commitment.status = status
    commitment.status_note = _text("status_note", status_note)
    commitment.save()
    record(
        "agreement.commitment_create" if created else "agreement.commitment_update",
        actor=actor,
        partnership=partnership,
        obj=commitment,
        request=request,
        data={"agreement": agreement.pk, "status": status, "before": before},
    )
    return commitment


@transaction.atomic
def save_promise(
    *,
    actor,
    partnership,
    agreement,
    title,
    description="",
    status=WorkStatus.NOT_STARTED,
    promise=None,
    request=None,
):
    _require_writer(actor, partnership)
    _check_owned(partnership, agreement)
    if promise is not None and promise.agreement_id != agreement.pk:
        raise ValidationError(_("Medborgarlöftet hör till en annan överenskommelse."))
    title = _text("title", title, required=True, limit=300, label=_("medborgarlöftet"))
    status = _status(status)
    created = promise is None
    before = None if created else promise.status
    promise = promise or Promise(agreement=agreement)
    promise.title = title
    promise.description = _text("description", description)
    promise.status = status
    promise.save()
    record(
        "agreement.promise_create" if created else "agreement.promise_update",
        actor=actor,
        partnership=partnership,
        obj=promise,
        request=request,
        data={"agreement": agreement.pk, "status": status, "before": before},
    )
    return promise


@transaction.atomic
def add_progress_note(
    *, actor, partnership, text, date=None, commitment=None, promise=None, request=None
):
    """A dated progress note on a commitment or a citizen promise (exactly one)."""
    _require_writer(actor, partnership)
    if (commitment is None) == (promise is None):
        raise ValidationError(_("En uppföljning hör till ett åtagande eller ett medborgarlöfte."))
    parent = commitment or promise
    _check_owned(partnership, parent.agreement)
    text = _text("text", text, required=True, label=_("uppföljningen"))
    date = date or timezone.localdate()
    if date > timezone.localdate():
        raise ValidationError({"date": _("Datumet kan inte vara i framtiden.")})
    note = ProgressNote.objects.create(
        commitment=commitment, promise=promise, date=date, text=text, written_by=actor
    )
    record(
        "agreement.progress_note",
        actor=actor,
        partnership=partnership,
        obj=note,
        request=request,
        data={
            "commitment": commitment.pk if commitment else None,
            "promise": promise.pk if promise else None,
        },
    )
    return note


# --- the annual report ------------------------------------------------------------------


def report_for(partnership, year):
    """The stored annual report of the year, or an unsaved one (reading never writes)."""
    return AnnualReport.objects.filter(partnership=partnership, year=year).first() or AnnualReport(
        partnership=partnership, year=year
    )


def _locked_report(partnership, year):
    report, _created = AnnualReport.objects.get_or_create(partnership=partnership, year=year)
    return AnnualReport.objects.select_for_update().get(pk=report.pk)


def _check_report_year(year):
    if not 2000 <= int(year) <= timezone.localdate().year:
        raise ValidationError(_("Årsuppföljning kan bara skrivas för ett år som har börjat."))


@transaction.atomic
def save_annual_texts(*, actor, partnership, year, summary="", assessment="", request=None):
    """The coordinator's summary and assessment; refused while the report is approved."""
    _require_report_writer(actor, partnership)
    _check_report_year(year)
    report = _locked_report(partnership, year)
    if report.approved_at is not None:
        raise ValidationError(
            _(
                "Årsuppföljningen för %(year)s är fastställd och ändras inte. Öppna den "
                "igen först om den behöver ändras."
            )
            % {"year": year}
        )
    report.summary = _text("summary", summary)
    report.assessment = _text("assessment", assessment)
    report.updated_by = actor
    report.updated_at = timezone.now()
    report.save()
    record(
        "agreement.annual_texts",
        actor=actor,
        partnership=partnership,
        obj=report,
        request=request,
        data={"year": year},
    )
    return report


@transaction.atomic
def approve_annual_report(*, actor, partnership, year, request=None):
    """Freeze the report: a snapshot of its numbers and texts, and the PDF made from it."""
    from . import annual, pdf

    _require_report_writer(actor, partnership)
    _check_report_year(year)
    report = _locked_report(partnership, year)
    if report.approved_at is not None:
        raise ValidationError(
            _("Årsuppföljningen för %(year)s är redan fastställd.") % {"year": year}
        )
    if not report.assessment.strip():
        raise ValidationError(
            {"assessment": _("Skriv samordnarens bedömning innan årsuppföljningen fastställs.")}
        )
    now = timezone.now()
    snapshot = annual.build(partnership, year, user=actor, report=report)
    snapshot["approval"] = {
        "approved_by": actor.get_full_name() or actor.email,
        "approved_at": now.isoformat(),
    }
    document = pdf.render(snapshot, audience=pdf.DETAIL)
    report.snapshot = snapshot
    report.pdf = document
    report.pdf_sha256 = hashlib.sha256(document).hexdigest()
    report.approved_by = actor
    report.approved_at = now
    report.save()
    record(
        "agreement.annual_approve",
        actor=actor,
        partnership=partnership,
        obj=report,
        request=request,
        data={"year": year, "pdf_sha256": report.pdf_sha256},
    )
    return report


@transaction.atomic
def reopen_annual_report(*, actor, partnership, year, reason, request=None):
    """Open an approved report for changes again; the reason and the approved version's
    fingerprint stay in the audit log. Approving again makes a new snapshot."""
    _require_report_writer(actor, partnership)
    reason = _text("reason", reason, required=True, limit=1000, label=_("varför den öppnas"))
    report = _locked_report(partnership, year)
    if report.approved_at is None:
        raise ValidationError(
            _("Årsuppföljningen för %(year)s är inte fastställd.") % {"year": year}
        )
    previous = {
        "approved_at": report.approved_at.isoformat(),
        "approved_by": report.approved_by_id,
        "pdf_sha256": report.pdf_sha256,
    }
    report.approved_at = None
    report.approved_by = None
    report.snapshot = None
    report.pdf = None
    report.pdf_sha256 = ""
    report.save()
    record(
        "agreement.annual_reopen",
        actor=actor,
        partnership=partnership,
        obj=report,
        request=request,
        data={"year": year, "reason": reason, "previous": previous},
    )
    return report


__all__ = [
    "add_progress_note",
    "approve_annual_report",
    "import_population",
    "record_indicator_value",
    "reopen_annual_report",
    "save_agreement",
    "save_annual_texts",
    "save_commitment",
    "save_goal",
    "save_indicator",
    "save_priority",
    "save_promise",
    "set_population",
]
