from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from trygg.audit.services import record
from trygg.core.models import Partnership
from trygg.incidents import rollup


class Command(BaseCommand):
    help = (
        "The incident count rollup. `trygg rollup rebuild` recounts it from the incidents; "
        "`trygg rollup check` compares it with a direct count."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "check"])
        parser.add_argument("--partnership", help="kortnamn (slug); standard: alla")

    def handle(self, *args, action, partnership=None, **options):
        partnerships = Partnership.objects.all()
        if partnership:
            partnerships = partnerships.filter(slug=partnership)
            if not partnerships.exists():
                raise CommandError(f"Det finns ingen samverkan med kortnamnet {partnership!r}.")
        ids = list(partnerships.values_list("pk", flat=True))
        if action == "check":
            direct, stored = rollup.direct_counts(ids), rollup.stored_counts(ids)
            wrong = {k for k in direct.keys() | stored.keys() if direct.get(k) != stored.get(k)}
            if wrong:
                raise CommandError(
                    f"Sammanställningen stämmer inte för {len(wrong)} nycklar; "
                    "kör `trygg rollup rebuild`."
                )
            self.stdout.write(f"Sammanställningen stämmer ({sum(direct.values())} händelser).")
            return
        with transaction.atomic():
            rows = rollup.rebuild(ids)
            for p in partnerships:
                record("rollup.rebuild", partnership=p, data={"rows": rows})
        self.stdout.write(f"Sammanställningen är omräknad: {rows} rader.")
