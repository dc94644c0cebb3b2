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

# url name -> (kwargs for reverse, expected outcomes for GET)
EXPECTED = {
    # Our pages
    "core:home": ({}, MEMBERS_ONLY_200),
    "core:choose_partnership": ({}, logged_in(200)),
    "core:accessibility": ({}, everyone(200)),
    "core:privacy": ({}, everyone(200)),
    "core:health": ({}, everyone(200)),
    "geo:map": ({}, MEMBERS_ONLY_200),
    "geo:areas_geojson": ({}, MEMBERS_ONLY_200),
    "incidents:list": ({}, INCIDENT_DETAIL_200),
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
}

# Text that must never appear in a subject's response: partnership P's data seen from Q.
MUST_NOT_SHOW = {
    "other_partnership_coordinator": ["Sigtuna kommun", "MARKÖR-P-GRÖN"],
}
