"""The access table: for every URL name, who may use it (deny by default).

This is the one place that says which roles reach which URL (the agreement, work and
meetings apps keep their part in their own ``access.py``, merged here). A URL name missing
from ``ACCESS`` is denied (403) and fails ``test_access_table.py``. Row-level rules (which
incidents a user sees) are applied in the view through ``.visible_to(user, ...)`` and are
named here in ``object_rule`` so the table reads as the whole story.

To add a URL: add its name here, then add its expected outcomes to the hand-written
matrix in ``tests/access_matrix.py`` (see docs/dev/access.md).
"""

from django.core.exceptions import PermissionDenied

from trygg.agreement.access import RULES as AGREEMENT_RULES
from trygg.cases.access import RULES as CASE_RULES
from trygg.core.models import Role
from trygg.meetings.access import RULES as MEETING_RULES
from trygg.work.access import RULES as WORK_RULES

from .rules import (  # noqa: F401 (re-exported for the apps' tables and the tests)
    ALL_ROLES,
    AUTHENTICATED,
    DETAILS,
    IMPORTERS,
    MEMBER,
    PUBLIC,
    Rule,
    authenticated,
    members,
    public,
)

# allauth's own pages: login, logout, password reset and the MFA pages work without a
# partnership role (a user must be able to log in and secure their account first).
_ALLAUTH_PUBLIC = [
    "account_login",
    "account_confirm_login_code",
    "account_signup",
    "account_inactive",
    "account_email_verification_sent",
    "account_confirm_email",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "mfa_authenticate",
    # Single sign-on (OpenID Connect): the provider's login and callback, and allauth's
    # pages for a cancelled or failed SSO login and the closed sign-up.
    "openid_connect_login",
    "openid_connect_callback",
    "socialaccount_login_cancelled",
    "socialaccount_login_error",
    "socialaccount_signup",
]
_ALLAUTH_AUTHENTICATED = [
    "account_logout",
    "account_reauthenticate",
    "account_email",
    "account_change_password",
    "account_set_password",
    "mfa_reauthenticate",
    "mfa_index",
    "mfa_activate_totp",
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "socialaccount_connections",
]

