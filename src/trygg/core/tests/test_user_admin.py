"""User and organisation administration (issue 7 §1): scope, roles, audit, invitations."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from trygg.audit.models import AuditEntry
from trygg.core import admin_services
from trygg.core.models import Membership, Organisation, Participation, Role

User = get_user_model()


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def membership(user, partnership):
    return Membership.objects.get(user=user, partnership=partnership)


def snapshot():
    """Everything an administration write would change (logins are audited too: left out)."""
    return (
        AuditEntry.objects.exclude(action="login").count(),
        User.objects.count(),
        sorted(Membership.objects.values_list("pk", "role", "is_active")),
        Organisation.objects.count(),
        Participation.objects.count(),
        len(mail.outbox),
    )


INVITE = {
    "email": "Ny.Person@A.example",
    "first_name": "Nina",
    "last_name": "Nyberg",
    "role": "reporter",
}


# The list


def test_org_admin_sees_own_organisation_and_units_only(world):
    body = client_for(world.users["org_admin"]).get(reverse("user_admin:users")).content.decode()
    assert "reporter@a.example" in body and "reporter@a1.example" in body
    assert "reporter@b.example" not in body
    assert "coordinator@q.example" not in body
    assert "norole@a.example" not in body  # no role in P


def test_partnership_admin_sees_every_organisation_of_the_partnership(world):
    client = client_for(world.users["partnership_admin"])
    body = client.get(reverse("user_admin:users")).content.decode()
    assert "reporter@a.example" in body and "reporter@b.example" in body
    assert "coordinator@q.example" not in body and "Samverkan Q" not in body


# Inviting


def test_invite_creates_the_user_audits_and_mails_a_link_without_password(
    world, django_capture_on_commit_callbacks
):
    admin = world.users["org_admin"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin).post(
            reverse("user_admin:invite"), {**INVITE, "organisation": world.unit_a1.pk}
        )
    assert response.status_code == 302 and response.url == reverse("user_admin:users")
    user = User.objects.get(email="ny.person@a.example")
    assert user.organisation == world.unit_a1 and not user.has_usable_password()
    assert user.get_full_name() == "Nina Nyberg"
    assert membership(user, world.p).role == Role.REPORTER

    entries = AuditEntry.objects.filter(actor_id=admin.pk).order_by("seq")
    by_action = {e.action: e for e in entries}
    assert {"user.create", "membership.set", "user.invite"} <= set(by_action)
    assert by_action["user.invite"].data == {
        "email": "ny.person@a.example",
        "role": "reporter",
        "existing_account": False,
    }
    assert by_action["user.invite"].partnership_id == world.p.pk
    assert by_action["membership.set"].data["role"] == "reporter"

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ny.person@a.example"]
    links = re.findall(r"https?://\S+", message.body)
    assert len(links) == 1 and "/konto/password/reset/key/" in links[0]
    assert "lösenord" in message.body.lower() and "Samverkan P" in message.body
    assert "password" not in {k.lower() for k in message.body.split()}

    # The link lets the invited user choose a password (allauth's reset flow).
    path = links[0].split("://", 1)[1].split("/", 1)[1]
    visitor = Client()
    page = visitor.get("/" + path, follow=True)
    assert page.status_code == 200
    done = visitor.post(
        page.redirect_chain[-1][0] if page.redirect_chain else "/" + path,
        {"password1": "ett-nytt-långt-lösenord-42", "password2": "ett-nytt-långt-lösenord-42"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("ett-nytt-långt-lösenord-42")


def test_duplicate_email_is_refused_next_to_the_field_and_nothing_changes(world):
    before = snapshot()
    response = client_for(world.users["org_admin"]).post(
        reverse("user_admin:invite"),
        {**INVITE, "email": "REPORTER@a.example", "organisation": world.org_a.pk},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "error-summary" in body
    assert 'id="id_email_error"' in body
    assert "Användaren har redan en roll i den här samverkan." in body
    assert snapshot() == before


def test_org_admin_may_not_grant_partnership_admin_or_auditor(world):
    client = client_for(world.users["org_admin"])
    form = client.get(reverse("user_admin:invite")).content.decode()
    assert 'value="partnership_admin"' not in form and 'value="auditor"' not in form
    assert 'value="org_admin"' in form
    before = snapshot()
    for role in ("partnership_admin", "auditor"):
        response = client.post(
            reverse("user_admin:invite"), {**INVITE, "organisation": world.org_a.pk, "role": role}
        )
        assert 'id="id_role_error"' in response.content.decode()
    assert snapshot() == before
    # The rule holds in the service too, whatever the form offers.
    with pytest.raises(Exception, match="ge den här rollen"):
        admin_services.invite_user(
            actor=world.users["org_admin"],
            partnership=world.p,
            organisation=world.org_a,
            role=Role.AUDITOR,
            **{k: v for k, v in INVITE.items() if k != "role"},
        )
    assert snapshot() == before


def test_partnership_admin_may_grant_every_role_in_any_organisation(world):
    client = client_for(world.users["partnership_admin"])
    response = client.post(
        reverse("user_admin:invite"),
        {**INVITE, "organisation": world.org_b.pk, "role": "auditor"},
    )
    assert response.status_code == 302
    user = User.objects.get(email="ny.person@a.example")
    assert user.organisation == world.org_b and membership(user, world.p).role == Role.AUDITOR


def test_an_existing_account_of_the_same_organisation_gets_a_role_and_a_notice(
    world, django_capture_on_commit_callbacks
):
    """A police officer who already works in partnership Q is invited to P as well."""
    officer = world.users["other_partnership_coordinator"]  # organisation Q, role in Q
    Participation.objects.create(partnership=world.p, organisation=world.org_q)
    admin = world.users["partnership_admin"]
    before_users = User.objects.count()
    client = client_for(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("user_admin:invite"),
            {**INVITE, "email": officer.email.upper(), "organisation": world.org_q.pk},
        )
    assert response.status_code == 302
    assert User.objects.count() == before_users
    assert membership(officer, world.p).role == Role.REPORTER
    assert membership(officer, world.q).role == Role.COORDINATOR
    officer.refresh_from_db()
    assert officer.has_usable_password() and officer.organisation == world.org_q
    entry = AuditEntry.objects.filter(action="user.invite", actor_id=admin.pk).get()
    assert entry.data["existing_account"] is True
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Samverkan P" in mail.outbox[0].subject
    assert "/konto/login/" in body and "/konto/password/reset/key/" not in body
    shown = client.get(response.url).content.decode()
    assert "har redan ett konto och har nu en roll i Samverkan P" in shown


@pytest.mark.parametrize(
    "email, organisation, message",
    [
        ("coordinator@q.example", "org_a", "i en annan organisation"),
        ("reporter@a.example", "org_a", "har redan en roll i den här samverkan"),
    ],
    ids=["other organisation", "already a member"],
)
def test_an_existing_account_that_cannot_be_invited_is_refused_with_a_reason(
    world, email, organisation, message
):
    before = snapshot()
    response = client_for(world.users["partnership_admin"]).post(
        reverse("user_admin:invite"),
        {**INVITE, "email": email, "organisation": getattr(world, organisation).pk},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_email_error"' in page and message in page
    assert snapshot() == before
    assert not mail.outbox


def test_org_admin_may_not_invite_into_another_organisation(world):
    before = snapshot()
    response = client_for(world.users["org_admin"]).post(
        reverse("user_admin:invite"), {**INVITE, "organisation": world.org_b.pk}
    )
    assert 'id="id_organisation_error"' in response.content.decode()
    assert snapshot() == before


# Changing roles, deactivating, reactivating


def test_change_role_is_audited_with_the_old_role(world):
    admin = world.users["org_admin"]
    target = membership(world.users["reporter"], world.p)
    client = client_for(admin)
    response = client.post(
        reverse("user_admin:role", kwargs={"pk": target.pk}), {"role": "analyst"}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role == Role.ANALYST
    shown = client.get(response.url).content.decode()
    assert "reporter@a.example har nu rollen analytiker." in shown
    entry = AuditEntry.objects.filter(action="membership.set", actor_id=admin.pk).get()
    assert entry.data["role"] == "analyst" and entry.data["old_role"] == "reporter"
    assert entry.partnership_id == world.p.pk


def test_org_admin_may_not_change_a_partnership_admin_or_give_auditor(world):
    client = client_for(world.users["org_admin"])
    before = snapshot()
    pa = membership(world.users["partnership_admin"], world.p)
    response = client.post(reverse("user_admin:role", kwargs={"pk": pa.pk}), {"role": "reporter"})
    assert "Du får inte ändra en användare med den här rollen." in response.content.decode()
    response = client.post(reverse("user_admin:deactivate", kwargs={"pk": pa.pk}), follow=True)
    assert "Du får inte ändra en användare med den här rollen." in response.content.decode()
    reporter = membership(world.users["reporter"], world.p)
    response = client.post(
        reverse("user_admin:role", kwargs={"pk": reporter.pk}), {"role": "auditor"}
    )
    assert 'id="id_role_error"' in response.content.decode()
    assert snapshot() == before


def test_deactivate_and_reactivate_are_audited(world):
    admin = world.users["org_admin"]
    client = client_for(admin)
    target = membership(world.users["unit_reporter"], world.p)
    assert client.get(reverse("user_admin:deactivate", kwargs={"pk": target.pk})).status_code == 200
    response = client.post(reverse("user_admin:deactivate", kwargs={"pk": target.pk}))
    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    entry = AuditEntry.objects.get(action="membership.deactivate", actor_id=admin.pk)
    assert entry.data == {"user_id": target.user_id, "role": "reporter"}

    listing = client.get(reverse("user_admin:users")).content.decode()
    assert "inaktiverad" in listing
    response = client.post(reverse("user_admin:reactivate", kwargs={"pk": target.pk}))
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.is_active and target.role == Role.REPORTER
    entry = AuditEntry.objects.get(action="membership.set", actor_id=admin.pk)
    assert entry.data["user_id"] == target.user_id and entry.data["role"] == "reporter"


def test_self_role_change_and_self_deactivation_are_refused(world):
    for role in ("org_admin", "partnership_admin"):
        admin = world.users[role]
        own = membership(admin, world.p)
        client = client_for(admin)
        before = snapshot()
        response = client.post(reverse("user_admin:deactivate", kwargs={"pk": own.pk}), follow=True)
        assert "Du kan inte ändra din egen roll eller inaktivera dig själv." in (
            response.content.decode()
        )
        response = client.post(
            reverse("user_admin:role", kwargs={"pk": own.pk}), {"role": "reporter"}
        )
        assert "Du kan inte ändra din egen roll" in response.content.decode()
        assert snapshot() == before
        assert membership(admin, world.p).is_active and membership(admin, world.p).role == role


def test_other_organisations_and_partnerships_are_404(world):
    before = snapshot()
    other_org = membership(world.users["other_org_reporter"], world.p)
    other_partnership = membership(world.users["other_partnership_coordinator"], world.q)
    cases = [
        ("org_admin", other_org),
        ("org_admin", other_partnership),
        ("partnership_admin", other_partnership),
    ]
    for role, target in cases:
        client = client_for(world.users[role])
        for name in ("role", "deactivate", "reactivate"):
            url = reverse(f"user_admin:{name}", kwargs={"pk": target.pk})
            assert client.post(url, {"role": "reporter"}).status_code == 404, (role, name)
    assert snapshot() == before


# Organisations


def test_org_admin_has_no_organisation_pages(world):
    client = client_for(world.users["org_admin"])
    assert client.get(reverse("user_admin:organisations")).status_code == 403
    before = snapshot()
    response = client.post(
        reverse("user_admin:organisation_create"), {"name": "Ny", "kind": "polis"}
    )
    assert response.status_code == 403 and snapshot() == before


def test_create_a_new_organisation_in_the_partnership(world):
    admin = world.users["partnership_admin"]
    client = client_for(admin)
    response = client.post(
        reverse("user_admin:organisation_create"),
        {"name": "Lokalpolisområde Märsta", "kind": "polis"},
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Lokalpolisområde Märsta")
    assert organisation.kind == "polis"
    assert Participation.objects.filter(partnership=world.p, organisation=organisation).exists()
    actions = set(AuditEntry.objects.filter(actor_id=admin.pk).values_list("action", flat=True))
    assert {"organisation.create", "partnership.add_organisation"} <= actions
    listing = client.get(reverse("user_admin:organisations")).content.decode()
    assert "Lokalpolisområde Märsta" in listing and "Organisation Q" not in listing


def test_duplicate_organisation_name_and_system_kind_are_refused(world):
    client = client_for(world.users["partnership_admin"])
    before = snapshot()
    response = client.post(
        reverse("user_admin:organisation_create"), {"name": "organisation q", "kind": "kommun"}
    )
    body = response.content.decode()
    assert 'id="id_name_error"' in body and "Det finns redan en organisation" in body
    response = client.post(
        reverse("user_admin:organisation_create"), {"name": "Ny", "kind": "system"}
    )
    assert 'id="id_kind_error"' in response.content.decode()
    assert snapshot() == before


def test_add_an_existing_organisation_to_the_partnership(world):
    admin = world.users["partnership_admin"]
    client = client_for(admin)
    form = client.get(reverse("user_admin:organisation_join")).content.decode()
    assert "Organisation Q" in form and "Organisation B" not in form
    response = client.post(
        reverse("user_admin:organisation_join"), {"organisation": world.org_q.pk}
    )
    assert response.status_code == 302
    assert Participation.objects.filter(partnership=world.p, organisation=world.org_q).exists()
    entry = AuditEntry.objects.get(action="partnership.add_organisation", actor_id=admin.pk)
    assert entry.partnership_id == world.p.pk and entry.data == {"organisation": "Organisation Q"}
    # Already taking part: no longer offered.
    before = snapshot()
    response = client.post(
        reverse("user_admin:organisation_join"), {"organisation": world.org_q.pk}
    )
    assert response.status_code == 200 and snapshot() == before


def test_add_a_unit_under_a_participating_organisation(world):
    admin = world.users["partnership_admin"]
    client = client_for(admin)
    response = client.post(
        reverse("user_admin:unit_create"),
        {"parent": world.org_b.pk, "name": "Område Norr", "kind": "bostadsbolag"},
    )
    assert response.status_code == 302
    unit = Organisation.objects.get(name="Område Norr")
    assert unit.parent == world.org_b
    entry = AuditEntry.objects.get(action="partnership.add_unit", actor_id=admin.pk)
    assert entry.partnership_id == world.p.pk and entry.data["parent_id"] == world.org_b.pk
    assert AuditEntry.objects.filter(action="organisation.create", actor_id=admin.pk).exists()
    # The same name twice, or a parent outside the partnership: refused, nothing changes.
    before = snapshot()
    again = client.post(
        reverse("user_admin:unit_create"),
        {"parent": world.org_b.pk, "name": "område norr", "kind": "bostadsbolag"},
    )
    assert 'id="id_name_error"' in again.content.decode()
    outside = client.post(
        reverse("user_admin:unit_create"),
        {"parent": world.org_q.pk, "name": "X", "kind": "kommun"},
    )
    assert 'id="id_parent_error"' in outside.content.decode()
    assert snapshot() == before
