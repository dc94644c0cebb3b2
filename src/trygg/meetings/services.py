"""Writes of the weekly meeting (avstämning): the series, meetings and their agenda,
attendance, notes, decisions (which create or update actions), the proposed focus turned
into planned presence, and approving the minutes (immutable versions, like the
lägesbild). Each function validates, writes and audits in one transaction.
"""

import datetime
import hashlib
import json
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from trygg.audit.services import record
from trygg.core.models import DETAIL_ROLES, Membership, Organisation, Participation, Role
from trygg.geo.models import Area
from trygg.incidents.models import Label
from trygg.incidents.redaction import redact
from trygg.incidents.visibility import may_see_record

from . import agenda
from .models import (
    AgendaItem,
    AgendaItemKind,
    Attendance,
    Decision,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    MinutesVersion,
    new_feed_token,
)

MAX_TITLE = 300
MAX_TEXT = 5000
MAX_DECISION = 2000
MAX_CHANGE_NOTE = 1000
MAX_PRESENCE_ROWS = 60
RUNNERS = frozenset({Role.COORDINATOR})
SERIES_ADMINS = frozenset({Role.COORDINATOR, Role.PARTNERSHIP_ADMIN})
OPEN_ACTION_STATUSES = ("planned", "ongoing")


# Permissions ---------------------------------------------------------------------------


def membership_of(user, partnership):
    if user is None or partnership is None:
        return None
    return Membership.objects.filter(user=user, partnership=partnership, is_active=True).first()


def may_run(membership):
    return membership is not None and membership.role in RUNNERS


def may_edit_series(membership):
    return membership is not None and membership.role in SERIES_ADMINS


def may_add_item(membership, meeting):
    return (
        membership is not None
        and membership.role in DETAIL_ROLES
        and meeting.status == MeetingStatus.PLANNED
    )


def _require_runner(actor, partnership):
    if not may_run(membership_of(actor, partnership)):
        raise ValidationError(_("Bara trygghetssamordnare leder avstämningen."))


def _require_visible(actor, partnership, meeting):
    if (
        meeting.partnership_id != partnership.pk
        or not Meeting.objects.visible_to(actor, partnership).filter(pk=meeting.pk).exists()
    ):
        raise ValidationError(_("Avstämningen finns inte i den här samverkan."))


def _clean_text(field, text, limit=MAX_TEXT, required_message=None):
    text = (text or "").strip()
    if not text and required_message:
        raise ValidationError({field: required_message})
    if len(text) > limit:
        raise ValidationError({field: _("Texten får vara högst %(n)s tecken.") % {"n": limit}})
    return redact(text).text


def participating_organisations(partnership):
    """The partnership's participating organisations (not system organisations)."""
    return (
        Organisation.objects.filter(
            pk__in=Participation.objects.filter(partnership=partnership).values("organisation_id")
        )
        .exclude(kind=Organisation.Kind.SYSTEM)
        .order_by("name")
    )


# The series and the calendar feed --------------------------------------------------------


def series_of(partnership):
    return MeetingSeries.objects.filter(partnership=partnership).first()


