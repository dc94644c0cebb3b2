from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("konto/", include("allauth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("karta/", include("trygg.geo.urls")),
    path("handelser/", include("trygg.incidents.urls")),
    path("", include("trygg.core.urls")),
]
