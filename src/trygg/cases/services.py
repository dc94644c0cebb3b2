"""Writes of the person track: one function per use case.

Each takes the acting user, validates (a ``ValidationError`` with a plain Swedish
message), writes in one transaction and appends its audit entry. Audit entries carry the
case's pseudonymous code and counts, never a name or personnummer. Free text is redacted
(``trygg.incidents.redaction``): personnummer, phone numbers and e-mail addresses belong
in the encrypted identity or the organisations' own records, not in notes.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.audit.services import record
from trygg.core.models import Membership, Role
from trygg.incidents.redaction import redact
from trygg.work.services import participating_organisations

from . import crypto
from .models import (
    OPEN_STAGES,
    SECTORS_BY_PROGRAMME,
    Assessment,
    Case,
    CaseIdentity,
    CaseMeeting,
    CaseReference,
    CaseSettings,
    CaseTally,
    CaseTeamMember,
    Commitment,
    CommitmentStatus,
    Consent,
    ConsentGiver,
    FollowUp,
    NoteLabel,
    Outcome,
    Programme,
    RiskDomain,
    RiskLevel,
    ShareScope,
    Stage,
    TeamRole,
)
from .policy import OWNER, SHARED, access_level, shared_scope

MAX_TEXT = 5000
MAX_NAME = 200
CODE_PREFIX = {Programme.SSPF: "SSPF", Programme.EXIT: "AVH"}
DEFAULT_PURGE_MONTHS = 24


# --- Helpers ---------------------------------------------------------------------------


def _require(actor, case, *levels):
    level = access_level(actor, case)
    if level not in levels:
        raise ValidationError(
            _("Bara ärendeteamets handläggare från den ägande organisationen får göra det här.")
            if level == SHARED
            else _("Du har inte tillgång till ärendet.")
        )
    return level


def _require_open(case):
    if case.stage == Stage.CLOSED:
        raise ValidationError(_("Ärendet är avslutat och kan inte ändras."))


def _text(field, text, *, required=False, limit=MAX_TEXT, message=None):
    text = (text or "").strip()
    if required and not text:
        raise ValidationError({field: message or _("Fyll i fältet.")})
    if len(text) > limit:
        raise ValidationError({field: _("Texten får vara högst %(n)s tecken.") % {"n": limit}})
    return redact(text).text


def _date(field, value, message):
    if not isinstance(value, dt.date):
        raise ValidationError({field: message})
    return value


def _audit(action, actor, case, request=None, **data):
    record(
        action,
        actor=actor,
        partnership=case.partnership,
        obj=case,
        request=request,
        data={"code": case.code, "programme": case.programme, **data},
    )


def _new_code(partnership, programme, year):
    prefix = f"{CODE_PREFIX[programme]}-{year}-"
    used = set(
        Case.objects.filter(partnership=partnership, code__startswith=prefix).values_list(
            "code", flat=True
        )
    )
    n = len(used) + 1
    while f"{prefix}{n:04d}" in used:
        n += 1
    return f"{prefix}{n:04d}"


def clean_personnummer(value):
    try:
        return crypto.normalise_personnummer(value, today=timezone.localdate())
    except crypto.InvalidPersonnummer:
        raise ValidationError(
            {
                "personnummer": _(
                    "Skriv ett giltigt personnummer eller samordningsnummer, "
                    "t.ex. 20100101-1234 (kontrollsiffran stämmer inte eller datumet finns inte)."
                )
            }
        ) from None


def open_case_with_personnummer(partnership, personnummer12):
    """The open case of the person in the partnership, found by the blind index."""
    index = crypto.blind_index(partnership.pk, personnummer12)
    return (
        Case.objects.filter(
            partnership=partnership,
            identity__personnummer_index=index,
            stage__in=OPEN_STAGES,
        )
        .select_related("owner_organisation")
        .first()
    )


def may_create(user, partnership):
    return (
        Membership.objects.filter(
            user=user, partnership=partnership, is_active=True, role=Role.CASE_WORKER
        ).exists()
        and user.organisation_id is not None
    )


# --- Cases -----------------------------------------------------------------------------


@transaction.atomic
def create_case(
    *,
    actor,
    partnership,
    programme,
    name,
    personnummer,
    opened_on=None,
    background="",
    request=None,
):
    """A new case owned by the actor's organisation, with the actor as its lead."""
    if not may_create(actor, partnership):
        raise ValidationError(_("Bara handläggare får lägga upp personärenden."))
    if programme not in Programme.values:
        raise ValidationError({"programme": _("Välj verksamhet: SSPF eller avhopparverksamhet.")})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Skriv personens namn.")})
    if len(name) > MAX_NAME:
        raise ValidationError({"name": _("Namnet får vara högst %(n)s tecken.") % {"n": MAX_NAME}})
    pnr = clean_personnummer(personnummer)
    today = timezone.localdate()
    opened_on = opened_on or today
    _date("opened_on", opened_on, _("Ange datum som ÅÅÅÅ-MM-DD."))
    if opened_on > today:
        raise ValidationError({"opened_on": _("Datumet kan inte vara i framtiden.")})
    existing = open_case_with_personnummer(partnership, pnr)
    if existing is not None:
        if existing.owner_organisation_id == actor.organisation_id:
            message = _(
                "Personen har redan ett pågående ärende hos er: %(code)s. Arbeta vidare i det."
            ) % {"code": existing.code}
        else:
            message = _(
                "Personen har redan ett pågående ärende hos en annan organisation i "
                "samverkan. Kontakta socialtjänsten."
            )
        raise ValidationError({"personnummer": message})
    case = Case.objects.create(
        partnership=partnership,
        code=_new_code(partnership, programme, opened_on.year),
        programme=programme,
        owner_organisation=actor.organisation,
        opened_on=opened_on,
        background=_text("background", background),
        created_by=actor,
    )
    CaseIdentity.objects.create(
        case=case,
        partnership=partnership,
        name_encrypted=crypto.encrypt(name),
        personnummer_encrypted=crypto.encrypt(pnr),
        personnummer_index=crypto.blind_index(partnership.pk, pnr),
    )
    CaseTeamMember.objects.create(case=case, user=actor, role=TeamRole.LEAD, added_by=actor)
    _audit("cases.create", actor, case, request)
    return case


