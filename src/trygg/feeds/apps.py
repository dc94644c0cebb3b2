from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "trygg.feeds"
    label = "feeds"
