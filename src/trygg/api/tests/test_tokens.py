"""API tokens: stored as a digest only, acting as their organisation, revocable."""

import hashlib

import pytest
from django.core.exceptions import ValidationError

from trygg.api.models import ApiToken
from trygg.api.services import create_token, revoke_token
from trygg.audit.models import AuditEntry
from trygg.core.models import Membership, Role
from trygg.incidents.models import Incident

from .conftest import ApiClient, incident_payload, make_token


def test_only_the_digest_is_stored_never_the_plaintext(world):
    token, plaintext = make_token(world)
    assert plaintext.startswith("tc_") and len(plaintext) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == hashlib.sha256(plaintext.encode()).hexdigest()
    assert stored.prefix == plaintext[:8]
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert not any(plaintext in str(value) for value in row.values())
    entry = AuditEntry.objects.get(action="api_token.create")
    assert plaintext not in str(entry.data) and entry.data["prefix"] == stored.prefix


def test_the_service_user_cannot_log_in_and_reports_for_the_organisation(world):
    token, _ = make_token(world)
    user = token.service_user
    assert not user.is_active and not user.has_usable_password()
    assert user.email == f"api-token-{token.pk}@tokens.invalid"
    assert user.organisation == world.org_a
    assert Membership.objects.get(user=user, partnership=world.p).role == Role.REPORTER


@pytest.mark.parametrize("subject", ["reporter", "coordinator", "viewer", "other_org_reporter"])
def test_only_admins_create_tokens(world, subject):
    with pytest.raises(ValidationError):
        create_token(
            actor=world.users[subject],
            partnership=world.p,
            organisation=world.org_a,
            name="x",
            scope="read",
        )
    assert not ApiToken.objects.exists()


def test_an_admin_cannot_create_a_token_for_another_organisation(world):
    for role in ("org_admin", "partnership_admin"):
        with pytest.raises(ValidationError):
            create_token(
                actor=world.users[role],
                partnership=world.p,
                organisation=world.org_b,
                name="x",
                scope="read",
            )
    token, _ = create_token(
        actor=world.users["partnership_admin"],
        partnership=world.p,
        organisation=world.org_a,
        name="x",
        scope="read",
    )
    assert token.organisation == world.org_a


def test_no_token_is_a_401_problem(world, token_a):
    for client in (ApiClient(None), ApiClient("tc_fel"), ApiClient(token_a[1] + "x")):
        response = client.get("/incidents")
        assert response.status_code == 401
        assert response["Content-Type"] == "application/problem+json"
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert response.json()["status"] == 401


def test_a_revoked_token_is_refused_and_its_use_audited(world, token_a):
    token, plaintext = token_a
    client = ApiClient(plaintext)
    assert client.get("/incidents").status_code == 200
    revoke_token(actor=world.users["org_admin"], token=token)
    assert client.get("/incidents").status_code == 401
    assert client.get("/incidents").status_code == 401
    assert AuditEntry.objects.filter(action="api_token.revoke").count() == 1
    assert AuditEntry.objects.filter(action="api_token.revoked_use").count() == 1
    assert not Membership.objects.get(user=token.service_user).is_active


def test_another_admin_cannot_revoke(world, token_a):
    with pytest.raises(ValidationError):
        revoke_token(actor=world.users["coordinator"], token=token_a[0])
    assert ApiToken.objects.get().revoked_at is None


def test_a_read_token_cannot_write(world):
    _, plaintext = make_token(world, scope=ApiToken.Scope.READ)
    response = ApiClient(plaintext).post("/incidents", json=incident_payload())
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert not Incident.objects.exists()


def test_last_used_is_kept(world, token_a):
    ApiClient(token_a[1]).get("/categories")
    assert ApiToken.objects.get().last_used_at is not None


def test_another_partnerships_incident_is_not_found(world, api_a):
    from trygg.core import services as core
    from trygg.incidents.services import report_incident

    core.set_membership(
        actor=None,
        user=world.users["other_partnership_coordinator"],
        partnership=world.q,
        role=Role.REPORTER,
    )
    other = report_incident(
        reporter=world.users["other_partnership_coordinator"],
        partnership=world.q,
        category="ORDNING.BRAK",
        area=world.area_q,
        occurred_date=__import__("datetime").date(2026, 11, 20),
        time_bucket="evening",
    )
    assert api_a.get(f"/incidents/{other.pk}").status_code == 404
    assert api_a.patch(f"/incidents/{other.pk}", json={"description": "x"}).status_code == 404
    response = api_a.post(f"/incidents/{other.pk}/withdraw", json={"reason": "fel"})
    assert response.status_code == 404
