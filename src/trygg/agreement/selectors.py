"""Reads of the agreement for other apps and for the pages."""

from django.utils import timezone

from .models import Agreement, Priority


def current_agreement(partnership, day=None):
    """The agreement in force on ``day`` (today): the latest-starting one that covers it."""
    day = day or timezone.localdate()
    return (
        Agreement.objects.filter(partnership=partnership, start__lte=day, end__gte=day)
        .order_by("-start", "-id")
        .first()
    )


def priorities_for(partnership, day=None):
    """The priorities (with their goals) of the current agreement, for the action and
    meeting forms; empty when no agreement is in force."""
    agreement = current_agreement(partnership, day)
    if agreement is None:
        return Priority.objects.none()
    return Priority.objects.filter(agreement=agreement).prefetch_related("goals")


def agreements_of(partnership):
    return Agreement.objects.filter(partnership=partnership).order_by("-start", "-id")