def identity_of(actor, case):
    """(name, personnummer) in plain text: the owning organisation's team members only."""
    if access_level(actor, case) != OWNER:
        raise ValidationError(_("Du har inte tillgång till personens identitet."))
    identity = case.identity
    return crypto.decrypt(identity.name_encrypted), crypto.decrypt(identity.personnummer_encrypted)


@transaction.atomic
def record_read(*, actor, case, purpose, request=None):
    """Every read of a case is audited with the purpose the reader stated."""
    level = _require(actor, case, OWNER, SHARED)
    _audit("cases.read", actor, case, request, purpose=purpose[:300], access=level)


@transaction.atomic
def set_stage(*, actor, case, stage, request=None):
    _require(actor, case, OWNER)
    _require_open(case)
    if stage not in Stage.values or stage == Stage.CLOSED:
        raise ValidationError(
            {"stage": _("Välj ett skede ur listan. Avsluta ärendet med Avsluta.")}
        )
    old = case.stage
    case.stage = stage
    case.save(update_fields=["stage", "updated_at"])
    _audit("cases.stage", actor, case, request, old=old, new=stage)
    return case


@transaction.atomic
def close_case(*, actor, case, outcome, outcome_note="", closed_on=None, request=None):
    _require(actor, case, OWNER)
    _require_open(case)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Välj utfall ur listan.")})
    closed_on = closed_on or timezone.localdate()
    if closed_on < case.opened_on:
        raise ValidationError(
            {"closed_on": _("Ärendet kan inte avslutas före datumet det aktualiserades.")}
        )
    if closed_on > timezone.localdate():
        raise ValidationError({"closed_on": _("Datumet kan inte vara i framtiden.")})
    case.stage = Stage.CLOSED
    case.outcome = outcome
    case.outcome_note = _text("outcome_note", outcome_note)
    case.closed_on = closed_on
    case.save()
    FollowUp.objects.filter(case=case, done_at__isnull=True).update(done_at=timezone.now())
    _audit("cases.close", actor, case, request, outcome=outcome)
    return case


# --- Team and consent ------------------------------------------------------------------


