"""Reads for the start page, always scoped to the current partnership."""

import datetime

from django.db.models import Sum
from django.utils import timezone

from trygg.incidents.models import IncidentCount


def iso_week_bounds(day):
    monday = day - datetime.timedelta(days=day.isoweekday() - 1)
    return monday, monday + datetime.timedelta(days=6)


def home_summary(user, partnership):
    today = timezone.localdate()
    monday, sunday = iso_week_bounds(today)
    year, week, _ = today.isocalendar()
    # Counts come from the rollup (DESIGN.md §4), never from the incident rows.
    counts = IncidentCount.objects.filter(partnership=partnership)

    def total(first, last):
        return counts.filter(date__range=(first, last)).aggregate(n=Sum("count"))["n"] or 0

    this_week = total(monday, sunday)
    previous = total(monday - datetime.timedelta(days=7), monday - datetime.timedelta(days=1))
    return {
        "iso_year": year,
        "iso_week": week,
        "week_start": monday,
        "week_end": sunday,
        "count_this_week": this_week,
        "count_previous_week": previous,
        "organisation_count": partnership.organisations.count(),
        "area_count": partnership.areas.filter(kind="regso").count(),
    }
