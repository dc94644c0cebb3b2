"""The org admin's token pages: list, create (shown once), revoke."""

from django.test import Client
from django.urls import reverse

from trygg.api.models import ApiToken


def test_create_shows_the_plaintext_once_and_the_list_only_the_prefix(world):
    client = Client()
    client.force_login(world.users["org_admin"])
    response = client.post(
        reverse("api_tokens:create"),
        {"name": "Felanmälan", "organisation": world.org_a.pk, "scope": "read_write"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    token = ApiToken.objects.get()
    plaintext = body.split('id="api-token-value" type="text" value="')[1].split('"')[0]
    assert plaintext.startswith(token.prefix) and len(plaintext) > 40
    assert "no-store" in response["Cache-Control"]
    listing = client.get(reverse("api_tokens:list")).content.decode()
    assert "Felanmälan" in listing and token.prefix in listing and plaintext not in listing


def test_create_form_errors_use_the_error_summary(world):
    client = Client()
    client.force_login(world.users["org_admin"])
    response = client.post(reverse("api_tokens:create"), {"name": "", "scope": "read"})
    body = response.content.decode()
    assert response.status_code == 200 and "error-summary" in body
    assert "Ge nyckeln ett namn" in body
    assert not ApiToken.objects.exists()


def test_revoke_by_post(world):
    client = Client()
    client.force_login(world.users["org_admin"])
    client.post(
        reverse("api_tokens:create"),
        {"name": "Felanmälan", "organisation": world.org_a.pk, "scope": "read"},
    )
    token = ApiToken.objects.get()
    url = reverse("api_tokens:revoke", kwargs={"pk": token.pk})
    assert client.get(url).status_code == 200
    assert ApiToken.objects.get().revoked_at is None
    response = client.post(url)
    assert response.status_code == 302
    assert ApiToken.objects.get().revoked_at is not None


def test_another_organisations_admin_sees_and_revokes_nothing(world):
    from trygg.core import services as core
    from trygg.core.models import Role

    client = Client()
    client.force_login(world.users["org_admin"])
    client.post(
        reverse("api_tokens:create"),
        {"name": "Hemligt system", "organisation": world.org_a.pk, "scope": "read"},
    )
    token = ApiToken.objects.get()
    admin_b = core.create_user(
        actor=None, email="admin@b.example", organisation=world.org_b, partnership=world.p
    )
    core.set_membership(actor=None, user=admin_b, partnership=world.p, role=Role.ORG_ADMIN)
    other = Client()
    other.force_login(admin_b)
    assert "Hemligt system" not in other.get(reverse("api_tokens:list")).content.decode()
    url = reverse("api_tokens:revoke", kwargs={"pk": token.pk})
    assert other.post(url).status_code == 404
    assert ApiToken.objects.get().revoked_at is None
    response = other.post(
        reverse("api_tokens:create"),
        {"name": "x", "organisation": world.org_a.pk, "scope": "read"},
    )
    assert response.status_code == 200 and ApiToken.objects.count() == 1
