from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.core.models import Partnership
from trygg.feeds import services
from trygg.feeds.models import FeedFetch


class Command(BaseCommand):
    help = (
        "The police's published events. `trygg feeds fetch` fetches the feed for every "
        "partnership whose interval has passed (run it from the scheduler, e.g. every 5 "
        "minutes); `--now` fetches at once, `--partnership SLUG` only that one. "
        "`trygg feeds import SLUG FILE` imports a saved feed (JSON or JSON lines). "
        "`trygg feeds status [SLUG]` shows the last successful fetch and the last errors."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        fetch = sub.add_parser("fetch")
        fetch.add_argument("--partnership", default="", help="only this partnership (slug)")
        fetch.add_argument("--now", action="store_true", help="ignore the interval")
        fetch.add_argument("--timeout", type=float, default=services.TIMEOUT_SECONDS)
        imp = sub.add_parser("import")
        imp.add_argument("partnership")
        imp.add_argument("file")
        status = sub.add_parser("status")
        status.add_argument("partnership", nargs="?", default="")
        status.add_argument("--errors", type=int, default=5, help="how many recent errors")

    def handle(self, *args, action, **options):
        return getattr(self, f"_{action}")(**options)

    def _partnership(self, slug):
        found = Partnership.objects.filter(slug=slug).first()
        if found is None:
            raise CommandError(
                _("Det finns ingen samverkan med kortnamnet %(slug)s.") % {"slug": slug}
            )
        return found

    def _fetch(self, *, partnership, now, timeout, **options):
        if partnership:
            chosen = [self._partnership(partnership)]
            if not now and chosen[0] not in services.due_partnerships():
                self.stdout.write(_("%(name)s: inte dags ännu.") % {"name": chosen[0].name})
                return
        else:
            chosen = list(Partnership.objects.all()) if now else services.due_partnerships()
        failed = 0
        for p in chosen:
            outcome = services.fetch_feed(p, timeout=timeout)
            self.stdout.write(self._line(p, outcome.fetch))
            failed += outcome.fetch.outcome == FeedFetch.Outcome.FAILED
        if failed:
            raise CommandError(
                _("%(n)s av %(total)s hämtningar misslyckades; se trygg feeds status.")
                % {"n": failed, "total": len(chosen)}
            )

    def _import(self, *, partnership, file, **options):
        p = self._partnership(partnership)
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Kunde inte läsa %(file)s: %(error)s") % {"file": file, "error": error.strerror}
            ) from None
        try:
            outcome = services.import_feed(partnership=p, data=data, source=f"file:{path.name}")
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(self._line(p, outcome.fetch))
        for problem in outcome.fetch.problems:
            self.stdout.write(
                _("  händelse %(position)s (id %(id)s): %(error)s")
                % {"position": problem["position"], "id": problem["id"], "error": problem["error"]}
            )
        if outcome.fetch.outcome == FeedFetch.Outcome.FAILED:
            raise CommandError(outcome.fetch.error)

    def _line(self, partnership, fetch):
        if fetch.outcome == FeedFetch.Outcome.FAILED:
            return _("%(name)s: misslyckades: %(error)s") % {
                "name": partnership.name,
                "error": fetch.error,
            }
        return _(
            "%(name)s: %(received)s mottagna, %(other)s i andra kommuner, %(created)s nya, "
            "%(updated)s ändrade, %(unchanged)s oförändrade, %(malformed)s felaktiga, "
            "%(unmapped)s utan kategori."
        ) % {
            "name": partnership.name,
            "received": fetch.received,
            "other": fetch.other_municipality,
            "created": fetch.created,
            "updated": fetch.updated,
            "unchanged": fetch.unchanged,
            "malformed": fetch.malformed,
            "unmapped": fetch.unmapped,
        }

    def _status(self, *, partnership, errors, **options):
        chosen = [self._partnership(partnership)] if partnership else Partnership.objects.all()
        for p in chosen:
            feed = services.settings_for(p)
            fetches = FeedFetch.objects.filter(partnership=p)
            last_ok = fetches.filter(outcome=FeedFetch.Outcome.OK).first()
            self.stdout.write(f"{p.name} ({p.slug}): {feed.url}")
            self.stdout.write(
                "  "
                + (
                    _("hämtas automatiskt var %(n)s:e minut") % {"n": feed.interval_minutes}
                    if feed.enabled
                    else _("hämtas inte automatiskt")
                )
            )
            if last_ok is None:
                self.stdout.write("  " + _("Senaste lyckade hämtning: ingen ännu."))
            else:
                self.stdout.write(
                    "  "
                    + _("Senaste lyckade hämtning: %(at)s") % {"at": _local(last_ok.started_at)}
                )
                self.stdout.write("  " + self._line(p, last_ok))
            failures = list(fetches.filter(outcome=FeedFetch.Outcome.FAILED)[:errors])
            if not failures:
                self.stdout.write("  " + _("Inga misslyckade hämtningar."))
            for failure in failures:
                self.stdout.write(
                    "  "
                    + _("Fel %(at)s: %(error)s")
                    % {"at": _local(failure.started_at), "error": failure.error}
                )
            malformed = fetches.filter(outcome=FeedFetch.Outcome.OK, malformed__gt=0).first()
            if malformed is not None:
                self.stdout.write(
                    "  "
                    + _("Senast felaktiga händelser %(at)s: %(n)s, t.ex. %(example)s")
                    % {
                        "at": _local(malformed.started_at),
                        "n": malformed.malformed,
                        "example": malformed.problems[0]["error"] if malformed.problems else "",
                    }
                )


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
