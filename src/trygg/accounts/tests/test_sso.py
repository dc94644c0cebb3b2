"""Single sign-on with OpenID Connect, against a small local provider.

The provider (discovery document, token endpoint, signing keys) answers through a
``requests`` transport adapter mounted on allauth's HTTP session, so the whole flow runs:
our login button → the provider's authorization endpoint → our callback with the code →
the token request → the signed ID token checked (issuer, audience, expiry) → the user.
"""

import json
import time
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.urls import reverse
from requests.adapters import BaseAdapter

from trygg.accounts.adapter import SocialAccountAdapter
from trygg.audit.models import AuditEntry

from .helpers import give_totp, totp_code

ISSUER = "https://idp.example.test"
CLIENT_ID = "trygghetscenter"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def sso_app():
    return {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "sso",
                    "name": "Kommunens inloggning",
                    "client_id": CLIENT_ID,
                    "secret": "hemlig",
                    "settings": {"server_url": ISSUER, "fetch_userinfo": False},
                }
            ],
        }
    }


class Provider(BaseAdapter):
    """The identity provider's HTTP side: discovery, token endpoint and keys."""

    def __init__(self, claims, key=KEY):
        super().__init__()
        self.claims = claims
        self.key = key
        self.token_requests = []

    def _respond(self, request, status, payload):
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(payload).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = request.url
        response.request = request
        return response

    def send(self, request, **kwargs):
        path = urlparse(request.url).path
        if path in ("", "/", "/.well-known/openid-configuration"):
            return self._respond(
                request,
                200,
                {
                    "issuer": ISSUER,
                    "authorization_endpoint": f"{ISSUER}/authorize",
                    "token_endpoint": f"{ISSUER}/token",
                    "userinfo_endpoint": f"{ISSUER}/userinfo",
                    "jwks_uri": f"{ISSUER}/keys",
                    "token_endpoint_auth_methods_supported": ["client_secret_post"],
                },
            )
        if path == "/token":
            self.token_requests.append(parse_qs(request.body))
            now = int(time.time())
            claims = {"iss": ISSUER, "aud": CLIENT_ID, "iat": now, "exp": now + 300}
            claims.update(self.claims)
            token = jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "k1"})
            return self._respond(
                request,
                200,
                {"access_token": "at", "token_type": "Bearer", "id_token": token},
            )
        if path == "/keys":
            public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
            return self._respond(request, 200, {"keys": [{**public, "kid": "k1"}]})
        return self._respond(request, 404, {})

    def close(self):
        pass


@pytest.fixture
def provider(settings, monkeypatch):
    settings.SOCIALACCOUNT_PROVIDERS = sso_app()
    settings.TRYGG_OIDC_TRUST_EMAIL = False
    holder = {}

    def session(self):
        sess = requests.Session()
        sess.mount(ISSUER, holder["provider"])
        return sess

    monkeypatch.setattr(SocialAccountAdapter, "get_requests_session", session)

    def with_claims(**claims):
        holder["provider"] = Provider(claims)
        return holder["provider"]

    return with_claims


def sso_login(client):
    """Our login button, then the provider's redirect back with a code."""
    response = client.post(reverse("openid_connect_login", kwargs={"provider_id": "sso"}))
    assert response.status_code == 302, response
    authorize = urlparse(response.url)
    assert f"{authorize.scheme}://{authorize.netloc}" == ISSUER
    params = parse_qs(authorize.query)
    assert params["client_id"] == [CLIENT_ID]
    assert params["code_challenge_method"] == ["S256"]
    return client.get(
        reverse("openid_connect_callback", kwargs={"provider_id": "sso"}),
        {"code": "kod-123", "state": params["state"][0]},
    )


@pytest.mark.django_db
def test_a_verified_address_of_an_existing_user_logs_that_user_in(world, client, provider):
    user = world.users["coordinator"]
    idp = provider(sub="entra-1", email=user.email.upper(), email_verified=True)
    response = sso_login(client)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    assert idp.token_requests and idp.token_requests[0]["code"] == ["kod-123"]
    assert AuditEntry.objects.filter(action="login.sso_connected", actor_id=user.pk).count() == 1
    assert AuditEntry.objects.filter(action="login", actor_id=user.pk).exists()
    # The second login finds the connected account by the provider's subject id.
    client.logout()
    provider(sub="entra-1", email=user.email, email_verified=True)
    sso_login(client)
    assert int(client.session["_auth_user_id"]) == user.pk
    assert AuditEntry.objects.filter(action="login.sso_connected", actor_id=user.pk).count() == 1


@pytest.mark.django_db
def test_nobody_is_created_by_an_sso_login(world, client, provider):
    users_before = get_user_model().objects.count()
    provider(sub="entra-2", email="okand@kommun.example", email_verified=True)
    response = sso_login(client)
    assert "_auth_user_id" not in client.session
    assert get_user_model().objects.count() == users_before
    page = client.get(response.url) if response.status_code == 302 else response
    assert "Du kan inte skapa ett konto själv" in page.content.decode()


@pytest.mark.django_db
def test_an_unverified_address_is_not_trusted_unless_the_operator_says_so(
    world, client, provider, settings
):
    user = world.users["analyst"]
    provider(sub="entra-3", email=user.email, email_verified=False)
    sso_login(client)
    assert "_auth_user_id" not in client.session

    settings.TRYGG_OIDC_TRUST_EMAIL = True
    provider(sub="entra-3", email=user.email)  # Entra ID sends no email_verified
    sso_login(client)
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "someone-else"},
        {"iss": "https://evil.example.test"},
        {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200},
    ],
    ids=["wrong audience", "wrong issuer", "expired"],
)
def test_a_token_for_someone_else_or_too_old_logs_nobody_in(world, client, provider, claims):
    user = world.users["coordinator"]
    provider(sub="entra-4", email=user.email, email_verified=True, **claims)
    response = sso_login(client)
    assert "_auth_user_id" not in client.session
    assert not AuditEntry.objects.filter(action="login", actor_id=user.pk).exists()
    page = client.get(response.url) if response.status_code == 302 else response
    assert page.status_code in (200, 401)


@pytest.mark.django_db
def test_a_deactivated_user_cannot_log_in_with_sso(world, client, provider):
    user = world.users["reporter"]
    user.is_active = False
    user.save()
    provider(sub="entra-5", email=user.email, email_verified=True)
    sso_login(client)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_two_step_verification_is_still_asked_after_sso(world, client, provider):
    user = world.users["coordinator"]
    give_totp(user)
    provider(sub="entra-6", email=user.email, email_verified=True)
    response = sso_login(client)
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.mark.django_db
def test_the_login_page_offers_sso_only_when_configured(world, client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    assert "Kommunens inloggning" not in client.get(reverse("account_login")).content.decode()
    settings.SOCIALACCOUNT_PROVIDERS = sso_app()
    page = client.get(reverse("account_login")).content.decode()
    assert "Kommunens inloggning" in page
    assert reverse("openid_connect_login", kwargs={"provider_id": "sso"}) in page


@pytest.mark.django_db
def test_a_failed_sso_login_says_so_in_swedish(world, client, provider):
    provider(sub="entra-7", email=world.users["coordinator"].email, aud="someone-else")
    response = sso_login(client)
    page = client.get(response.url) if response.status_code == 302 else response
    text = page.content.decode()
    assert "Inloggningen via organisationens konto misslyckades" in text, text[:3000]
    assert reverse("account_login") in text
