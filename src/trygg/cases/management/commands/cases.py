from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from trygg.cases import services
from trygg.retention.management.commands._common import parse_date, partnerships


class Command(BaseCommand):
    help = (
        "The person track (docs/personarenden.md). `trygg cases purge` deletes closed cases "
        "older than each partnership's period (default 24 months; `--months N --partnership "
        "SLUG` sets it); `trygg cases rotate-keys` re-encrypts every identity with the newest "
        "key of TRYGG_CASE_KEYS; `trygg cases reminders` e-mails due follow-ups (daily)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["purge", "rotate-keys", "reminders"])
        parser.add_argument("--partnership", help="kortnamn (slug); standard: alla")
        parser.add_argument("--dry-run", action="store_true", help="visa bara vad som gallras")
        parser.add_argument("--today", help="kör som om det vore detta datum (ÅÅÅÅ-MM-DD)")
        parser.add_argument("--months", type=int, help="sätt gallringstiden (månader)")

    def handle(self, *args, action, partnership=None, **options):
        today = parse_date(options["today"], "--today") if options["today"] else None
        if action == "rotate-keys":
            n = services.rotate_keys()
            self.stdout.write(f"Krypterade om {n} identiteter med den nyaste nyckeln.")
            return
        if action == "reminders":
            n = services.send_follow_up_reminders(today)
            self.stdout.write(f"Skickade {n} påminnelser.")
            return
        found = partnerships(partnership)
        if options["months"] is not None:
            if not partnership:
                raise CommandError("Ange --partnership för att ändra gallringstiden.")
            try:
                services.set_purge_months(
                    actor=None, partnership=found[0], months=options["months"]
                )
            except ValidationError as e:
                raise CommandError(" ".join(e.messages)) from None
        for p in found:
            months = services.settings_for(p).purge_months
            n = services.purge_closed_cases(p, today=today, dry_run=options["dry_run"])
            verb = "skulle gallras" if options["dry_run"] else "gallrades"
            self.stdout.write(
                f"{p.slug}: {n} avslutade ärenden {verb} (avslutade för mer än {months} mån sedan)."
            )
