from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "trygg.retention"
    label = "retention"
