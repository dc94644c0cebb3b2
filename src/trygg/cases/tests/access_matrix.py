"""This app's rows of the hand-written access matrix (see trygg.core.tests.access_matrix).

Written by hand from DESIGN.md §2 and §5: the person track is the case workers' only.
Every case URL refuses every other role (403) before a case is looked up, and Q's
coordinator too; the test world's case worker (organisation A) owns the marker case, so
the case pages answer 200 (the case page first asks for the purpose of the read), and
the POST-only ones 405 on GET. The anonymous counts are for the coordinators, analysts,
viewers, partnership admins and case workers (Q's coordinator sees Q's).

The organisation × consent state dimension (another organisation's case worker on the
team under no, a valid, an expired or a withdrawn consent) is in ``test_access.py``.
"""

import datetime as dt

from trygg.core.tests.access_matrix import DENIED, LOGIN, row

MARKER_NAME = "Markör Matrissson"
MARKER_PNR = "199903034479"


def _case():
    from trygg.cases.crypto import blind_index
    from trygg.cases.models import CaseIdentity

    identity = CaseIdentity.objects.select_related("case").get(
        personnummer_index=blind_index(identity_partnership(), MARKER_PNR)
    )
    return identity.case


def identity_partnership():
    from trygg.core.models import Partnership

    return Partnership.objects.get(slug="p").pk


class CasePk:
    def __str__(self):
        return str(_case().pk)


class RelatedPk:
    def __init__(self, relation):
        self.relation = relation

    def __str__(self):
        return str(getattr(_case(), self.relation).first().pk)


CASE = {"pk": CasePk()}

CASE_WORKER_ONLY = row(
    LOGIN,
    reporter=DENIED,
    coordinator=DENIED,
    analyst=DENIED,
    org_admin=DENIED,
    partnership_admin=DENIED,
    viewer=DENIED,
    auditor=DENIED,
    case_worker=200,
    unit_reporter=DENIED,
    other_org_reporter=DENIED,
    other_partnership_coordinator=DENIED,
    no_role=DENIED,
)
CASE_WORKER_POST_ONLY = {**CASE_WORKER_ONLY, "case_worker": 405}
CASE_WORKER_REDIRECT = {**CASE_WORKER_ONLY, "case_worker": 302}
STATISTICS = row(
    LOGIN,
    reporter=DENIED,
    coordinator=200,
    analyst=200,
    org_admin=DENIED,
    partnership_admin=200,
    viewer=200,
    auditor=DENIED,
    case_worker=200,
    unit_reporter=DENIED,
    other_org_reporter=DENIED,
    other_partnership_coordinator=200,
    no_role=DENIED,
)

EXPECTED = {
    "cases:list": ({}, CASE_WORKER_ONLY),
    "cases:create": ({}, CASE_WORKER_ONLY),
    "cases:statistics": ({}, STATISTICS),
    "cases:detail": (CASE, CASE_WORKER_ONLY),
    "cases:purpose": (CASE, CASE_WORKER_REDIRECT),
    "cases:stage": (CASE, CASE_WORKER_POST_ONLY),
    "cases:team": (CASE, CASE_WORKER_ONLY),
    "cases:team_remove": (
        {"pk": CasePk(), "member_pk": RelatedPk("team")},
        CASE_WORKER_POST_ONLY,
    ),
    "cases:consent": (CASE, CASE_WORKER_ONLY),
    "cases:consent_withdraw": (
        {"pk": CasePk(), "consent_pk": RelatedPk("consents")},
        CASE_WORKER_POST_ONLY,
    ),
    "cases:reference": (CASE, CASE_WORKER_ONLY),
    "cases:commitment": (CASE, CASE_WORKER_ONLY),
    "cases:commitment_status": (
        {"pk": CasePk(), "commitment_pk": RelatedPk("commitments")},
        CASE_WORKER_POST_ONLY,
    ),
    "cases:meeting": (CASE, CASE_WORKER_ONLY),
    "cases:assessment": (CASE, CASE_WORKER_ONLY),
    "cases:follow_up": (CASE, CASE_WORKER_ONLY),
    "cases:follow_up_done": (
        {"pk": CasePk(), "follow_up_pk": RelatedPk("follow_ups")},
        CASE_WORKER_POST_ONLY,
    ),
    "cases:close": (CASE, CASE_WORKER_ONLY),
    "cases:export": (CASE, CASE_WORKER_ONLY),
    "cases:export_pdf": (CASE, CASE_WORKER_ONLY),
}


def setup_matrix(world):
    from django.utils import timezone

    from trygg.cases import services

    owner = world.users["case_worker"]
    today = timezone.localdate()
    case = services.create_case(
        actor=owner,
        partnership=world.p,
        programme="sspf",
        name=MARKER_NAME,
        personnummer=MARKER_PNR,
    )
    services.record_consent(
        actor=owner,
        case=case,
        given_by="person",
        given_on=today,
        expires_on=today + dt.timedelta(days=90),
        organisations=[world.org_a, world.org_b],
        scope=["plan"],
    )
    services.add_commitment(
        actor=owner, case=case, sector="school", organisation=world.org_b, description="Mentor"
    )
    services.add_follow_up(actor=owner, case=case, due_on=today, what="Närvaro i skolan")
