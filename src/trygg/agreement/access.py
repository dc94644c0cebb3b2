"""This app's part of the access table (merged into ``trygg.core.access.ACCESS``).

Every URL name of the app has a rule here and expected outcomes in
``tests/access_matrix.py`` (hand-written, see docs/dev/access.md).

Agreements, indicators and the annual report are aggregate information: every detail role
and viewers read them (viewers with small counts suppressed and only approved annual
reports); auditors and case workers do not. Coordinators and partnership admins write the
agreement; the annual report's texts, approval and reopening are the coordinator's.
"""

from trygg.core.models import Role
from trygg.core.rules import ALL_ROLES, DETAILS, members  # noqa: F401

READERS = DETAILS | {Role.VIEWER}
WRITERS = frozenset({Role.COORDINATOR, Role.PARTNERSHIP_ADMIN})
COORDINATOR = frozenset({Role.COORDINATOR})

OWN = "the partnership's own object, else 404"

RULES = {
    "agreement:overview": members(READERS, "the partnership's agreements"),
    "agreement:detail": members(READERS, OWN + "; viewers get suppressed small counts"),
    "agreement:indicator": members(
        READERS,
        OWN + "; POST (a manual value) for writers only; action markers via summaries_for",
    ),
    "agreement:agreement_create": members(WRITERS, "the partnership's organisations as parties"),
    "agreement:agreement_edit": members(WRITERS, OWN),
    "agreement:priority_create": members(WRITERS, OWN),
    "agreement:priority_edit": members(WRITERS, OWN),
    "agreement:goal_create": members(WRITERS, OWN),
    "agreement:goal_edit": members(WRITERS, OWN),
    "agreement:indicator_create": members(WRITERS, OWN),
    "agreement:indicator_edit": members(WRITERS, OWN),
    "agreement:commitment_create": members(WRITERS, OWN),
    "agreement:commitment_edit": members(WRITERS, OWN),
    "agreement:commitment_note": members(WRITERS, OWN),
    "agreement:promise_create": members(WRITERS, OWN),
    "agreement:promise_edit": members(WRITERS, OWN),
    "agreement:promise_note": members(WRITERS, OWN),
    "agreement:population": members(WRITERS, "the partnership's population figures"),
    "agreement:population_import": members(WRITERS, "POST only; the partnership's areas"),
    "agreement:annual": members(
        READERS, "the partnership's year; viewers only an approved report, suppressed"
    ),
    "agreement:annual_pdf": members(
        READERS, "the partnership's year; viewers only an approved report, suppressed; audited"
    ),
    "agreement:annual_texts": members(COORDINATOR, "POST only; refused after approval"),
    "agreement:annual_approve": members(COORDINATOR, "POST only"),
    "agreement:annual_reopen": members(COORDINATOR, "POST only; the reason is audited"),
}
