"""This app's part of the access table (merged into ``trygg.core.access.ACCESS``).

Every URL name of the app has a rule here and expected outcomes in
``tests/access_matrix.py`` (hand-written, see docs/dev/access.md).

Actions and presence are labelled records (DESIGN.md §5): the detail roles read them
through ``visible_to`` (an object they may not see answers 404); viewers see CLEAR/GREEN
action summaries and presence only as hours per area and week; auditors and case
workers do not use these pages.
"""

from trygg.core.models import Role
from trygg.core.rules import DETAILS, members

WRITERS = frozenset({Role.REPORTER, Role.COORDINATOR, Role.ORG_ADMIN, Role.PARTNERSHIP_ADMIN})
EVALUATORS = frozenset({Role.COORDINATOR, Role.ANALYST})
DETAILS_AND_VIEWERS = DETAILS | {Role.VIEWER}

RULES = {
    "work:list": members(
        DETAILS_AND_VIEWERS,
        "actions visible_to the reader; viewers: summaries_for (CLEAR/GREEN, summary fields)",
    ),
    "work:todo": members(DETAILS, "open actions visible_to the reader of its own organisation"),
    "work:create": members(
        WRITERS, "coordinators for any participating organisation, others for their own"
    ),
    "work:detail": members(DETAILS, "action visible_to the reader, else 404; read audited"),
    "work:edit": members(
        WRITERS, "action visible_to the reader (else 404) and may_change_action (else 403)"
    ),
    "work:evaluate": members(EVALUATORS, "action visible_to the reader, else 404"),
    "presence:week": members(
        DETAILS_AND_VIEWERS,
        "presence rows visible_to the reader; viewers: hours per area and week only",
    ),
    "presence:create": members(
        WRITERS, "coordinators for any participating organisation, others for their own"
    ),
    "presence:edit": members(
        WRITERS, "presence visible_to the reader (else 404) and may_change_presence (else 403)"
    ),
    "presence:cancel": members(
        WRITERS, "POST only; presence visible_to (else 404) and may_change_presence (else 403)"
    ),
    "presence:hotspots": members(
        DETAILS, "performed presence hours per area (aggregate) against the week's hotspots"
    ),
    "presence:trend": members(
        DETAILS, "presence hours and rollup counts per focus area and week (aggregates)"
    ),
}
