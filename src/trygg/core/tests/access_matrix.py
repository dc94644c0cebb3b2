"""The hand-written matrix of expected outcomes: URL name × subject → outcome.

Written by hand from DESIGN.md §2 and §5, never derived from ``trygg.core.access``: the
test compares the two, so a change to either that the other does not share fails.

Subjects (built by ``trygg.testing.build_world``):
- ``anonymous``: not logged in;
- one subject per role, each a user of organisation A with that role in partnership P;
- ``unit_reporter``: a reporter of unit A1 (under A) in P;
- ``other_org_reporter``: a reporter of organisation B in P;
- ``other_partnership_coordinator``: a coordinator in partnership Q only;
- ``no_role``: logged in, organisation A, no role in any partnership.

Outcomes: an exact status code (our own pages), or LOGIN (redirect to the login page),
DENIED (403), ALLOWED (anything but LOGIN or DENIED: allauth's own pages, whose status
depends on allauth's flow, not on our access rules).
"""

LOGIN = "LOGIN"
DENIED = "DENIED"
ALLOWED = "ALLOWED"

ROLES = [
    "reporter",
    "coordinator",
    "analyst",
    "org_admin",
    "partnership_admin",
    "viewer",
    "auditor",
    "case_worker",
]
EXTRA_SUBJECTS = ["unit_reporter", "other_org_reporter", "other_partnership_coordinator"]
SUBJECTS = ["anonymous", *ROLES, *EXTRA_SUBJECTS, "no_role"]
LOGGED_IN = [s for s in SUBJECTS if s != "anonymous"]


def row(anonymous, **by_subject):
    """One row: ``anonymous``'s outcome, then every other subject's, all given explicitly."""
    missing = set(LOGGED_IN) - set(by_subject)
    assert not missing, f"matrix row lacks subjects: {sorted(missing)}"
    return {"anonymous": anonymous, **by_subject}


def everyone(outcome):
    return {s: outcome for s in SUBJECTS}


def logged_in(outcome):
    return row(LOGIN, **{s: outcome for s in LOGGED_IN})


# Every member of any partnership gets the page; a user with no role anywhere is refused.
MEMBERS_ONLY_200 = row(
    LOGIN,
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
    no_role=DENIED,
)

# Incident details: the detail roles only (DESIGN.md §5); viewers, auditors and case
# workers never see incident rows.
INCIDENT_DETAIL_200 = row(
    LOGIN,
    reporter=200,
    coordinator=200,
    analyst=200,
    org_admin=200,
    partnership_admin=200,
    viewer=DENIED,
    auditor=DENIED,
    case_worker=DENIED,
    unit_reporter=200,
    other_org_reporter=200,
    other_partnership_coordinator=200,
    no_role=DENIED,
)

# Incident pages as seen through the GREEN marker incident of organisation A (reported by
# `reporter`): every detail role in P sees it; Q's coordinator gets 404, not 403, so the
# page does not reveal that the incident exists.
INCIDENT_OBJECT_200 = row(
    LOGIN,
    reporter=200,
    coordinator=200,
    analyst=200,
    org_admin=200,
    partnership_admin=200,
    viewer=DENIED,
    auditor=DENIED,
    case_worker=DENIED,
    unit_reporter=200,
    other_org_reporter=200,
    other_partnership_coordinator=404,
    no_role=DENIED,
)

