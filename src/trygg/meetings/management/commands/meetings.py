from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from trygg.core.models import Partnership
from trygg.meetings import services


class Command(BaseCommand):
    help = (
        "The weekly meetings. `trygg meetings upcoming` creates the next meeting of every "
        "partnership's series (with its agenda from the lägesbild) if it does not exist yet; "
        "run it from the scheduler, e.g. every Monday at 06:00. `--weeks N` plans N weeks "
        "ahead, `--partnership SLUG` only that one."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        upcoming = sub.add_parser("upcoming")
        upcoming.add_argument("--partnership", default="", help="only this partnership (slug)")
        upcoming.add_argument("--weeks", type=int, default=1, help="how many weeks ahead")

    def handle(self, *args, action, partnership, weeks, **options):
        if weeks < 1 or weeks > 12:
            raise CommandError(_("Antalet veckor måste vara mellan 1 och 12."))
        if partnership:
            chosen = list(Partnership.objects.filter(slug=partnership))
            if not chosen:
                raise CommandError(
                    _("Det finns ingen samverkan med kortnamnet %(slug)s.") % {"slug": partnership}
                )
        else:
            chosen = list(Partnership.objects.order_by("slug"))
        today = timezone.localdate()
        for p in chosen:
            if services.series_of(p) is None:
                self.stdout.write(_("%(name)s: ingen mötesserie.") % {"name": p.name})
                continue
            created = services.ensure_upcoming_meetings(p, today, weeks=weeks)
            if created:
                days = ", ".join(
                    date_format(timezone.localtime(m.starts_at), "j F H:i") for m in created
                )
                self.stdout.write(
                    _("%(name)s: planerade %(days)s.") % {"name": p.name, "days": days}
                )
            else:
                self.stdout.write(_("%(name)s: mötena finns redan.") % {"name": p.name})