@transaction.atomic
def save_series(
    *,
    actor,
    partnership,
    weekday,
    start_time,
    duration_minutes=60,
    location="",
    link_url="",
    title="",
    organisation=None,
    request=None,
):
    """Create or change the partnership's weekly meeting series."""
    membership = membership_of(actor, partnership)
    if not may_edit_series(membership):
        raise ValidationError(
            _("Bara trygghetssamordnare och samverkansadministratörer ändrar mötesserien.")
        )
    errors = {}
    if weekday not in range(1, 8):
        errors["weekday"] = _("Välj en veckodag.")
    if start_time is None:
        errors["start_time"] = _("Skriv när mötet börjar, till exempel 13:00.")
    if not duration_minutes or not 15 <= duration_minutes <= 480:
        errors["duration_minutes"] = _("Skriv mötets längd i minuter, mellan 15 och 480.")
    link_url = (link_url or "").strip()
    if link_url:
        try:
            URLValidator(schemes=["https", "http"])(link_url)
        except ValidationError:
            errors["link_url"] = _("Skriv en hel webbadress som börjar med https://.")
    location = (location or "").strip()
    if len(location) > 200:
        errors["location"] = _("Platsen får vara högst 200 tecken.")
    title = (title or "").strip() or _("Veckans avstämning")
    if len(title) > 200:
        errors["title"] = _("Namnet får vara högst 200 tecken.")
    organisation = organisation or actor.organisation
    if organisation is None:
        errors["organisation"] = _("Välj den sammankallande organisationen.")
    if errors:
        raise ValidationError(errors)
    series = MeetingSeries.objects.select_for_update().filter(partnership=partnership).first()
    created = series is None
    if created:
        series = MeetingSeries(partnership=partnership)
    series.title = title
    series.weekday = weekday
    series.start_time = start_time
    series.duration_minutes = duration_minutes
    series.location = location
    series.link_url = link_url
    series.organisation = organisation
    series.save()
    record(
        "meetings.series_create" if created else "meetings.series_change",
        actor=actor,
        partnership=partnership,
        obj=series,
        request=request,
        data={
            "weekday": weekday,
            "start_time": start_time.strftime("%H:%M"),
            "duration_minutes": duration_minutes,
            "location": location,
            "link_url": link_url,
        },
    )
    return series


@transaction.atomic
def regenerate_feed_token(*, actor, partnership, request=None):
    """A new secret address for the calendar feed; the old one stops working."""
    if not may_edit_series(membership_of(actor, partnership)):
        raise ValidationError(
            _("Bara trygghetssamordnare och samverkansadministratörer ändrar mötesserien.")
        )
    series = MeetingSeries.objects.select_for_update().filter(partnership=partnership).first()
    if series is None:
        raise ValidationError(_("Ställ in mötesserien först."))
    series.feed_token = new_feed_token()
    series.save(update_fields=["feed_token", "updated_at"])
    record(
        "meetings.feed_token_regenerate",
        actor=actor,
        partnership=partnership,
        obj=series,
        request=request,
    )
    return series


# Meetings ----------------------------------------------------------------------------


def next_occurrence(series, day):
    """The first day on or after ``day`` that is the series' weekday."""
    return day + datetime.timedelta(days=(series.weekday - day.isoweekday()) % 7)


def meeting_times(series, day):
    starts_at = timezone.make_aware(datetime.datetime.combine(day, series.start_time))
    return starts_at, starts_at + datetime.timedelta(minutes=series.duration_minutes)


def _meeting_on(partnership, day):
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return Meeting.objects.filter(
        partnership=partnership, starts_at__gte=start, starts_at__lt=start + datetime.timedelta(1)
    ).first()


@transaction.atomic
def create_meeting(
    *, actor, partnership, day=None, label=Label.GREEN, build=True, request=None, today=None
):
    """The next meeting of the series (or the one on ``day``), with its agenda built."""
    _require_runner(actor, partnership)
    series = series_of(partnership)
    if series is None:
        raise ValidationError(_("Ställ in mötesserien (veckodag, tid och plats) först."))
    if label not in Label.values:
        raise ValidationError({"label": _("Välj en delningsnivå (TLP).")})
    if day is None:
        today = today or timezone.localdate()
        last = Meeting.objects.filter(partnership=partnership).aggregate(last=Max("starts_at"))[
            "last"
        ]
        after = today
        if last is not None:
            after = max(today, timezone.localdate(last) + datetime.timedelta(days=1))
        day = next_occurrence(series, after)
    if _meeting_on(partnership, day) is not None:
        raise ValidationError(
            _("Det finns redan en avstämning den %(day)s.") % {"day": day.isoformat()}
        )
    starts_at, ends_at = meeting_times(series, day)
    meeting = Meeting.objects.create(
        partnership=partnership,
        series=series,
        title=series.title,
        starts_at=starts_at,
        ends_at=ends_at,
        location=series.location,
        link_url=series.link_url,
        label=label,
        organisation=series.organisation,
        created_by=actor,
    )
    record(
        "meetings.meeting_create",
        actor=actor,
        partnership=partnership,
        obj=meeting,
        request=request,
        data={"day": day.isoformat(), "label": label},
    )
    if build:
        build_agenda(actor=actor, partnership=partnership, meeting=meeting, request=request)
        meeting.refresh_from_db()
    return meeting


