"""Retention and archiving (DESIGN.md §5, issue 7 §3).

A partnership's policy says when an incident loses its texts and exact place, when it
becomes a statistics-only tombstone (only the rollup's key is left), and how long the
audit log is kept. Incidents themselves carry no retention fields: what retention did to
an incident is kept here, one row per incident.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_TEXT_MONTHS = 24
DEFAULT_TOMBSTONE_MONTHS = 60
DEFAULT_AUDIT_MONTHS = 120


class RetentionPolicy(models.Model):
    """How long one partnership keeps what (in months, counted back from today)."""

    partnership = models.OneToOneField(
        "core.Partnership", on_delete=models.CASCADE, related_name="retention_policy"
    )
    text_months = models.PositiveIntegerField(
        _("fritext och exakt plats gallras efter (månader)"), default=DEFAULT_TEXT_MONTHS
    )
    tombstone_months = models.PositiveIntegerField(
        _("endast statistik sparas efter (månader)"), default=DEFAULT_TOMBSTONE_MONTHS
    )
    audit_months = models.PositiveIntegerField(
        _("loggen sparas (månader)"), default=DEFAULT_AUDIT_MONTHS
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("gallringsregel")
        verbose_name_plural = _("gallringsregler")

    def __str__(self):
        return (
            f"{self.partnership_id}: {self.text_months}/{self.tombstone_months}/{self.audit_months}"
        )


class IncidentRetention(models.Model):
    """What retention has done to one incident: texts and exact place cleared, and
    (later) made a statistics-only tombstone."""

    incident = models.OneToOneField(
        "incidents.Incident", on_delete=models.CASCADE, related_name="retention"
    )
    partnership = models.ForeignKey("core.Partnership", on_delete=models.CASCADE, related_name="+")
    texts_cleared_at = models.DateTimeField()
    tombstoned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["partnership", "tombstoned_at"], name="ret_p_tombstoned"),
        ]

    def __str__(self):
        return f"{self.incident_id} ({'tombstone' if self.tombstoned_at else 'cleared'})"

    @property
    def is_tombstone(self):
        return self.tombstoned_at is not None


class ArchiveExport(models.Model):
    """One `trygg archive export`: what the records rules keep, written before purging."""

    partnership = models.ForeignKey(
        "core.Partnership", on_delete=models.CASCADE, related_name="archive_exports"
    )
    before = models.DateField()
    exported_at = models.DateTimeField()
    directory = models.CharField(max_length=1000)
    manifest_sha256 = models.CharField(max_length=64)
    incidents = models.PositiveIntegerField(default=0)
    versions = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-exported_at", "-id"]
        indexes = [models.Index(fields=["partnership", "before"], name="ret_export_p_before")]

    def __str__(self):
        return f"{self.partnership_id} < {self.before} @ {self.exported_at:%Y-%m-%d %H:%M}"


class SnapshotRetention(models.Model):
    """An approved lägesbild version whose point layer retention coarsened to the leaf
    areas (the numbers and texts stay as approved), with the hashes before and after."""

    version = models.OneToOneField(
        "situation.SituationVersion", on_delete=models.CASCADE, related_name="retention"
    )
    partnership = models.ForeignKey("core.Partnership", on_delete=models.CASCADE, related_name="+")
    coarsened_at = models.DateTimeField()
    points = models.PositiveIntegerField(default=0)
    complete = models.BooleanField(default=False)
    history = models.JSONField(default=list, blank=True)

    def __str__(self):
        return f"{self.version_id}: {self.points} points"