def team_candidates(case):
    """Active case workers of the case's partnership not yet on the team."""
    User = get_user_model()
    return (
        User.objects.filter(
            is_active=True,
            memberships__partnership=case.partnership,
            memberships__role=Role.CASE_WORKER,
            memberships__is_active=True,
        )
        .exclude(case_teams__case=case)
        .select_related("organisation")
        .order_by("organisation__name", "email")
    )


@transaction.atomic
def add_team_member(*, actor, case, user, role=TeamRole.MEMBER, request=None):
    _require(actor, case, OWNER)
    _require_open(case)
    if user is None or not team_candidates(case).filter(pk=user.pk).exists():
        raise ValidationError(
            {"user": _("Välj en handläggare i samverkan som inte redan är med i teamet.")}
        )
    if role not in TeamRole.values:
        raise ValidationError({"role": _("Välj roll ur listan.")})
    member = CaseTeamMember.objects.create(case=case, user=user, role=role, added_by=actor)
    _audit(
        "cases.team_add", actor, case, request, user_id=user.pk, organisation=user.organisation_id
    )
    return member


@transaction.atomic
def remove_team_member(*, actor, case, member, request=None):
    _require(actor, case, OWNER)
    if member.case_id != case.pk:
        raise ValidationError(_("Personen är inte med i teamet."))
    owners_left = case.team.filter(user__organisation_id=case.owner_organisation_id).exclude(
        pk=member.pk
    )
    if not owners_left.exists():
        raise ValidationError(
            _("Minst en handläggare från den ägande organisationen måste finnas kvar i teamet.")
        )
    user_id = member.user_id
    member.delete()
    _audit("cases.team_remove", actor, case, request, user_id=user_id)


@transaction.atomic
def record_consent(
    *, actor, case, given_by, given_on, expires_on, organisations, scope, request=None
):
    """Register a consent: who gave it, when, until when, which organisations may share
    and receive, and what."""
    _require(actor, case, OWNER)
    _require_open(case)
    errors = {}
    if given_by not in ConsentGiver.values:
        errors["given_by"] = _("Välj vem som har lämnat samtycket.")
    if not isinstance(given_on, dt.date):
        errors["given_on"] = _("Ange datum för samtycket som ÅÅÅÅ-MM-DD.")
    elif given_on > timezone.localdate():
        errors["given_on"] = _("Samtycket kan inte vara lämnat i framtiden.")
    if not isinstance(expires_on, dt.date):
        errors["expires_on"] = _("Ange till vilket datum samtycket gäller.")
    elif isinstance(given_on, dt.date) and expires_on < given_on:
        errors["expires_on"] = _("Samtycket kan inte upphöra före datumet det lämnades.")
    organisations = list(organisations or [])
    allowed = set(participating_organisations(case.partnership).values_list("pk", flat=True))
    if not organisations:
        errors["organisations"] = _("Välj minst en organisation som får dela uppgifter.")
    elif any(o.pk not in allowed for o in organisations):
        errors["organisations"] = _("Organisationen deltar inte i den här samverkan.")
    scope = list(scope or [])
    if not scope or any(s not in ShareScope.values for s in scope):
        errors["scope"] = _("Välj vad som får delas.")
    if errors:
        raise ValidationError(errors)
    consent = Consent.objects.create(
        case=case,
        given_by=given_by,
        given_on=given_on,
        expires_on=expires_on,
        scope=sorted(set(scope)),
        recorded_by=actor,
    )
    consent.organisations.set(organisations)
    _audit(
        "cases.consent",
        actor,
        case,
        request,
        consent=consent.pk,
        organisations=sorted(o.pk for o in organisations),
        scope=consent.scope,
        given_on=given_on.isoformat(),
        expires_on=expires_on.isoformat(),
    )
    return consent


@transaction.atomic
def withdraw_consent(*, actor, consent, request=None):
    """Withdrawal takes effect at once: other organisations lose access on their next
    request."""
    case = consent.case
    _require(actor, case, OWNER)
    if consent.withdrawn_at is not None:
        raise ValidationError(_("Samtycket är redan återkallat."))
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    _audit("cases.consent_withdraw", actor, case, request, consent=consent.pk)
    return consent


# --- The work --------------------------------------------------------------------------


