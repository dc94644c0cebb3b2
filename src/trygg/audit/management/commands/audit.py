from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from trygg.audit.checkpoints import (
    CheckpointRefused,
    checkpoint_recipients,
    email_checkpoint,
    take_checkpoint,
    verify_checkpoints,
)
from trygg.audit.services import verify_all

LABELS = {"ok": "OK      ", "warning": "VARNING ", "error": "FEL     "}


class Command(BaseCommand):
    help = (
        "Audit log tools. `trygg audit verify` walks every chain, reports the first broken "
        "link and compares the chains with the latest signed checkpoint; "
        "`trygg audit checkpoint` writes a new signed checkpoint outside the database "
        "(TRYGG_AUDIT_CHECKPOINT_DIR) and e-mails it to TRYGG_AUDIT_CHECKPOINT_EMAIL if set."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "checkpoint"])

    def handle(self, *args, action, **options):
        if action == "checkpoint":
            return self.checkpoint()
        return self.verify()

    def write_findings(self, findings):
        for f in findings:
            self.stdout.write(f"{LABELS[f.level]}{f.text}")

    def verify(self):
        reports = verify_all()
        broken = [r for r in reports if not r.ok]
        for r in reports:
            if r.ok:
                self.stdout.write(f"OK      {r.chain}: {r.entries} entries")
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
