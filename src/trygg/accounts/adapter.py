from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib.auth import get_user_model

from trygg.audit.services import record

from . import security


class AccountAdapter(DefaultAccountAdapter):
    """Nobody signs themselves up: organisation admins invite users."""

    def is_open_for_signup(self, request):
        return False

    def is_reauthentication_required(self, *, app, **kwargs):
        """Sensitive steps (ours, and allauth's MFA pages) need a recent authentication:
        a login or a re-authentication within ACCOUNT_REAUTHENTICATION_TIMEOUT counts, so
        a user who has just logged in is not asked for the password again at once."""
        if app == "trygg":
            required = True
        else:
            required = super().is_reauthentication_required(app=app, **kwargs)
        if not required:
            return False
        request = getattr(context, "request", None)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return not security.recently_authenticated(request, user)
        return True


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on (OpenID Connect) for users who already exist.

    Nobody is created by an SSO login. A first login is connected to the active user with
    the same e-mail address, if the provider says the address is verified (or the
    operator trusts the provider's addresses, TRYGG_OIDC_TRUST_EMAIL); anyone else gets
    the ”you cannot create an account yourself” page. The connection is audited; the login
    itself is audited like every login, and two-step verification is still required.
    """

    def is_open_for_signup(self, request, sociallogin):
        return False

    def pre_social_login(self, request, sociallogin):
        if sociallogin.is_existing:
            return
        email = verified_email(sociallogin)
        if not email:
            return
        user = (
            get_user_model()
            .objects.filter(email__iexact=email, is_active=True)
            .order_by("pk")
            .first()
        )
        if user is None:
            return
        sociallogin.connect(request, user)
        record(
            "login.sso_connected",
            actor=user,
            request=request,
            obj=user,
            data={"provider": sociallogin.account.provider},
        )

    def send_notification_mail(self, *args, **kwargs):
        """No e-mail about a connected SSO account: the audit log has it, and the user
        has just made the connection themselves."""


def verified_email(sociallogin):
    trust = settings.TRYGG_OIDC_TRUST_EMAIL
    for address in sociallogin.email_addresses:
        if address.email and (address.verified or trust):
            return address.email.strip()
    return ""