ACCESS = {
    **{name: public() for name in _ALLAUTH_PUBLIC},
    **{name: authenticated() for name in _ALLAUTH_AUTHENTICATED},
    # Partner API (trygg.api, django-ninja): the API checks the bearer token itself and
    # answers 401 (problem+json) without a valid one, so these pass through to it; rows
    # via Incident.objects.visible_to(the token's service user, the token's partnership).
    **{
        f"api:{name}": public("bearer token checked by the API; visible_to(service user)")
        for name in (
            "incident_list",
            "incident_create",
            "incident_detail",
            "incident_update",
            "incident_withdraw",
            "category_list",
            "area_list",
        )
    },
    "api:openapi-json": public("the API's OpenAPI document: no data"),
    "api:openapi-view": public("the API's documentation page: no data"),
    "api:api-root": public("ninja's root URL: always 404"),
    "api_tokens:list": members(
        {Role.ORG_ADMIN, Role.PARTNERSHIP_ADMIN},
        "tokens of the user's own organisation (and its units) in the current partnership",
    ),
    "api_tokens:create": members(
        {Role.ORG_ADMIN, Role.PARTNERSHIP_ADMIN},
        "for the user's own organisation (and its units); api.services.create_token",
    ),
    "api_tokens:revoke": members(
        {Role.ORG_ADMIN, Role.PARTNERSHIP_ADMIN},
        "own organisation's tokens in the current partnership, else 404; POST revokes",
    ),
    # User and organisation administration (core.admin_views; who administers whom and
    # which roles each may grant: core.admin_services).
    "user_admin:users": members(
        {Role.ORG_ADMIN, Role.PARTNERSHIP_ADMIN},
        "memberships of the current partnership: an org admin's own organisation and its "
        "units, a partnership admin's every organisation (admin_services)",
    ),
    "user_admin:invite": members(
        {Role.ORG_ADMIN, Role.PARTNERSHIP_ADMIN},
        "into an organisation the user administers, with a role they may grant",
    ),
    **{
        f"user_admin:{name}": members(
            {Role.ORG_ADMIN, Role.PARTNERSHIP_ADMIN},
            "administered memberships only, else 404; never one's own; GRANTABLE_ROLES",
        )
        for name in ("role", "deactivate", "reactivate")
    },
    "user_admin:organisations": members(
        {Role.PARTNERSHIP_ADMIN}, "the current partnership's participating organisations"
    ),
    **{
        f"user_admin:{name}": members(
            {Role.PARTNERSHIP_ADMIN}, "joins or adds to the current partnership only"
        )
        for name in ("organisation_create", "organisation_join", "unit_create")
    },
    "set_language": public(),
    "core:health": public(),
    "core:accessibility": public(),
    "core:privacy": public(),
    "core:choose_partnership": authenticated(
        "only partnerships where the user has an active role can be chosen"
    ),
    "core:home": members(ALL_ROLES, "counts for the current partnership only"),
    "geo:map": members(ALL_ROLES, "areas of the current partnership"),
    "geo:areas_geojson": members(ALL_ROLES, "areas of the current partnership"),
    "incidents:list": members(
        DETAILS, "Incident.objects.visible_to(user, partnership): label rules of DESIGN.md §5"
    ),
    **{
        f"imports:{name}": members(
            IMPORTERS,
            "" if name == "start" else "ImportJob of the current partnership and user only (404)",
        )
        for name in ("start", "columns", "categories", "check", "status", "rejected")
    },
    "report_shortcut": public("a redirect to incidents:report, which applies its own rule"),
    "incidents:report": members(
        DETAILS, "writes through services.report_incident for the current partnership"
    ),
    "incidents:report_receipt": members(
        DETAILS, "visible_to(user, partnership) and reported by the user, else 404"
    ),
    "incidents:map": members(DETAILS, "the list's selection, Incident.objects.visible_to"),
    "incidents:map_geojson": members(
        DETAILS, "points of the list's selection via visible_to; at most 17 weeks, 5,000 points"
    ),
    "incidents:export_csv": members(DETAILS, "the list's selection via visible_to; audited"),
    "incidents:export_xlsx": members(DETAILS, "the list's selection via visible_to; audited"),
    "incidents:detail": members(
        DETAILS, "visible_to, else 404 (existence not revealed); the read is audited"
    ),
    "incidents:edit": members(DETAILS, "visible_to, else 404; services.may_change, else 403"),
    "incidents:withdraw": members(DETAILS, "visible_to, else 404; services.may_change, else 403"),
    "incidents:answer": members(
        DETAILS, "visible_to, else 404; POST only; only the reporter answers (triage)"
    ),
    "incidents:triage": members({Role.COORDINATOR}, "visible_to: new and follow-up reports"),
    "incidents:review": members({Role.COORDINATOR}, "visible_to, else 404; POST only"),
    "incidents:ask": members({Role.COORDINATOR}, "visible_to, else 404; POST only"),
    "incidents:clear_follow_up": members(
        {Role.COORDINATOR}, "visible_to, else 404; POST only; via correct_incident"
    ),
    # The lägesbild (trygg.situation): drafts for coordinators, analysts and partnership
    # admins; approved versions for every role, points filtered with may_see (the
    # visible_to decision), aggregates only and suppressed for roles without details.
    "situation:latest": members(ALL_ROLES, "a redirect to the last complete week"),
    "situation:archive": members(
        ALL_ROLES, "the current partnership's periods; drafts listed for drafters only"
    ),
    "situation:subscription": members(ALL_ROLES, "POST only; the user's own subscription"),
    "situation:page": members(
        ALL_ROLES,
        "draft: drafters only; approved snapshot: points via may_see, viewers aggregates "
        "only (suppressed); read audited",
    ),
    "situation:csv": members(
        ALL_ROLES, "as situation:page; suppressed for roles without details; audited"
    ),
    "situation:pdf": members(
        ALL_ROLES,
        "approved versions of the current partnership; detail roles get the partnership "
        "PDF, others the viewer PDF; audited",
    ),
    "situation:assessment": members(
        {Role.COORDINATOR}, "the current partnership's draft; services.save_assessment"
    ),
    "situation:approve": members(
        {Role.COORDINATOR}, "the current partnership's period; services.approve"
    ),
    # The police's published events (trygg.feeds): public texts (TLP:CLEAR), but the
    # mapping and place names are the coordinators' work; analysts read and link.
    "feeds:overview": members(
        {Role.COORDINATOR, Role.ANALYST, Role.PARTNERSHIP_ADMIN},
        "the current partnership's events, fetches, mappings and place names",
    ),
    "feeds:mapping": members(
        {Role.COORDINATOR, Role.PARTNERSHIP_ADMIN}, "POST only; services.set_type_mapping"
    ),
    "feeds:place_add": members(
        {Role.COORDINATOR, Role.PARTNERSHIP_ADMIN}, "POST only; services.add_place_name"
    ),
    "feeds:place_remove": members(
        {Role.COORDINATOR, Role.PARTNERSHIP_ADMIN},
        "the current partnership's place names, else 404; POST only",
    ),
    "feeds:link": members(
        {Role.COORDINATOR, Role.ANALYST},
        "police events via visible_to, else 404; the report via visible_to; POST only",
    ),
    "feeds:unlink": members(
        {Role.COORDINATOR, Role.ANALYST}, "police events via visible_to, else 404; POST only"
    ),
    # The audit log (trygg.audit): the auditor reads the log, not the incidents (DESIGN.md
    # §2); nobody else, so those whose actions it records do not read it themselves.
    "audit:log": members(
        {Role.AUDITOR},
        "entries of the current partnership's chain only (never the system chain); "
        "objects as text, no links; the read is audited",
    ),
    "audit:export_csv": members(
        {Role.AUDITOR}, "the log page's selection of the current partnership's chain; audited"
    ),
    # The agreement, actions and presence, and the weekly meeting: each app keeps its
    # part of the table next to its views (trygg.<app>.access).
    **AGREEMENT_RULES,
    **WORK_RULES,
    **MEETING_RULES,
    # The person track (SSPF, the exit programme): case workers only (trygg.cases.access).
    **CASE_RULES,
}


def rule_for(view_name):
    return ACCESS.get(view_name)


class AccessTableMiddleware:
    """Apply the access table to every resolved URL; unknown URL names are denied."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        rule = rule_for(match.view_name if match else None)
        if rule is None:
            raise PermissionDenied("URL not in the access table")
        return rule.allows(request)


def url_names(urlconf=None):
    """Every URL pattern's full name (namespace:name) in ``urlconf``; unnamed ones as
    ``<unnamed: pattern>`` so they fail the table check too."""
    from django.urls import get_resolver

    names = []

    def walk(resolver, namespace, prefix):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern, ns, prefix + str(pattern.pattern))
            elif pattern.name:
                names.append(namespace + pattern.name)
            else:
                names.append(f"<unnamed: {prefix}{pattern.pattern}>")

    walk(get_resolver(urlconf), "", "")
    return names


def unlisted_urls(urlconf=None):
    """URL names in the URLconf with no rule in the access table (these are denied)."""
    return sorted(name for name in set(url_names(urlconf)) if name not in ACCESS)


def stale_rules(urlconf=None):
    """Rules in the access table for URL names that no longer exist."""
    return sorted(set(ACCESS) - set(url_names(urlconf)))
