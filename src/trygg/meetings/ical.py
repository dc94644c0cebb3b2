"""The series' calendar feed (iCalendar, RFC 5545): the meetings of the past 8 weeks and
the planned ones as single events, and the series' coming weeks as one weekly recurring
event after the last meeting created. Only title, time, place and link: never the agenda,
the notes or the decisions (the address is a secret, but calendars are shared widely).
"""

import datetime

from django.utils import timezone
from icalendar import Calendar, Event, vRecur

from .models import Meeting

PAST_WEEKS = 8
PRODID = "-//Trygghetscenter//Avstämning//SV"


def _event(uid, title, starts_at, ends_at, location, link_url, stamp):
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", title)
    event.add("dtstart", starts_at)
    event.add("dtend", ends_at)
    if location:
        event.add("location", location)
    if link_url:
        event.add("url", link_url)
        event.add("description", link_url)
    return event


def feed(series, *, now=None, host="trygg"):
    now = now or timezone.now()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", series.title)
    calendar.add("x-wr-timezone", timezone.get_current_timezone_name())
    meetings = Meeting.objects.filter(
        partnership_id=series.partnership_id,
        starts_at__gte=now - datetime.timedelta(weeks=PAST_WEEKS),
    ).order_by("starts_at")
    last = None
    for meeting in meetings:
        calendar.add_component(
            _event(
                f"meeting-{meeting.pk}@{host}",
                meeting.title,
                timezone.localtime(meeting.starts_at),
                timezone.localtime(meeting.ends_at),
                meeting.location,
                meeting.link_url,
                now,
            )
        )
        last = meeting.starts_at
    from .services import meeting_times, next_occurrence

    after = timezone.localdate(max(last, now) if last else now)
    if last is not None:
        after = max(after, timezone.localdate(last) + datetime.timedelta(days=1))
    first = next_occurrence(series, after)
    starts_at, ends_at = meeting_times(series, first)
    recurring = _event(
        f"series-{series.pk}-{first.isoformat()}@{host}",
        series.title,
        timezone.localtime(starts_at),
        timezone.localtime(ends_at),
        series.location,
        series.link_url,
        now,
    )
    recurring.add("rrule", vRecur(freq="weekly"))
    calendar.add_component(recurring)
    calendar.add_missing_timezones()  # a VTIMEZONE for Europe/Stockholm
    return calendar.to_ical()
