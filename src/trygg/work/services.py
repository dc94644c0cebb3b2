"""Writes of the work app: actions (åtgärder), presence (närvaro) and evaluations.

One function per use case: each takes the acting user and the partnership, validates
(a ``ValidationError`` with a plain Swedish message on bad input or missing permission),
writes in one transaction and appends its audit entry. Every change of an action is kept
as an ``ActionRevision`` (old and new value of each changed field). Free text goes through
``trygg.incidents.redaction.redact`` before it is stored.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.audit.services import record
from trygg.core.models import Membership, Organisation, Role
from trygg.incidents.models import Label
from trygg.incidents.redaction import redact
from trygg.incidents.visibility import may_see_record

from .models import (
    Action,
    ActionRevision,
    ActionStatus,
    ActionType,
    Presence,
    PresenceKind,
    PresenceStatus,
)

MAX_TITLE = 300
MAX_TEXT = 5000
MAX_PEOPLE = 500
MAX_PRESENCE_HOURS = 24

# Roles that change their own organisation's (and its units') actions and presence.
OWN_ORG_WRITERS = frozenset({Role.REPORTER, Role.ORG_ADMIN, Role.PARTNERSHIP_ADMIN})
# Roles that change any action or presence of the partnership they may see.
ALL_WRITERS = frozenset({Role.COORDINATOR})
EVALUATORS = frozenset({Role.COORDINATOR, Role.ANALYST})

ACTION_FIELDS = (
    "title",
    "description",
    "label",
    "type",
    "priority",
    "goal",
    "situation_key",
    "areas",
    "organisation",
    "contact",
    "start",
    "end",
    "status",
    "outcome",
)
CLOSED_STATUSES = (ActionStatus.DONE, ActionStatus.CANCELLED)


# --- Helpers ---------------------------------------------------------------------------


def membership_of(user, partnership):
    if user is None or partnership is None or not getattr(user, "pk", None):
        return None
    return Membership.objects.filter(user=user, partnership=partnership, is_active=True).first()


def own_organisation_ids(user):
    """The user's organisation and its units."""
    if not user.organisation_id:
        return set()
    ids = {user.organisation_id}
    frontier = [user.organisation_id]
    while frontier:
        frontier = list(
            Organisation.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        ids.update(frontier)
    return ids


def participating_organisations(partnership):
    """The organisations taking part in the partnership and their units (no system ones)."""
    top = set(partnership.organisations.values_list("pk", flat=True))
    ids = set(top)
    frontier = list(top)
    while frontier:
        frontier = list(
            Organisation.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        ids.update(frontier)
    return (
        Organisation.objects.filter(pk__in=ids)
        .exclude(kind=Organisation.Kind.SYSTEM)
        .select_related("parent")
        .order_by("parent__name", "name")
    )


def may_change_record(user, membership, record_, *, org_field="organisation"):
    """Coordinators change any record of the partnership they may see; reporters,
    organisation and partnership admins their own organisation's and its units'."""
    if membership is None or record_.partnership_id != membership.partnership_id:
        return False
    if not may_see_record(user, membership, record_, org_field=org_field):
        return False
    if membership.role in ALL_WRITERS:
        return True
    if membership.role in OWN_ORG_WRITERS:
        return getattr(record_, f"{org_field}_id") in own_organisation_ids(user)
    return False


def may_change_action(user, membership, action):
    return may_change_record(user, membership, action)


def may_change_presence(user, membership, presence):
    return may_change_record(user, membership, presence)


def may_write(membership):
    return membership is not None and membership.role in (ALL_WRITERS | OWN_ORG_WRITERS)


def may_evaluate(membership):
    return membership is not None and membership.role in EVALUATORS


def _require_writer(actor, partnership):
    membership = membership_of(actor, partnership)
    if not may_write(membership):
        raise ValidationError(
            _(
                "Din roll i den här samverkan får inte lägga in eller ändra åtgärder och "
                "närvaro. Be trygghetssamordnaren om hjälp."
            )
        )
    return membership


def _clean_text(field, text, limit=MAX_TEXT):
    text = (text or "").strip()
    if len(text) > limit:
        raise ValidationError({field: _("Texten får vara högst %(n)s tecken.") % {"n": limit}})
    return redact(text).text


def _clean_title(title):
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Skriv en rubrik för åtgärden.")})
    if len(title) > MAX_TITLE:
        raise ValidationError(
            {"title": _("Rubriken får vara högst %(n)s tecken.") % {"n": MAX_TITLE}}
        )
    return redact(title).text


def _clean_choice(field, value, choices, message):
    if value not in choices.values:
        raise ValidationError({field: message})
    return value


def _clean_label(value):
    return _clean_choice("label", value, Label, _("Välj en delning (TLP) ur listan."))


def _clean_organisation(actor, membership, partnership, organisation):
    if organisation is None:
        raise ValidationError({"organisation": _("Välj ansvarig organisation.")})
    allowed = set(participating_organisations(partnership).values_list("pk", flat=True))
    if organisation.pk not in allowed:
        raise ValidationError(
            {"organisation": _("Organisationen deltar inte i den här samverkan.")}
        )
    if membership.role not in ALL_WRITERS and organisation.pk not in own_organisation_ids(actor):
        raise ValidationError(
            {
                "organisation": _(
                    "Du kan bara lägga in åtgärder och närvaro för din egen organisation "
                    "och dess enheter."
                )
            }
        )
    return organisation


def _clean_priority_goal(partnership, priority, goal):
    if priority is not None and priority.agreement.partnership_id != partnership.pk:
        raise ValidationError(
            {"priority": _("Det prioriterade området hör inte till den här samverkan.")}
        )
    if goal is not None:
        if goal.priority.agreement.partnership_id != partnership.pk:
            raise ValidationError({"goal": _("Målet hör inte till den här samverkan.")})
        if priority is None:
            priority = goal.priority
        elif goal.priority_id != priority.pk:
            raise ValidationError(
                {"goal": _("Målet hör till ett annat prioriterat område. Välj ett mål under det.")}
            )
    return priority, goal


def _clean_areas(partnership, areas):
    areas = list(areas or ())
    if any(area.partnership_id != partnership.pk for area in areas):
        raise ValidationError({"areas": _("Välj områden i den här samverkan.")})
    return areas


def _clean_contact(partnership, contact):
    if contact is None:
        return None
    if not Membership.objects.filter(
        user=contact, partnership=partnership, is_active=True
    ).exists():
        raise ValidationError({"contact": _("Kontaktpersonen har ingen roll i den här samverkan.")})
    return contact


def _clean_period(start, end):
    if start is not None and end is not None and end < start:
        raise ValidationError(
            {"end": _("Slutdatumet ligger före startdatumet. Ändra något av datumen.")}
        )


def _clean_situation_key(key):
    key = (key or "").strip()
    if not key:
        return ""
    from trygg.situation.periods import Period

    try:
        Period.from_key(key)
    except ValueError:
        raise ValidationError(
            {"situation_key": _("Ange lägesbildens period som till exempel 2026-W47.")}
        ) from None
    return key


def _require_self_visible(actor, membership, obj, field="label"):
    if not may_see_record(actor, membership, obj):
        raise ValidationError(
            {
                field: _(
                    "Med den delningen skulle du själv inte kunna se posten. Välj en "
                    "bredare delning eller din egen organisation."
                )
            }
        )


def _value(value):
    """A field value as JSON for the revision history."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return sorted(_value(v) for v in value)
    if hasattr(value, "pk"):
        return {"id": value.pk, "name": str(value)}
    return str(value)


def _field_snapshot(action, field):
    if field == "areas":
        return sorted(action.areas.values_list("pk", flat=True))
    if field in ("priority", "goal", "organisation", "contact"):
        related = getattr(action, field)
        return None if related is None else {"id": related.pk, "name": str(related)}
    return _value(getattr(action, field))


# --- Actions ---------------------------------------------------------------------------


@transaction.atomic
def create_action(
    *,
    actor,
    partnership,
    title,
    type,
    organisation,
    label="GREEN",
    description="",
    priority=None,
    goal=None,
    situation_key="",
    areas=(),
    contact=None,
    start=None,
    end=None,
    status="planned",
    request=None,
):
    """A new action of ``organisation`` (the actor's own, or any participating one for a
    coordinator); its first revision records the values it was created with."""
    membership = _require_writer(actor, partnership)
    title = _clean_title(title)
    _clean_choice("type", type, ActionType, _("Välj en typ av åtgärd ur listan."))
    label = _clean_label(label)
    _clean_choice("status", status, ActionStatus, _("Välj en status ur listan."))
    organisation = _clean_organisation(actor, membership, partnership, organisation)
    priority, goal = _clean_priority_goal(partnership, priority, goal)
    areas = _clean_areas(partnership, areas)
    contact = _clean_contact(partnership, contact)
    _clean_period(start, end)
    action = Action(
        partnership=partnership,
        title=title,
        description=_clean_text("description", description),
        label=label,
        type=type,
        priority=priority,
        goal=goal,
        situation_key=_clean_situation_key(situation_key),
        organisation=organisation,
        contact=contact,
        start=start,
        end=end,
        status=status,
        created_by=actor,
    )
    _require_self_visible(actor, membership, action)
    now = timezone.now()
    if status in CLOSED_STATUSES:
        action.closed_at = now
    action.save()
    if areas:
        action.areas.set(areas)
    ActionRevision.objects.create(
        action=action,
        changed_by=actor,
        changed_at=now,
        changes={
            field: {"old": None, "new": _field_snapshot(action, field)} for field in ACTION_FIELDS
        },
        note=_("Åtgärden skapades."),
    )
    record(
        "work.action_create",
        actor=actor,
        partnership=partnership,
        obj=action,
        request=request,
        data={"label": label, "organisation": organisation.pk, "status": status},
    )
    return action


@transaction.atomic
def update_action(*, actor, partnership, action, note="", request=None, **changes):
    """Change any of ``ACTION_FIELDS``; records an ``ActionRevision`` with the old and new
    value of each field that changed, and sets ``closed_at`` when the action is done or
    cancelled (clears it when reopened). Nothing changed: nothing is written."""
    unknown = set(changes) - set(ACTION_FIELDS)
    if unknown:
        raise ValueError(f"unknown action fields: {sorted(unknown)}")
    membership = _require_writer(actor, partnership)
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.partnership_id != partnership.pk or not may_change_action(actor, membership, action):
        raise ValidationError(
            _(
                "Du får inte ändra den här åtgärden: den hör till en annan organisation. "
                "Be dess kontaktperson eller trygghetssamordnaren."
            )
        )
    tracked = set(changes)
    if tracked & {"priority", "goal"}:
        tracked |= {"priority", "goal"}
    before = {field: _field_snapshot(action, field) for field in tracked}
    if "title" in changes:
        action.title = _clean_title(changes["title"])
    if "description" in changes:
        action.description = _clean_text("description", changes["description"])
    if "outcome" in changes:
        action.outcome = _clean_text("outcome", changes["outcome"])
    if "label" in changes:
        action.label = _clean_label(changes["label"])
    if "type" in changes:
        action.type = _clean_choice(
            "type", changes["type"], ActionType, _("Välj en typ av åtgärd ur listan.")
        )
    if "status" in changes:
        action.status = _clean_choice(
            "status", changes["status"], ActionStatus, _("Välj en status ur listan.")
        )
    if "organisation" in changes:
        action.organisation = _clean_organisation(
            actor, membership, partnership, changes["organisation"]
        )
    if "priority" in changes or "goal" in changes:
        priority = changes["priority"] if "priority" in changes else action.priority
        goal = changes["goal"] if "goal" in changes else action.goal
        if (
            "goal" not in changes
            and goal is not None
            and goal.priority_id != getattr(priority, "pk", None)
        ):
            goal = None  # the old goal belongs to the old priority
        if "priority" not in changes and goal is not None:
            priority = None  # follows from the new goal
        action.priority, action.goal = _clean_priority_goal(partnership, priority, goal)
    if "situation_key" in changes:
        action.situation_key = _clean_situation_key(changes["situation_key"])
    if "contact" in changes:
        action.contact = _clean_contact(partnership, changes["contact"])
    if "start" in changes:
        action.start = changes["start"]
    if "end" in changes:
        action.end = changes["end"]
    _clean_period(action.start, action.end)
    areas = None
    if "areas" in changes:
        areas = _clean_areas(partnership, changes["areas"])
    _require_self_visible(actor, membership, action)
    note = _clean_text("note", note, 1000)

    after = {}
    for field in tracked:
        if field == "areas":
            after[field] = sorted(a.pk for a in areas)
        else:
            after[field] = _field_snapshot(action, field)
    diff = {
        field: {"old": before[field], "new": after[field]}
        for field in after
        if before[field] != after[field]
    }
    if not diff:
        return action
    now = timezone.now()
    if "status" in diff:
        action.closed_at = now if action.status in CLOSED_STATUSES else None
    action.save()
    if areas is not None and "areas" in diff:
        action.areas.set(areas)
    ActionRevision.objects.create(
        action=action, changed_by=actor, changed_at=now, changes=diff, note=note
    )
    record(
        "work.action_update",
        actor=actor,
        partnership=partnership,
        obj=action,
        request=request,
        data={"fields": sorted(diff)},
    )
    return action


# --- Presence --------------------------------------------------------------------------


def _clean_presence_times(starts_at, ends_at):
    if starts_at is None or ends_at is None:
        raise ValidationError({"starts_at": _("Ange när närvaron börjar och slutar.")})
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValueError("presence times must be aware datetimes")
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("Sluttiden måste vara efter starttiden.")})
    if ends_at - starts_at > dt.timedelta(hours=MAX_PRESENCE_HOURS):
        raise ValidationError(
            {
                "ends_at": _(
                    "Ett närvaropass får vara högst %(n)s timmar. Dela upp längre närvaro "
                    "i flera pass."
                )
                % {"n": MAX_PRESENCE_HOURS}
            }
        )


def _clean_people(people):
    try:
        people = int(people)
    except (TypeError, ValueError):
        raise ValidationError({"people": _("Ange antal personer som ett heltal.")}) from None
    if not 1 <= people <= MAX_PEOPLE:
        raise ValidationError(
            {"people": _("Antal personer ska vara mellan 1 och %(n)s.") % {"n": MAX_PEOPLE}}
        )
    return people


def _clean_presence_action(actor, membership, partnership, action):
    if action is None:
        return None
    if action.partnership_id != partnership.pk or not may_see_record(actor, membership, action):
        raise ValidationError({"action": _("Åtgärden finns inte i den här samverkan.")})
    return action


@transaction.atomic
def plan_presence(
    *,
    actor,
    partnership,
    organisation,
    kind,
    area,
    starts_at,
    ends_at,
    people=1,
    label="AMBER",
    note="",
    action=None,
    status="planned",
    request=None,
):
    """Planned (or, with ``status="performed"``, already performed) presence of one
    organisation in one area and time window."""
    membership = _require_writer(actor, partnership)
    _clean_choice("kind", kind, PresenceKind, _("Välj typ av närvaro ur listan."))
    if status not in (PresenceStatus.PLANNED, PresenceStatus.PERFORMED):
        raise ValidationError({"status": _("Närvaron är antingen planerad eller genomförd.")})
    organisation = _clean_organisation(actor, membership, partnership, organisation)
    if area is None or area.partnership_id != partnership.pk:
        raise ValidationError({"area": _("Välj ett område i den här samverkan.")})
    _clean_presence_times(starts_at, ends_at)
    if status == PresenceStatus.PERFORMED and starts_at > timezone.now():
        raise ValidationError(
            {
                "starts_at": _(
                    "Genomförd närvaro kan inte börja i framtiden. Registrera den som planerad."
                )
            }
        )
    presence = Presence(
        partnership=partnership,
        organisation=organisation,
        kind=kind,
        area=area,
        starts_at=starts_at,
        ends_at=ends_at,
        people=_clean_people(people),
        status=status,
        label=_clean_label(label),
        note=_clean_text("note", note, 1000),
        action=_clean_presence_action(actor, membership, partnership, action),
        created_by=actor,
    )
    _require_self_visible(actor, membership, presence)
    presence.save()
    record(
        "work.presence_plan",
        actor=actor,
        partnership=partnership,
        obj=presence,
        request=request,
        data={"status": status, "label": presence.label, "hours": round(presence.hours, 2)},
    )
    return presence


def _locked_presence(actor, partnership, presence):
    membership = _require_writer(actor, partnership)
    presence = Presence.objects.select_for_update().get(pk=presence.pk)
    if presence.partnership_id != partnership.pk or not may_change_presence(
        actor, membership, presence
    ):
        raise ValidationError(
            _("Du får inte ändra den här närvaron: den hör till en annan organisation.")
        )
    return membership, presence


@transaction.atomic
def record_presence(
    *,
    actor,
    partnership,
    presence,
    starts_at=None,
    ends_at=None,
    people=None,
    note=None,
    request=None,
):
    """Mark planned presence as performed, with the actual times (default: as planned)."""
    _membership, presence = _locked_presence(actor, partnership, presence)
    if presence.status == PresenceStatus.CANCELLED:
        raise ValidationError(_("Närvaron är inställd och kan inte registreras som genomförd."))
    starts_at = starts_at or presence.starts_at
    ends_at = ends_at or presence.ends_at
    _clean_presence_times(starts_at, ends_at)
    if starts_at > timezone.now():
        raise ValidationError(
            {"starts_at": _("Närvaron har inte börjat än. Registrera den när den är genomförd.")}
        )
    presence.starts_at, presence.ends_at = starts_at, ends_at
    if people is not None:
        presence.people = _clean_people(people)
    if note is not None:
        presence.note = _clean_text("note", note, 1000)
    presence.status = PresenceStatus.PERFORMED
    presence.save()
    record(
        "work.presence_record",
        actor=actor,
        partnership=partnership,
        obj=presence,
        request=request,
        data={"hours": round(presence.hours, 2), "people": presence.people},
    )
    return presence


PRESENCE_FIELDS = (
    "organisation",
    "kind",
    "area",
    "starts_at",
    "ends_at",
    "people",
    "label",
    "note",
    "action",
)


@transaction.atomic
def update_presence(*, actor, partnership, presence, request=None, **changes):
    """Change any of ``PRESENCE_FIELDS`` of a planned or performed presence."""
    unknown = set(changes) - set(PRESENCE_FIELDS)
    if unknown:
        raise ValueError(f"unknown presence fields: {sorted(unknown)}")
    membership, presence = _locked_presence(actor, partnership, presence)
    if "organisation" in changes:
        presence.organisation = _clean_organisation(
            actor, membership, partnership, changes["organisation"]
        )
    if "kind" in changes:
        presence.kind = _clean_choice(
            "kind", changes["kind"], PresenceKind, _("Välj typ av närvaro ur listan.")
        )
    if "area" in changes:
        area = changes["area"]
        if area is None or area.partnership_id != partnership.pk:
            raise ValidationError({"area": _("Välj ett område i den här samverkan.")})
        presence.area = area
    presence.starts_at = changes.get("starts_at", presence.starts_at)
    presence.ends_at = changes.get("ends_at", presence.ends_at)
    _clean_presence_times(presence.starts_at, presence.ends_at)
    if "people" in changes:
        presence.people = _clean_people(changes["people"])
    if "label" in changes:
        presence.label = _clean_label(changes["label"])
    if "note" in changes:
        presence.note = _clean_text("note", changes["note"], 1000)
    if "action" in changes:
        presence.action = _clean_presence_action(actor, membership, partnership, changes["action"])
    _require_self_visible(actor, membership, presence)
    presence.save()
    record(
        "work.presence_update",
        actor=actor,
        partnership=partnership,
        obj=presence,
        request=request,
        data={"fields": sorted(changes)},
    )
    return presence


@transaction.atomic
def cancel_presence(*, actor, partnership, presence, request=None):
    _membership, presence = _locked_presence(actor, partnership, presence)
    if presence.status != PresenceStatus.PLANNED:
        raise ValidationError(_("Bara planerad närvaro kan ställas in."))
    presence.status = PresenceStatus.CANCELLED
    presence.save()
    record(
        "work.presence_cancel", actor=actor, partnership=partnership, obj=presence, request=request
    )
    return presence


# --- Evaluation ------------------------------------------------------------------------


@transaction.atomic
def evaluate_action(
    *,
    actor,
    partnership,
    action,
    categories,
    comparison_areas,
    before=None,
    after=None,
    request=None,
):
    """A before/after comparison of the action's areas against ``comparison_areas`` on
    the rollup's counts of ``categories`` (``trygg.work.evaluate``), saved as an
    ``ActionEvaluation``. Windows default to ``evaluate.default_windows``."""
    from . import evaluate
    from .models import ActionEvaluation

    membership = membership_of(actor, partnership)
    if not may_evaluate(membership):
        raise ValidationError(_("Bara trygghetssamordnare och analytiker utvärderar åtgärder."))
    if action.partnership_id != partnership.pk or not may_see_record(actor, membership, action):
        raise ValidationError(_("Åtgärden finns inte i den här samverkan."))
    if not action.areas.exists():
        raise ValidationError(
            _("Åtgärden har inga områden. Lägg till områden på åtgärden innan du utvärderar.")
        )
    categories = list(categories or ())
    if not categories:
        raise ValidationError({"categories": _("Välj minst en händelsetyp.")})
    if any(c.partnership_id not in (None, partnership.pk) for c in categories):
        raise ValidationError({"categories": _("Välj händelsetyper ur listan.")})
    comparison_areas = _clean_areas(partnership, comparison_areas)
    if not comparison_areas:
        raise ValidationError({"comparison_areas": _("Välj minst ett jämförelseområde.")})
    if before is None or after is None:
        windows = evaluate.default_windows(action)
        if windows is None:
            raise ValidationError(
                _(
                    "Åtgärden har inget startdatum eller har inte börjat än. Ange perioderna "
                    "före och efter själv."
                )
            )
        before = before or windows.before
        after = after or windows.after
    windows = evaluate.Windows(before=tuple(before), after=tuple(after))
    if not windows.valid:
        raise ValidationError({"after_start": _("Varje period måste sluta efter att den börjar.")})
    if windows.before[1] >= windows.after[0]:
        raise ValidationError(
            {"before_end": _("Perioden före måste sluta innan perioden efter börjar.")}
        )
    if windows.after[1] >= timezone.localdate():
        raise ValidationError(
            {"after_end": _("Perioden efter kan sluta senast i går: dagens siffror är inte klara.")}
        )
    result, _treated, comparison = evaluate.compute(
        partnership, action, categories, comparison_areas, windows
    )
    if not comparison:
        raise ValidationError(
            {"comparison_areas": _("Jämförelseområdena får inte vara åtgärdens egna områden.")}
        )
    evaluation = ActionEvaluation.objects.create(
        action=action,
        before_start=windows.before[0],
        before_end=windows.before[1],
        after_start=windows.after[0],
        after_end=windows.after[1],
        treated_before=result.treated_before,
        treated_after=result.treated_after,
        comparison_before=result.comparison_before,
        comparison_after=result.comparison_after,
        ratio=result.ratio,
        ratio_low=result.low,
        ratio_high=result.high,
        conclusion=evaluate.conclusion(result),
        evaluated_by=actor,
        evaluated_at=timezone.now(),
    )
    evaluation.categories.set(categories)
    evaluation.comparison_areas.set(comparison_areas)
    record(
        "work.action_evaluate",
        actor=actor,
        partnership=partnership,
        obj=evaluation,
        request=request,
        data={
            "action": action.pk,
            "counts": [
                result.treated_before,
                result.treated_after,
                result.comparison_before,
                result.comparison_after,
            ],
            "verdict": result.verdict,
        },
    )
    return evaluation
