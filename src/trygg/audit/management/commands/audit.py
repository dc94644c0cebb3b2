from django.core.management.base import BaseCommand, CommandError

from trygg.audit.services import verify_all


class Command(BaseCommand):
    help = (
        "Audit log tools. `trygg audit verify` walks every chain and reports the first broken link."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, action, **options):
        reports = verify_all()
        broken = [r for r in reports if not r.ok]
        for r in reports:
            if r.ok:
                self.stdout.write(f"OK      {r.chain}: {r.entries} entries")
            else:
                self.stdout.write(f"BROKEN  {r.chain}: {r.problem}")
        if not reports:
            self.stdout.write("No audit entries yet.")
        if broken:
            raise CommandError(
                f"{len(broken)} of {len(reports)} audit chains are broken; see above."
            )
        self.stdout.write(self.style.SUCCESS(f"All {len(reports)} audit chains are intact."))
