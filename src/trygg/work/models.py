"""Actions (åtgärder/insatser) and presence (närvaro): what partners do in the areas.

Both carry a TLP label like incidents (planned police presence and inspections are
sensitive) and are read through ``visible_to`` / ``summaries_for``
(``trygg.incidents.visibility.LabelledQuerySet``): the owning organisation takes the
reporting organisation's place, the creator the reporter's.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trygg.incidents.models import Label
from trygg.incidents.visibility import LabelledQuerySet


class ActionType(models.TextChoices):
    PRESENCE = "presence", _("närvaro/patrullering")
    ENVIRONMENT = "environment", _("åtgärd i miljön (belysning, vegetation, klotter, städning)")
    DIALOGUE = "dialogue", _("dialog/uppsökande")
    EVENT = "event", _("aktivitet/evenemang")
    INVESTIGATION = "investigation", _("prioriterad utredning")
    INSPECTION = "inspection", _("samordnad tillsyn")
    OTHER = "other", _("annat")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("planerad")
    ONGOING = "ongoing", _("pågår")
    DONE = "done", _("genomförd")
    CANCELLED = "cancelled", _("avbruten")


OPEN_STATUSES = (ActionStatus.PLANNED, ActionStatus.ONGOING)


class ActionQuerySet(LabelledQuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.open().filter(end__lt=today)


class Action(models.Model):
    partnership = models.ForeignKey(
        "core.Partnership", on_delete=models.CASCADE, related_name="actions"
    )
    title = models.CharField(_("rubrik"), max_length=300)
    description = models.TextField(_("beskrivning"), blank=True)
    label = models.CharField(
        _("delning (TLP)"), max_length=12, choices=Label.choices, default=Label.GREEN
    )
    type = models.CharField(_("typ"), max_length=20, choices=ActionType.choices)
    priority = models.ForeignKey(
        "agreement.Priority",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("prioriterat område"),
    )
    goal = models.ForeignKey(
        "agreement.Goal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("mål"),
    )
    situation_key = models.CharField(
        _("från lägesbilden"), max_length=20, blank=True, help_text=_("t.ex. 2026-W47")
    )
    areas = models.ManyToManyField(
        "geo.Area", blank=True, related_name="actions", verbose_name=_("områden")
    )
    organisation = models.ForeignKey(
        "core.Organisation",
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name=_("ansvarig organisation"),
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_actions",
        verbose_name=_("kontaktperson"),
    )
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("klar senast"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    outcome = models.TextField(_("resultat"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(_("avslutad"), null=True, blank=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("åtgärd")
        verbose_name_plural = _("åtgärder")
        ordering = ["end", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True)
                | Q(end__isnull=True)
                | Q(end__gte=models.F("start")),
                name="action_period",
            )
        ]
        indexes = [
            models.Index(fields=["partnership", "status", "end"], name="action_p_status_end"),
            models.Index(fields=["partnership", "organisation"], name="action_p_org"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    def is_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.is_open and self.end is not None and self.end < today


class ActionRevision(models.Model):
    """One change of an action: who, when, each changed field's old and new value."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="revisions")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_at = models.DateTimeField()
    changes = models.JSONField(default=dict)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["action", "changed_at", "id"]

    def __str__(self):
        return f"{self.action_id} @ {self.changed_at:%Y-%m-%d %H:%M}"


class PresenceKind(models.TextChoices):
    POLICE_PATROL = "police_patrol", _("polisens fotpatrull")
    FIELD_WORKERS = "field_workers", _("fältarbetare")
    SECURITY_GUARDS = "security_guards", _("ordningsvakter/väktare")
    NIGHT_WALKERS = "night_walkers", _("nattvandrare")
    YOUTH_WORKERS = "youth_workers", _("fritidsledare")
    CARETAKERS = "caretakers", _("bovärdar")
    OTHER = "other", _("annan närvaro")


class PresenceStatus(models.TextChoices):
    PLANNED = "planned", _("planerad")
    PERFORMED = "performed", _("genomförd")
    CANCELLED = "cancelled", _("inställd")


class Presence(models.Model):
    """Presence by one organisation in one area and time window, planned or performed."""

    partnership = models.ForeignKey(
        "core.Partnership", on_delete=models.CASCADE, related_name="presences"
    )
    organisation = models.ForeignKey(
        "core.Organisation",
        on_delete=models.PROTECT,
        related_name="presences",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("typ av närvaro"), max_length=20, choices=PresenceKind.choices)
    area = models.ForeignKey(
        "geo.Area", on_delete=models.PROTECT, related_name="presences", verbose_name=_("område")
    )
    starts_at = models.DateTimeField(_("från"))
    ends_at = models.DateTimeField(_("till"))
    people = models.PositiveSmallIntegerField(_("antal personer"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=PresenceStatus.choices, default=PresenceStatus.PLANNED
    )
    label = models.CharField(
        _("delning (TLP)"), max_length=12, choices=Label.choices, default=Label.AMBER
    )
    note = models.TextField(_("kommentar"), blank=True)
    action = models.ForeignKey(
        Action,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="presences",
        verbose_name=_("hör till åtgärd"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LabelledQuerySet.as_manager()

    class Meta:
        verbose_name = _("närvaro")
        verbose_name_plural = _("närvaro")
        ordering = ["-starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="presence_period"
            )
        ]
        indexes = [
            models.Index(fields=["partnership", "starts_at"], name="presence_p_start"),
            models.Index(fields=["partnership", "area", "starts_at"], name="presence_p_area"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.area} {self.starts_at:%Y-%m-%d}"

    @property
    def hours(self):
        """Hours of presence in the area (the window's length; ``people`` is shown beside)."""
        return (self.ends_at - self.starts_at).total_seconds() / 3600


class ActionEvaluation(models.Model):
    """A before/after comparison of an action's areas against comparison areas
    (difference-in-differences on counts, ``trygg.work.evaluation``), kept as evaluated."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="evaluations")
    categories = models.ManyToManyField(
        "incidents.Category", related_name="+", verbose_name=_("händelsetyper")
    )
    comparison_areas = models.ManyToManyField(
        "geo.Area", related_name="+", verbose_name=_("jämförelseområden")
    )
    before_start = models.DateField(_("före från"))
    before_end = models.DateField(_("före till"))
    after_start = models.DateField(_("efter från"))
    after_end = models.DateField(_("efter till"))
    treated_before = models.PositiveIntegerField()
    treated_after = models.PositiveIntegerField()
    comparison_before = models.PositiveIntegerField()
    comparison_after = models.PositiveIntegerField()
    # The ratio of ratios (after/before in the action's areas over the same in the
    # comparison areas) with its 95% interval; 1 means no change relative to comparison.
    ratio = models.FloatField(null=True)
    ratio_low = models.FloatField(null=True)
    ratio_high = models.FloatField(null=True)
    conclusion = models.TextField(_("slutsats"))
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    evaluated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("utvärdering")
        verbose_name_plural = _("utvärderingar")
        ordering = ["action", "-evaluated_at"]

    def __str__(self):
        return f"{self.action_id} {self.evaluated_at:%Y-%m-%d}"
