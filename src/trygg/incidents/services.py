"""Writes of incidents: one function per use case (DESIGN.md §4).

Each validates at the edge (redacting personal data from free text before anything is
stored), writes, updates the rollup and writes its audit entry in one transaction.
Validation errors are Django ``ValidationError``s keyed by field, in plain Swedish.
"""

import datetime as dt
from functools import partial

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.audit.services import record
from trygg.core.models import DETAIL_ROLES, Membership, Role
from trygg.geo.models import Area
from trygg.geo.services import assign_leaf_area

from . import rollup, triage
from .models import (
    AgeGroup,
    Category,
    Incident,
    IncidentRevision,
    Label,
    PlaceType,
    Source,
    Status,
    TimeBucket,
)
from .redaction import redact
from .visibility import may_see

REPORTER_CORRECTION_DAYS = 7
CLOCK_SKEW = dt.timedelta(minutes=5)
MAX_DESCRIPTION = 2000
# Roles that correct, withdraw and triage any report of their partnership at any time.
TRIAGE_ROLES = frozenset({Role.COORDINATOR})

# Fields a correction may change (everything else is fixed when the report is made).
CORRECTABLE = (
    "category",
    "lat",
    "lon",
    "area",
    "place_type",
    "occurred_from",
    "occurred_to",
    "occurred_date",
    "time_bucket",
    "description",
    "people_count",
    "age_group",
    "police_notified",
    "police_reference",
    "needs_follow_up",
    "label",
)


def active_membership(user, partnership):
    # one membership per user and partnership (a unique constraint): no ordering needed
    try:
        return Membership.objects.get(user=user, partnership=partnership, is_active=True)
    except Membership.DoesNotExist:
        return None


def _require_reporting_role(user, partnership):
    membership = active_membership(user, partnership)
    if membership is None or membership.role not in DETAIL_ROLES:
        raise ValidationError(_("Du har ingen roll i den här samverkan som får rapportera."))
    if user.organisation_id is None:
        raise ValidationError(_("Ditt konto hör inte till någon organisation."))
    return membership


def _one(queryset):
    """The row a unique lookup finds, or None (no ORDER BY, unlike ``first()``)."""
    try:
        return queryset.get()
    except queryset.model.DoesNotExist:
        return None


def _clean_category(partnership, category):
    if isinstance(category, str):
        # codes are unique among the default categories and within a partnership
        category = _one(
            Category.objects.filter(code=category, is_active=True, partnership__isnull=True)
        ) or _one(Category.objects.filter(code=category, partnership=partnership))
    if category is None or not category.is_active:
        raise ValidationError({"category": _("Välj en händelsetyp.")})
    if category.partnership_id not in (None, partnership.pk):
        raise ValidationError({"category": _("Händelsetypen finns inte i den här samverkan.")})
    if category.parent_id is None:
        raise ValidationError(
            {"category": _("Välj en händelsetyp inom gruppen %(group)s.") % {"group": category}}
        )
    return category


def _clean_place(partnership, lat, lon, area):
    """Return (lat, lon, leaf area). A point decides the area; without one, the area given
    must be a leaf (a RegSO area or the whole municipality) or a named place in one."""
    if (lat is None) != (lon is None):
        raise ValidationError({"lat": _("Ange både latitud och longitud, eller ingen av dem.")})
    if lat is not None:
        try:
            lat, lon = float(lat), float(lon)
        except (TypeError, ValueError):
            raise ValidationError({"lat": _("Koordinaterna måste vara tal.")}) from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValidationError({"lat": _("Koordinaterna ligger utanför jorden.")})
        try:
            leaf = assign_leaf_area(partnership, lat, lon)
        except ValidationError as exc:
            raise ValidationError({"lat": exc.messages}) from None
        return lat, lon, leaf
    if area is None:
        raise ValidationError({"area": _("Peka ut platsen på kartan eller välj ett område.")})
    if area.partnership_id != partnership.pk:
        raise ValidationError({"area": _("Området finns inte i den här samverkan.")})
    if area.kind == Area.Kind.PLACE:
        area = area.parent
    if area is None or area.kind not in (Area.Kind.REGSO, Area.Kind.MUNICIPALITY):
        raise ValidationError(
            {"area": _("Välj ett område inom kommundelen, eller peka ut platsen på kartan.")}
        )
    return None, None, area


