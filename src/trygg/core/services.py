"""Writes of the core domain: partnerships, organisations, users and roles.

One function per use case; each validates, writes and audits in one transaction.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from trygg.audit.services import record

from .models import Membership, Organisation, Participation, Partnership, Role


@transaction.atomic
def create_partnership(*, actor, name, slug, municipality_code, municipality_name):
    partnership = Partnership(
        name=name,
        slug=slug,
        municipality_code=municipality_code,
        municipality_name=municipality_name,
    )
    partnership.full_clean()
    partnership.save()
    record(
        "partnership.create",
        actor=actor,
        partnership=partnership,
        obj=partnership,
        data={"name": name, "municipality_code": municipality_code},
    )
    return partnership


@transaction.atomic
def create_organisation(*, actor, name, kind, parent=None, partnership=None):
    """Create an organisation (or a unit under ``parent``), optionally joining a partnership."""
    organisation = Organisation(name=name, kind=kind, parent=parent)
    organisation.full_clean()
    organisation.save()
    record(
        "organisation.create",
        actor=actor,
        partnership=partnership,
        obj=organisation,
        data={"name": name, "kind": kind, "parent_id": parent.pk if parent else None},
    )
    if partnership is not None:
        add_organisation_to_partnership(
            actor=actor, partnership=partnership, organisation=organisation
        )
    return organisation


@transaction.atomic
def add_organisation_to_partnership(*, actor, partnership, organisation):
    participation, created = Participation.objects.get_or_create(
        partnership=partnership, organisation=organisation
    )
    if created:
        record(
            "partnership.add_organisation",
            actor=actor,
            partnership=partnership,
            obj=organisation,
            data={"organisation": str(organisation)},
        )
    return participation


@transaction.atomic
def create_user(
    *, actor, email, organisation, password=None, first_name="", last_name="", partnership=None
):
    User = get_user_model()
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Det finns redan en användare med den e-postadressen.")})
    user = User(email=email, organisation=organisation, first_name=first_name, last_name=last_name)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    record(
        "user.create",
        actor=actor,
        partnership=partnership,
        obj=user,
        organisation=organisation,
        data={"email": email},
    )
    return user


@transaction.atomic
def set_membership(*, actor, user, partnership, role):
    """Give ``user`` ``role`` in ``partnership`` (or change it); the user's organisation
    (or its parent) must take part in the partnership."""
    if role not in Role.values:
        raise ValidationError({"role": _("Okänd roll.")})
    org = user.organisation
    if (
        org is None
        or not Participation.objects.filter(
            partnership=partnership, organisation__in=[org.pk, org.parent_id or org.pk]
        ).exists()
    ):
        raise ValidationError(
            {"partnership": _("Användarens organisation deltar inte i den här samverkan.")}
        )
    membership, created = Membership.objects.get_or_create(
        user=user, partnership=partnership, defaults={"role": role}
    )
    old_role = None if created else membership.role
    if not created:
        membership.role = role
        membership.is_active = True
        membership.save(update_fields=["role", "is_active"])
    record(
        "membership.set",
        actor=actor,
        partnership=partnership,
        obj=membership,
        data={"user_id": user.pk, "email": user.email, "role": role, "old_role": old_role},
    )
    return membership


@transaction.atomic
def deactivate_membership(*, actor, membership):
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    record(
        "membership.deactivate",
        actor=actor,
        partnership=membership.partnership,
        obj=membership,
        data={"user_id": membership.user_id, "role": membership.role},
    )
    return membership


@transaction.atomic
def set_publishes_overview(*, actor, partnership, publishes):
    """Whether the partnership publishes the overview of its approved lägesbilder (the
    viewer PDF is then marked TLP:CLEAR instead of TLP:GREEN). Applies to versions
    approved from now on; approved versions never change."""
    partnership.publishes_overview = bool(publishes)
    partnership.save(update_fields=["publishes_overview"])
    record(
        "partnership.publishes_overview",
        actor=actor,
        partnership=partnership,
        obj=partnership,
        data={"publishes_overview": partnership.publishes_overview},
    )
    return partnership