@transaction.atomic
def add_reference(*, actor, case, reference, request=None):
    """A pointer to the actor's organisation's own record (journal or diary number)."""
    _require(actor, case, OWNER, SHARED)
    _require_open(case)
    reference = _text(
        "reference",
        reference,
        required=True,
        limit=200,
        message=_("Skriv referensen, t.ex. ett diarienummer."),
    )
    ref = CaseReference.objects.create(
        case=case, organisation=actor.organisation, reference=reference, added_by=actor
    )
    _audit("cases.reference", actor, case, request, reference=ref.pk)
    return ref


@transaction.atomic
def add_commitment(*, actor, case, sector, organisation, description, due_on=None, request=None):
    _require(actor, case, OWNER)
    _require_open(case)
    if sector not in SECTORS_BY_PROGRAMME[case.programme]:
        raise ValidationError({"sector": _("Välj ett område som hör till verksamheten.")})
    allowed = set(participating_organisations(case.partnership).values_list("pk", flat=True))
    if organisation is None or organisation.pk not in allowed:
        raise ValidationError({"organisation": _("Välj en organisation i samverkan.")})
    description = _text(
        "description",
        description,
        required=True,
        message=_("Beskriv vad organisationen åtar sig."),
    )
    commitment = Commitment.objects.create(
        case=case,
        sector=sector,
        organisation=organisation,
        description=description,
        due_on=due_on,
        created_by=actor,
    )
    _audit("cases.commitment", actor, case, request, commitment=commitment.pk, sector=sector)
    return commitment


def may_change_commitment(actor, commitment, level):
    return level == OWNER or (
        level == SHARED
        and commitment.organisation_id == actor.organisation_id
        and ShareScope.PLAN in shared_scope(actor, commitment.case)
    )


@transaction.atomic
def set_commitment_status(*, actor, commitment, status, request=None):
    case = commitment.case
    level = _require(actor, case, OWNER, SHARED)
    _require_open(case)
    if not may_change_commitment(actor, commitment, level):
        raise ValidationError(_("Bara den ansvariga organisationen och ärendets ägare får ändra."))
    if status not in CommitmentStatus.values:
        raise ValidationError({"status": _("Välj status ur listan.")})
    old = commitment.status
    commitment.status = status
    commitment.save(update_fields=["status"])
    _audit(
        "cases.commitment_status",
        actor,
        case,
        request,
        commitment=commitment.pk,
        old=old,
        new=status,
    )
    return commitment


@transaction.atomic
def add_meeting(*, actor, case, held_on, notes, participants="", label=NoteLabel.RED, request=None):
    level = _require(actor, case, OWNER, SHARED)
    _require_open(case)
    if level == SHARED and ShareScope.MEETINGS not in shared_scope(actor, case):
        raise ValidationError(_("Samtycket omfattar inte möten för din organisation."))
    _date("held_on", held_on, _("Ange mötets datum som ÅÅÅÅ-MM-DD."))
    if label not in NoteLabel.values:
        raise ValidationError({"label": _("Välj delning ur listan.")})
    notes = _text("notes", notes, required=True, message=_("Skriv anteckningar från mötet."))
    meeting = CaseMeeting.objects.create(
        case=case,
        held_on=held_on,
        participants=_text("participants", participants, limit=500),
        notes=notes,
        label=label,
        organisation=actor.organisation,
        created_by=actor,
    )
    _audit("cases.meeting", actor, case, request, meeting=meeting.pk, label=label)
    return meeting


@transaction.atomic
def add_assessment(
    *, actor, case, assessed_on, ratings, protective_factors="", needs="", request=None
):
    _require(actor, case, OWNER)
    _require_open(case)
    _date("assessed_on", assessed_on, _("Ange datum som ÅÅÅÅ-MM-DD."))
    clean = {d: v for d, v in (ratings or {}).items() if v}
    if not clean:
        raise ValidationError(_("Bedöm minst ett område."))
    if any(d not in RiskDomain.values or v not in RiskLevel.values for d, v in clean.items()):
        raise ValidationError(_("Välj risknivå ur listan."))
    assessment = Assessment.objects.create(
        case=case,
        assessed_on=assessed_on,
        ratings=clean,
        protective_factors=_text("protective_factors", protective_factors),
        needs=_text("needs", needs),
        created_by=actor,
    )
    _audit("cases.assessment", actor, case, request, assessment=assessment.pk)
    return assessment