def _clean_time(occurred_from, occurred_to, occurred_date, time_bucket, now):
    """Return (from, to, local date, bucket). Either an exact start time, or a date with a
    time-of-day bucket when the time is unknown. Never in the future."""
    tz = timezone.get_current_timezone()
    if occurred_from is not None:
        if timezone.is_naive(occurred_from):
            occurred_from = timezone.make_aware(occurred_from, tz)
        if occurred_from > now + CLOCK_SKEW:
            raise ValidationError({"occurred_from": _("Tidpunkten kan inte ligga i framtiden.")})
        if occurred_to is not None:
            if timezone.is_naive(occurred_to):
                occurred_to = timezone.make_aware(occurred_to, tz)
            if occurred_to < occurred_from:
                raise ValidationError({"occurred_to": _("Sluttiden måste vara efter starttiden.")})
        return occurred_from, occurred_to, timezone.localtime(occurred_from, tz).date(), ""
    if occurred_date is None:
        raise ValidationError({"occurred_date": _("Ange när händelsen inträffade.")})
    if occurred_date > timezone.localdate(now, tz):
        raise ValidationError({"occurred_date": _("Datumet kan inte ligga i framtiden.")})
    if time_bucket not in TimeBucket.values:
        raise ValidationError(
            {"time_bucket": _("Välj ungefär när på dygnet händelsen inträffade.")}
        )
    return None, None, occurred_date, time_bucket


def _clean_choice(field, value, choices, message):
    if value not in choices:
        raise ValidationError({field: message})
    return value


def _clean_recipients(partnership, label, recipients, reporter):
    recipients = list(recipients or [])
    if label != Label.RED:
        if recipients:
            raise ValidationError({"recipients": _("Mottagare anges bara för TLP:RED.")})
        return []
    if not recipients:
        raise ValidationError({"recipients": _("TLP:RED kräver minst en namngiven mottagare.")})
    User = get_user_model()
    ids = [r.pk if isinstance(r, User) else r for r in recipients]
    members = set(
        Membership.objects.filter(
            partnership=partnership,
            is_active=True,
            user__is_active=True,
            user_id__in=ids,
            role__in=DETAIL_ROLES,
        ).values_list("user_id", flat=True)
    )
    if set(ids) - members:
        raise ValidationError(
            {"recipients": _("Mottagarna måste ha en roll i samverkan som ser händelser.")}
        )
    return sorted(set(ids))


def clean_description(text):
    """Redact personal data and trim; returns the Redaction (text + what was removed)."""
    text = (text or "").strip()
    if len(text) > MAX_DESCRIPTION:
        raise ValidationError(
            {
                "description": _("Beskrivningen får vara högst %(n)s tecken.")
                % {"n": MAX_DESCRIPTION}
            }
        )
    return redact(text)


def _clean_people(people_count):
    if people_count in (None, ""):
        return None
    try:
        people_count = int(people_count)
    except (TypeError, ValueError):
        raise ValidationError(
            {"people_count": _("Antal inblandade måste vara ett heltal.")}
        ) from None
    if not 0 <= people_count <= 1000:
        raise ValidationError({"people_count": _("Antal inblandade måste vara mellan 0 och 1000.")})
    return people_count


def validate_report(
    *,
    reporter,
    partnership,
    category,
    lat=None,
    lon=None,
    area=None,
    place_type="",
    occurred_from=None,
    occurred_to=None,
    occurred_date=None,
    time_bucket="",
    description="",
    people_count=None,
    age_group=AgeGroup.UNKNOWN,
    police_notified=None,
    police_reference="",
    needs_follow_up=False,
    label=Label.GREEN,
    recipients=(),
    source=Source.MANUAL,
    external_id="",
    now=None,
):
    """Check a report without writing it: return the cleaned values (the leaf area, the
    redacted description and what was redacted), or raise one ValidationError with every
    field's problem. The reporting form's preview and ``report_incident`` both use it."""
    now = now or timezone.now()
    _require_reporting_role(reporter, partnership)
    errors = {}
    cleaned = {}

    def check(step):
        try:
            return step()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
            return None

    cleaned["category"] = check(lambda: _clean_category(partnership, category))
    place = check(lambda: _clean_place(partnership, lat, lon, area))
    if place:
        cleaned["lat"], cleaned["lon"], cleaned["area"] = place
    when = check(lambda: _clean_time(occurred_from, occurred_to, occurred_date, time_bucket, now))
    if when:
        (
            cleaned["occurred_from"],
            cleaned["occurred_to"],
            cleaned["occurred_date"],
            cleaned["time_bucket"],
        ) = when
    cleaned["place_type"] = check(
        lambda: _clean_choice(
            "place_type", place_type or "", ["", *PlaceType.values], _("Välj en platstyp i listan.")
        )
    )
    cleaned["age_group"] = check(
        lambda: _clean_choice(
            "age_group", age_group or AgeGroup.UNKNOWN, AgeGroup.values, _("Välj en åldersgrupp.")
        )
    )
    cleaned["label"] = check(
        lambda: _clean_choice("label", label, Label.values, _("Välj hur rapporten får delas."))
    )
    cleaned["source"] = check(
        lambda: _clean_choice(
            "source",
            source,
            [s for s in Source.values if s != Source.POLICE_FEED],
            _("Okänd källa."),
        )
    )
    if cleaned["label"]:
        cleaned["recipients"] = check(
            lambda: _clean_recipients(partnership, label, recipients, reporter)
        )
    redaction = check(lambda: clean_description(description))
    if redaction is not None:
        cleaned["description"] = redaction.text
        cleaned["redacted"] = sorted({f.kind for f in redaction.findings})
    cleaned["people_count"] = check(lambda: _clean_people(people_count))
    if errors:
        raise ValidationError(errors)
    cleaned.update(
        police_notified=police_notified,
        police_reference=(police_reference or "").strip()[:50],
        needs_follow_up=bool(needs_follow_up),
        external_id=(external_id or "")[:100],
    )
    return cleaned


