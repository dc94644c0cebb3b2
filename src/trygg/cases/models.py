"""The person track (personärenden): SSPF and the exit programme (avhopparverksamhet).

A coordination layer, not a case record (journal): consent, the joint plan, meetings,
the risk and needs assessment and follow-up, with references to each organisation's own
records. Strictly separate from the place-based domain: nothing here is read by the
lägesbild, the incident pages, exports, the API or e-mails, except the anonymous monthly
counts of ``stats.py`` (docs/personarenden.md).

Who sees a case is decided in one place, ``access.py``-adjacent ``policy.py``: the case
team's case workers; those of other organisations than the owning one only while a valid
consent covers their organisation. Identity (name, personnummer) lives in
``CaseIdentity``, encrypted field by field (``crypto.py``), and is decrypted only for the
owning organisation's team members.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Programme(models.TextChoices):
    SSPF = "sspf", _("SSPF")
    EXIT = "exit", _("Avhopparverksamhet")


class Stage(models.TextChoices):
    INTAKE = "intake", _("aktualisering")
    ASSESSMENT = "assessment", _("kartläggning och bedömning")
    PLAN = "plan", _("gemensam plan")
    IMPLEMENTATION = "implementation", _("genomförande")
    FOLLOW_UP = "follow_up", _("uppföljning")
    CLOSED = "closed", _("avslutat")


OPEN_STAGES = tuple(s for s in Stage.values if s != Stage.CLOSED)


class Sector(models.TextChoices):
    """Whose commitment a line of the joint plan is."""

    SCHOOL = "school", _("skola")
    SOCIAL = "social", _("socialtjänst")
    YOUTH_CENTRE = "youth_centre", _("fritid")
    POLICE = "police", _("polis")
    HOUSING = "housing", _("boende")
    EMPLOYMENT = "employment", _("sysselsättning och utbildning")
    PROTECTION = "protection", _("skydd")
    TREATMENT = "treatment", _("behandling")
    FINANCES = "finances", _("ekonomi")


SECTORS_BY_PROGRAMME = {
    Programme.SSPF: (Sector.SCHOOL, Sector.SOCIAL, Sector.YOUTH_CENTRE, Sector.POLICE),
    Programme.EXIT: tuple(Sector),
}


class Outcome(models.TextChoices):
    GOALS_MET = "goals_met", _("målen i planen är uppnådda")
    PARTLY_MET = "partly_met", _("målen är delvis uppnådda")
    NOT_MET = "not_met", _("målen är inte uppnådda")
    DECLINED = "declined", _("personen ville inte fortsätta")
    MOVED = "moved", _("personen har flyttat")
    OTHER = "other", _("annat")


class ShareScope(models.TextChoices):
    """What a consent lets the covered organisations share and receive."""

    PLAN = "plan", _("gemensam plan och uppföljning")
    MEETINGS = "meetings", _("möten och anteckningar")
    ASSESSMENT = "assessment", _("risk- och behovsbedömning")


class ConsentGiver(models.TextChoices):
    PERSON = "person", _("personen själv")
    GUARDIANS = "guardians", _("vårdnadshavarna (personen är under 18 år)")
    BOTH = "both", _("personen och vårdnadshavarna")


class TeamRole(models.TextChoices):
    LEAD = "lead", _("ärendeansvarig")
    MEMBER = "member", _("deltagare")


class CommitmentStatus(models.TextChoices):
    PLANNED = "planned", _("planerad")
    ONGOING = "ongoing", _("pågår")
    DONE = "done", _("genomförd")
    CANCELLED = "cancelled", _("avbruten")


class NoteLabel(models.TextChoices):
    RED = "RED", _("TLP:RED – bara ägande organisation och antecknarens organisation")
    AMBER = "AMBER", _("TLP:AMBER – hela ärendeteamet (enligt samtycket)")


class RiskLevel(models.TextChoices):
    LOW = "low", _("låg")
    MEDIUM = "medium", _("måttlig")
    HIGH = "high", _("hög")


class RiskDomain(models.TextChoices):
    SCHOOL = "school", _("skola och utbildning")
    FAMILY = "family", _("familj och hem")
    PEERS = "peers", _("kamrater och nätverk")
    LEISURE = "leisure", _("fritid")
    SUBSTANCES = "substances", _("alkohol och droger")
    CRIME = "crime", _("brottslighet")
    HEALTH = "health", _("psykisk hälsa")
    THREAT = "threat", _("hot och utsatthet")
    HOUSING = "housing", _("boende och ekonomi")


class CaseSettings(models.Model):
    """The person track's settings of one partnership (gallring av avslutade ärenden)."""

    partnership = models.OneToOneField(
        "core.Partnership", on_delete=models.CASCADE, related_name="case_settings"
    )
    purge_months = models.PositiveSmallIntegerField(
        _("gallra avslutade ärenden efter (månader)"), default=24
    )

    class Meta:
        verbose_name = _("inställningar för personärenden")

    def __str__(self):
        return f"case settings of partnership {self.partnership_id}"