@transaction.atomic
def add_follow_up(*, actor, case, due_on, what, request=None):
    _require(actor, case, OWNER)
    _require_open(case)
    _date("due_on", due_on, _("Ange datum för uppföljningen som ÅÅÅÅ-MM-DD."))
    what = _text("what", what, required=True, limit=300, message=_("Skriv vad som ska följas upp."))
    follow_up = FollowUp.objects.create(case=case, due_on=due_on, what=what, created_by=actor)
    _audit("cases.follow_up", actor, case, request, follow_up=follow_up.pk)
    return follow_up


@transaction.atomic
def complete_follow_up(*, actor, follow_up, request=None):
    case = follow_up.case
    _require(actor, case, OWNER)
    if follow_up.done_at is None:
        follow_up.done_at = timezone.now()
        follow_up.save(update_fields=["done_at"])
        _audit("cases.follow_up_done", actor, case, request, follow_up=follow_up.pk)
    return follow_up


# --- Export, purge, keys ---------------------------------------------------------------


def case_document(case):
    """The whole case as a JSON-serialisable dict, identity included (owner's export)."""
    identity = case.identity
    return {
        "code": case.code,
        "programme": case.programme,
        "owner_organisation": str(case.owner_organisation),
        "stage": case.stage,
        "opened_on": case.opened_on.isoformat(),
        "closed_on": case.closed_on.isoformat() if case.closed_on else None,
        "outcome": case.outcome,
        "outcome_note": case.outcome_note,
        "background": case.background,
        "identity": {
            "name": crypto.decrypt(identity.name_encrypted),
            "personnummer": crypto.decrypt(identity.personnummer_encrypted),
        },
        "team": [
            {"user": m.user.email, "organisation": str(m.user.organisation), "role": m.role}
            for m in case.team.select_related("user__organisation")
        ],
        "consents": [
            {
                "given_by": c.given_by,
                "given_on": c.given_on.isoformat(),
                "expires_on": c.expires_on.isoformat(),
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
                "organisations": [str(o) for o in c.organisations.all()],
                "scope": c.scope,
            }
            for c in case.consents.all()
        ],
        "references": [
            {"organisation": str(r.organisation), "reference": r.reference}
            for r in case.references.select_related("organisation")
        ],
        "plan": [
            {
                "sector": c.sector,
                "organisation": str(c.organisation),
                "description": c.description,
                "due_on": c.due_on.isoformat() if c.due_on else None,
                "status": c.status,
            }
            for c in case.commitments.select_related("organisation")
        ],
        "meetings": [
            {
                "held_on": m.held_on.isoformat(),
                "participants": m.participants,
                "notes": m.notes,
                "label": m.label,
            }
            for m in case.meetings.all()
        ],
        "assessments": [
            {
                "assessed_on": a.assessed_on.isoformat(),
                "ratings": a.ratings,
                "protective_factors": a.protective_factors,
                "needs": a.needs,
            }
            for a in case.assessments.all()
        ],
        "follow_ups": [
            {"due_on": f.due_on.isoformat(), "what": f.what, "done": f.done_at is not None}
            for f in case.follow_ups.all()
        ],
    }


@transaction.atomic
def export_case(*, actor, case, request=None):
    """The owning organisation's export of one case (the view requires re-authentication)."""
    _require(actor, case, OWNER)
    document = case_document(case)
    _audit("cases.export", actor, case, request, format="json")
    return document


@transaction.atomic
def export_case_pdf(*, actor, case, request=None):
    """The owning organisation's export of one case as a PDF/UA file marked TLP:RED (the
    view requires re-authentication). Audited with the file's sha256, no identity."""
    import hashlib

    from . import pdf

    _require(actor, case, OWNER)
    content = pdf.render(case_document(case))
    sha256 = hashlib.sha256(content).hexdigest()
    _audit("cases.export", actor, case, request, format="pdf", sha256=sha256)
    return content


def settings_for(partnership):
    found = CaseSettings.objects.filter(partnership=partnership).first()
    return found or CaseSettings(partnership=partnership, purge_months=DEFAULT_PURGE_MONTHS)


@transaction.atomic
def set_purge_months(*, actor, partnership, months):
    if not isinstance(months, int) or not 1 <= months <= 240:
        raise ValidationError(_("Ange mellan 1 och 240 månader."))
    CaseSettings.objects.update_or_create(
        partnership=partnership, defaults={"purge_months": months}
    )
    record("cases.purge_policy", actor=actor, partnership=partnership, data={"months": months})


