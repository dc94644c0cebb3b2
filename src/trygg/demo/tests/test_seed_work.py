"""The work app's demo seed: actions, presence and evaluations in a small demo."""

import random

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from trygg.audit.models import AuditEntry
from trygg.core.models import Organisation
from trygg.demo import seed_work, services, sigtuna
from trygg.work.models import Action, ActionEvaluation, Presence

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
    return result.partnership, orgs, users


def test_seed_creates_actions_presence_and_evaluations():
    today = timezone.localdate()
    partnership, orgs, users = small_demo(today)
    summary = seed_work.seed(
        partnership=partnership, orgs=orgs, users=users, today=today, rng=random.Random(8)
    )
    actions = Action.objects.filter(partnership=partnership)
    assert 35 <= actions.count() <= 45
    assert actions.overdue(today).exists()
    assert actions.filter(status="done").exclude(outcome="").exists()
    assert set(actions.values_list("type", flat=True)) >= {"presence", "environment", "inspection"}
    # Planned police presence is sensitive.
    assert not actions.filter(type="presence", organisation=orgs["polis"], label="GREEN").exists()
    presence = Presence.objects.filter(partnership=partnership)
    assert presence.filter(status="performed").count() > 100
    assert presence.filter(status="planned", starts_at__gt=timezone.now()).exists()
    assert not presence.filter(kind="police_patrol").exclude(label="AMBER").exists()
    assert ActionEvaluation.objects.filter(action__partnership=partnership).count() >= 2
    assert summary["evaluations"] >= 2
    assert AuditEntry.objects.filter(action="work.action_create").count() == actions.count()


def test_seed_is_deterministic():
    today = timezone.localdate()
    partnership, orgs, users = small_demo(today)
    seed_work.seed(
        partnership=partnership, orgs=orgs, users=users, today=today, rng=random.Random(8)
    )
    first = sorted(
        Action.objects.filter(partnership=partnership).values_list("title", "start", "status")
    )
    hours = sorted(Presence.objects.values_list("area__name", "starts_at", "status"))
    Presence.objects.all().delete()
    ActionEvaluation.objects.all().delete()
    Action.objects.all().delete()
    seed_work.seed(
        partnership=partnership, orgs=orgs, users=users, today=today, rng=random.Random(8)
    )
    assert first == sorted(
        Action.objects.filter(partnership=partnership).values_list("title", "start", "status")
    )
    assert hours == sorted(Presence.objects.values_list("area__name", "starts_at", "status"))
