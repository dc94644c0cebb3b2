from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from trygg.core.models import Partnership
from trygg.core.services import set_publishes_overview


class Command(BaseCommand):
    help = (
        "The lägesbild's settings. `trygg situation publish-overview <slug> yes|no`: whether "
        "the overview (aggregates only, small counts hidden) of approved lägesbilder may be "
        "published, which marks its PDF TLP:CLEAR instead of TLP:GREEN."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["publish-overview"])
        parser.add_argument("partnership", help="the partnership's slug (kortnamn)")
        parser.add_argument("value", choices=["yes", "no"])

    def handle(self, *args, action, partnership, value, **options):
        found = Partnership.objects.filter(slug=partnership).first()
        if found is None:
            raise CommandError(
                _("Det finns ingen samverkan med kortnamnet %(slug)s.") % {"slug": partnership}
            )
        set_publishes_overview(actor=None, partnership=found, publishes=value == "yes")
        if value == "yes":
            self.stdout.write(
                _(
                    "Översikten av %(name)s lägesbilder märks TLP:CLEAR från nästa fastställda version."
                )
                % {"name": found.name}
            )
        else:
            self.stdout.write(
                _(
                    "Översikten av %(name)s lägesbilder märks TLP:GREEN från nästa fastställda version."
                )
                % {"name": found.name}
            )
