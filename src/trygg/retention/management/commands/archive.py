from django.core.management.base import BaseCommand, CommandError

from trygg.retention import services

from ._common import parse_date, partnerships


class Command(BaseCommand):
    help = (
        "`trygg archive export --partnership SLUG --before YYYY-MM-DD --out DIR` writes the "
        "incidents dated before the date that are not yet tombstones (JSON and CSV), the "
        "approved lägesbild versions of periods ended before it (snapshot JSON and both "
        "PDFs) and a manifest with every file's SHA-256 (docs/drift/retention.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export"])
        parser.add_argument("--partnership", required=True, help="kortnamn (slug)")
        parser.add_argument("--before", required=True, help="ÅÅÅÅ-MM-DD")
        parser.add_argument("--out", required=True, help="ny eller tom katalog")

    def handle(self, *args, action, partnership, before, out, **options):
        before = parse_date(before, "--before")
        (p,) = partnerships(partnership)
        try:
            export = services.export_archive(partnership=p, before=before, out_dir=out)
        except services.ArchiveError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(
            f"{p.slug}: {export.incidents} händelser och {export.versions} fastställda "
            f"lägesbilder före {before} skrivna till {export.directory} "
            f"(manifest SHA-256 {export.manifest_sha256})."
        )
