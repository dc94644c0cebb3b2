from django.urls import path

from . import views

app_name = "feeds"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("koppling/", views.mapping, name="mapping"),
    path("ortnamn/", views.place_add, name="place_add"),
    path("ortnamn/<int:pk>/ta-bort/", views.place_remove, name="place_remove"),
    path("handelse/<int:pk>/koppla/", views.link, name="link"),
    path("handelse/<int:pk>/koppla-loss/", views.unlink, name="unlink"),
]
