"""This app's rows of the hand-written access matrix (see trygg.core.tests.access_matrix).

``EXPECTED``: url name -> (kwargs for reverse, expected outcomes for GET).
``setup_matrix(world)`` creates the objects the rows need in the test world.

Written by hand from DESIGN.md §2 and §5: actions and presence are read by the detail
roles (subject to the label); viewers get CLEAR/GREEN action summaries and presence as
hours per area and week on the list pages and nothing else (403); auditors and case
workers none of these pages. Writers are reporters, coordinators, organisation and
partnership admins (analysts analyse); a writer may change its own organisation's records
(a coordinator any), otherwise 403. Q's coordinator gets 404 for P's objects.
"""

import datetime as dt

from trygg.core.tests.access_matrix import DENIED, LOGIN, row

ACTION_TITLE = "MARKÖR-ÅTGÄRD-P-GRÖN"
PRESENCE_NOTE = "MARKÖR-NÄRVARO-P-GRÖN"


class ActionPk:
    """The marker action's pk, looked up when the URL is reversed."""

    def __str__(self):
        from trygg.work.models import Action

        return str(Action.objects.get(title=ACTION_TITLE).pk)


class PresencePk:
    def __str__(self):
        from trygg.work.models import Presence

        return str(Presence.objects.get(note=PRESENCE_NOTE).pk)


ACTION = {"pk": ActionPk()}
PRESENCE = {"pk": PresencePk()}

DETAILS_AND_VIEWERS_200 = row(
    LOGIN,
    reporter=200,
    coordinator=200,
    analyst=200,
    org_admin=200,
    partnership_admin=200,
    viewer=200,
    auditor=DENIED,
    case_worker=DENIED,
    unit_reporter=200,
    other_org_reporter=200,
    other_partnership_coordinator=200,
    no_role=DENIED,
)
DETAILS_200 = {**DETAILS_AND_VIEWERS_200, "viewer": DENIED}
WRITERS_200 = {**DETAILS_200, "analyst": DENIED}
# The marker objects (GREEN, organisation A): every detail role of P sees them.
OBJECT_200 = {**DETAILS_200, "other_partnership_coordinator": 404}
# Changing them: organisation A's writers and the coordinator; the unit's reporter (A1 is
# not A) and B's reporter see them but are refused.
OBJECT_CHANGE = {
    **OBJECT_200,
    "analyst": DENIED,
    "unit_reporter": DENIED,
    "other_org_reporter": DENIED,
}
OBJECT_CHANGE_POST_ONLY = {s: (405 if v == 200 else v) for s, v in OBJECT_CHANGE.items()}
EVALUATORS_OBJECT = row(
    LOGIN,
    reporter=DENIED,
    coordinator=200,
    analyst=200,
    org_admin=DENIED,
    partnership_admin=DENIED,
    viewer=DENIED,
    auditor=DENIED,
    case_worker=DENIED,
    unit_reporter=DENIED,
    other_org_reporter=DENIED,
    other_partnership_coordinator=404,
    no_role=DENIED,
)

EXPECTED = {
    "work:list": ({}, DETAILS_AND_VIEWERS_200),
    "work:todo": ({}, DETAILS_200),
    "work:create": ({}, WRITERS_200),
    "work:detail": (ACTION, OBJECT_200),
    "work:edit": (ACTION, OBJECT_CHANGE),
    "work:evaluate": (ACTION, EVALUATORS_OBJECT),
    "presence:week": ({}, DETAILS_AND_VIEWERS_200),
    "presence:create": ({}, WRITERS_200),
    "presence:edit": (PRESENCE, OBJECT_CHANGE),
    "presence:cancel": (PRESENCE, OBJECT_CHANGE_POST_ONLY),
    "presence:hotspots": ({}, DETAILS_200),
    "presence:trend": ({}, DETAILS_200),
}


def setup_matrix(world):
    from django.utils import timezone

    from trygg.work import services

    today = timezone.localdate()
    services.create_action(
        actor=world.users["reporter"],
        partnership=world.p,
        title=ACTION_TITLE,
        type="environment",
        organisation=world.org_a,
        areas=[world.area_p],
        start=today - dt.timedelta(days=28),
        end=today + dt.timedelta(days=28),
        status="ongoing",
    )
    day = today + dt.timedelta(days=3)
    services.plan_presence(
        actor=world.users["reporter"],
        partnership=world.p,
        organisation=world.org_a,
        kind="field_workers",
        area=world.area_p,
        starts_at=timezone.make_aware(dt.datetime.combine(day, dt.time(18))),
        ends_at=timezone.make_aware(dt.datetime.combine(day, dt.time(22))),
        label="GREEN",
        note=PRESENCE_NOTE,
    )
