"""The one visibility decision for incident details (DESIGN.md §5).

``detail_filter`` turns it into a query (``Incident.objects.visible_to``); ``may_see``
applies the same rule to one incident already in memory (a stored snapshot, an object
fetched for another reason). ``test_visibility.py`` checks that the two agree for every
role, label and organisation.
"""

from django.db import models
from django.db.models import Exists, OuterRef, Q

from trygg.core.models import DETAIL_ROLES, Membership, Role

from .models import Label

# Roles that also see AMBER from other organisations in their partnership.
AMBER_WIDE_ROLES = frozenset({Role.COORDINATOR, Role.ANALYST})


def membership_for(user, partnership):
    if partnership is None or not getattr(user, "is_authenticated", False):
        return None
    return (
        Membership.objects.filter(user=user, partnership=partnership, is_active=True)
        .only("role", "partnership_id")
        .first()
    )


def detail_filter(user, membership):
    """A Q for the incidents whose details ``user`` (in ``membership``) may see, or None."""
    if membership is None or membership.role not in DETAIL_ROLES:
        return None
    own_org = Q(organisation_id=user.organisation_id) if user.organisation_id else Q(pk__in=[])
    rule = Q(label__in=[Label.CLEAR, Label.GREEN])
    if membership.role in AMBER_WIDE_ROLES:
        rule |= Q(label=Label.AMBER)
    else:
        rule |= Q(label=Label.AMBER) & own_org
    rule |= Q(label=Label.AMBER_STRICT) & own_org
    from .models import Incident

    named = Incident.recipients.through.objects.filter(incident_id=OuterRef("pk"), user_id=user.pk)
    rule |= Q(label=Label.RED) & (Q(reported_by=user) | Q(Exists(named)))
    return Q(partnership_id=membership.partnership_id) & rule


def may_see(user, membership, incident, recipient_ids=None):
    """The same decision for one incident. ``recipient_ids`` saves a query when known."""
    if membership is None or membership.role not in DETAIL_ROLES:
        return False
    if incident.partnership_id != membership.partnership_id:
        return False
    own_org = user.organisation_id is not None and incident.organisation_id == user.organisation_id
    label = incident.label
    if label in (Label.CLEAR, Label.GREEN):
        return True
    if label == Label.AMBER:
        return own_org or membership.role in AMBER_WIDE_ROLES
    if label == Label.AMBER_STRICT:
        return own_org
    if label == Label.RED:
        if incident.reported_by_id == user.pk:
            return True
        if recipient_ids is None:
            recipient_ids = set(incident.recipients.values_list("pk", flat=True))
        return user.pk in recipient_ids
    return False


# Actions, presence and meeting minutes carry a TLP label too (DESIGN.md §5): the same
# table, with the record's owning organisation in place of the reporting organisation and
# its creator in place of the reporter (these records have no named recipients: RED is
# the creator's own). Viewers see CLEAR and GREEN summaries only; nobody else without a
# detail role sees them at all.
SUMMARY_ROLES = frozenset({Role.VIEWER})


def record_filter(user, membership, *, org_field="organisation", creator_field="created_by"):
    """A Q for the labelled records (actions, presence, minutes) whose details ``user``
    may see in ``membership``'s partnership, or None."""
    if membership is None or membership.role not in DETAIL_ROLES:
        return None
    org_id = user.organisation_id
    own_org = Q(**{f"{org_field}_id": org_id}) if org_id else Q(pk__in=[])
    rule = Q(label__in=[Label.CLEAR, Label.GREEN])
    if membership.role in AMBER_WIDE_ROLES:
        rule |= Q(label=Label.AMBER)
    else:
        rule |= Q(label=Label.AMBER) & own_org
    rule |= Q(label=Label.AMBER_STRICT) & own_org
    rule |= Q(label=Label.RED) & Q(**{f"{creator_field}_id": user.pk})
    return Q(partnership_id=membership.partnership_id) & rule


def summary_filter(membership):
    """A Q for the labelled records whose summary a viewer may see, or None."""
    if membership is None or membership.role not in SUMMARY_ROLES:
        return None
    return Q(partnership_id=membership.partnership_id, label__in=[Label.CLEAR, Label.GREEN])


def may_see_record(
    user, membership, record, *, org_field="organisation", creator_field="created_by"
):
    """``record_filter``'s decision for one record already in memory."""
    if membership is None or membership.role not in DETAIL_ROLES:
        return False
    if record.partnership_id != membership.partnership_id:
        return False
    org_id = getattr(record, f"{org_field}_id")
    own_org = user.organisation_id is not None and org_id == user.organisation_id
    label = record.label
    if label in (Label.CLEAR, Label.GREEN):
        return True
    if label == Label.AMBER:
        return own_org or membership.role in AMBER_WIDE_ROLES
    if label == Label.AMBER_STRICT:
        return own_org
    if label == Label.RED:
        return getattr(record, f"{creator_field}_id") == user.pk
    return False


class LabelledQuerySet(models.QuerySet):
    """``visible_to`` (details) and ``summaries_for`` (a viewer's CLEAR/GREEN summaries)
    for a model with ``partnership``, ``label``, ``organisation`` and ``created_by``."""

    org_field = "organisation"
    creator_field = "created_by"

    def visible_to(self, user, partnership):
        rule = record_filter(
            user,
            membership_for(user, partnership),
            org_field=self.org_field,
            creator_field=self.creator_field,
        )
        return self.none() if rule is None else self.filter(rule)

    def summaries_for(self, user, partnership):
        """Details for detail roles (``visible_to``); CLEAR/GREEN rows for viewers, whose
        templates show the summary fields only; nothing for anyone else."""
        membership = membership_for(user, partnership)
        if membership is not None and membership.role in DETAIL_ROLES:
            return self.visible_to(user, partnership)
        rule = summary_filter(membership)
        return self.none() if rule is None else self.filter(rule)
