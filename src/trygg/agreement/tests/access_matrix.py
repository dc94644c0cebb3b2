"""This app's rows of the hand-written access matrix (see trygg.core.tests.access_matrix).

``EXPECTED``: url name -> (kwargs for reverse, expected outcomes for GET).
``setup_matrix(world)`` creates the objects the rows need in the test world.

Written by hand from DESIGN.md §2 and §5 and issue 8: every detail role and viewers read
agreements, indicators and the annual report (viewers only once it is approved: the PDF
of a draft is 404 for them); auditors and case workers none of it. Coordinators and
partnership admins write the agreement; the annual report's texts, approval and
reopening are the coordinator's (POST only: a GET is sent back to the report, 302).
Q's coordinator gets 404 for P's objects and its own partnership's pages otherwise.
"""

import datetime as dt

from trygg.core.tests.access_matrix import DENIED, LOGIN, row

TITLE = "MARKÖR-ÖVERENSKOMMELSE-P"
INDICATOR = "MARKÖR-INDIKATOR-P"
COMMITMENT = "MARKÖR-ÅTAGANDE-P"
PROMISE = "MARKÖR-LÖFTE-P"
YEAR = {"year": 2025}


class _Pk:
    def __init__(self, model, **lookup):
        self.model, self.lookup = model, lookup

    def __str__(self):
        from django.apps import apps

        return str(apps.get_model("agreement", self.model).objects.get(**self.lookup).pk)


AGREEMENT = {"pk": _Pk("Agreement", title=TITLE)}
AGREEMENT_REF = {"agreement_pk": _Pk("Agreement", title=TITLE)}
PRIORITY = {"pk": _Pk("Priority", agreement__title=TITLE)}
PRIORITY_REF = {"priority_pk": _Pk("Priority", agreement__title=TITLE)}
GOAL = {"pk": _Pk("Goal", priority__agreement__title=TITLE)}
GOAL_REF = {"goal_pk": _Pk("Goal", priority__agreement__title=TITLE)}
INDICATOR_PK = {"pk": _Pk("Indicator", name=INDICATOR)}
COMMITMENT_PK = {"pk": _Pk("Commitment", title=COMMITMENT)}
PROMISE_PK = {"pk": _Pk("Promise", title=PROMISE)}

READ_200 = row(
    LOGIN,
    reporter=200,
    coordinator=200,
    analyst=200,
    org_admin=200,
    partnership_admin=200,
    viewer=200,
    auditor=DENIED,
    case_worker=DENIED,
    unit_reporter=200,
    other_org_reporter=200,
    other_partnership_coordinator=200,
    no_role=DENIED,
)
READ_OBJECT = {**READ_200, "other_partnership_coordinator": 404}
# A draft annual report's PDF: viewers see approved reports only.
ANNUAL_PDF_DRAFT = {**READ_200, "viewer": 404}
WRITE_200 = row(
    LOGIN,
    reporter=DENIED,
    coordinator=200,
    analyst=DENIED,
    org_admin=DENIED,
    partnership_admin=200,
    viewer=DENIED,
    auditor=DENIED,
    case_worker=DENIED,
    unit_reporter=DENIED,
    other_org_reporter=DENIED,
    other_partnership_coordinator=200,
    no_role=DENIED,
)
WRITE_OBJECT = {**WRITE_200, "other_partnership_coordinator": 404}
WRITE_POST_ONLY = {s: (302 if v == 200 else v) for s, v in WRITE_200.items()}
COORDINATOR_POST_ONLY = {**WRITE_POST_ONLY, "partnership_admin": DENIED}

EXPECTED = {
    "agreement:overview": ({}, READ_200),
    "agreement:detail": (AGREEMENT, READ_OBJECT),
    "agreement:indicator": (INDICATOR_PK, READ_OBJECT),
    "agreement:agreement_create": ({}, WRITE_200),
    "agreement:agreement_edit": (AGREEMENT, WRITE_OBJECT),
    "agreement:priority_create": (AGREEMENT_REF, WRITE_OBJECT),
    "agreement:priority_edit": (PRIORITY, WRITE_OBJECT),
    "agreement:goal_create": (PRIORITY_REF, WRITE_OBJECT),
    "agreement:goal_edit": (GOAL, WRITE_OBJECT),
    "agreement:indicator_create": (GOAL_REF, WRITE_OBJECT),
    "agreement:indicator_edit": (INDICATOR_PK, WRITE_OBJECT),
    "agreement:commitment_create": (AGREEMENT_REF, WRITE_OBJECT),
    "agreement:commitment_edit": (COMMITMENT_PK, WRITE_OBJECT),
    "agreement:commitment_note": (COMMITMENT_PK, WRITE_OBJECT),
    "agreement:promise_create": (AGREEMENT_REF, WRITE_OBJECT),
    "agreement:promise_edit": (PROMISE_PK, WRITE_OBJECT),
    "agreement:promise_note": (PROMISE_PK, WRITE_OBJECT),
    "agreement:population": ({}, WRITE_200),
    "agreement:population_import": ({}, WRITE_POST_ONLY),
    "agreement:annual": (YEAR, READ_200),
    "agreement:annual_pdf": (YEAR, ANNUAL_PDF_DRAFT),
    "agreement:annual_texts": (YEAR, COORDINATOR_POST_ONLY),
    "agreement:annual_approve": (YEAR, COORDINATOR_POST_ONLY),
    "agreement:annual_reopen": (YEAR, COORDINATOR_POST_ONLY),
}


def setup_matrix(world):
    """P's agreement with one priority, goal, manual indicator, commitment and promise."""
    from trygg.agreement.models import (
        Agreement,
        Commitment,
        Goal,
        Indicator,
        Priority,
        Promise,
    )

    agreement = Agreement.objects.create(
        partnership=world.p, title=TITLE, start=dt.date(2025, 1, 1), end=dt.date(2026, 12, 31)
    )
    agreement.parties.set([world.org_a, world.org_b])
    priority = Priority.objects.create(agreement=agreement, number=1, title="Prioritet")
    goal = Goal.objects.create(priority=priority, title="Mål")
    Indicator.objects.create(
        goal=goal, name=INDICATOR, kind="manual", unit="andel, %", resolution="year"
    )
    Commitment.objects.create(agreement=agreement, organisation=world.org_a, title=COMMITMENT)
    Promise.objects.create(agreement=agreement, title=PROMISE)
