"""The meetings app's demo seed: a weekly series with a history of held meetings, their
decisions and actions, approved minutes, and next week's planned meeting."""

import random
import time

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from trygg.audit.models import AuditEntry
from trygg.core.models import Organisation
from trygg.demo import seed_agreement, seed_meetings, seed_work, services, sigtuna
from trygg.meetings.models import AgendaItemKind, Decision, Meeting, MinutesVersion

pytestmark = pytest.mark.django_db


def small_demo(today):
    result = services.load_demo(seed=3, scale=0.05, years=1, today=today, weekly_work=False)
    orgs = {}
    for key, name, _kind, parent_key, *_rest in sigtuna.ORGANISATIONS:
        orgs[key] = Organisation.objects.get(name=name, parent=orgs.get(parent_key))
    users = {
        local: get_user_model().objects.get(email=f"{local}@{sigtuna.EMAIL_DOMAIN}")
        for local, *_rest in sigtuna.USERS
    }
    for seeder in (seed_agreement, seed_work):
        seeder.seed(
            partnership=result.partnership,
            orgs=orgs,
            users=users,
            today=today,
            rng=random.Random(3),
        )
    return result.partnership, orgs, users


def seed(partnership, orgs, users, today, rng_seed=4):
    return seed_meetings.seed(
        partnership=partnership, orgs=orgs, users=users, today=today, rng=random.Random(rng_seed)
    )


def test_seed_creates_a_history_of_meetings_and_next_weeks_agenda():
    today = timezone.localdate()
    partnership, orgs, users = small_demo(today)

    started = time.perf_counter()
    summary = seed(partnership, orgs, users, today)
    elapsed = time.perf_counter() - started
    print(f"seed_meetings took {elapsed:.1f} s")

    meetings = list(Meeting.objects.filter(partnership=partnership).order_by("starts_at"))
    assert len(meetings) == seed_meetings.HISTORY_WEEKS + 1
    assert all(m.starts_at.isoweekday() == 1 for m in meetings)
    assert all(timezone.localtime(m.starts_at).hour == 13 for m in meetings)
    upcoming, held = meetings[-1], meetings[:-1]
    assert upcoming.status == "planned" and upcoming.starts_at > timezone.now()
    assert upcoming.items.filter(kind=AgendaItemKind.OTHER).exists()  # from the lägesbild
    assert upcoming.items.filter(kind=AgendaItemKind.PARTNER).exists()
    assert all(m.attendance.filter(present=True).exists() for m in held)
    assert MinutesVersion.objects.filter(meeting__in=held).count() == len(held) - 1
    assert held[-1].status == "held" and not held[-1].versions.exists()
    # Decisions created actions, and later meetings followed them up.
    assert Decision.objects.filter(meeting__in=held, action__isnull=False).count() >= len(held)
    assert summary["actions_from_meetings"] >= len(held)
    carried = [m for m in held[1:] if m.items.filter(kind=AgendaItemKind.ACTION).exists()]
    assert carried, "open actions are carried forward"
    assert Decision.objects.filter(meeting__in=held, action__status="done").exists()
    assert AuditEntry.objects.filter(action="meetings.minutes_approve").count() == len(held) - 1
    assert elapsed < 30


class Rollback(Exception):
    pass


def test_seed_is_deterministic():
    from django.db import transaction

    from trygg.meetings.models import Attendance

    today = timezone.localdate()
    partnership, orgs, users = small_demo(today)

    def state():
        return (
            sorted(Decision.objects.values_list("meeting__starts_at", "text")),
            sorted(
                Attendance.objects.values_list("meeting__starts_at", "organisation__name", "people")
            ),
            sorted(Meeting.objects.values_list("starts_at", "items__title")),
        )

    with pytest.raises(Rollback), transaction.atomic():
        seed(partnership, orgs, users, today)
        first = state()
        raise Rollback
    assert not Meeting.objects.exists()
    seed(partnership, orgs, users, today)
    assert first[0] and first == state()
