"""Who sees which incident's details (DESIGN.md §5), through `.visible_to(user, partnership)`."""

import pytest

from trygg.incidents.models import Category, Incident, Label, Source


def make(
    world,
    label,
    organisation,
    description,
    reported_by=None,
    recipients=(),
    partnership=None,
    area=None,
):
    incident = Incident.objects.create(
        partnership=partnership or world.p,
        organisation=organisation,
        reported_by=reported_by,
        source=Source.MANUAL,
        category=Category.objects.get(code="ORDNING.BRAK"),
        occurred_date="2026-11-24",
        reported_at="2026-11-24T12:00:00+01:00",
        area=area or world.area_p,
        description=description,
        label=label,
    )
    incident.recipients.set(recipients)
    return incident


@pytest.fixture
def labelled(world):
    u = world.users
    make(world, Label.CLEAR, world.org_b, "clear-b")
    make(world, Label.GREEN, world.org_b, "green-b")
    make(world, Label.AMBER, world.org_b, "amber-b")
    make(world, Label.AMBER, world.org_a, "amber-a")
    make(world, Label.AMBER_STRICT, world.org_b, "strict-b")
    make(world, Label.AMBER_STRICT, world.org_a, "strict-a")
    make(world, Label.AMBER_STRICT, world.unit_a1, "strict-a1")
    make(
        world,
        Label.RED,
        world.org_b,
        "red-b-to-analyst",
        reported_by=u["other_org_reporter"],
        recipients=[u["analyst"]],
    )
    make(world, Label.RED, world.org_a, "red-a-own", reported_by=u["reporter"])
    make(world, Label.GREEN, world.org_q, "green-q", partnership=world.q, area=world.area_q)
    return world


# Hand-written expectations, one row per subject.
EXPECTED = {
    "reporter": {"clear-b", "green-b", "amber-a", "strict-a", "red-a-own"},
    "coordinator": {"clear-b", "green-b", "amber-a", "amber-b", "strict-a"},
    "analyst": {"clear-b", "green-b", "amber-a", "amber-b", "strict-a", "red-b-to-analyst"},
    "org_admin": {"clear-b", "green-b", "amber-a", "strict-a"},
    "partnership_admin": {"clear-b", "green-b", "amber-a", "strict-a"},
    "viewer": set(),
    "auditor": set(),
    "case_worker": set(),
    # The reporting organisation is the unit on the report, not its parent or siblings.
    "unit_reporter": {"clear-b", "green-b", "strict-a1"},
    "other_org_reporter": {"clear-b", "green-b", "amber-b", "strict-b", "red-b-to-analyst"},
    "other_partnership_coordinator": set(),
    "no_role": set(),
}


@pytest.mark.parametrize("subject", sorted(EXPECTED))
def test_details_visible_to(labelled, subject):
    user = labelled.users[subject]
    seen = set(Incident.objects.visible_to(user, labelled.p).values_list("description", flat=True))
    assert seen == EXPECTED[subject]


def test_nothing_crosses_partnerships(labelled):
    coordinator_q = labelled.users["other_partnership_coordinator"]
    assert list(
        Incident.objects.visible_to(coordinator_q, labelled.q).values_list("description", flat=True)
    ) == ["green-q"]
    # A member of P asking for Q's rows gets nothing: no role there.
    assert not Incident.objects.visible_to(labelled.users["coordinator"], labelled.q).exists()


def test_inactive_membership_sees_nothing(labelled):
    from trygg.core.services import deactivate_membership

    user = labelled.users["coordinator"]
    deactivate_membership(actor=None, membership=user.memberships.get(partnership=labelled.p))
    assert not Incident.objects.visible_to(user, labelled.p).exists()


def test_anonymous_sees_nothing(labelled):
    from django.contrib.auth.models import AnonymousUser

    assert not Incident.objects.visible_to(AnonymousUser(), labelled.p).exists()


def test_the_query_and_the_in_memory_decision_agree(labelled):
    """`visible_to` (a query) and `may_see` (one incident in memory) are one decision."""
    from trygg.incidents.visibility import may_see, membership_for

    incidents = list(Incident.objects.all())
    for name, user in labelled.users.items():
        for partnership in (labelled.p, labelled.q):
            membership = membership_for(user, partnership)
            by_query = set(
                Incident.objects.visible_to(user, partnership).values_list("pk", flat=True)
            )
            in_memory = {i.pk for i in incidents if may_see(user, membership, i)}
            assert by_query == in_memory, (name, partnership.slug)