@transaction.atomic
def report_incident(*, reporter, partnership, request=None, now=None, redacted=(), **report):
    """Report one incident for the reporter's organisation; returns it.

    ``redacted`` names kinds of personal data an earlier step (the form's preview) already
    removed, so the audit entry records them too.
    """
    now = now or timezone.now()
    values = validate_report(reporter=reporter, partnership=partnership, now=now, **report)
    recipient_ids = values.pop("recipients", [])
    redacted_kinds = sorted(set(values.pop("redacted")) | set(redacted))
    incident = Incident(
        partnership=partnership,
        organisation_id=reporter.organisation_id,
        reported_by=reporter,
        reported_at=now,
        status=Status.NEW,
        **values,
    )
    incident.save()
    if recipient_ids:
        incident.recipients.set(recipient_ids)
    rollup.apply(rollup.change(None, rollup.key_of(incident)))
    record(
        "incident.create",
        actor=reporter,
        partnership=partnership,
        obj=incident,
        request=request,
        data={
            "source": incident.source,
            "category": incident.category.code,
            "label": incident.label,
            "redacted": redacted_kinds,
        },
    )
    base_url = request.build_absolute_uri("/").rstrip("/") if request is not None else None
    transaction.on_commit(partial(triage.notify_acute, incident, base_url=base_url), robust=True)
    return incident


def may_change(user, incident, now=None):
    """True when ``user`` may correct or withdraw ``incident``: its reporter for 7 days
    after reporting, a coordinator of its partnership at any time; never the police's
    published events."""
    if incident.source == Source.POLICE_FEED or incident.organisation.is_system:
        return False
    membership = active_membership(user, incident.partnership)
    if membership is None:
        return False
    if membership.role in TRIAGE_ROLES:
        return may_see(user, membership, incident)
    now = now or timezone.now()
    return (
        incident.reported_by_id == user.pk
        and membership.role in DETAIL_ROLES
        and now - incident.reported_at <= dt.timedelta(days=REPORTER_CORRECTION_DAYS)
    )


def _refuse_change(actor, incident, now):
    if incident.withdrawn_at is not None:
        raise ValidationError(_("Rapporten är återkallad och kan inte ändras."))
    if not may_change(actor, incident, now):
        raise ValidationError(
            _(
                "Du kan inte ändra den här rapporten. Den som rapporterade kan rätta i %(days)s "
                "dagar; därefter kan samverkans trygghetssamordnare göra det."
            )
            % {"days": REPORTER_CORRECTION_DAYS}
        )


