"""`trygg demo`: load the Sigtuna demo (partnership, organisations, users, areas, incidents)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from trygg.demo import services
from trygg.incidents.taxonomy import DEFAULT_TAXONOMY


class Command(BaseCommand):
    help = _(
        "Läser in demodata för Trygghetscenter Sigtuna: samverkan, organisationer, en "
        "användare per roll, områden och flera års syntetiska händelser."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help=_("ta bort tidigare demodata först (loggposter behålls)"),
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=_("läs bara in demon om databasen är tom; annars visa inloggningarna"),
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=services.DEFAULT_SEED,
            help=_("slumpfrö; samma frö ger samma händelser (standard %(default)s)"),
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help=_("skalfaktor för antalet händelser; 1 ger omkring 4 000 om året"),
        )
        parser.add_argument(
            "--years",
            type=int,
            default=3,
            help=_("antal hela år före innevarande år (standard %(default)s)"),
        )

    def handle(self, *args, reset, if_empty, seed, scale, years, **options):
        if if_empty and not reset and services.database_has_data():
            self.stdout.write(_("Databasen innehåller redan data; demon läses inte in igen."))
            self.print_logins(services.demo_logins())
            return
        try:
            result = services.load_demo(
                seed=seed, scale=scale, years=years, reset=reset, stdout=self.stdout
            )
        except services.DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        self.print_summary(result)

    def print_summary(self, result):
        w = self.stdout.write
        n = services.format_count
        w("")
        w(
            self.style.SUCCESS(
                _(
                    "Demon är inläst: %(n)s händelser %(start)s – %(end)s i %(name)s (frö %(seed)s, "
                    "skala %(scale)s)."
                )
                % {
                    "n": n(result.incidents),
                    "start": result.start,
                    "end": result.end,
                    "name": result.partnership.name,
                    "seed": result.seed,
                    "scale": result.scale,
                }
            )
        )
        if result.outside:
            w(
                _("%(n)s händelser låg utanför områdena och fick ingen punkt.")
                % {"n": n(result.outside)}
            )
        if result.police_events:
            w(
                _(
                    "%(n)s av polisens publicerade händelser lästes in (%(counted)s räknas; "
                    "resten har typer som ännu inte är kopplade)."
                )
                % {"n": n(result.police_events), "counted": n(result.police_incidents)}
            )
        w("")
        w(_("Händelser per år:"))
        for year, count in result.by_year.items():
            w(f"  {year}  {n(count):>10}")
        w("")
        w(_("Händelser per huvudgrupp:"))
        labels = {code: sv for code, sv, _en, _children in DEFAULT_TAXONOMY}
        for group, count in result.by_group.items():
            w(f"  {labels.get(group, group):<22} {n(count):>10}")
        w("")
        self.print_logins(result.users)
        w("")
        w(
            _("Tid: %(total).1f s (generering %(gen).1f s, sparande %(ins).1f s).")
            % {
                "total": result.timings.get("total", 0),
                "gen": result.timings.get("generate", 0),
                "ins": result.timings.get("insert", 0),
            }
        )

    def print_logins(self, logins):
        if not logins:
            return
        w = self.stdout.write
        w(
            _("Inloggningar (lösenord för alla: %(password)s):")
            % {"password": services.DEMO_PASSWORD}
        )
        for email, role, organisation in logins:
            w(f"  {email:<42} {role:<18} {organisation}")
