from .models import Membership

SESSION_KEY = "trygg_partnership_id"


class CurrentPartnershipMiddleware:
    """Set ``request.partnership`` and ``request.membership`` for the partnership the
    user works in (chosen in the session; the first active one by default)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.partnership = None
        request.membership = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            memberships = Membership.objects.filter(user=user, is_active=True).select_related(
                "partnership"
            )
            chosen = request.session.get(SESSION_KEY)
            membership = None
            if chosen is not None:
                membership = memberships.filter(partnership_id=chosen).first()
            if membership is None:
                membership = memberships.order_by("partnership__name").first()
                if membership is not None:
                    request.session[SESSION_KEY] = membership.partnership_id
                elif chosen is not None:
                    request.session.pop(SESSION_KEY, None)
            if membership is not None:
                request.membership = membership
                request.partnership = membership.partnership
        return self.get_response(request)
