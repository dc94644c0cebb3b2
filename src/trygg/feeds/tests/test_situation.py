"""Police events in the lägesbild: a source of their own, per area, counted once when
linked to a partner's report."""

import datetime

import pytest

from trygg.feeds import services
from trygg.incidents.models import Incident, Source
from trygg.situation.periods import Period
from trygg.situation.picture import build_picture

from .conftest import SIGTUNA_FILE, partner_report

pytestmark = pytest.mark.django_db


def police_count(picture):
    return sum(
        s["count"] for s in picture["overview"]["by_source"] if s["source"] == Source.POLICE_FEED
    )


def test_police_events_are_a_source_of_their_own_shown_per_area(feed_world):
    p = feed_world.p
    services.import_feed(partnership=p, data=SIGTUNA_FILE.read_bytes(), source="file")
    counted = Incident.objects.filter(partnership=p, source=Source.POLICE_FEED).counted()
    busiest = max(
        {i.occurred_date for i in counted},
        key=lambda d: counted.filter(
            occurred_date__gte=d - datetime.timedelta(d.weekday()),
            occurred_date__lte=d + datetime.timedelta(6 - d.weekday()),
        ).count(),
    )
    period = Period.containing("week", busiest)
    in_week = counted.filter(occurred_date__gte=period.start, occurred_date__lte=period.end)
    n = in_week.count()
    picture = build_picture(p, period)
    assert police_count(picture) == n >= 2
    assert sum(row["count"] for row in picture["police_by_area"]) == n
    assert not any(
        point["id"] in set(in_week.values_list("id", flat=True)) for point in picture["points"]
    )

    # A partner reports the same occurrence and the coordinator links them: the week's
    # combined total counts it once.
    police = in_week.first()
    report = partner_report(feed_world, police)
    total_before = build_picture(p, period)["overview"]["total"]
    services.link_to_report(
        actor=feed_world.users["coordinator"], police_incident=police, report=report
    )
    after = build_picture(p, period)
    assert after["overview"]["total"] == total_before - 1
    assert police_count(after) == n - 1
