"""Writes of API tokens: one function per use case, each audited (DESIGN.md §4)."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.audit.services import record
from trygg.core import services as core
from trygg.core.models import Membership, Participation, Role

from .models import PREFIX_LENGTH, TOKEN_PREFIX, ApiToken, token_digest

# Roles that manage API tokens, each for their own organisation (and its units).
TOKEN_ADMIN_ROLES = frozenset({Role.ORG_ADMIN, Role.PARTNERSHIP_ADMIN})
SERVICE_USER_DOMAIN = "tokens.invalid"


def new_plaintext():
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def manageable_organisations(actor, partnership):
    """The organisations whose tokens ``actor`` may manage in ``partnership``: their own
    organisation and its units, when the actor is an org or partnership admin there."""
    from trygg.core.models import Organisation

    membership = Membership.objects.filter(
        user=actor, partnership=partnership, is_active=True
    ).first()
    if membership is None or membership.role not in TOKEN_ADMIN_ROLES:
        return Organisation.objects.none()
    if actor.organisation_id is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        pk__in=[actor.organisation_id, *actor.organisation.units.values_list("pk", flat=True)]
    )


def may_manage(actor, partnership, organisation):
    return manageable_organisations(actor, partnership).filter(pk=organisation.pk).exists()


def _takes_part(partnership, organisation):
    ids = [organisation.pk, organisation.parent_id or organisation.pk]
    return Participation.objects.filter(partnership=partnership, organisation__in=ids).exists()


@transaction.atomic
def create_token(*, actor, partnership, organisation, name, scope, request=None):
    """Create a token for ``organisation`` in ``partnership``; returns (token, plaintext).

    The plaintext is returned once and never stored: only its SHA-256 digest is kept.
    """
    if not may_manage(actor, partnership, organisation):
        raise ValidationError(
            {"organisation": _("Du kan bara skapa API-nycklar för din egen organisation.")}
        )
    if not _takes_part(partnership, organisation):
        raise ValidationError(
            {"organisation": _("Organisationen deltar inte i den här samverkan.")}
        )
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Ge nyckeln ett namn, till exempel systemets namn.")})
    if len(name) > 100:
        raise ValidationError({"name": _("Namnet får vara högst 100 tecken.")})
    if scope not in ApiToken.Scope.values:
        raise ValidationError({"scope": _("Välj vad nyckeln får göra.")})
    plaintext = new_plaintext()
    token = ApiToken.objects.create(
        partnership=partnership,
        organisation=organisation,
        name=name,
        scope=scope,
        created_by=actor,
        prefix=plaintext[:PREFIX_LENGTH],
        digest=token_digest(plaintext),
    )
    service_user = core.create_user(
        actor=actor,
        email=f"api-token-{token.pk}@{SERVICE_USER_DOMAIN}",
        organisation=organisation,
        first_name=_("API-nyckel"),
        last_name=name[:100],
        partnership=partnership,
    )
    service_user.is_active = False  # never logs in; the token is its only credential
    service_user.save(update_fields=["is_active"])
    core.set_membership(actor=actor, user=service_user, partnership=partnership, role=Role.REPORTER)
    token.service_user = service_user
    token.save(update_fields=["service_user"])
    record(
        "api_token.create",
        actor=actor,
        partnership=partnership,
        obj=token,
        request=request,
        data={
            "name": name,
            "scope": scope,
            "prefix": token.prefix,
            "organisation_id": organisation.pk,
            "service_user_id": service_user.pk,
        },
    )
    return token, plaintext


@transaction.atomic
def revoke_token(*, actor, token, request=None, now=None):
    """Revoke a token (it stops working at once) and deactivate its service user's role."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if not may_manage(actor, token.partnership, token.organisation):
        raise ValidationError(_("Du kan bara återkalla API-nycklar för din egen organisation."))
    if token.revoked_at is not None:
        return token
    token.revoked_at = now or timezone.now()
    token.save(update_fields=["revoked_at"])
    membership = Membership.objects.filter(
        user_id=token.service_user_id, partnership=token.partnership, is_active=True
    ).first()
    if membership is not None:
        core.deactivate_membership(actor=actor, membership=membership)
    record(
        "api_token.revoke",
        actor=actor,
        partnership=token.partnership,
        obj=token,
        request=request,
        data={"name": token.name, "prefix": token.prefix},
    )
    return token


def find_token(plaintext):
    """The token (revoked or not) with this plaintext, or None (one indexed lookup)."""
    if not plaintext or not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > 100:
        return None
    try:
        token = ApiToken.objects.select_related(
            "partnership", "organisation__parent", "service_user"
        ).get(digest=token_digest(plaintext))
    except ApiToken.DoesNotExist:
        return None
    user = token.service_user
    if user is not None and user.organisation_id == token.organisation_id:
        # The service user belongs to the token's organisation: share the loaded row, so
        # that reports and audit entries need not fetch it again.
        user.organisation = token.organisation
    return token
