import datetime

from django.core.management.base import CommandError

from trygg.core.models import Partnership


def parse_date(value, option):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise CommandError(f"{option}: ange ett datum som ÅÅÅÅ-MM-DD, inte {value!r}.") from None


def partnerships(slug):
    found = Partnership.objects.order_by("slug")
    if slug:
        found = found.filter(slug=slug)
        if not found.exists():
            raise CommandError(f"Det finns ingen samverkan med kortnamnet {slug!r}.")
    return list(found)
