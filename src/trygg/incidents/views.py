import datetime
import re

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Incident

WEEK_PARAM = re.compile(r"^(\d{4})-W(\d{1,2})$")
WEEK_CHOICES = 26  # weeks offered in the filter, counting back from the current one


def parse_iso_week(value):
    """'2026-W48' -> (monday, sunday) of that ISO week, or None if it is no ISO week."""
    match = WEEK_PARAM.match(value.strip())
    if not match:
        return None
    try:
        monday = datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None
    return monday, monday + datetime.timedelta(days=6)


def week_choices(selected=""):
    """The recent ISO weeks as (value, year, week, monday, sunday), newest first."""
    monday = timezone.localdate()
    monday -= datetime.timedelta(days=monday.isoweekday() - 1)
    weeks = []
    for i in range(WEEK_CHOICES):
        start = monday - datetime.timedelta(weeks=i)
        year, week, _ = start.isocalendar()
        weeks.append((f"{year}-W{week:02d}", year, week, start, start + datetime.timedelta(6)))
    if selected and selected not in {w[0] for w in weeks} and parse_iso_week(selected):
        start = parse_iso_week(selected)[0]
        year, week, _ = start.isocalendar()
        weeks.append((f"{year}-W{week:02d}", year, week, start, start + datetime.timedelta(6)))
    return weeks


def incident_list(request):
    incidents = (
        Incident.objects.visible_to(request.user, request.partnership)
        .active()
        .select_related("category", "area", "organisation__parent")
        .order_by("-occurred_date", "-occurred_from", "-id")
    )
    week = request.GET.get("vecka", "").strip()
    week_error = ""
    selected_week = None
    if week:
        bounds = parse_iso_week(week)
        if bounds is None:
            week_error = _("Välj en vecka i listan.")
            week = ""
        else:
            monday, sunday = bounds
            week = f"{monday.isocalendar().year}-W{monday.isocalendar().week:02d}"
            selected_week = {"monday": monday, "sunday": sunday, "week": monday.isocalendar().week}
            incidents = incidents.filter(occurred_date__range=bounds)
    page = Paginator(incidents, 50).get_page(request.GET.get("sida"))
    return render(
        request,
        "incidents/list.html",
        {
            "page": page,
            "page_range": page.paginator.get_elided_page_range(
                page.number, on_each_side=1, on_ends=1
            ),
            "week": week,
            "week_choices": week_choices(week),
            "week_error": week_error,
            "selected_week": selected_week,
        },
    )
