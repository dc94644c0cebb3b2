"""Who sees which labelled record (action, presence, minutes) in detail, and which a viewer
sees as a summary (DESIGN.md §5), through ``visible_to`` / ``summaries_for``; and that the
in-memory decision ``may_see_record`` agrees with the query for every subject and record."""

import pytest

from trygg.core.models import Membership
from trygg.incidents.models import Label
from trygg.incidents.visibility import may_see_record
from trygg.work.models import Action, ActionType


def make(world, label, organisation, title, created_by, partnership=None):
    return Action.objects.create(
        partnership=partnership or world.p,
        title=title,
        type=ActionType.PRESENCE,
        label=label,
        organisation=organisation,
        created_by=created_by,
    )


@pytest.fixture
def labelled(world):
    u = world.users
    coordinator = u["coordinator"]
    make(world, Label.CLEAR, world.org_b, "clear-b", coordinator)
    make(world, Label.GREEN, world.org_b, "green-b", coordinator)
    make(world, Label.AMBER, world.org_b, "amber-b", coordinator)
    make(world, Label.AMBER, world.org_a, "amber-a", coordinator)
    make(world, Label.AMBER_STRICT, world.org_b, "strict-b", u["other_org_reporter"])
    make(world, Label.AMBER_STRICT, world.org_a, "strict-a", coordinator)
    make(world, Label.AMBER_STRICT, world.unit_a1, "strict-a1", coordinator)
    make(world, Label.RED, world.org_b, "red-b-own", u["other_org_reporter"])
    make(world, Label.RED, world.org_a, "red-a-own", u["reporter"])
    make(
        world,
        Label.GREEN,
        world.org_q,
        "green-q",
        u["other_partnership_coordinator"],
        partnership=world.q,
    )
    return world


# Hand-written expectations: details, one row per subject. RED records have no named
# recipients: only the creator sees them, whatever the role.
DETAILS = {
    "reporter": {"clear-b", "green-b", "amber-a", "strict-a", "red-a-own"},
    "coordinator": {"clear-b", "green-b", "amber-a", "amber-b", "strict-a"},
    "analyst": {"clear-b", "green-b", "amber-a", "amber-b", "strict-a"},
    "org_admin": {"clear-b", "green-b", "amber-a", "strict-a"},
    "partnership_admin": {"clear-b", "green-b", "amber-a", "strict-a"},
    "viewer": set(),
    "auditor": set(),
    "case_worker": set(),
    "unit_reporter": {"clear-b", "green-b", "strict-a1"},
    "other_org_reporter": {"clear-b", "green-b", "amber-b", "strict-b", "red-b-own"},
    "other_partnership_coordinator": set(),
    "no_role": set(),
}

# Summaries: detail roles get what they see in detail; viewers the CLEAR/GREEN records of
# their partnership; nobody else anything.
SUMMARIES = {**DETAILS, "viewer": {"clear-b", "green-b"}}


@pytest.mark.parametrize("subject", sorted(DETAILS))
def test_details_visible_to(labelled, subject):
    user = labelled.users[subject]
    seen = set(Action.objects.visible_to(user, labelled.p).values_list("title", flat=True))
    assert seen == DETAILS[subject]


@pytest.mark.parametrize("subject", sorted(SUMMARIES))
def test_summaries_for(labelled, subject):
    user = labelled.users[subject]
    seen = set(Action.objects.summaries_for(user, labelled.p).values_list("title", flat=True))
    assert seen == SUMMARIES[subject]


@pytest.mark.django_db
def test_the_other_partnership_sees_its_own_records_only(labelled):
    user = labelled.users["other_partnership_coordinator"]
    seen = set(Action.objects.visible_to(user, labelled.q).values_list("title", flat=True))
    assert seen == {"green-q"}


@pytest.mark.parametrize("subject", sorted(DETAILS))
def test_may_see_record_agrees_with_the_query(labelled, subject):
    user = labelled.users[subject]
    membership = Membership.objects.filter(
        user=user, partnership=labelled.p, is_active=True
    ).first()
    visible = set(Action.objects.visible_to(user, labelled.p).values_list("pk", flat=True))
    for action in Action.objects.all():
        assert may_see_record(user, membership, action) == (action.pk in visible), (
            f"{subject} / {action.title}"
        )
