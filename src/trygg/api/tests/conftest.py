import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from trygg.api.models import ApiToken
from trygg.api.services import create_token

INSIDE = {"lat": 59.62, "lon": 17.85}


class ApiClient:
    """A test client that sends the bearer token on every request."""

    def __init__(self, plaintext):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {plaintext}"} if plaintext else {}

    def _call(self, method, path, json=None, **extra):
        kwargs = {"headers": {**self.headers, **extra.pop("headers", {})}}
        if json is not None:
            kwargs["data"] = json
            kwargs["content_type"] = "application/json"
        return getattr(self.client, method)(f"/api/v1{path}", **kwargs, **extra)

    def get(self, path, **extra):
        return self._call("get", path, **extra)

    def post(self, path, json=None, **extra):
        return self._call("post", path, json, **extra)

    def patch(self, path, json=None, **extra):
        return self._call("patch", path, json, **extra)


def make_token(world, *, org="org_a", scope=ApiToken.Scope.READ_WRITE, name="Felanmälan"):
    admin = world.users["org_admin"]
    if org == "org_b":
        from trygg.core import services as core
        from trygg.core.models import Role

        admin = core.create_user(
            actor=None, email="admin@b.example", organisation=world.org_b, partnership=world.p
        )
        core.set_membership(actor=None, user=admin, partnership=world.p, role=Role.ORG_ADMIN)
    return create_token(
        actor=admin,
        partnership=world.p,
        organisation=getattr(world, org),
        name=name,
        scope=scope,
    )


@pytest.fixture
def token_a(world):
    return make_token(world)


@pytest.fixture
def api_a(token_a):
    return ApiClient(token_a[1])


@pytest.fixture
def api_b(world):
    return ApiClient(make_token(world, org="org_b")[1])


def incident_payload(**kwargs):
    payload = {
        "category": "ORDNING.BRAK",
        "occurred_from": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
        "description": "Bråk vid busshållplatsen",
        **INSIDE,
    }
    payload.update(kwargs)
    return {k: v for k, v in payload.items() if v is not None}
