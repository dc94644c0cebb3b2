from django.urls import path

from . import views

app_name = "geo"
urlpatterns = [
    path("", views.area_map, name="map"),
    path("omraden.geojson", views.areas_geojson, name="areas_geojson"),
]
