from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "trygg.incidents"
    label = "incidents"
