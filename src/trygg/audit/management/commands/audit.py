import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from trygg.audit.checkpoints import (
    CheckpointRefused,
    checkpoint_recipients,
    email_checkpoint,
    take_checkpoint,
    verify_checkpoints,
)
from trygg.audit.pruning import PruneRefused, prune
from trygg.audit.services import verify_all
from trygg.core.models import Partnership

LABELS = {"ok": "OK      ", "warning": "VARNING ", "error": "FEL     "}


class Command(BaseCommand):
    help = (
        "Audit log tools. `trygg audit verify` walks every chain, reports the first broken "
        "link and compares the chains with the latest signed checkpoint; "
        "`trygg audit checkpoint` writes a new signed checkpoint outside the database "
        "(TRYGG_AUDIT_CHECKPOINT_DIR) and e-mails it to TRYGG_AUDIT_CHECKPOINT_EMAIL if set; "
        "`trygg audit prune [--partnership SLUG] [--today YYYY-MM-DD] [--dry-run]` deletes "
        "each partnership chain's entries older than its retention policy's audit limit, "
        "behind the newest checkpoint only (docs/drift/audit.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "checkpoint", "prune"])
        parser.add_argument("--partnership", help="prune: kortnamn (slug); standard: alla")
        parser.add_argument("--today", help="prune: kör som om det vore detta datum (ÅÅÅÅ-MM-DD)")
        parser.add_argument(
            "--dry-run", action="store_true", help="prune: visa bara vad som tas bort"
        )

    def handle(self, *args, action, **options):
        if action == "checkpoint":
            return self.checkpoint()
        if action == "prune":
            return self.prune(options)
        return self.verify()

    def write_findings(self, findings):
        for f in findings:
            self.stdout.write(f"{LABELS[f.level]}{f.text}")

    def verify(self):
        reports = verify_all()
        broken = [r for r in reports if not r.ok]
        for r in reports:
            if r.ok:
                pruned = f" (pruned through #{r.pruned_through})" if r.pruned_through else ""
                self.stdout.write(f"OK      {r.chain}: {r.entries} entries{pruned}")
            else:
                self.stdout.write(f"BROKEN  {r.chain}: {r.problem}")
        if not reports:
            self.stdout.write("No audit entries yet.")
        checkpoints = verify_checkpoints()
        self.write_findings(checkpoints.findings)
        problems = []
        if broken:
            problems.append(f"{len(broken)} of {len(reports)} audit chains are broken; see above.")
        if checkpoints.errors:
            problems.append(
                _("%(n)s fel vid jämförelsen med kontrollpunkterna; se ovan.")
                % {"n": len(checkpoints.errors)}
            )
        if problems:
            raise CommandError(" ".join(problems))
        self.stdout.write(self.style.SUCCESS(f"All {len(reports)} audit chains are intact."))

    def checkpoint(self):
        try:
            path, body, text = take_checkpoint()
        except CheckpointRefused as exc:
            self.write_findings(exc.findings)
            raise CommandError(
                _(
                    "Ingen ny kontrollpunkt skrevs: granskningsloggen eller de tidigare "
                    "kontrollpunkterna har %(n)s fel; se ovan och kör `trygg audit verify`."
                )
                % {"n": len(exc.findings)}
            ) from None
        except OSError as exc:
            raise CommandError(
                _("Kontrollpunkten kunde inte skrivas: %(error)s") % {"error": exc}
            ) from None
        entry = body["checkpoint_entry"]
        self.stdout.write(
            _(
                "Kontrollpunkten %(path)s är skriven (antal kedjor: %(n)s). I kedjan system "
                "omfattar den allt till och med den här körningens loggpost #%(seq)s "
                "(audit.checkpoint)."
            )
            % {"path": path, "n": len(body["chains"]), "seq": entry["seq"]}
        )
        recipients = checkpoint_recipients()
        if recipients:
            try:
                email_checkpoint(path, body, text, recipients)
            except Exception as exc:  # noqa: BLE001 - any SMTP or backend failure
                raise CommandError(
                    _(
                        "Kontrollpunkten skrevs till %(path)s, men e-postmeddelandet till "
                        "%(to)s kunde inte skickas: %(error)s"
                    )
                    % {"path": path, "to": ", ".join(recipients), "error": exc}
                ) from None
            self.stdout.write(_("En kopia skickades till %(to)s.") % {"to": ", ".join(recipients)})

    def prune(self, options):
        found = Partnership.objects.order_by("slug")
        if options["partnership"]:
            found = found.filter(slug=options["partnership"])
            if not found.exists():
                raise CommandError(
                    _("Det finns ingen samverkan med kortnamnet %(slug)s.")
                    % {"slug": options["partnership"]}
                )
        today = None
        if options["today"] is not None:
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError(
                    _("--today: ange ett datum som ÅÅÅÅ-MM-DD, inte %(value)s.")
                    % {"value": options["today"]}
                ) from None
        try:
            results = prune(list(found), today=today, dry_run=options["dry_run"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        except PruneRefused as exc:
            for text in exc.findings:
                self.stdout.write(f"{LABELS['error']}{text}")
            raise CommandError(
                _(
                    "Ingenting gallrades ur granskningsloggen: %(n)s fel; se ovan och kör "
                    "`trygg audit verify`."
                )
                % {"n": len(exc.findings)}
            ) from None
        skipped = []
        for r in results:
            slug = r.partnership.slug
            if r.problem:
                skipped.append(slug)
                self.stderr.write(f"{slug}: {r.problem}")
            elif not r.changed:
                self.stdout.write(
                    _(
                        "%(slug)s: inget att gallra i %(chain)s (poster före %(cutoff)s, "
                        "bakom kontrollpunkten %(file)s)."
                    )
                    % {"slug": slug, "chain": r.chain, "cutoff": r.cutoff, "file": r.checkpoint}
                )
            else:
                values = {
                    "slug": slug,
                    "chain": r.chain,
                    "count": r.count,
                    "first": r.first_seq,
                    "last": r.last_seq,
                    "cutoff": r.cutoff,
                    "file": r.checkpoint,
                }
                if r.dry_run:
                    text = _(
                        "%(slug)s: %(count)s poster i %(chain)s skulle tas bort (#%(first)s–"
                        "#%(last)s, före %(cutoff)s, bakom kontrollpunkten %(file)s)."
                    )
                else:
                    text = _(
                        "%(slug)s: %(count)s poster i %(chain)s togs bort (#%(first)s–"
                        "#%(last)s, före %(cutoff)s, bakom kontrollpunkten %(file)s)."
                    )
                self.stdout.write(text % values)
        if skipped:
            raise CommandError(
                _("Loggen gallrades inte för: %(slugs)s.") % {"slugs": ", ".join(skipped)}
            )
