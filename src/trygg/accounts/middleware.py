"""Account protections applied to every request (see ``security.py`` for the rules):

- ``IdleTimeoutMiddleware``: an idle session is logged out on its next request;
- ``RequireTwoFactorMiddleware``: every signed-in user has TOTP and this session passed it;
- ``ReauthenticationMiddleware``: sensitive URLs need a recent login or re-authentication.
"""

import time

from allauth.account.adapter import get_adapter
from allauth.account.internal.flows.reauthentication import (
    is_reauthentication_required,
    suspend_request,
)
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import audit, security

REAUTHENTICATION_APP = "trygg"


def _view_name(request):
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else None


class IdleTimeoutMiddleware:
    """Log out a session that has been idle for TRYGG_IDLE_MINUTES; any request by the
    signed-in user counts as activity (the API's bearer-token requests carry no session)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(security.IDLE_SESSION_KEY)
            minutes = settings.TRYGG_IDLE_MINUTES
            if isinstance(last, int) and now - last > minutes * 60:
                audit.log_idle_logout(request, user, minutes)
                logout(request)
                messages.info(
                    request,
                    ngettext(
                        "Du loggades ut efter %(minutes)d minuts inaktivitet.",
                        "Du loggades ut efter %(minutes)d minuters inaktivitet.",
                        minutes,
                    )
                    % {"minutes": minutes},
                )
                next_url = request.get_full_path() if request.method == "GET" else None
                if next_url:
                    return redirect_to_login(next_url)
                return redirect("account_login")
            if not isinstance(last, int) or now - last >= security.IDLE_TOUCH_SECONDS:
                request.session[security.IDLE_SESSION_KEY] = now
        return self.get_response(request)


class RequireTwoFactorMiddleware:
    """Every signed-in user, in every role, uses TOTP (TRYGG_MFA_ENFORCED).

    A user without an active TOTP authenticator is sent to activate one (allauth's account
    and MFA pages, log-out and the public pages stay open); a user with TOTP whose session
    never passed the second step (a session made some other way than allauth's login) is
    logged out. Activating TOTP takes a valid code, so the activating session counts as
    having passed the second step.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "trygg_activating_totp", False):
            user = request.user
            if user.is_authenticated and security.has_totp(user):
                security.record_two_factor(request, user)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.TRYGG_MFA_ENFORCED:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        name = _view_name(request)
        if (name or "").startswith("api:") or name == "core:health":
            return None  # bearer tokens, not sessions; a health check needs no account
        if security.has_totp(user):
            if security.passed_two_factor(request, user):
                return None
            audit.log_session_without_two_factor(request, user)
            logout(request)
            messages.error(
                request,
                _(
                    "Logga in igen med ditt lösenord och en kod från din app för "
                    "tvåstegsverifiering."
                ),
            )
            return redirect("account_login")
        if name == "mfa_activate_totp" and request.method == "POST":
            request.trygg_activating_totp = True
        if security.exempt_from_two_factor(name):
            return None
        messages.info(
            request,
            _(
                "Tvåstegsverifiering krävs för alla konton. Aktivera en autentiseringsapp "
                "innan du fortsätter."
            ),
        )
        return redirect("mfa_activate_totp")


class ReauthenticationMiddleware:
    """Exports, API token administration and approving a lägesbild need a login or
    re-authentication within ACCOUNT_REAUTHENTICATION_TIMEOUT; otherwise allauth asks for
    the password again and then resumes the request (a POST included).

    Placed after the access table, so that a role that may not use the URL is refused
    before it is asked for its password.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.TRYGG_REAUTH_ENFORCED:
            return None
        if not security.needs_recent_authentication(_view_name(request), request.method):
            return None
        if not request.user.is_authenticated:
            return None  # the access table sends anonymous users to the login page
        if not is_reauthentication_required(request, app=REAUTHENTICATION_APP):
            return None
        methods = get_adapter().get_reauthentication_methods(request.user)
        url = methods[0]["url"] if methods else reverse("account_login")
        return suspend_request(request, url)
