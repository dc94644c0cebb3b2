from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "trygg.imports"
    label = "imports"
