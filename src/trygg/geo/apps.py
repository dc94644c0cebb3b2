from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "trygg.geo"
    label = "geo"
