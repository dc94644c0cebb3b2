"""`trygg import FILE --org ORG --partnership SLUG [--mapping mapping.json] [--dry-run]
[--only-valid] [--user EMAIL]`: import a partner's incident file (CSV or Excel) with the
same parser and bulk service as the web wizard.

The mapping file is JSON: ``{"columns": {"date": "Datum", "category": "Typ", ...},
"categories": {"Klotter": "SKADA.KLOTTER", ...}}`` (both parts optional; without it the
organisation's remembered mapping or a guess from the headings is used).
"""

import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from trygg.core.models import Organisation, Partnership
from trygg.imports import services
from trygg.imports.parsing import FIELDS, FileProblem


class Command(BaseCommand):
    help = "Import incidents from a CSV or Excel file (see docs/import.md)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--org", required=True, help="organisation name or id")
        parser.add_argument("--partnership", required=True, help="partnership slug")
        parser.add_argument("--mapping", help="JSON file with columns and categories")
        parser.add_argument("--user", help="e-mail of the user the import is made as")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--only-valid", action="store_true")

    def handle(self, *args, **options):
        partnership = Partnership.objects.filter(slug=options["partnership"]).first()
        if partnership is None:
            raise CommandError(
                _("Det finns ingen samverkan med kortnamnet %(slug)s.")
                % {"slug": options["partnership"]}
            )
        organisation = self._organisation(options["org"])
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(email__iexact=options["user"]).first()
            if actor is None:
                raise CommandError(
                    _("Det finns ingen användare med e-postadressen %(email)s.")
                    % {"email": options["user"]}
                )
        mapping, categories = self._mapping(options["mapping"])
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError:
            raise CommandError(_("Filen %(path)s går inte att läsa.") % {"path": path}) from None

        def progress(done, total):
            if sys.stderr.isatty() or options["verbosity"] > 1:
                self.stderr.write(f"\r{done}/{total}", ending="")

        self.stdout.write(_("Läser %(file)s …") % {"file": path.name})
        try:
            result = services.import_file(
                actor=actor,
                partnership=partnership,
                organisation=organisation,
                data=data,
                file_name=path.name,
                mapping=mapping,
                category_map=categories,
                only_valid=options["only_valid"],
                dry=options["dry_run"],
                progress=progress,
            )
        except FileProblem as exc:
            raise CommandError(exc.message) from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        for p in result.problems:
            where = _("rad %(row)s") % {"row": p.row_number} if p.row_number else _("filen")
            column = f" ({p.column})" if p.column else ""
            self.stdout.write(f"{where}{column}: {p.message}")
        summary = _(
            "%(created)s nya, %(updated)s ändrade, %(unchanged)s oförändrade, "
            "%(duplicates)s dubbletter, %(rejected)s rader med fel."
        ) % {
            "created": len(result.created),
            "updated": len(result.updated),
            "unchanged": len(result.unchanged),
            "duplicates": len(result.duplicates),
            "rejected": len(result.rejected_rows),
        }
        if options["dry_run"]:
            self.stdout.write(_("Provkörning, inget sparades: %(s)s") % {"s": summary})
        elif result.written or result.ok:
            self.stdout.write(self.style.SUCCESS(_("Importerat: %(s)s") % {"s": summary}))
        if result.problems and not options["dry_run"] and not options["only_valid"]:
            raise CommandError(
                _(
                    "Inget importerades: %(n)s rader har fel. Rätta dem, eller kör med "
                    "--only-valid för att importera bara de felfria raderna."
                )
                % {"n": len(result.rejected_rows) or len(result.problems)}
            )

    def _organisation(self, ref):
        ref = ref.strip()
        organisation = None
        if ref.isdigit():
            organisation = Organisation.objects.filter(pk=int(ref)).first()
        if organisation is None:
            matches = list(Organisation.objects.filter(name__iexact=ref))
            if len(matches) > 1:
                raise CommandError(
                    _("Flera organisationer heter %(name)s; ange organisationens id.")
                    % {"name": ref}
                )
            organisation = matches[0] if matches else None
        if organisation is None:
            raise CommandError(
                _("Det finns ingen organisation som heter %(name)s.") % {"name": ref}
            )
        return organisation

    def _mapping(self, path):
        if not path:
            return None, None
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise CommandError(
                _("Kopplingsfilen %(path)s går inte att läsa som JSON.") % {"path": path}
            ) from None
        if not isinstance(data, dict):
            raise CommandError(_("Kopplingsfilen ska vara ett JSON-objekt."))
        columns = data.get("columns") or None
        if columns is not None:
            unknown = sorted(set(columns) - set(FIELDS))
            if unknown:
                raise CommandError(
                    _("Kopplingsfilen har okända fält: %(fields)s.")
                    % {"fields": ", ".join(unknown)}
                )
        return columns, data.get("categories") or None
