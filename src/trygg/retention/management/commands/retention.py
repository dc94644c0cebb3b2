from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from trygg.retention import services

from ._common import parse_date, partnerships


class Command(BaseCommand):
    help = (
        "Retention (docs/drift/retention.md). `trygg retention apply` clears texts and exact "
        "places of old incidents and turns the oldest into statistics-only tombstones, per "
        "each partnership's policy; `trygg retention policy` shows or sets a policy."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["apply", "policy"])
        parser.add_argument("--partnership", help="kortnamn (slug); standard: alla")
        parser.add_argument("--dry-run", action="store_true", help="visa bara vad som ändras")
        parser.add_argument("--today", help="kör som om det vore detta datum (ÅÅÅÅ-MM-DD)")
        parser.add_argument(
            "--no-archive-check",
            action="store_true",
            help="kör utan att kräva en arkivexport som täcker brytdatumet",
        )
        parser.add_argument("--text-months", type=int)
        parser.add_argument("--tombstone-months", type=int)
        parser.add_argument("--audit-months", type=int)

    def handle(self, *args, action, partnership=None, **options):
        found = partnerships(partnership)
        if action == "policy":
            return self.policy(found, partnership, options)
        today = parse_date(options["today"], "--today") if options["today"] is not None else None
        failed = []
        for p in found:
            try:
                result = services.apply_retention(
                    p,
                    today=today,
                    dry_run=options["dry_run"],
                    archive_check=not options["no_archive_check"],
                )
            except ValidationError as e:
                raise CommandError(" ".join(e.messages)) from None
            except services.ArchiveMissing as e:
                self.stderr.write(f"{p.slug}: {e}")
                failed.append(p.slug)
                continue
            self.stdout.write(self.describe(result))
        if failed:
            raise CommandError(f"Gallringen kördes inte för: {', '.join(failed)}.")

    def describe(self, result):
        slug = result.partnership.slug
        if not result.changed:
            return (
                f"{slug}: inget att gallra (brytdatum {result.text_cutoff}, "
                f"endast statistik före {result.tombstone_cutoff})."
            )
        verb = "skulle ändras" if result.dry_run else "ändrade"
        return (
            f"{slug}: {verb}: fritext och exakt plats för {len(result.cleared)} händelser "
            f"(före {result.text_cutoff}), {len(result.tombstoned)} händelser endast statistik "
            f"(före {result.tombstone_cutoff}), {len(result.police_events)} polishändelser, "
            f"{len(result.snapshots)} fastställda lägesbilder."
        )

    def policy(self, found, slug, options):
        values = [options["text_months"], options["tombstone_months"], options["audit_months"]]
        if any(v is not None for v in values):
            if not slug:
                raise CommandError("Ange --partnership för att ändra en gallringsregel.")
            current = services.policy_for(found[0])
            try:
                services.set_policy(
                    actor=None,
                    partnership=found[0],
                    text_months=values[0] if values[0] is not None else current.text_months,
                    tombstone_months=(
                        values[1] if values[1] is not None else current.tombstone_months
                    ),
                    audit_months=values[2] if values[2] is not None else current.audit_months,
                )
            except ValidationError as e:
                raise CommandError(" ".join(e.messages)) from None
        for p in found:
            policy = services.policy_for(p)
            self.stdout.write(
                f"{p.slug}: fritext och exakt plats {policy.text_months} mån, endast statistik "
                f"{policy.tombstone_months} mån, logg {policy.audit_months} mån."
            )
