"""Reads for the start page, always scoped to the current partnership."""

import datetime

from django.utils import timezone

from trygg.incidents.models import Incident


def iso_week_bounds(day):
    monday = day - datetime.timedelta(days=day.isoweekday() - 1)
    return monday, monday + datetime.timedelta(days=6)


def home_summary(user, partnership):
    today = timezone.localdate()
    monday, sunday = iso_week_bounds(today)
    year, week, _ = today.isocalendar()
    incidents = Incident.objects.filter(partnership=partnership).active()
    this_week = incidents.filter(occurred_date__range=(monday, sunday)).count()
    previous = incidents.filter(
        occurred_date__range=(
            monday - datetime.timedelta(days=7),
            monday - datetime.timedelta(days=1),
        )
    ).count()
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
