"""The person track's test world: P's case worker (organisation A, the owner), a case
worker of organisation B, and cases with consents in every state."""

import datetime as dt

import pytest
from django.utils import timezone

from trygg.cases import services
from trygg.cases.models import ConsentGiver, Programme, ShareScope
from trygg.core import services as core
from trygg.core.models import Role
from trygg.testing import PASSWORD

NAME = "Testperson Hemligsson"
PNR = "201001012382"  # fictitious, valid check digit
PNR_10 = "100101-2382"


def valid_pnr(prefix="20100101", serial="238"):
    """A personnummer with a valid check digit (prefix CCYYMMDD, three digits)."""
    digits = prefix[2:] + serial
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return prefix + serial + str((10 - total % 10) % 10)


@pytest.fixture
def cases_world(world):
    world.users["case_worker_b"] = core.create_user(
        actor=None, email="case_worker@b.example", organisation=world.org_b, password=PASSWORD
    )
    core.set_membership(
        actor=None, user=world.users["case_worker_b"], partnership=world.p, role=Role.CASE_WORKER
    )
    world.today = timezone.localdate()
    return world


def make_case(world, *, name=NAME, pnr=PNR, programme=Programme.SSPF, with_b=True):
    owner = world.users["case_worker"]
    case = services.create_case(
        actor=owner,
        partnership=world.p,
        programme=programme,
        name=name,
        personnummer=pnr,
        background="Oro från skolan.",
    )
    if with_b:
        services.add_team_member(actor=owner, case=case, user=world.users["case_worker_b"])
    return case


def give_consent(world, case, *, state="valid", scope=tuple(ShareScope.values)):
    owner = world.users["case_worker"]
    today = world.today
    given, expires = today - dt.timedelta(days=30), today + dt.timedelta(days=300)
    if state == "expired":
        given, expires = today - dt.timedelta(days=400), today - dt.timedelta(days=1)
    consent = services.record_consent(
        actor=owner,
        case=case,
        given_by=ConsentGiver.GUARDIANS,
        given_on=given,
        expires_on=expires,
        organisations=[world.org_a, world.org_b],
        scope=list(scope),
    )
    if state == "withdrawn":
        services.withdraw_consent(actor=owner, consent=consent)
    return consent
