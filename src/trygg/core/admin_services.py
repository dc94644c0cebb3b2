"""User and organisation administration (issue 7 §1): who administers whom, which roles
an admin may grant, and the writes (each through ``core.services``, so each is audited).

The policy lives here, in one place:
- an organisation admin administers the users of their own organisation and its units,
  in the current partnership;
- a partnership admin administers every user of the partnership, and its organisations;
- ``GRANTABLE_ROLES``: the roles each admin role may grant (DESIGN.md §2). An organisation
  admin may not make anyone partnership admin or auditor (those act for the whole
  partnership), nor change the role of someone who holds one.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from trygg.audit.services import record

from . import services
from .models import Membership, Organisation, Participation, Role

ADMIN_ROLES = frozenset({Role.ORG_ADMIN, Role.PARTNERSHIP_ADMIN})

GRANTABLE_ROLES = {
    Role.ORG_ADMIN: frozenset(
        {
            Role.REPORTER,
            Role.COORDINATOR,
            Role.ANALYST,
            Role.ORG_ADMIN,
            Role.VIEWER,
            Role.CASE_WORKER,
        }
    ),
    Role.PARTNERSHIP_ADMIN: frozenset(Role),
}


def _membership(actor, partnership):
    return Membership.objects.filter(user=actor, partnership=partnership, is_active=True).first()


def grantable_roles(actor, partnership):
    """The roles ``actor`` may grant in ``partnership``, in Role order."""
    membership = _membership(actor, partnership)
    allowed = GRANTABLE_ROLES.get(membership.role, frozenset()) if membership else frozenset()
    return [role for role in Role if role in allowed]


def administered_organisations(actor, partnership):
    """The organisations whose users ``actor`` administers in ``partnership``."""
    membership = _membership(actor, partnership)
    if membership is None or membership.role not in ADMIN_ROLES:
        return Organisation.objects.none()
    if membership.role == Role.PARTNERSHIP_ADMIN:
        top = Participation.objects.filter(partnership=partnership).values("organisation")
        return Organisation.objects.filter(pk__in=top) | Organisation.objects.filter(parent__in=top)
    if actor.organisation_id is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(pk=actor.organisation_id) | Organisation.objects.filter(
        parent_id=actor.organisation_id
    )


def administered_memberships(actor, partnership):
    """The memberships in ``partnership`` that ``actor`` administers (others: 404)."""
    organisations = administered_organisations(actor, partnership).values("pk")
    return (
        Membership.objects.filter(partnership=partnership, user__organisation__in=organisations)
        .select_related("user__organisation__parent")
        .order_by("user__last_name", "user__first_name", "user__email")
    )


def _check_may_change(actor, membership):
    if membership.user_id == actor.pk:
        raise ValidationError(_("Du kan inte ändra din egen roll eller inaktivera dig själv."))
    if membership.role not in grantable_roles(actor, membership.partnership):
        raise ValidationError(_("Du får inte ändra en användare med den här rollen."))


def _check_role(actor, partnership, role):
    if role not in grantable_roles(actor, partnership):
        raise ValidationError({"role": _("Du får inte ge den här rollen.")})


@transaction.atomic
def invite_user(*, actor, partnership, email, first_name, last_name, organisation, role):
    """Give ``role`` in ``partnership`` to the user with ``email``: a new user (no usable
    password) or one who already has an account in the same organisation, e.g. a police
    officer who works in two municipalities' partnerships. The caller tells the user once
    the transaction commits (``invitation_link`` when they have no password yet)."""
    if not administered_organisations(actor, partnership).filter(pk=organisation.pk).exists():
        raise ValidationError({"organisation": _("Välj en organisation som du administrerar.")})
    _check_role(actor, partnership, role)
    User = get_user_model()
    existing = User.objects.filter(email__iexact=User.objects.normalize_email(email)).first()
    if existing is None:
        user = services.create_user(
            actor=actor,
            email=email,
            organisation=organisation,
            first_name=first_name,
            last_name=last_name,
            partnership=partnership,
        )
    else:
        user = _existing_invitee(existing, partnership, organisation)
    membership = services.set_membership(actor=actor, user=user, partnership=partnership, role=role)
    record(
        "user.invite",
        actor=actor,
        partnership=partnership,
        obj=user,
        organisation=organisation,
        data={"email": user.email, "role": role, "existing_account": existing is not None},
    )
    return membership


def _existing_invitee(user, partnership, organisation):
    """An existing account may get a role here if it belongs to the chosen organisation
    and has none here yet; a user belongs to one organisation (DESIGN.md §2)."""
    if user.organisation_id != organisation.pk:
        raise ValidationError(
            {
                "email": _(
                    "Det finns redan ett konto med den e-postadressen i en annan "
                    "organisation. En användare hör till en organisation: välj den "
                    "organisationen om du administrerar den, eller be dess administratör "
                    "om hjälp."
                )
            }
        )
    if not user.is_active:
        raise ValidationError(
            {"email": _("Kontot med den e-postadressen är avstängt och kan inte bjudas in.")}
        )
    if Membership.objects.filter(user=user, partnership=partnership).exists():
        raise ValidationError(
            {
                "email": _(
                    "Användaren har redan en roll i den här samverkan. Ändra rollen eller "
                    "återaktivera användaren i listan i stället."
                )
            }
        )
    return user


@transaction.atomic
def change_role(*, actor, membership, role):
    _check_may_change(actor, membership)
    _check_role(actor, membership.partnership, role)
    return services.set_membership(
        actor=actor, user=membership.user, partnership=membership.partnership, role=role
    )


@transaction.atomic
def deactivate(*, actor, membership):
    _check_may_change(actor, membership)
    if not membership.is_active:
        raise ValidationError(_("Användaren är redan inaktiverad."))
    return services.deactivate_membership(actor=actor, membership=membership)


@transaction.atomic
def reactivate(*, actor, membership):
    _check_may_change(actor, membership)
    if membership.is_active:
        raise ValidationError(_("Användaren är redan aktiv."))
    return services.set_membership(
        actor=actor, user=membership.user, partnership=membership.partnership, role=membership.role
    )


def invitation_link(request, user):
    """An absolute link to allauth's set-a-new-password page for ``user`` (a password reset
    token: valid for PASSWORD_RESET_TIMEOUT, void once a password is set)."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str
    from django.urls import reverse

    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return request.build_absolute_uri(path)


# Organisations (partnership admins).


def participating_organisations(partnership):
    return (
        Organisation.objects.filter(participation__partnership=partnership)
        .prefetch_related("units")
        .order_by("name")
    )


def joinable_organisations(partnership):
    """Top-level organisations that do not take part in ``partnership`` yet."""
    return (
        Organisation.objects.filter(parent__isnull=True)
        .exclude(kind=Organisation.Kind.SYSTEM)
        .exclude(participation__partnership=partnership)
        .order_by("name")
    )


@transaction.atomic
def create_unit(*, actor, partnership, parent, name, kind):
    """A unit under a participating organisation; it takes part through its parent. The
    creation is recorded in the partnership's chain too, where its auditor reads it."""
    if not Participation.objects.filter(partnership=partnership, organisation=parent).exists():
        raise ValidationError({"parent": _("Organisationen deltar inte i den här samverkan.")})
    unit = services.create_organisation(actor=actor, name=name, kind=kind, parent=parent)
    record(
        "partnership.add_unit",
        actor=actor,
        partnership=partnership,
        obj=unit,
        data={"name": name, "kind": kind, "parent_id": parent.pk},
    )
    return unit
