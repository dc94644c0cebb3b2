"""This app's part of the access table (merged into ``trygg.core.access.ACCESS``).

Every URL name of the app has a rule here and expected outcomes in
``tests/access_matrix.py`` (hand-written, see docs/dev/access.md).

Meetings carry a TLP label (DESIGN.md §5): detail roles read them through
``Meeting.objects.visible_to`` (404 otherwise); viewers read the summaries of CLEAR/GREEN
meetings through ``summaries_for`` (date, attendance, decisions, summary; never the agenda
or the notes). The coordinator runs the meeting; every detail role may add an item to an
upcoming meeting it may see.
"""

from trygg.core.models import Role
from trygg.core.rules import DETAILS, members, public

READERS = DETAILS | {Role.VIEWER}
COORDINATOR = {Role.COORDINATOR}
SERIES_ADMINS = {Role.COORDINATOR, Role.PARTNERSHIP_ADMIN}

RULES = {
    "meetings:list": members(
        READERS,
        "Meeting.objects.summaries_for(user, partnership): details for detail roles, "
        "CLEAR/GREEN summaries for viewers",
    ),
    "meetings:series": members(
        DETAILS, "the current partnership's series and its calendar subscription address"
    ),
    "meetings:series_edit": members(
        SERIES_ADMINS, "the current partnership's series; services.save_series"
    ),
    "meetings:series_token": members(
        SERIES_ADMINS, "POST only; services.regenerate_feed_token (audited)"
    ),
    "meetings:feed": public(
        "token checked by the view; 404 otherwise; title, time, place and link only"
    ),
    "meetings:create": members(
        COORDINATOR, "POST only; services.create_meeting for the current partnership"
    ),
    "meetings:detail": members(
        READERS,
        "detail roles: visible_to, else 404, action items via may_see_record, read audited; "
        "viewers: summaries_for (CLEAR/GREEN), the approved summary only",
    ),
    "meetings:agenda_build": members(
        COORDINATOR, "visible_to, else 404; POST only; services.build_agenda"
    ),
    "meetings:item_add": members(
        DETAILS, "visible_to, else 404; planned meetings only; services.add_agenda_item"
    ),
    "meetings:attendance": members(COORDINATOR, "visible_to, else 404; services.record_attendance"),
    "meetings:notes": members(COORDINATOR, "visible_to, else 404; services.save_notes"),
    "meetings:decision": members(
        COORDINATOR,
        "visible_to, else 404; services.record_decision (work.services create/update_action)",
    ),
    "meetings:focus": members(
        COORDINATOR,
        "visible_to, else 404; services.plan_focus_presence (work.services.plan_presence)",
    ),
    "meetings:approve": members(COORDINATOR, "visible_to, else 404; services.approve_minutes"),
    "meetings:minutes": members(
        READERS,
        "as meetings:detail; ?version=N reads that approved version; viewers approved "
        "summaries only; read audited",
    ),
    "meetings:minutes_pdf": members(
        DETAILS, "visible_to, else 404; approved versions only; audited"
    ),
}
