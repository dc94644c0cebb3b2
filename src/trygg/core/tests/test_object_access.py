"""The authorization matrix for object URLs: every subject × every incident (TLP label ×
own organisation / other organisation / unit / other partnership) × the URLs that open one
incident. Hand-written from DESIGN.md §5 and the correction rule (the reporter for 7 days,
a coordinator at any time), never derived from the code under test.

Outcomes: 200 the page; 404 the incident is not visible (its existence is not revealed);
403 visible but not changeable (edit, withdraw) or no detail role (the access table);
LOGIN for anonymous.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trygg.incidents.models import Category, Incident, Label, Source

from .access_matrix import DENIED, LOGIN, SUBJECTS
from .test_access_table import outcome_of

# (key, label, organisation attribute of the world, reporter subject, recipients, partnership)
INCIDENTS = [
    ("clear-b", Label.CLEAR, "org_b", "other_org_reporter", (), "p"),
    ("green-b", Label.GREEN, "org_b", "other_org_reporter", (), "p"),
    ("amber-b", Label.AMBER, "org_b", "other_org_reporter", (), "p"),
    ("amber-a", Label.AMBER, "org_a", "reporter", (), "p"),
    ("strict-b", Label.AMBER_STRICT, "org_b", "other_org_reporter", (), "p"),
    ("strict-a", Label.AMBER_STRICT, "org_a", "reporter", (), "p"),
    ("strict-a1", Label.AMBER_STRICT, "unit_a1", "unit_reporter", (), "p"),
    ("red-b", Label.RED, "org_b", "other_org_reporter", ("analyst",), "p"),
    ("red-a", Label.RED, "org_a", "reporter", (), "p"),
    ("green-q", Label.GREEN, "org_q", "other_partnership_coordinator", (), "q"),
]

# Which incidents each subject sees in detail (DESIGN.md §5, the coordinator and analyst
# of organisation A also see other organisations' AMBER; RED only the reporter and the
# named recipients; another partnership's incident is never seen from P, and P's never
# from Q).
SEES = {
    "reporter": {"clear-b", "green-b", "amber-a", "strict-a", "red-a"},
    "coordinator": {"clear-b", "green-b", "amber-b", "amber-a", "strict-a"},
    "analyst": {"clear-b", "green-b", "amber-b", "amber-a", "strict-a", "red-b"},
    "org_admin": {"clear-b", "green-b", "amber-a", "strict-a"},
    "partnership_admin": {"clear-b", "green-b", "amber-a", "strict-a"},
    "unit_reporter": {"clear-b", "green-b", "strict-a1"},
    "other_org_reporter": {"clear-b", "green-b", "amber-b", "strict-b", "red-b"},
    "other_partnership_coordinator": {"green-q"},
}

# Which of those each subject may correct or withdraw: their own reports (within 7 days),
# and every incident a coordinator sees.
CHANGES = {
    "reporter": {"amber-a", "strict-a", "red-a"},
    "coordinator": SEES["coordinator"],
    "analyst": set(),
    "org_admin": set(),
    "partnership_admin": set(),
    "unit_reporter": {"strict-a1"},
    "other_org_reporter": {"clear-b", "green-b", "amber-b", "strict-b", "red-b"},
    "other_partnership_coordinator": {"green-q"},
}

# No detail role: the access table refuses before any incident is looked up.
REFUSED = {"viewer", "auditor", "case_worker", "no_role"}


def expected(subject, url, key):
    if subject == "anonymous":
        return LOGIN
    if subject in REFUSED:
        return DENIED
    if key not in SEES[subject]:
        return 404
    if url == "incidents:detail" or key in CHANGES[subject]:
        return 200
    return DENIED


@pytest.fixture
def incidents(world):
    category = Category.objects.get(code="ORDNING.BRAK")
    pks = {}
    for key, label, org, reporter, recipients, partnership in INCIDENTS:
        incident = Incident.objects.create(
            partnership=getattr(world, partnership),
            organisation=getattr(world, org),
            reported_by=world.users[reporter],
            source=Source.MANUAL,
            category=category,
            occurred_date=timezone.localdate(),
            reported_at=timezone.now(),
            area=world.area_p if partnership == "p" else world.area_q,
            description=f"OBJEKT-{key}",
            label=label,
        )
        incident.recipients.set([world.users[r] for r in recipients])
        pks[key] = incident.pk
    return pks


def test_the_tables_name_every_subject():
    assert set(SEES) | REFUSED | {"anonymous"} == set(SUBJECTS)
    assert all(CHANGES[s] <= SEES[s] for s in SEES)


@pytest.mark.django_db
def test_object_urls_by_subject_and_incident(world, incidents):
    failures = []
    checked = 0
    for subject in SUBJECTS:
        client = Client()
        if subject != "anonymous":
            client.force_login(world.users[subject])
        # A subject working in Q has Q as its current partnership; the others P.
        for url in ("incidents:detail", "incidents:edit", "incidents:withdraw"):
            for key, pk in incidents.items():
                response = client.get(reverse(url, kwargs={"pk": pk}))
                got = outcome_of(response)
                want = expected(subject, url, key)
                checked += 1
                if got != want:
                    failures.append(f"{url} {key} as {subject}: expected {want}, got {got}")
                elif got == 200 and url == "incidents:detail":
                    assert f"OBJEKT-{key}" in response.content.decode()
                    for other in incidents:
                        if other != key and other not in SEES[subject]:
                            assert f"OBJEKT-{other}<" not in response.content.decode()
    assert checked == len(SUBJECTS) * 3 * len(INCIDENTS)
    assert not failures, "\n".join(failures)
