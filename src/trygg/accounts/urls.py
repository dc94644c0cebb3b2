"""allauth's pages: accounts, two-step verification, single sign-on (OpenID Connect).

Listed here rather than with ``include("allauth.urls")``, which also serves unnamed
redirects from allauth's old ``social/…`` addresses: this product never served those,
and an unnamed URL could not be given a rule in the access table.
"""

from allauth.urls import build_provider_urlpatterns
from django.urls import include, path

urlpatterns = [
    path("", include("allauth.account.urls")),
    path("2fa/", include("allauth.mfa.urls")),
    path("3rdparty/", include("allauth.socialaccount.urls")),
    *build_provider_urlpatterns(),
]
