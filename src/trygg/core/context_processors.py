from django.conf import settings


def trygg(request):
    membership = getattr(request, "membership", None)
    user = getattr(request, "user", None)
    memberships = []
    if user is not None and user.is_authenticated:
        memberships = list(
            user.memberships.filter(is_active=True)
            .select_related("partnership")
            .order_by("partnership__name")
        )
    return {
        "current_partnership": getattr(request, "partnership", None),
        "current_membership": membership,
        "user_memberships": memberships,
        "demo_mode": settings.TRYGG_DEMO_MODE,
    }
