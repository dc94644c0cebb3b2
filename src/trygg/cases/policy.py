"""The one access decision of the person track (DESIGN.md §5, docs/personarenden.md).

A case is seen by the members of its case team who have the role ``case_worker`` (active)
in the case's partnership:

- members from the owning organisation always (``OWNER``): they see everything, the
  identity included, and do the work;
- members from another organisation only while a valid consent (not withdrawn, given on
  or before today, expiring today or later) covers their organisation (``SHARED``): they
  see what the valid consents' scope lets them receive, never the identity.

Everyone else sees nothing: the views answer 404 (existence is not revealed). The date
is checked at request time, so a consent that expires or is withdrawn closes the case to
other organisations at once.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from trygg.core.models import Membership, Role

from .models import Case, CaseMeeting, Consent, NoteLabel, ShareScope

OWNER = "owner"
SHARED = "shared"


def case_membership(user, partnership):
    """The user's active case_worker membership of the partnership, or None."""
    if user is None or partnership is None or not getattr(user, "pk", None):
        return None
    return Membership.objects.filter(
        user=user, partnership=partnership, is_active=True, role=Role.CASE_WORKER
    ).first()


def _valid_consent_for(organisation_id, day):
    return Exists(
        Consent.objects.valid_on(day).filter(case=OuterRef("pk"), organisations__id=organisation_id)
    )


def visible_cases(user, partnership, day=None):
    """The cases of ``partnership`` the user may open (OWNER or SHARED)."""
    if case_membership(user, partnership) is None or not user.organisation_id:
        return Case.objects.none()
    day = day or timezone.localdate()
    return (
        Case.objects.filter(partnership=partnership, team__user=user)
        .annotate(_consented=_valid_consent_for(user.organisation_id, day))
        .filter(Q(owner_organisation_id=user.organisation_id) | Q(_consented=True))
        .distinct()
    )


def access_level(user, case, day=None):
    """OWNER, SHARED or None for one case (the same rule as ``visible_cases``)."""
    if case_membership(user, case.partnership) is None or not user.organisation_id:
        return None
    if not case.team.filter(user=user).exists():
        return None
    if case.owner_organisation_id == user.organisation_id:
        return OWNER
    day = day or timezone.localdate()
    if case.consents.valid_on(day).filter(organisations__id=user.organisation_id).exists():
        return SHARED
    return None


def shared_scope(user, case, day=None):
    """What a SHARED reader receives: the union of the valid consents' scopes covering
    the reader's organisation (every scope for the owning organisation)."""
    if case.owner_organisation_id == user.organisation_id:
        return set(ShareScope.values)
    day = day or timezone.localdate()
    scope = set()
    for consent in case.consents.valid_on(day).filter(organisations__id=user.organisation_id):
        scope.update(s for s in consent.scope if s in ShareScope.values)
    return scope


def has_valid_consent(case, day=None):
    return case.consents.valid_on(day or timezone.localdate()).exists()


def meetings_for(user, case, level):
    """Meeting notes the reader sees: AMBER for the whole team with access; RED for the
    owning organisation and the note's own organisation only."""
    meetings = CaseMeeting.objects.filter(case=case)
    if level == OWNER:
        return meetings
    return meetings.filter(Q(label=NoteLabel.AMBER) | Q(organisation_id=user.organisation_id))
