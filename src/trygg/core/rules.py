"""The building blocks of the access table (``trygg.core.access``): a rule says which
roles may use a URL and names the row-level rule the view applies. Apps with their own
table (``trygg.<app>.access.RULES``) build their rules from these.
"""

from dataclasses import dataclass, field

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from trygg.core.models import DETAIL_ROLES, Role

PUBLIC = "public"  # anyone, logged in or not
AUTHENTICATED = "authenticated"  # any logged-in user, no role needed
MEMBER = "member"  # logged in with one of `roles` in the current partnership

ALL_ROLES = frozenset(Role)
DETAILS = frozenset(DETAIL_ROLES)
# Roles that import incident files (reporting roles; analysts analyse, they do not report).
IMPORTERS = frozenset({Role.REPORTER, Role.COORDINATOR, Role.ORG_ADMIN, Role.PARTNERSHIP_ADMIN})


@dataclass(frozen=True)
class Rule:
    level: str
    roles: frozenset = field(default_factory=frozenset)
    object_rule: str = ""

    def allows(self, request):
        """None when allowed; otherwise the response or exception that denies."""
        if self.level == PUBLIC:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if self.level == AUTHENTICATED:
            return None
        membership = getattr(request, "membership", None)
        if membership is None:
            if not request.user.memberships.filter(is_active=True).exists():
                raise PermissionDenied("no role in any partnership")
            return redirect("core:choose_partnership")
        if membership.role in self.roles:
            return None
        raise PermissionDenied("role not allowed")


def public(object_rule=""):
    return Rule(PUBLIC, object_rule=object_rule)


def authenticated(object_rule=""):
    return Rule(AUTHENTICATED, object_rule=object_rule)


def members(roles, object_rule=""):
    return Rule(MEMBER, frozenset(roles), object_rule)
