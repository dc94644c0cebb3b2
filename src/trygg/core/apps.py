from django.apps import AppConfig
from django.db.models.signals import post_migrate


def create_cache_table(sender, using="default", **kwargs):
    """`trygg migrate` also creates the database cache table (throttling state lives
    there unless Redis is configured), so operators need no extra step."""
    from django.conf import settings
    from django.core.management import call_command

    if any(c["BACKEND"].endswith("DatabaseCache") for c in settings.CACHES.values()):
        call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "trygg.core"
    label = "core"

    def ready(self):
        post_migrate.connect(create_cache_table, sender=self)