def _default_runner(partnership):
    membership = (
        Membership.objects.filter(partnership=partnership, role=Role.COORDINATOR, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def ensure_upcoming_meetings(partnership, today, *, actor=None, weeks=1, request=None):
    """Create the series' meetings of the next ``weeks`` weeks (from ``today``) that do not
    exist yet, each with its agenda; for the scheduler and the demo. Without ``actor``
    the partnership's first coordinator creates them; with no coordinator, nothing is
    created. Returns the meetings created."""
    series = series_of(partnership)
    actor = actor or _default_runner(partnership)
    if series is None or actor is None:
        return []
    created = []
    day = next_occurrence(series, today)
    for _week in range(weeks):
        if _meeting_on(partnership, day) is None:
            created.append(
                create_meeting(actor=actor, partnership=partnership, day=day, request=request)
            )
        day += datetime.timedelta(weeks=1)
    return created


# The agenda --------------------------------------------------------------------------


def _carried_actions(partnership, meeting):
    """{action: the local date of the first earlier meeting that decided it} for the open
    actions decided at earlier meetings of the partnership."""
    carried = {}
    decisions = (
        Decision.objects.filter(
            meeting__partnership=partnership,
            meeting__starts_at__lt=meeting.starts_at,
            action__isnull=False,
            action__status__in=OPEN_ACTION_STATUSES,
        )
        .select_related("action__organisation", "meeting")
        .order_by("meeting__starts_at", "pk")
    )
    for decision in decisions:
        carried.setdefault(decision.action, timezone.localdate(decision.meeting.starts_at))
    return carried


def agenda_specs(*, actor, partnership, meeting, situation=True):
    """(period, source, item specs) of the agenda the meeting would get now; without
    ``situation``, the actions to follow up only."""
    from trygg.work.models import Action

    period = agenda.situation_period(meeting)
    if situation:
        picture, texts, source = agenda.picture_for(partnership, period)
    else:
        picture, texts, source = None, {}, {"kind": "none"}
    day, due_end = agenda.due_window(meeting)
    due = list(
        Action.objects.visible_to(actor, partnership)
        .open()
        .filter(end__isnull=False, end__lte=due_end)
        .select_related("organisation")
    )
    carried = _carried_actions(partnership, meeting)
    with translation.override("sv"):
        specs = agenda.situation_items(picture, texts, source) if situation else []
        specs += agenda.action_items(due, carried, day)
    return period, source, specs


def _item_key(kind, title, action_id):
    return (kind, action_id) if kind == AgendaItemKind.ACTION else (kind, title)


@transaction.atomic
def build_agenda(*, actor, partnership, meeting, situation=True, request=None):
    """Build (or rebuild) the meeting's agenda from the lägesbild of the last complete
    week before it and the actions to follow up (without ``situation``: the actions
    only). Rebuilding keeps the partners' items, every item's notes, and generated items
    that have notes or decisions."""
    _require_runner(actor, partnership)
    _require_visible(actor, partnership, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    period, source, specs = agenda_specs(
        actor=actor, partnership=partnership, meeting=meeting, situation=situation
    )
    existing = list(meeting.items.all())
    partner_items = [i for i in existing if i.kind == AgendaItemKind.PARTNER]
    generated = {
        _item_key(i.kind, i.title, i.action_id): i
        for i in existing
        if i.kind != AgendaItemKind.PARTNER
    }
    ordered = []
    for spec in specs:
        action = spec["action"]
        key = _item_key(spec["kind"], spec["title"], action.pk if action else None)
        item = generated.pop(key, None)
        if item is None:
            item = AgendaItem(meeting=meeting, kind=spec["kind"], order=0)
        item.title = spec["title"]
        item.body = spec["body"]
        item.action = action
        ordered.append(item)
    removed = 0
    for item in generated.values():
        if item.notes or item.decisions.exists():
            ordered.append(item)
        else:
            item.delete()
            removed += 1
    ordered += partner_items
    for number, item in enumerate(ordered, start=1):
        item.order = number
        item.save()
    meeting.situation_key = period.key
    meeting.save(update_fields=["situation_key", "updated_at"])
    record(
        "meetings.agenda_build",
        actor=actor,
        partnership=partnership,
        obj=meeting,
        request=request,
        data={
            "situation": period.key,
            "source": source,
            "items": len(ordered),
            "removed": removed,
        },
    )
    return ordered


@transaction.atomic
def add_agenda_item(*, actor, partnership, meeting, title, text="", request=None):
    """A partner's item for an upcoming meeting, with the partner's organisation."""
    membership = membership_of(actor, partnership)
    if membership is None or membership.role not in DETAIL_ROLES:
        raise ValidationError(_("Din roll kan inte lägga till punkter på dagordningen."))
    _require_visible(actor, partnership, meeting)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(
            _("Avstämningen har redan hållits. Lägg punkten på nästa veckas avstämning.")
        )
    title = _clean_text(
        "title", title, MAX_TITLE, required_message=_("Skriv en rubrik för punkten.")
    )
    text = _clean_text("text", text)
    last = meeting.items.aggregate(last=Max("order"))["last"] or 0
    item = AgendaItem.objects.create(
        meeting=meeting,
        order=last + 1,
        kind=AgendaItemKind.PARTNER,
        title=title,
        body=text,
        added_by=actor,
        added_by_organisation=actor.organisation,
    )
    record(
        "meetings.item_add",
        actor=actor,
        partnership=partnership,
        obj=item,
        request=request,
        data={"meeting": meeting.pk},
    )
    return item


# Running the meeting -----------------------------------------------------------------


def _mark_held(meeting):
    if meeting.status == MeetingStatus.PLANNED:
        meeting.status = MeetingStatus.HELD
        meeting.save(update_fields=["status", "updated_at"])


@transaction.atomic
def record_attendance(*, actor, partnership, meeting, attendance, request=None):
    """Who took part, by organisation: ``attendance`` maps organisation id -> number of
    participants (0 = not present)."""
    _require_runner(actor, partnership)
    _require_visible(actor, partnership, meeting)
    allowed = {o.pk: o for o in participating_organisations(partnership)}
    cleaned = {}
    for org_id, people in attendance.items():
        if int(org_id) not in allowed:
            raise ValidationError(_("Organisationen deltar inte i den här samverkan."))
        if people is None or not 0 <= int(people) <= 99:
            raise ValidationError(_("Skriv antalet deltagare som ett tal mellan 0 och 99."))
        cleaned[int(org_id)] = int(people)
    if not any(cleaned.values()):
        raise ValidationError(_("Markera minst en organisation som var med på mötet."))
    for org_id, people in cleaned.items():
        Attendance.objects.update_or_create(
            meeting=meeting,
            organisation_id=org_id,
            defaults={"present": people > 0, "people": max(people, 0)},
        )
    _mark_held(meeting)
    record(
        "meetings.attendance",
        actor=actor,
        partnership=partnership,
        obj=meeting,
        request=request,
        data={"present": sorted(k for k, v in cleaned.items() if v)},
    )
    return list(meeting.attendance.select_related("organisation"))


@transaction.atomic
def save_notes(*, actor, partnership, meeting, notes, summary=None, label=None, request=None):
    """The notes per agenda item (``notes``: item id -> text), the meeting's summary (shown
    to viewers when the minutes are CLEAR/GREEN) and its TLP label."""
    _require_runner(actor, partnership)
    _require_visible(actor, partnership, meeting)
    items = {i.pk: i for i in meeting.items.all()}
    changed = []
    for item_id, text in notes.items():
        item = items.get(int(item_id))
        if item is None:
            raise ValidationError(_("Punkten finns inte på den här avstämningens dagordning."))
        cleaned = _clean_text(f"notes_{item.pk}", text)
        if cleaned != item.notes:
            item.notes = cleaned
            item.save(update_fields=["notes"])
            changed.append(item.pk)
    fields = []
    if summary is not None:
        meeting.summary = _clean_text("summary", summary)
        fields.append("summary")
    if label is not None:
        if label not in Label.values:
            raise ValidationError({"label": _("Välj en delningsnivå (TLP).")})
        meeting.label = label
        fields.append("label")
    if fields:
        meeting.save(update_fields=[*fields, "updated_at"])
    record(
        "meetings.notes",
        actor=actor,
        partnership=partnership,
        obj=meeting,
        request=request,
        data={"items": changed, "label": meeting.label},
    )
    return meeting


def _prefixed(error, prefix, renames=None):
    """A work service's ValidationError with its field names prefixed (or renamed) for
    the form."""
    renames = renames or {}
    if hasattr(error, "error_dict"):
        return ValidationError(
            {
                renames.get(field, f"{prefix}{field}"): errors
                for field, errors in error.error_dict.items()
            }
        )
    return error


PRESENCE_FIELDS = {"starts_at": "start_time", "ends_at": "end_time", "area": "areas"}


@transaction.atomic
def record_decision(
    *,
    actor,
    partnership,
    meeting,
    text,
    item=None,
    new_action=None,
    action=None,
    action_changes=None,
    request=None,
):
    """A decision of the meeting. With ``new_action`` (create_action's arguments) it
    creates an action; with ``action`` and ``action_changes`` (update_action's changes) it
    updates one; the decision links the action either way."""
    from trygg.work import services as work_services
    from trygg.work.models import Action

    _require_runner(actor, partnership)
    _require_visible(actor, partnership, meeting)
    text = _clean_text("text", text, MAX_DECISION, required_message=_("Skriv vad mötet beslutade."))
    if item is not None and item.meeting_id != meeting.pk:
        raise ValidationError({"item": _("Punkten finns inte på den här dagordningen.")})
    if new_action and action is not None:
        raise ValidationError(
            _("Ett beslut skapar en ny åtgärd eller ändrar en befintlig, inte båda.")
        )
    linked = None
    how = ""
    if new_action:
        arguments = {"situation_key": meeting.situation_key, **new_action}
        try:
            linked = work_services.create_action(
                actor=actor, partnership=partnership, request=request, **arguments
            )
        except ValidationError as error:
            raise _prefixed(error, "new_") from None
        how = "created"
    elif action is not None:
        if not Action.objects.visible_to(actor, partnership).filter(pk=action.pk).exists():
            raise ValidationError({"change_action": _("Välj en åtgärd ur listan.")})
        changes = {k: v for k, v in (action_changes or {}).items() if v not in (None, "")}
        if not changes:
            raise ValidationError(
                {"change_status": _("Välj vad som ska ändras: status, slutdatum eller resultat.")}
            )
        try:
            linked = work_services.update_action(
                actor=actor,
                partnership=partnership,
                action=action,
                note=_("Beslut på avstämningen %(day)s: %(text)s")
                % {"day": timezone.localdate(meeting.starts_at).isoformat(), "text": text},
                request=request,
                **changes,
            )
        except ValidationError as error:
            raise _prefixed(error, "change_") from None
        how = "updated"
    decision = Decision.objects.create(
        meeting=meeting, item=item, text=text, action=linked, created_by=actor
    )
    _mark_held(meeting)
    record(
        "meetings.decision",
        actor=actor,
        partnership=partnership,
        obj=decision,
        request=request,
        data={
            "meeting": meeting.pk,
            "action": linked.pk if linked else None,
            "action_change": how,
        },
    )
    return decision


@transaction.atomic
def plan_focus_presence(
    *,
    actor,
    partnership,
    meeting,
    organisation,
    kind,
    areas,
    days,
    start_time,
    end_time,
    people=1,
    label=Label.AMBER,
    note="",
    request=None,
):
    """Turn the proposed focus into planned presence: one row per area and day, from
    ``start_time`` to ``end_time`` (past midnight when the end is earlier than the
    start), through ``work.services.plan_presence``."""
    from trygg.work import services as work_services

    _require_runner(actor, partnership)
    _require_visible(actor, partnership, meeting)
    errors = {}
    areas = list(areas)
    days = sorted(set(days))
    if not areas:
        errors["areas"] = _("Välj minst ett område.")
    elif any(a.partnership_id != partnership.pk for a in areas):
        errors["areas"] = _("Välj områden i den här samverkan.")
    if not days:
        errors["days"] = _("Välj minst en dag.")
    if start_time is None:
        errors["start_time"] = _("Skriv när närvaron börjar, till exempel 20:00.")
    if end_time is None:
        errors["end_time"] = _("Skriv när närvaron slutar, till exempel 23:00.")
    elif start_time is not None and end_time == start_time:
        errors["end_time"] = _("Sluttiden måste vara en annan än starttiden.")
    if errors:
        raise ValidationError(errors)
    if len(areas) * len(days) > MAX_PRESENCE_ROWS:
        raise ValidationError(
            _("Högst %(n)s pass åt gången: välj färre områden eller dagar.")
            % {"n": MAX_PRESENCE_ROWS}
        )
    note = _clean_text("note", note, 1000) or _("Planerad på avstämningen %(day)s.") % {
        "day": timezone.localdate(meeting.starts_at).isoformat()
    }
    created = []
    for day in days:
        starts_at = timezone.make_aware(datetime.datetime.combine(day, start_time))
        end_day = day + datetime.timedelta(days=1) if end_time <= start_time else day
        ends_at = timezone.make_aware(datetime.datetime.combine(end_day, end_time))
        for area in areas:
            try:
                created.append(
                    work_services.plan_presence(
                        actor=actor,
                        partnership=partnership,
                        organisation=organisation,
                        kind=kind,
                        area=area,
                        starts_at=starts_at,
                        ends_at=ends_at,
                        people=people,
                        label=label,
                        note=note,
                        request=request,
                    )
                )
            except ValidationError as error:
                raise _prefixed(error, "", PRESENCE_FIELDS) from None
    record(
        "meetings.focus_presence",
        actor=actor,
        partnership=partnership,
        obj=meeting,
        request=request,
        data={"presence": [p.pk for p in created], "organisation": organisation.pk},
    )
    return created


def focus_areas_of(partnership, meeting):
    """The areas of the focus areas the lägesbild proposes (all focus areas' areas when
    it proposes none), for the focus → presence form."""
    from trygg.geo.models import FocusArea
    from trygg.situation.models import SituationReport

    key = meeting.situation_key or agenda.situation_period(meeting).key
    report = SituationReport.objects.filter(partnership=partnership, period_key=key).first()
    proposed = list(report.proposed_areas) if report else []
    focus = FocusArea.objects.filter(partnership=partnership)
    if proposed:
        focus = focus.filter(pk__in=proposed)
    areas = Area.objects.filter(focus_areas__in=focus).distinct().order_by("name")
    return report, list(focus), list(areas)


# Minutes -----------------------------------------------------------------------------


def _action_facts(action):
    if action is None:
        return None
    return {
        "id": action.pk,
        "title": action.title,
        "label": action.label,
        "organisation_id": action.organisation_id,
        "organisation": action.organisation.name,
        "created_by_id": action.created_by_id,
        "partnership_id": action.partnership_id,
        "status": action.status,
        "status_label": str(action.get_status_display()),
        "end": action.end.isoformat() if action.end else None,
    }


def minutes_snapshot(meeting):
    """The minutes as data (what an approved version freezes), in Swedish. Action facts
    carry what ``may_see_record`` needs, so a reader's view is filtered from the data."""
    with translation.override("sv"):
        items = list(meeting.items.select_related("action__organisation", "added_by_organisation"))
        decisions = list(
            meeting.decisions.select_related("action__organisation", "item").order_by(
                "created_at", "pk"
            )
        )
        return {
            "format": 1,
            "partnership": {"id": meeting.partnership_id, "name": meeting.partnership.name},
            "meeting": {
                "id": meeting.pk,
                "title": meeting.title,
                "starts_at": meeting.starts_at.isoformat(),
                "ends_at": meeting.ends_at.isoformat(),
                "location": meeting.location,
                "link_url": meeting.link_url,
                "label": meeting.label,
                "situation_key": meeting.situation_key,
                "organisation": meeting.organisation.name,
            },
            "summary": meeting.summary,
            "attendance": [
                {"organisation": a.organisation.name, "present": a.present, "people": a.people}
                for a in meeting.attendance.select_related("organisation").order_by(
                    "organisation__name"
                )
            ],
            "items": [
                {
                    "id": i.pk,
                    "order": i.order,
                    "kind": i.kind,
                    "kind_label": str(i.get_kind_display()),
                    "title": i.title,
                    "body": i.body,
                    "notes": i.notes,
                    "added_by_organisation": (
                        i.added_by_organisation.name if i.added_by_organisation else ""
                    ),
                    "action": _action_facts(i.action),
                }
                for i in items
            ],
            "decisions": [
                {
                    "text": d.text,
                    "item": d.item.title if d.item else "",
                    "item_id": d.item_id,
                    "action": _action_facts(d.action),
                }
                for d in decisions
            ],
        }


def action_visible(user, membership, facts):
    """``may_see_record`` on the action facts stored in minutes."""
    if facts is None:
        return False
    record_ = SimpleNamespace(
        partnership_id=facts["partnership_id"],
        label=facts["label"],
        organisation_id=facts["organisation_id"],
        created_by_id=facts["created_by_id"],
    )
    return may_see_record(user, membership, record_)


def shared_action(facts):
    """Whether every detail role (and a viewer's summary) may see the action."""
    return facts is not None and facts["label"] in (Label.CLEAR, Label.GREEN)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def canonical_json(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


@transaction.atomic
def approve_minutes(*, actor, partnership, meeting, change_note="", request=None, now=None):
    """Freeze the minutes as a new version (data, PDF and their SHA-256). A revision (a
    second or later version) needs a change note; approved versions never change."""
    from . import pdf

    _require_runner(actor, partnership)
    _require_visible(actor, partnership, meeting)
    now = now or timezone.now()
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    change_note = _clean_text("change_note", change_note, MAX_CHANGE_NOTE)
    if meeting.starts_at > now:
        raise ValidationError(_("Avstämningen har inte börjat än; justera protokollet efteråt."))
    if not meeting.attendance.filter(present=True).exists():
        raise ValidationError(_("Registrera vilka organisationer som var med innan du justerar."))
    number = meeting.versions.count() + 1
    if number > 1 and not change_note:
        raise ValidationError({"change_note": _("Skriv vad som ändrats sedan förra versionen.")})
    snapshot = minutes_snapshot(meeting)
    snapshot["approval"] = {
        "version": number,
        "approved_by": actor.get_full_name() or actor.email,
        "approved_at": now.isoformat(),
        "change_note": change_note,
    }
    document = pdf.render(snapshot)
    version = MinutesVersion.objects.create(
        meeting=meeting,
        number=number,
        approved_by=actor,
        approved_at=now,
        change_note=change_note,
        snapshot=snapshot,
        snapshot_sha256=sha256(canonical_json(snapshot)),
        pdf=document,
        pdf_sha256=sha256(document),
    )
    meeting.status = MeetingStatus.APPROVED
    meeting.save(update_fields=["status", "updated_at"])
    record(
        "meetings.minutes_approve" if number == 1 else "meetings.minutes_revise",
        actor=actor,
        partnership=partnership,
        obj=version,
        request=request,
        data={
            "meeting": meeting.pk,
            "version": number,
            "snapshot_sha256": version.snapshot_sha256,
            "pdf_sha256": version.pdf_sha256,
        },
    )
    return version
