"""This app's rows of the hand-written access matrix (see trygg.core.tests.access_matrix).

``EXPECTED``: url name -> (kwargs for reverse, expected outcomes for GET).
``setup_matrix(world)`` creates the objects the rows need in the test world: partnership
P's meeting series (with a known calendar token) and one TLP:GREEN meeting convened by
organisation A, held, with approved minutes (version 1). Q's coordinator gets 404 for
it, never 403, so the page does not reveal that it exists.
"""

import datetime

from trygg.core.tests.access_matrix import DENIED, LOGIN, row

FEED_TOKEN = "matris-kalender-0123456789"
MEETING_TITLE = "MATRIS-AVSTÄMNING"


class MeetingPk:
    """The matrix meeting's pk, looked up when the URL is reversed."""

    def __str__(self):
        from trygg.meetings.models import Meeting

        return str(Meeting.objects.get(title=MEETING_TITLE).pk)


MEETING = {"pk": MeetingPk()}
VERSION_1 = {"pk": MeetingPk(), "number": 1}

# The list and a meeting's page and minutes: detail roles (details through visible_to)
# and viewers (CLEAR/GREEN summaries); never auditors or case workers.
READERS_200 = row(
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
# The same for P's meeting: Q's coordinator gets 404.
READERS_MEETING_200 = {**READERS_200, "other_partnership_coordinator": 404}
# The series page (with the calendar's secret address): detail roles only.
DETAILS_200 = {**READERS_200, "viewer": DENIED}
# Details of P's meeting for detail roles only (the PDF, adding an item).
DETAILS_MEETING_200 = {**DETAILS_200, "other_partnership_coordinator": 404}
# Running the meeting: the coordinator only.
COORDINATOR_MEETING_200 = row(
    LOGIN,
    reporter=DENIED,
    coordinator=200,
    analyst=DENIED,
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
# POST-only actions of the coordinator, opened with GET.
COORDINATOR_POST_ONLY = {**COORDINATOR_MEETING_200, "coordinator": 405}
COORDINATOR_POST_ONLY["other_partnership_coordinator"] = 405
# The series' settings: coordinators and partnership admins (Q's coordinator its own).
SERIES_ADMINS_200 = {
    **COORDINATOR_MEETING_200,
    "partnership_admin": 200,
    "other_partnership_coordinator": 200,
}
SERIES_ADMINS_POST_ONLY = {s: (405 if v == 200 else v) for s, v in SERIES_ADMINS_200.items()}
# The calendar feed: public, the token is the secret.
FEED_200 = row(
    200,
    reporter=200,
    coordinator=200,
    analyst=200,
    org_admin=200,
    partnership_admin=200,
    viewer=200,
    auditor=200,
    case_worker=200,
    unit_reporter=200,
    other_org_reporter=200,
    other_partnership_coordinator=200,
    no_role=200,
)
FEED_WRONG_TOKEN = {s: 404 for s in FEED_200}

EXPECTED = {
    "meetings:list": ({}, READERS_200),
    "meetings:series": ({}, DETAILS_200),
    "meetings:series_edit": ({}, SERIES_ADMINS_200),
    "meetings:series_token": ({}, SERIES_ADMINS_POST_ONLY),
    "meetings:feed": ({"token": FEED_TOKEN}, FEED_200),
    "meetings:create": ({}, COORDINATOR_POST_ONLY),
    "meetings:detail": (MEETING, READERS_MEETING_200),
    "meetings:agenda_build": (MEETING, COORDINATOR_POST_ONLY),
    "meetings:item_add": (MEETING, DETAILS_MEETING_200),
    "meetings:attendance": (MEETING, COORDINATOR_MEETING_200),
    "meetings:notes": (MEETING, COORDINATOR_MEETING_200),
    "meetings:decision": (MEETING, COORDINATOR_MEETING_200),
    "meetings:focus": (MEETING, COORDINATOR_MEETING_200),
    "meetings:approve": (MEETING, COORDINATOR_MEETING_200),
    "meetings:minutes": (MEETING, READERS_MEETING_200),
    "meetings:minutes_pdf": (VERSION_1, DETAILS_MEETING_200),
}


def setup_matrix(world):
    from trygg.meetings import services
    from trygg.meetings.models import MeetingSeries

    coordinator = world.users["coordinator"]
    services.save_series(
        actor=coordinator,
        partnership=world.p,
        weekday=1,
        start_time=datetime.time(13, 0),
        location="Rum 1",
        link_url="https://example.invalid/avstamning",
        title=MEETING_TITLE,
    )
    MeetingSeries.objects.filter(partnership=world.p).update(feed_token=FEED_TOKEN)
    meeting = services.create_meeting(
        actor=coordinator, partnership=world.p, day=datetime.date(2026, 10, 5)
    )
    services.record_attendance(
        actor=coordinator, partnership=world.p, meeting=meeting, attendance={world.org_a.pk: 2}
    )
    services.approve_minutes(actor=coordinator, partnership=world.p, meeting=meeting)
