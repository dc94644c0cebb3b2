"""TOTP two-step verification is required of every user in every role (issue 7 §1)."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from trygg.audit.models import AuditEntry
from trygg.core.tests.access_matrix import ROLES

from .helpers import give_totp, log_in_with_password, log_in_with_totp, totp_code

enforced = override_settings(TRYGG_MFA_ENFORCED=True)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@enforced
@pytest.mark.parametrize("subject", [*ROLES, "no_role"])
def test_every_role_without_totp_is_sent_to_activate_it(world, subject):
    client = signed_in(world.users[subject])
    for url in (reverse("core:home"), reverse("incidents:list"), reverse("situation:archive")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == reverse("mfa_activate_totp"), url


@enforced
def test_a_user_without_totp_can_still_reach_the_account_pages_and_public_pages(world):
    client = signed_in(world.users["coordinator"])
    activate = client.get(reverse("mfa_activate_totp"))
    # allauth asks for the password first (this session has no recent login) ...
    assert activate.status_code == 302 and activate.url.startswith(
        reverse("account_reauthenticate")
    )
    for name in ("account_reauthenticate", "account_logout", "mfa_index", "core:health"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
    assert client.get(reverse("core:privacy")).status_code == 200
    response = client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    assert response.status_code == 302 and response.url == "/"
    # The partner API answers with its own bearer-token check, not a redirect.
    assert client.get("/api/v1/incidents").status_code == 401


@enforced
def test_activation_through_the_login_form_with_recovery_codes(
    world, django_capture_on_commit_callbacks
):
    user = world.users["reporter"]
    client = Client()
    response = log_in_with_password(client, user.email)
    assert response.status_code == 302
    assert client.get(reverse("core:home")).url == reverse("mfa_activate_totp")

    # Just logged in: no second password prompt before activating.
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200 and not Authenticator.objects.filter(user=user).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response.url == reverse("mfa_view_recovery_codes")
    types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    codes = client.get(reverse("mfa_view_recovery_codes"))
    assert codes.status_code == 200 and len(codes.context["unused_codes"]) == 10
    # The session that activated TOTP goes on without logging in again.
    assert client.get(reverse("core:home")).status_code == 200
    assert AuditEntry.objects.filter(action="mfa.added", actor_label=user.email).count() == 2

    # The next login asks for the code.
    client.post(reverse("account_logout"))
    cache.clear()  # allauth remembers used codes for one period
    response = log_in_with_totp(Client(), user, secret)
    assert response.status_code == 302 and response.url == reverse("core:home")


@enforced
def test_a_user_with_totp_logs_in_with_password_and_code(world):
    user = world.users["coordinator"]
    give_totp(user)
    client = Client()
    response = log_in_with_password(client, user.email)
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    # The password alone is not a login.
    assert client.get(reverse("core:home")).url.startswith(reverse("account_login"))
    response = client.post(reverse("mfa_authenticate"), {"code": "123456"})
    assert response.status_code == 200  # wrong code: the form again
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302 and response.url == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200
    assert AuditEntry.objects.filter(action="login", actor_label=user.email).exists()


@enforced
def test_a_recovery_code_passes_the_second_step_once(world):
    user = world.users["analyst"]
    give_totp(user)
    code = RecoveryCodes.activate(user).get_unused_codes()[0]
    client = Client()
    log_in_with_password(client, user.email)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302 and response.url == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200

    again = Client()
    log_in_with_password(again, user.email)
    assert again.post(reverse("mfa_authenticate"), {"code": code}).status_code == 200


@enforced
def test_a_session_that_skipped_the_second_step_is_refused_and_logged_out(world):
    user = world.users["coordinator"]
    give_totp(user)
    client = signed_in(user)  # a session made outside allauth's login flow
    response = client.get(reverse("core:home"), follow=True)
    assert response.redirect_chain[0] == (reverse("account_login"), 302)
    assert "tvåstegsverifiering" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # ... everywhere, allauth's own pages included.
    client = signed_in(user)
    assert client.get(reverse("mfa_index")).url == reverse("account_login")
    assert AuditEntry.objects.filter(action="logout.no_two_factor", actor_label=user.email).exists()


def test_the_suite_runs_without_enforcement_unless_a_test_switches_it_on(world):
    client = signed_in(world.users["coordinator"])
    assert client.get(reverse("core:home")).status_code == 200


@pytest.mark.parametrize(
    "demo, enforced_, shown",
    [(True, False, True), (True, True, False), (False, False, False)],
)
def test_the_demo_banner_says_two_step_verification_is_not_required(world, demo, enforced_, shown):
    client = signed_in(world.users["coordinator"])
    with override_settings(TRYGG_DEMO_MODE=demo, TRYGG_MFA_ENFORCED=enforced_):
        if enforced_:
            give_totp(world.users["coordinator"])
            client = Client()
            log_in_with_totp(client, world.users["coordinator"])
        pages = [client.get(reverse("core:home")), Client().get(reverse("account_login"))]
        for page in pages:
            assert page.status_code == 200
            body = page.content.decode()
            assert ("Demoläge: tvåstegsverifiering krävs inte" in body) is shown
