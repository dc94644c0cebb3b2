"""Users, organisations and roles: written through audited service functions."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from trygg.audit.models import AuditEntry
from trygg.core import services
from trygg.core.models import Membership, Organisation, Role
from trygg.testing import PASSWORD


def test_a_role_needs_the_users_organisation_in_the_partnership(world):
    outsider = services.create_user(actor=None, email="x@q.example", organisation=world.org_q)
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError, match="deltar inte"):
        services.set_membership(actor=None, user=outsider, partnership=world.p, role=Role.VIEWER)
    assert not Membership.objects.filter(user=outsider, partnership=world.p).exists()
    assert AuditEntry.objects.count() == entries


def test_a_unit_takes_part_through_its_parent(world):
    assert world.users["unit_reporter"].memberships.get(partnership=world.p).role == Role.REPORTER


def test_unknown_role_is_refused(world):
    with pytest.raises(ValidationError):
        services.set_membership(
            actor=None, user=world.users["no_role"], partnership=world.p, role="superhero"
        )


def test_e_mail_addresses_are_unique_whatever_the_case(world):
    with pytest.raises(ValidationError, match="redan"):
        services.create_user(actor=None, email="Coordinator@A.example", organisation=world.org_a)


def test_changing_a_role_is_audited_with_the_old_role(world):
    user = world.users["viewer"]
    services.set_membership(
        actor=world.users["org_admin"], user=user, partnership=world.p, role=Role.ANALYST
    )
    entry = AuditEntry.objects.filter(action="membership.set").latest("id")
    assert entry.data["old_role"] == Role.VIEWER and entry.data["role"] == Role.ANALYST
    assert entry.actor_id == world.users["org_admin"].pk


def test_a_deactivated_member_loses_access(world):
    user = world.users["coordinator"]
    client = Client()
    client.force_login(user)
    assert client.get(reverse("incidents:list")).status_code == 200
    services.deactivate_membership(actor=None, membership=user.memberships.get(partnership=world.p))
    assert client.get(reverse("incidents:list")).status_code == 403
    assert AuditEntry.objects.filter(action="membership.deactivate").exists()


def test_a_user_logs_in_with_e_mail_and_password(world):
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": "coordinator@a.example", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    assert AuditEntry.objects.filter(action="login", actor_label="coordinator@a.example").exists()
    response = Client().post(
        reverse("account_login"), {"login": "coordinator@a.example", "password": "fel-lösenord-123"}
    )
    assert response.status_code == 200
    failed = AuditEntry.objects.filter(action="login.failed").latest("id")
    assert failed.data["login"] == "coordinator@a.example"
    assert "fel-lösenord" not in str(failed.data)


def test_top_level_organisation_names_are_unique(world):
    with pytest.raises(ValidationError):
        services.create_organisation(
            actor=None, name="Organisation A", kind=Organisation.Kind.OTHER
        )
