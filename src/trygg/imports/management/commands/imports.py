from django.core.management.base import BaseCommand, CommandError

from trygg.imports.services import prune_jobs


class Command(BaseCommand):
    help = (
        "Import housekeeping. `trygg imports prune [--days 30]` empties the parsed rows of "
        "import jobs not touched for that many days (run it nightly)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["prune"])
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args, action, days, **options):
        if days < 1:
            raise CommandError("--days måste vara minst 1.")
        emptied = prune_jobs(older_than_days=days)
        self.stdout.write(f"{emptied} importer äldre än {days} dagar är tömda på rader.")
