from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from trygg.core.models import Partnership
from trygg.core.services import create_partnership
from trygg.geo import services
from trygg.geo.models import Area, FocusArea
from trygg.geo.municipalities import municipality


class Command(BaseCommand):
    help = (
        "Områden. `trygg areas load --kommun 0191 --file RegSO_2025.gpkg` läser in en "
        "kommuns RegSO-områden (GeoPackage eller GeoJSON); `trygg areas list` visar dem."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("load", help="läs in en kommuns RegSO-områden")
        load.add_argument("--kommun", required=True, help="kommunkod, till exempel 0191")
        load.add_argument("--file", required=True, help="GeoPackage (.gpkg) eller GeoJSON")
        load.add_argument("--partnership", help="samverkans kortnamn (slug)")
        load.add_argument(
            "--create-partnership",
            action="store_true",
            help="skapa samverkan för kommunen om den inte finns",
        )
        listing = actions.add_parser("list", help="visa områden och fokusområden")
        listing.add_argument("--partnership", help="samverkans kortnamn (slug)")

    def handle(self, *args, action, **options):
        try:
            if action == "load":
                self.load(options)
            else:
                self.list_areas(options.get("partnership"))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

    def load(self, options):
        code = options["kommun"].strip()
        kommun = municipality(code)
        if kommun is None:
            raise CommandError(
                _("Kommunkoden %(code)s finns inte i SCB:s lista över kommuner.") % {"code": code}
            )
        features = services.read_regso_file(options["file"], code)
        with transaction.atomic():
            partnership = self.partnership_for_load(
                code, kommun.name, options.get("partnership"), options["create_partnership"]
            )
            result = services.load_regso_areas(
                actor=None,
                partnership=partnership,
                features=features,
                source=f"SCB RegSO ({Path(options['file']).name})",
            )
        counts = {
            "count": len(result.objects),
            "kommun": result.municipality.name,
            "partnership": partnership.name,
            "created": len(result.created),
            "updated": len(result.updated),
            "unchanged": len(result.unchanged),
        }
        if result.changed:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Läste in %(count)d RegSO-områden för %(kommun)s i samverkan %(partnership)s: "
                        "%(created)d nya, %(updated)d ändrade, %(unchanged)d oförändrade."
                    )
                    % counts
                )
            )
        else:
            self.stdout.write(
                _(
                    "Inga ändringar: alla %(count)d RegSO-områden för %(kommun)s fanns redan "
                    "i samverkan %(partnership)s."
                )
                % counts
            )
        if result.not_in_file:
            self.stdout.write(
                _(
                    "Dessa RegSO-områden finns i samverkan men inte i filen och har lämnats "
                    "kvar: %(codes)s."
                )
                % {"codes": ", ".join(result.not_in_file)}
            )

    def partnership_for_load(self, code, name, slug, create):
        if slug:
            partnership = Partnership.objects.filter(slug=slug).first()
            if partnership is None:
                raise CommandError(
                    _("Det finns ingen samverkan med kortnamnet %(slug)s.") % {"slug": slug}
                )
            return partnership
        candidates = list(Partnership.objects.filter(municipality_code=code))
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            raise CommandError(
                _(
                    "Flera samverkan gäller kommunkoden %(code)s (%(slugs)s); välj en med "
                    "--partnership."
                )
                % {"code": code, "slugs": ", ".join(p.slug for p in candidates)}
            )
        if not create:
            raise CommandError(
                _(
                    "Det finns ingen samverkan för %(name)s kommun (%(code)s); skapa den först "
                    "eller lägg till --create-partnership."
                )
                % {"name": name, "code": code}
            )
        slug = slugify(name)
        if Partnership.objects.filter(slug=slug).exists():
            slug = f"{slug}-{code}"
        return create_partnership(
            actor=None,
            name=f"Trygghetscenter {name}",
            slug=slug,
            municipality_code=code,
            municipality_name=name,
        )

    def list_areas(self, slug):
        partnerships = Partnership.objects.order_by("name")
        if slug:
            partnerships = partnerships.filter(slug=slug)
            if not partnerships:
                raise CommandError(
                    _("Det finns ingen samverkan med kortnamnet %(slug)s.") % {"slug": slug}
                )
        for partnership in partnerships:
            self.write_partnership(partnership)
        if not partnerships:
            self.stdout.write(_("Det finns ingen samverkan ännu."))

    def write_partnership(self, partnership):
        self.stdout.write(
            f"{partnership.name} ({partnership.slug}, {partnership.municipality_code})"
        )
        areas = list(Area.objects.filter(partnership=partnership).order_by("code"))
        if not areas:
            self.stdout.write("  " + _("Inga områden inlästa."))
            return
        children = {}
        for area in areas:
            children.setdefault(area.parent_id, []).append(area)

        def write(area, depth):
            self.stdout.write(f"{'  ' * depth}{area.code}  {area.name} ({area.get_kind_display()})")
            for child in children.get(area.pk, []):
                write(child, depth + 1)

        for root in children.get(None, []):
            write(root, 1)
        focus_areas = FocusArea.objects.filter(partnership=partnership).prefetch_related("areas")
        for focus_area in focus_areas:
            names = ", ".join(a.name for a in focus_area.areas.all())
            self.stdout.write(
                "  "
                + _("Fokusområde %(name)s (prioritet %(priority)d): %(areas)s")
                % {"name": focus_area.name, "priority": focus_area.priority, "areas": names}
            )
