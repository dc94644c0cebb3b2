from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context

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
