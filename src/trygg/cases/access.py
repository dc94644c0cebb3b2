"""This app's part of the access table (merged into ``trygg.core.access.ACCESS``).

The person track is the case workers' only (DESIGN.md §5): every case URL needs the role
``case_worker``, and the view applies ``policy.access_level`` (the case team; another
organisation's members only under a valid consent), answering 404 for a case the reader
may not open. Every other role is refused (403) before any case is looked up. The
anonymous monthly counts are for the place-based roles too, always suppressed.
"""

from trygg.core.models import Role
from trygg.core.rules import members

CASE_WORKERS = frozenset({Role.CASE_WORKER})
STATISTICS = frozenset(
    {Role.COORDINATOR, Role.ANALYST, Role.VIEWER, Role.PARTNERSHIP_ADMIN, Role.CASE_WORKER}
)
TEAM = "policy.access_level: case team (else 404); other organisations under a valid consent"
OWNER = TEAM + "; owning organisation only (else 403)"

RULES = {
    "cases:list": members(CASE_WORKERS, "policy.visible_cases(user, partnership)"),
    "cases:create": members(CASE_WORKERS, "owned by the user's organisation; services.create_case"),
    "cases:statistics": members(STATISTICS, "anonymous monthly counts, suppressed (stats.py)"),
    "cases:detail": members(CASE_WORKERS, TEAM + "; identity for the owner; read audited"),
    "cases:purpose": members(CASE_WORKERS, TEAM + "; POST stores the purpose of the read"),
    "cases:stage": members(CASE_WORKERS, OWNER + "; POST only"),
    "cases:team": members(CASE_WORKERS, OWNER),
    "cases:team_remove": members(CASE_WORKERS, OWNER + "; POST only"),
    "cases:consent": members(CASE_WORKERS, OWNER),
    "cases:consent_withdraw": members(CASE_WORKERS, OWNER + "; POST only"),
    "cases:reference": members(CASE_WORKERS, TEAM),
    "cases:commitment": members(CASE_WORKERS, OWNER),
    "cases:commitment_status": members(
        CASE_WORKERS, TEAM + "; owner or the commitment's organisation; POST only"
    ),
    "cases:meeting": members(CASE_WORKERS, TEAM + "; consent scope 'meetings' for others"),
    "cases:assessment": members(CASE_WORKERS, OWNER),
    "cases:follow_up": members(CASE_WORKERS, OWNER),
    "cases:follow_up_done": members(CASE_WORKERS, OWNER + "; POST only"),
    "cases:close": members(CASE_WORKERS, OWNER),
    "cases:export": members(CASE_WORKERS, OWNER + "; re-authentication; audited"),
    "cases:export_pdf": members(
        CASE_WORKERS, OWNER + "; re-authentication; TLP:RED PDF; audited with its sha256"
    ),
}
