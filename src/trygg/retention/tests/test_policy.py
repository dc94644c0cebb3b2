"""A partnership's retention policy: defaults, who may change it, validation, audit."""

from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from trygg.audit.models import AuditEntry
from trygg.audit.services import verify_all
from trygg.retention import services
from trygg.retention.models import RetentionPolicy


def test_defaults_without_a_stored_policy(world):
    policy = services.policy_for(world.p)
    assert (policy.text_months, policy.tombstone_months, policy.audit_months) == (24, 60, 120)
    assert policy.pk is None


def test_partnership_admin_sets_policy_with_audit(world):
    admin = world.users["partnership_admin"]
    policy = services.set_policy(
        actor=admin, partnership=world.p, text_months=36, tombstone_months=84, audit_months=120
    )
    assert RetentionPolicy.objects.get(partnership=world.p).text_months == 36
    assert services.policy_for(world.p).tombstone_months == 84
    entry = AuditEntry.objects.filter(action="retention.policy").get()
    assert entry.partnership_id == world.p.pk
    assert entry.actor_id == admin.pk
    assert entry.data["before"] is None
    assert entry.data["after"] == {"text_months": 36, "tombstone_months": 84, "audit_months": 120}
    services.set_policy(
        actor=admin, partnership=world.p, text_months=24, tombstone_months=60, audit_months=120
    )
    latest = AuditEntry.objects.filter(action="retention.policy").order_by("seq").last()
    assert latest.data["before"]["text_months"] == 36
    assert policy.pk == RetentionPolicy.objects.get(partnership=world.p).pk
    assert all(r.ok for r in verify_all())


@pytest.mark.parametrize("role", ["coordinator", "analyst", "org_admin", "viewer", "auditor"])
def test_other_roles_may_not_set_policy(world, role):
    with pytest.raises(PermissionDenied):
        services.set_policy(
            actor=world.users[role],
            partnership=world.p,
            text_months=24,
            tombstone_months=60,
            audit_months=120,
        )
    assert not RetentionPolicy.objects.exists()


def test_admin_of_one_partnership_may_not_set_another(world):
    with pytest.raises(PermissionDenied):
        services.set_policy(
            actor=world.users["partnership_admin"],
            partnership=world.q,
            text_months=24,
            tombstone_months=60,
            audit_months=120,
        )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ((5, 60, 120), "text_months"),  # below the analysis windows
        ((24, 12, 120), "tombstone_months"),  # tombstone before texts are cleared
        ((24, 60, 6), "audit_months"),
        ((24, 60, 99999), "audit_months"),
        (("abc", 60, 120), "text_months"),
        ((24.5, 60, 120), "text_months"),
        ((None, 60, 120), "text_months"),
        ((True, 60, 120), "text_months"),
    ],
)
def test_bad_values_are_refused(world, values, field):
    with pytest.raises(ValidationError) as caught:
        services.set_policy(
            actor=None,
            partnership=world.p,
            text_months=values[0],
            tombstone_months=values[1],
            audit_months=values[2],
        )
    assert field in caught.value.message_dict
    assert not RetentionPolicy.objects.exists()
    assert not AuditEntry.objects.filter(action="retention.policy").exists()


def test_policy_command_shows_and_sets(world):
    out = StringIO()
    call_command("retention", "policy", "--partnership", "p", "--text-months", "30", stdout=out)
    assert "p: fritext och exakt plats 30 mån, endast statistik 60 mån" in out.getvalue()
    with pytest.raises(CommandError, match="mellan"):
        call_command("retention", "policy", "--partnership", "p", "--text-months", "1")
    with pytest.raises(CommandError, match="--partnership"):
        call_command("retention", "policy", "--text-months", "30")
    with pytest.raises(CommandError, match="ingen samverkan"):
        call_command("retention", "policy", "--partnership", "nope")