# Correcting and withdrawing: the reporter (for 7 days) and the coordinators of P; other
# detail roles see the incident but are refused (403).
INCIDENT_CHANGE = row(
    LOGIN,
    reporter=200,
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

# Triage is the coordinators' work; Q's coordinator sees Q's own inbox.
COORDINATOR_200 = row(
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
    other_partnership_coordinator=200,
    no_role=DENIED,
)

# POST-only actions on the marker incident, opened with GET: 405 for whoever may use them
# and sees the incident, 404 for Q's coordinator (who does not see it).
INCIDENT_POST_ONLY_DETAILS = row(
    LOGIN,
    reporter=405,
    coordinator=405,
    analyst=405,
    org_admin=405,
    partnership_admin=405,
    viewer=DENIED,
    auditor=DENIED,
    case_worker=DENIED,
    unit_reporter=405,
    other_org_reporter=405,
    other_partnership_coordinator=404,
    no_role=DENIED,
)
INCIDENT_POST_ONLY_COORDINATOR = row(
    LOGIN,
    reporter=DENIED,
    coordinator=405,
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


# The lägesbild of a past week with no approved version: every member gets the page (a
# draft for coordinators, analysts and partnership admins; "not approved yet" for the
# rest); Q's coordinator gets Q's own draft.
SITUATION_WEEK = {"key": "2026-W47"}
SITUATION_LATEST = {s: (302 if v == 200 else v) for s, v in MEMBERS_ONLY_200.items()}
SITUATION_MEMBERS_405 = {s: (405 if v == 200 else v) for s, v in MEMBERS_ONLY_200.items()}
# The tables as CSV: the drafters export the draft; the others have nothing approved (404).
SITUATION_DRAFT_CSV = row(
    LOGIN,
    reporter=404,
    coordinator=200,
    analyst=200,
    org_admin=404,
    partnership_admin=200,
    viewer=404,
    auditor=404,
    case_worker=404,
    unit_reporter=404,
    other_org_reporter=404,
    other_partnership_coordinator=200,
    no_role=DENIED,
)
# A version that does not exist: 404 for every member.
SITUATION_NO_VERSION = {s: (404 if v == 200 else v) for s, v in MEMBERS_ONLY_200.items()}


class MarkerPk:
    """The marker incident's pk, looked up when the URL is reversed (the test world creates
    the incident, so its pk is not known here). ``reverse`` calls ``str()`` on it."""

    description = "MARKÖR-P-GRÖN"

    def __str__(self):
        from trygg.incidents.models import Incident

        return str(Incident.objects.get(description=self.description).pk)


MARKER = {"pk": MarkerPk()}

# The receipt of the marker incident: only its reporter sees it; every other detail role
# (its own organisation's coordinator included) gets 404, as if it did not exist.
REPORT_RECEIPT = row(
    LOGIN,
    reporter=200,
    coordinator=404,
    analyst=404,
    org_admin=404,
    partnership_admin=404,
    viewer=DENIED,
    auditor=DENIED,
    case_worker=DENIED,
    unit_reporter=404,
    other_org_reporter=404,
    other_partnership_coordinator=404,
    no_role=DENIED,
)

# The token pages of the partner API: organisation and partnership admins only.
API_TOKEN_ADMIN_200 = row(
    LOGIN,
    reporter=DENIED,
    coordinator=DENIED,
    analyst=DENIED,
    org_admin=200,
    partnership_admin=200,
    viewer=DENIED,
    auditor=DENIED,
    case_worker=DENIED,
    unit_reporter=DENIED,
    other_org_reporter=DENIED,
    other_partnership_coordinator=DENIED,
    no_role=DENIED,
)
# Revoking a token that does not exist (the test world has none): 404 for the admins.
API_TOKEN_ADMIN_404 = {s: (404 if v == 200 else v) for s, v in API_TOKEN_ADMIN_200.items()}

# User administration: organisation and partnership admins of P. Q's coordinator and
# everyone else are refused before any lookup.
USER_ADMIN_200 = row(
    LOGIN,
    reporter=DENIED,
    coordinator=DENIED,
    analyst=DENIED,
    org_admin=200,
    partnership_admin=200,
    viewer=DENIED,
    auditor=DENIED,
    case_worker=DENIED,
    unit_reporter=DENIED,
    other_org_reporter=DENIED,
    other_partnership_coordinator=DENIED,
    no_role=DENIED,
)
# Changing the role of organisation B's reporter: the partnership admin administers every
# organisation of P; A's organisation admin does not, and gets 404 (not revealed).
USER_ADMIN_OTHER_ORG = {**USER_ADMIN_200, "org_admin": 404}
# Reactivating is POST only: 405 on GET for the admins who see the membership.
USER_ADMIN_405 = {s: (405 if v == 200 else v) for s, v in USER_ADMIN_200.items()}
# The organisations of the partnership: partnership admins only (DESIGN.md §2).
PARTNERSHIP_ADMIN_200 = row(
    LOGIN,
    reporter=DENIED,
    coordinator=DENIED,
    analyst=DENIED,
    org_admin=DENIED,
    partnership_admin=200,
    viewer=DENIED,
    auditor=DENIED,
    case_worker=DENIED,
    unit_reporter=DENIED,
    other_org_reporter=DENIED,
    other_partnership_coordinator=DENIED,
    no_role=DENIED,
)


class MembershipPk:
    """The pk of a test user's role in partnership P, looked up when the URL is reversed."""

    def __init__(self, email):
        self.email = email

    def __str__(self):
        from trygg.core.models import Membership

        return str(Membership.objects.get(user__email=self.email, partnership__slug="p").pk)


A_REPORTER = {"pk": MembershipPk("reporter@a.example")}
B_REPORTER = {"pk": MembershipPk("reporter@b.example")}

# Importing files: the roles that report (DESIGN.md §2), not analysts. A job's own pages
# are looked up for the user who uploaded it; job 999999 does not exist, so the roles let
# through get 404 and the others are refused before any lookup.
IMPORT_START = row(
    LOGIN,
    reporter=200,
    coordinator=200,
    analyst=DENIED,
    org_admin=200,
    partnership_admin=200,
    viewer=DENIED,
    auditor=DENIED,
    case_worker=DENIED,
    unit_reporter=200,
    other_org_reporter=200,
    other_partnership_coordinator=200,
    no_role=DENIED,
)
IMPORT_JOB_404 = row(
    LOGIN,
    reporter=404,
    coordinator=404,
    analyst=DENIED,
    org_admin=404,
    partnership_admin=404,
    viewer=DENIED,
    auditor=DENIED,
    case_worker=DENIED,
    unit_reporter=404,
    other_org_reporter=404,
    other_partnership_coordinator=404,
    no_role=DENIED,
)
NO_JOB = {"pk": 999999}

# The police's published events: the page for coordinators, analysts and partnership
# admins (Q's coordinator sees Q's own); the mapping and place names are edited by
# coordinators and partnership admins, links made by coordinators and analysts. The
# edits are POST only (405 on GET); a police event that does not exist is 404.
FEEDS_OVERVIEW = row(
    LOGIN,
    reporter=DENIED,
    coordinator=200,
    analyst=200,
    org_admin=DENIED,
    partnership_admin=200,
    viewer=DENIED,
    auditor=DENIED,
    case_worker=DENIED,
    unit_reporter=DENIED,
    other_org_reporter=DENIED,
    other_partnership_coordinator=200,
    no_role=DENIED,
)
FEEDS_EDIT_405 = row(
    LOGIN,
    reporter=DENIED,
    coordinator=405,
    analyst=DENIED,
    org_admin=DENIED,
    partnership_admin=405,
    viewer=DENIED,
    auditor=DENIED,
    case_worker=DENIED,
    unit_reporter=DENIED,
    other_org_reporter=DENIED,
    other_partnership_coordinator=405,
    no_role=DENIED,
)
FEEDS_LINK_NO_EVENT = row(
    LOGIN,
    reporter=DENIED,
    coordinator=404,
    analyst=404,
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

# The audit log and its export: the auditor only (DESIGN.md §2: "reads the audit log, not
# the incidents"); admins and coordinators, whose actions it records, are refused.
AUDITOR_200 = row(
    LOGIN,
    reporter=DENIED,
    coordinator=DENIED,
    analyst=DENIED,
    org_admin=DENIED,
    partnership_admin=DENIED,
    viewer=DENIED,
    auditor=200,
    case_worker=DENIED,
    unit_reporter=DENIED,
    other_org_reporter=DENIED,
    other_partnership_coordinator=DENIED,
    no_role=DENIED,
)

# url name -> (kwargs for reverse, expected outcomes for GET)
EXPECTED = {
    # Our pages
    "core:home": ({}, MEMBERS_ONLY_200),
    "situation:latest": ({}, SITUATION_LATEST),
    "situation:archive": ({}, MEMBERS_ONLY_200),
    "situation:subscription": ({}, SITUATION_MEMBERS_405),
    "situation:page": (SITUATION_WEEK, MEMBERS_ONLY_200),
    "situation:csv": (SITUATION_WEEK, SITUATION_DRAFT_CSV),
    "situation:pdf": ({**SITUATION_WEEK, "number": 1}, SITUATION_NO_VERSION),
    "situation:assessment": (SITUATION_WEEK, COORDINATOR_200),
    "situation:approve": (SITUATION_WEEK, COORDINATOR_200),
    "core:choose_partnership": ({}, logged_in(200)),
    "core:accessibility": ({}, everyone(200)),
    "core:privacy": ({}, everyone(200)),
    "core:health": ({}, everyone(200)),
    "geo:map": ({}, MEMBERS_ONLY_200),
    "geo:areas_geojson": ({}, MEMBERS_ONLY_200),
    "incidents:list": ({}, INCIDENT_DETAIL_200),
    "imports:start": ({}, IMPORT_START),
    "imports:columns": (NO_JOB, IMPORT_JOB_404),
    "imports:categories": (NO_JOB, IMPORT_JOB_404),
    "imports:check": (NO_JOB, IMPORT_JOB_404),
    "imports:status": (NO_JOB, IMPORT_JOB_404),
    "imports:rejected": (NO_JOB, IMPORT_JOB_404),
    "report_shortcut": ({}, everyone(302)),  # /rapportera/ -> /handelser/rapportera/
    "incidents:report": ({}, INCIDENT_DETAIL_200),
    "incidents:report_receipt": (MARKER, REPORT_RECEIPT),
    "incidents:map": ({}, INCIDENT_DETAIL_200),
    "incidents:map_geojson": ({}, INCIDENT_DETAIL_200),
    "incidents:export_csv": ({}, INCIDENT_DETAIL_200),
    "incidents:export_xlsx": ({}, INCIDENT_DETAIL_200),
    "incidents:detail": (MARKER, INCIDENT_OBJECT_200),
    "incidents:edit": (MARKER, INCIDENT_CHANGE),
    "incidents:withdraw": (MARKER, INCIDENT_CHANGE),
    "incidents:answer": (MARKER, INCIDENT_POST_ONLY_DETAILS),
    "incidents:triage": ({}, COORDINATOR_200),
    "incidents:review": (MARKER, INCIDENT_POST_ONLY_COORDINATOR),
    "incidents:ask": (MARKER, INCIDENT_POST_ONLY_COORDINATOR),
    "incidents:clear_follow_up": (MARKER, INCIDENT_POST_ONLY_COORDINATOR),
    "feeds:overview": ({}, FEEDS_OVERVIEW),
    "feeds:mapping": ({}, FEEDS_EDIT_405),
    "feeds:place_add": ({}, FEEDS_EDIT_405),
    "feeds:place_remove": ({"pk": 999999}, FEEDS_EDIT_405),
    "feeds:link": ({"pk": 999999}, FEEDS_LINK_NO_EVENT),
    "feeds:unlink": ({"pk": 999999}, FEEDS_LINK_NO_EVENT),
    "audit:log": ({}, AUDITOR_200),
    "audit:export_csv": ({}, AUDITOR_200),
    # Partner API: a session is no credential there; without a bearer token the API
    # answers 401 to everyone (405 first for a method it does not serve).
    "api:incident_list": ({}, everyone(401)),
    "api:incident_create": ({}, everyone(401)),
    "api:incident_detail": ({"incident_id": 1}, everyone(401)),
    "api:incident_update": ({"incident_id": 1}, everyone(401)),
    "api:incident_withdraw": ({"incident_id": 1}, everyone(405)),
    "api:category_list": ({}, everyone(401)),
    "api:area_list": ({}, everyone(401)),
    "api:openapi-json": ({}, everyone(200)),
    "api:openapi-view": ({}, everyone(200)),
    "api:api-root": ({}, everyone(404)),
    "api_tokens:list": ({}, API_TOKEN_ADMIN_200),
    "api_tokens:create": ({}, API_TOKEN_ADMIN_200),
    "api_tokens:revoke": ({"pk": 999999}, API_TOKEN_ADMIN_404),
    "user_admin:users": ({}, USER_ADMIN_200),
    "user_admin:invite": ({}, USER_ADMIN_200),
    "user_admin:role": (B_REPORTER, USER_ADMIN_OTHER_ORG),
    "user_admin:deactivate": (A_REPORTER, USER_ADMIN_200),
    "user_admin:reactivate": (A_REPORTER, USER_ADMIN_405),
    "user_admin:organisations": ({}, PARTNERSHIP_ADMIN_200),
    "user_admin:organisation_create": ({}, PARTNERSHIP_ADMIN_200),
    "user_admin:organisation_join": ({}, PARTNERSHIP_ADMIN_200),
    "user_admin:unit_create": ({}, PARTNERSHIP_ADMIN_200),
    "set_language": ({}, everyone(ALLOWED)),
    # allauth: logging in and recovering an account needs no role
    "account_login": ({}, everyone(ALLOWED)),
    # These two continue a login in progress; with none, allauth itself sends you to log in.
    "account_confirm_login_code": ({}, {**everyone(ALLOWED), "anonymous": LOGIN}),
    "account_signup": ({}, everyone(ALLOWED)),
    "account_inactive": ({}, everyone(ALLOWED)),
    "account_email_verification_sent": ({}, everyone(ALLOWED)),
    "account_confirm_email": ({"key": "ogiltig-nyckel"}, everyone(ALLOWED)),
    "account_reset_password": ({}, everyone(ALLOWED)),
    "account_reset_password_done": ({}, everyone(ALLOWED)),
    "account_reset_password_from_key": ({"uidb36": "1", "key": "ogiltig"}, everyone(ALLOWED)),
    "account_reset_password_from_key_done": ({}, everyone(ALLOWED)),
    "mfa_authenticate": ({}, {**everyone(ALLOWED), "anonymous": LOGIN}),
    # Single sign-on: the login and callback of the configured provider ("sso"), and
    # allauth's pages after an SSO login that was cancelled, failed or found no account.
    "openid_connect_login": ({"provider_id": "sso"}, everyone(ALLOWED)),
    "openid_connect_callback": ({"provider_id": "sso"}, everyone(ALLOWED)),
    "socialaccount_login_cancelled": ({}, everyone(ALLOWED)),
    "socialaccount_login_error": ({}, everyone(ALLOWED)),
    # With no SSO login in progress, allauth sends everyone to the login page.
    "socialaccount_signup": ({}, everyone(LOGIN)),
    # allauth: managing one's own account needs a login, no role
    "account_logout": ({}, logged_in(ALLOWED)),
    "account_reauthenticate": ({}, logged_in(ALLOWED)),
    "account_email": ({}, logged_in(ALLOWED)),
    "account_change_password": ({}, logged_in(ALLOWED)),
    "account_set_password": ({}, logged_in(ALLOWED)),
    "mfa_reauthenticate": ({}, logged_in(ALLOWED)),
    "mfa_index": ({}, logged_in(ALLOWED)),
    "mfa_activate_totp": ({}, logged_in(ALLOWED)),
    "mfa_deactivate_totp": ({}, logged_in(ALLOWED)),
    "mfa_view_recovery_codes": ({}, logged_in(ALLOWED)),
    "mfa_generate_recovery_codes": ({}, logged_in(ALLOWED)),
    "mfa_download_recovery_codes": ({}, logged_in(ALLOWED)),
    "socialaccount_connections": ({}, logged_in(ALLOWED)),
}

# Text that must never appear in a subject's response: partnership P's data seen from Q.
MUST_NOT_SHOW = {
    "other_partnership_coordinator": ["Sigtuna kommun", "MARKÖR-P-GRÖN"],
}