class Case(models.Model):
    partnership = models.ForeignKey(
        "core.Partnership", on_delete=models.CASCADE, related_name="person_cases"
    )
    code = models.CharField(_("ärendekod"), max_length=20)
    programme = models.CharField(_("verksamhet"), max_length=10, choices=Programme.choices)
    owner_organisation = models.ForeignKey(
        "core.Organisation",
        on_delete=models.PROTECT,
        related_name="owned_person_cases",
        verbose_name=_("ägande organisation"),
    )
    stage = models.CharField(_("skede"), max_length=20, choices=Stage.choices, default=Stage.INTAKE)
    opened_on = models.DateField(_("aktualiserat"))
    closed_on = models.DateField(_("avslutat"), null=True, blank=True)
    outcome = models.CharField(_("utfall"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("kommentar till utfallet"), blank=True)
    background = models.TextField(_("anledning till ärendet"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("personärende")
        verbose_name_plural = _("personärenden")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "code"], name="case_code_unique"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="case_closed_after_opened",
            ),
        ]
        indexes = [models.Index(fields=["partnership", "programme", "opened_on"])]

    def __str__(self):
        return self.code

    @property
    def is_closed(self):
        return self.stage == Stage.CLOSED


class CaseIdentity(models.Model):
    """The person behind a case, apart from it: encrypted name and personnummer (Fernet,
    ``crypto.py``) and the blind index that finds duplicates without decrypting."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="identity")
    partnership = models.ForeignKey("core.Partnership", on_delete=models.CASCADE, related_name="+")
    name_encrypted = models.TextField()
    personnummer_encrypted = models.TextField()
    personnummer_index = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["partnership", "personnummer_index"])]

    def __str__(self):
        return f"identity of case {self.case_id}"


class CaseTeamMember(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_teams"
    )
    role = models.CharField(
        _("roll i teamet"), max_length=10, choices=TeamRole.choices, default=TeamRole.MEMBER
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="case_team_member_unique")
        ]

    def __str__(self):
        return f"team member {self.user_id} of case {self.case_id}"


class ConsentQuerySet(models.QuerySet):
    def valid_on(self, day):
        return self.filter(withdrawn_at__isnull=True, given_on__lte=day, expires_on__gte=day)


class Consent(models.Model):
    """Consent to share: by whom, when, which organisations may share and receive what,
    until when. Withdrawn or expired, it no longer opens the case to anyone."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    given_by = models.CharField(_("samtycke från"), max_length=10, choices=ConsentGiver.choices)
    given_on = models.DateField(_("datum för samtycket"))
    expires_on = models.DateField(_("gäller till och med"))
    organisations = models.ManyToManyField(
        "core.Organisation", related_name="+", verbose_name=_("organisationer som får dela")
    )
    scope = models.JSONField(_("vad som får delas"), default=list)
    withdrawn_at = models.DateTimeField(_("återkallat"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gte=models.F("given_on")), name="consent_period"
            )
        ]

    def __str__(self):
        return f"consent {self.pk} of case {self.case_id}"

    def state_on(self, day):
        if self.withdrawn_at is not None:
            return "withdrawn"
        if day < self.given_on:
            return "future"
        if day > self.expires_on:
            return "expired"
        return "valid"


class CaseReference(models.Model):
    """A pointer to an organisation's own record (e.g. a journal or diary number)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="references")
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(_("referens i egen dokumentation"), max_length=200)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.reference


class Commitment(models.Model):
    """One line of the joint action plan: what an organisation commits to."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="commitments")
    sector = models.CharField(_("område"), max_length=20, choices=Sector.choices)
    organisation = models.ForeignKey(
        "core.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ansvarig organisation"),
    )
    description = models.TextField(_("åtagande"))
    due_on = models.DateField(_("klart senast"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CommitmentStatus.choices,
        default=CommitmentStatus.PLANNED,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sector", "id"]

    def __str__(self):
        return f"{self.get_sector_display()}: {self.organisation}"


class CaseMeeting(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("datum"))
    participants = models.CharField(_("deltagande organisationer"), max_length=500, blank=True)
    notes = models.TextField(_("anteckningar"))
    label = models.CharField(
        _("delning (TLP)"), max_length=6, choices=NoteLabel.choices, default=NoteLabel.RED
    )
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"meeting {self.held_on} of case {self.case_id}"


class Assessment(models.Model):
    """A structured risk and needs assessment: a level per domain, protective factors."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField(_("datum"))
    ratings = models.JSONField(_("risknivå per område"), default=dict)
    protective_factors = models.TextField(_("skyddsfaktorer"), blank=True)
    needs = models.TextField(_("behov"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]

    def __str__(self):
        return f"assessment {self.assessed_on} of case {self.case_id}"

    def rating_rows(self):
        return [
            (RiskDomain(d).label, RiskLevel(self.ratings[d]).label)
            for d in RiskDomain.values
            if self.ratings.get(d) in RiskLevel.values
        ]


class FollowUp(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    due_on = models.DateField(_("datum för uppföljning"))
    what = models.CharField(_("vad ska följas upp"), max_length=300)
    done_at = models.DateTimeField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self):
        return f"follow-up {self.due_on} of case {self.case_id}"


class CaseTally(models.Model):
    """What is left of a purged case: the programme and the months it opened and closed,
    so that the anonymous monthly counts stay the same after purging."""

    partnership = models.ForeignKey("core.Partnership", on_delete=models.CASCADE, related_name="+")
    programme = models.CharField(max_length=10, choices=Programme.choices)
    opened_month = models.DateField()
    closed_month = models.DateField()

    def __str__(self):
        return f"{self.programme} {self.opened_month}–{self.closed_month}"
