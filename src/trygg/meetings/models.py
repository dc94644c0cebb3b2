"""The weekly meeting (avstämning): the series, each meeting's agenda, attendance, notes
and decisions, and the approved minutes (immutable versions, like the lägesbild).

A meeting's minutes carry a TLP label (``visible_to`` / ``summaries_for`` through
``LabelledQuerySet``): the convening organisation takes the reporting organisation's
place, the creator the reporter's.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trygg.incidents.models import Label
from trygg.incidents.visibility import LabelledQuerySet


def new_feed_token():
    return secrets.token_urlsafe(32)


class MeetingSeries(models.Model):
    """The partnership's recurring weekly meeting."""

    partnership = models.OneToOneField(
        "core.Partnership", on_delete=models.CASCADE, related_name="meeting_series"
    )
    title = models.CharField(_("namn"), max_length=200, default="Veckans avstämning")
    weekday = models.PositiveSmallIntegerField(
        _("veckodag"), default=1, help_text=_("1 = måndag … 7 = söndag")
    )
    start_time = models.TimeField(_("börjar"))
    duration_minutes = models.PositiveSmallIntegerField(_("längd i minuter"), default=60)
    location = models.CharField(_("plats"), max_length=200, blank=True)
    link_url = models.URLField(_("länk till digitalt möte"), blank=True)
    organisation = models.ForeignKey(
        "core.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sammankallande organisation"),
    )
    feed_token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mötesserie")
        verbose_name_plural = _("mötesserier")

    def __str__(self):
        return self.title


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("planerad")
    HELD = "held", _("genomförd")
    APPROVED = "approved", _("protokoll justerat")


class Meeting(models.Model):
    partnership = models.ForeignKey(
        "core.Partnership", on_delete=models.CASCADE, related_name="meetings"
    )
    series = models.ForeignKey(
        MeetingSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    title = models.CharField(_("rubrik"), max_length=200)
    starts_at = models.DateTimeField(_("börjar"))
    ends_at = models.DateTimeField(_("slutar"))
    location = models.CharField(_("plats"), max_length=200, blank=True)
    link_url = models.URLField(_("länk till digitalt möte"), blank=True)
    situation_key = models.CharField(
        _("lägesbild"), max_length=20, blank=True, help_text=_("t.ex. 2026-W47")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    label = models.CharField(
        _("delning (TLP)"), max_length=12, choices=Label.choices, default=Label.GREEN
    )
    summary = models.TextField(
        _("sammanfattning"),
        blank=True,
        help_text=_("Visas för ledning och förtroendevalda om protokollet är TLP:CLEAR/GREEN."),
    )
    organisation = models.ForeignKey(
        "core.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sammankallande organisation"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LabelledQuerySet.as_manager()

    class Meta:
        verbose_name = _("avstämning")
        verbose_name_plural = _("avstämningar")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="meeting_period"
            )
        ]
        indexes = [models.Index(fields=["partnership", "starts_at"], name="meeting_p_start")]

    def __str__(self):
        return f"{self.title} {self.starts_at:%Y-%m-%d}"

    @property
    def is_locked(self):
        return self.status == MeetingStatus.APPROVED


class AgendaItemKind(models.TextChoices):
    FLAG = "flag", _("flagga i lägesbilden")
    HOTSPOT = "hotspot", _("ny koncentration (hotspot)")
    REPORTING_GAP = "reporting_gap", _("saknade rapporter")
    FOCUS = "focus", _("föreslaget fokus")
    ACTION = "action", _("åtgärd att följa upp")
    PARTNER = "partner", _("punkt från en partner")
    OTHER = "other", _("övrigt")


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("ordning"))
    kind = models.CharField(_("typ"), max_length=20, choices=AgendaItemKind.choices)
    title = models.CharField(_("rubrik"), max_length=300)
    body = models.TextField(_("underlag"), blank=True)
    action = models.ForeignKey(
        "work.Action", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(_("anteckningar"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_by_organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("dagordningspunkt")
        verbose_name_plural = _("dagordningspunkter")
        ordering = ["meeting", "order", "id"]

    def __str__(self):
        return self.title


class Attendance(models.Model):
    """Which organisations took part (by organisation, not by person)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    present = models.BooleanField(_("närvarande"), default=True)
    people = models.PositiveSmallIntegerField(_("antal deltagare"), default=1)

    class Meta:
        ordering = ["meeting", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "organisation"], name="attendance_unique")
        ]

    def __str__(self):
        return f"{self.meeting_id}: {self.organisation_id}"


class Decision(models.Model):
    """A decision of the meeting; one that creates or updates an action links it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    text = models.TextField(_("beslut"))
    action = models.ForeignKey(
        "work.Action",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("åtgärd"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("beslut")
        verbose_name_plural = _("beslut")
        ordering = ["meeting", "created_at", "id"]

    def __str__(self):
        return self.text[:60]


class MinutesVersion(models.Model):
    """One approved (justerat) version of the minutes, frozen as data and a PDF."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("justerat"))
    change_note = models.TextField(_("vad som ändrats"), blank=True)
    snapshot = models.JSONField()
    snapshot_sha256 = models.CharField(max_length=64)
    pdf = models.BinaryField()
    pdf_sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("justerat protokoll")
        verbose_name_plural = _("justerade protokoll")
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="minutesversion_unique")
        ]

    def __str__(self):
        return f"{self.meeting} v{self.number}"
