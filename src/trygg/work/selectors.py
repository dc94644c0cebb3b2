"""Reads of the work app, always through the visibility rules (``visible_to`` for
details, ``summaries_for`` where a viewer may see CLEAR/GREEN summaries)."""

import datetime as dt
from collections import defaultdict

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from trygg.geo.models import Area, FocusArea
from trygg.situation.structure import leaf_ids_under

from .models import OPEN_STATUSES, Action, ActionStatus, Presence, PresenceStatus
from .services import own_organisation_ids


def priorities_for(partnership):
    """The priorities of the current agreement (helper A's selector when it exists)."""
    try:
        from trygg.agreement.selectors import priorities_for as agreement_priorities
    except ImportError:
        agreement_priorities = None
    if agreement_priorities is not None:
        return agreement_priorities(partnership)
    from trygg.agreement.models import Priority

    today = timezone.localdate()
    return Priority.objects.filter(
        agreement__partnership=partnership, agreement__start__lte=today, agreement__end__gte=today
    ).select_related("agreement")


def actions_done_in(partnership, user, start, end):
    """Done actions whose end (or, without one, the date they were closed) falls in
    [start, end], through ``summaries_for``, with their evaluations prefetched."""
    closed_from = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    closed_to = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    return (
        Action.objects.summaries_for(user, partnership)
        .filter(status=ActionStatus.DONE)
        .filter(
            Q(end__gte=start, end__lte=end)
            | Q(end__isnull=True, closed_at__gte=closed_from, closed_at__lt=closed_to)
        )
        .select_related("organisation", "priority")
        .prefetch_related("areas", "evaluations")
        .order_by("end", "id")
    )


def overdue_first(queryset, today=None):
    """Open actions past their end first, then by end date."""
    today = today or timezone.localdate()
    return queryset.annotate(
        overdue_rank=Case(
            When(status__in=OPEN_STATUSES, end__lt=today, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("overdue_rank", "end", "id")


def todo_for(user, partnership, today=None):
    """The open actions of the user's organisation and its units, overdue first."""
    org_ids = own_organisation_ids(user)
    return overdue_first(
        Action.objects.visible_to(user, partnership)
        .open()
        .filter(organisation_id__in=org_ids)
        .select_related("organisation", "priority")
        .prefetch_related("areas"),
        today,
    )


def _children(partnership):
    children = defaultdict(list)
    for area in Area.objects.filter(partnership=partnership).only("pk", "kind", "parent_id"):
        children[area.parent_id].append(area)
    return children


def leaf_area_ids(partnership, areas, children=None):
    """The leaf area ids (RegSO areas, the municipality's "place unknown") at or below
    ``areas``."""
    children = children if children is not None else _children(partnership)
    found = set()
    for area in areas:
        found.update(leaf_ids_under(area, children))
    return found


def focus_area_leaves(partnership):
    """[(focus area, set of leaf ids)] in the focus areas' order."""
    children = _children(partnership)
    return [
        (focus, leaf_area_ids(partnership, focus.areas.all(), children))
        for focus in FocusArea.objects.filter(partnership=partnership).prefetch_related("areas")
    ]


def week_start(day):
    return day - dt.timedelta(days=day.weekday())


def performed_presence(partnership, start, end):
    """Every performed presence that starts in [start, end] (local dates), all labels:
    for aggregates only (hours per area and week), never shown as rows."""
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    until = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    return Presence.objects.filter(
        partnership=partnership,
        status=PresenceStatus.PERFORMED,
        starts_at__gte=since,
        starts_at__lt=until,
    )


def presence_hours(partnership, start, end):
    """{(area id, Monday of the week): hours} of performed presence in [start, end]."""
    hours = defaultdict(float)
    for area_id, starts_at, ends_at in performed_presence(partnership, start, end).values_list(
        "area_id", "starts_at", "ends_at"
    ):
        monday = week_start(timezone.localdate(starts_at))
        hours[(area_id, monday)] += (ends_at - starts_at).total_seconds() / 3600
    return dict(hours)
