"""The person track's demo seed: cases in both programmes, consents in every state."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from trygg.cases import policy
from trygg.cases.models import Case, Stage
from trygg.core.models import Organisation
from trygg.demo import seed_cases, services, sigtuna

pytestmark = pytest.mark.django_db


def test_seed_creates_cases_in_both_programmes_with_consents_in_every_state():
    today = timezone.localdate()
    result = services.load_demo(seed=3, scale=0.02, years=1, today=today, weekly_work=False)
    orgs = {}
    for key, name, _kind, parent_key, *_rest in sigtuna.ORGANISATIONS:
        orgs[key] = Organisation.objects.get(name=name, parent=orgs.get(parent_key))
    users = {
        local: get_user_model().objects.get(email=f"{local}@{sigtuna.EMAIL_DOMAIN}")
        for local, *_rest in sigtuna.USERS
    }
    partnership = result.partnership
    summary = seed_cases.seed(partnership=partnership, orgs=orgs, users=users, today=today)
    cases = Case.objects.filter(partnership=partnership)
    assert summary["cases"] == cases.count() == len(seed_cases.CASES)
    assert set(cases.values_list("programme", flat=True)) == {"sspf", "exit"}
    assert cases.filter(stage=Stage.CLOSED).count() == 2
    states = {c.state_on(today) for case in cases for c in case.consents.all()}
    assert states == {"valid", "expired", "withdrawn"}
    assert cases.filter(consents__isnull=True).exists()
    school = users["handlaggare.skolor"]
    seen = set(policy.visible_cases(school, partnership).values_list("programme", flat=True))
    assert seen == {"sspf"}  # the valid SSPF cases only
    assert policy.visible_cases(users["handlaggare"], partnership).count() == cases.count()