def _months_before(day, months):
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def purge_cutoff(partnership, today=None):
    today = today or timezone.localdate()
    return _months_before(today, settings_for(partnership).purge_months)


@transaction.atomic
def purge_closed_cases(partnership, *, today=None, dry_run=False):
    """Delete the cases closed before the cutoff, everything of them included; keep an
    anonymous tally per case (programme, month opened, month closed) for the counts.
    Audited with counts only. Returns the number of cases (to be) purged."""
    cutoff = purge_cutoff(partnership, today)
    cases = Case.objects.filter(partnership=partnership, stage=Stage.CLOSED, closed_on__lt=cutoff)
    rows = list(cases.values_list("pk", "programme", "opened_on", "closed_on"))
    if dry_run or not rows:
        return len(rows)
    CaseTally.objects.bulk_create(
        CaseTally(
            partnership=partnership,
            programme=programme,
            opened_month=opened.replace(day=1),
            closed_month=closed.replace(day=1),
        )
        for _pk, programme, opened, closed in rows
    )
    Case.objects.filter(pk__in=[r[0] for r in rows]).delete()
    by_programme = {p: sum(1 for r in rows if r[1] == p) for p in Programme.values}
    record(
        "cases.purge",
        actor=None,
        partnership=partnership,
        data={"cases": len(rows), "by_programme": by_programme, "cutoff": cutoff.isoformat()},
    )
    return len(rows)


@transaction.atomic
def rotate_keys():
    """Re-encrypt every identity with the newest key (``settings.CASE_KEYS[0]``).
    Audited in the system chain with the count only. Returns the number re-encrypted."""
    changed = 0
    for identity in CaseIdentity.objects.select_for_update().order_by("pk"):
        if crypto.is_current(identity.name_encrypted) and crypto.is_current(
            identity.personnummer_encrypted
        ):
            continue
        identity.name_encrypted = crypto.rotate(identity.name_encrypted)
        identity.personnummer_encrypted = crypto.rotate(identity.personnummer_encrypted)
        identity.save(update_fields=["name_encrypted", "personnummer_encrypted"])
        changed += 1
    record("cases.rotate_keys", actor=None, data={"reencrypted": changed})
    return changed


def due_follow_ups(today=None, *, days_ahead=0):
    """Open follow-ups of open cases due on or before today + days_ahead."""
    today = today or timezone.localdate()
    return FollowUp.objects.filter(
        done_at__isnull=True,
        due_on__lte=today + dt.timedelta(days=days_ahead),
        case__stage__in=OPEN_STAGES,
    ).select_related("case", "case__partnership")


def send_follow_up_reminders(today=None):
    """E-mail the owning organisation's team members of every follow-up due today or
    earlier that has not been reminded today. The e-mail names the case code and the
    date only (no name, no note: e-mail leaves the track). Returns the number sent."""
    from django.conf import settings
    from django.core.mail import send_mass_mail

    today = today or timezone.localdate()
    messages = []
    reminded = []
    for follow_up in due_follow_ups(today).exclude(reminded_on=today):
        case = follow_up.case
        recipients = sorted(
            case.team.filter(
                user__organisation_id=case.owner_organisation_id, user__is_active=True
            ).values_list("user__email", flat=True)
        )
        if not recipients:
            continue
        subject = _("Uppföljning i personärende %(code)s") % {"code": case.code}
        body = _(
            "Ärende %(code)s har en uppföljning som skulle göras senast %(date)s.\n\n"
            "Logga in i Trygghetscenter och öppna ärendet under Personärenden: %(url)s"
        ) % {
            "code": case.code,
            "date": follow_up.due_on.isoformat(),
            "url": f"{settings.TRYGG_BASE_URL}/arenden/",
        }
        messages.extend((subject, body, None, [email]) for email in recipients)
        reminded.append(follow_up.pk)
    if messages:
        send_mass_mail(messages, fail_silently=True)
        FollowUp.objects.filter(pk__in=reminded).update(reminded_on=today)
        record("cases.reminders", actor=None, data={"follow_ups": len(reminded)})
    return len(messages)