def _json_value(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


@transaction.atomic
def correct_incident(*, actor, incident, changes, reason="", request=None, now=None):
    """Correct fields of a report (see ``CORRECTABLE``); keeps a revision with old and new
    values; the rollup moves the incident to its new key."""
    now = now or timezone.now()
    incident = (
        Incident.objects.select_for_update().select_related("organisation").get(pk=incident.pk)
    )
    _refuse_change(actor, incident, now)
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise ValidationError(
            _("Fälten %(f)s kan inte ändras.") % {"f": ", ".join(sorted(unknown))}
        )
    before_key = rollup.key_of(incident)
    merged = {f: getattr(incident, f) for f in CORRECTABLE}
    merged.update(changes)
    partnership = incident.partnership
    category = _clean_category(partnership, merged["category"])
    point_changed = "lat" in changes or "lon" in changes
    if point_changed or "area" in changes:
        # A point decides the area; clearing the point falls back to the area given.
        lat, lon, leaf = _clean_place(partnership, merged["lat"], merged["lon"], merged["area"])
    else:
        lat, lon, leaf = incident.lat, incident.lon, incident.area
    time_fields = {"occurred_from", "occurred_to", "occurred_date", "time_bucket"}
    if time_fields & set(changes):
        if "occurred_date" in changes and "occurred_from" not in changes:
            merged["occurred_from"] = merged["occurred_to"] = None
        occurred = _clean_time(
            merged["occurred_from"],
            merged["occurred_to"],
            merged["occurred_date"],
            merged["time_bucket"],
            now,
        )
    else:
        occurred = (
            incident.occurred_from,
            incident.occurred_to,
            incident.occurred_date,
            incident.time_bucket,
        )
    label = _clean_choice(
        "label", merged["label"], Label.values, _("Välj hur rapporten får delas.")
    )
    if label == Label.RED and not incident.recipients.exists():
        raise ValidationError(
            {"label": _("TLP:RED kräver namngivna mottagare; rapportera en ny händelse för det.")}
        )
    new_values = {
        "category": category,
        "lat": lat,
        "lon": lon,
        "area": leaf,
        "occurred_from": occurred[0],
        "occurred_to": occurred[1],
        "occurred_date": occurred[2],
        "time_bucket": occurred[3],
        "place_type": _clean_choice(
            "place_type",
            merged["place_type"] or "",
            ["", *PlaceType.values],
            _("Välj en platstyp i listan."),
        ),
        "description": clean_description(merged["description"]).text,
        "people_count": _clean_people(merged["people_count"]),
        "age_group": _clean_choice(
            "age_group", merged["age_group"], AgeGroup.values, _("Välj en åldersgrupp.")
        ),
        "police_notified": merged["police_notified"],
        "police_reference": (merged["police_reference"] or "").strip()[:50],
        "needs_follow_up": bool(merged["needs_follow_up"]),
        "label": label,
    }
    diff = {}
    for field, new in new_values.items():
        old = getattr(incident, field)
        if _json_value(old) != _json_value(new):
            diff[field] = [_json_value(old), _json_value(new)]
            setattr(incident, field, new)
    if not diff:
        return incident
    incident.save()
    IncidentRevision.objects.create(
        incident=incident, changed_by=actor, changed_at=now, changes=diff, reason=reason.strip()
    )
    rollup.apply(rollup.change(before_key, rollup.key_of(incident)))
    record(
        "incident.correct",
        actor=actor,
        partnership=partnership,
        obj=incident,
        request=request,
        data={"fields": sorted(diff)},
    )
    return incident


@transaction.atomic
def withdraw_incident(*, actor, incident, reason, request=None, now=None):
    """Withdraw a report (soft delete with a reason); it stops counting."""
    now = now or timezone.now()
    incident = (
        Incident.objects.select_for_update().select_related("organisation").get(pk=incident.pk)
    )
    _refuse_change(actor, incident, now)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Skriv varför rapporten återkallas.")})
    before_key = rollup.key_of(incident)
    incident.withdrawn_at = now
    incident.withdrawn_reason = redact(reason).text[:1000]
    incident.save(update_fields=["withdrawn_at", "withdrawn_reason", "updated_at"])
    IncidentRevision.objects.create(
        incident=incident,
        changed_by=actor,
        changed_at=now,
        changes={"withdrawn": [False, True]},
        reason=incident.withdrawn_reason,
    )
    deltas = rollup.change(before_key, None)
    # Police events linked to this report as the same occurrence count again.
    relinked = []
    for duplicate in incident.duplicates.select_for_update():
        duplicate.duplicate_of = None
        duplicate.save(update_fields=["duplicate_of", "updated_at"])
        deltas.update(rollup.change(None, rollup.key_of(duplicate)))
        relinked.append(duplicate.pk)
    rollup.apply(deltas)
    record(
        "incident.withdraw",
        actor=actor,
        partnership=incident.partnership,
        obj=incident,
        request=request,
        data={"unlinked_police_events": relinked} if relinked else None,
    )
    return incident


@transaction.atomic
def mark_reviewed(*, actor, incident, request=None):
    membership = active_membership(actor, incident.partnership)
    if membership is None or membership.role not in TRIAGE_ROLES:
        raise ValidationError(_("Bara trygghetssamordnare granskar rapporter."))
    if not may_see(actor, membership, incident):
        raise ValidationError(_("Du får inte se den här rapporten."))
    if incident.status != Status.NEW:
        return incident
    incident.status = Status.REVIEWED
    incident.save(update_fields=["status", "updated_at"])
    record(
        "incident.review",
        actor=actor,
        partnership=incident.partnership,
        obj=incident,
        request=request,
    )
    return incident
