from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from trygg.api.api import api

urlpatterns = [
    path("konto/", include("trygg.accounts.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("karta/", include("trygg.geo.urls")),
    path(
        "rapportera/",
        RedirectView.as_view(pattern_name="incidents:report", query_string=True),
        name="report_shortcut",
    ),
    path("handelser/", include("trygg.incidents.urls")),
    path("importera/", include("trygg.imports.urls")),
    path("lagesbild/", include("trygg.situation.urls")),
    path("polisen/", include("trygg.feeds.urls")),
    path("overenskommelse/", include("trygg.agreement.urls")),
    path("atgarder/", include("trygg.work.urls")),
    path("narvaro/", include("trygg.work.presence_urls")),
    path("avstamning/", include("trygg.meetings.urls")),
    path("arenden/", include("trygg.cases.urls")),
    path("api/v1/", api.urls),
    path("api-nycklar/", include("trygg.api.urls")),
    path("granskningslogg/", include("trygg.audit.urls")),
    path("administration/", include("trygg.core.admin_urls")),
    path("", include("trygg.core.urls")),
]
