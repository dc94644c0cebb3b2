from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("accounts/mfa_demo_banner.html")
def mfa_demo_banner():
    """The banner of a local demo run without two-step verification (TRYGG_MFA_ENFORCED=0
    with TRYGG_DEBUG=1; production refuses to start that way)."""
    return {"show": settings.TRYGG_DEMO_MODE and not settings.TRYGG_MFA_ENFORCED}
