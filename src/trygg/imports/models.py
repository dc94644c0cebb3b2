"""Imports of partners' incident files: remembered mappings and the wizard's jobs.

An ``ImportJob`` keeps the parsed, already redacted cells of an uploaded file (never the
file itself) while the user maps columns and categories and checks the dry run.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ColumnMapping(models.Model):
    """The column mapping an organisation used last time ({field: heading})."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    partnership = models.ForeignKey("core.Partnership", on_delete=models.CASCADE, related_name="+")
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kolumnkoppling")
        verbose_name_plural = _("kolumnkopplingar")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "partnership"], name="columnmapping_unique"
            )
        ]

    def __str__(self):
        return f"{self.organisation_id}@{self.partnership_id}"


class CategoryMapping(models.Model):
    """An organisation's own word for a category ("Klotter i trapphus" -> SKADA.KLOTTER)."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    partnership = models.ForeignKey("core.Partnership", on_delete=models.CASCADE, related_name="+")
    their_word = models.CharField(_("organisationens ord"), max_length=200)
    category = models.ForeignKey("incidents.Category", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("kategorikoppling")
        verbose_name_plural = _("kategorikopplingar")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "partnership", "their_word"],
                name="categorymapping_unique",
            )
        ]

    def __str__(self):
        return f"{self.their_word} -> {self.category_id}"


class ImportJob(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("uppladdad")
        CHECKED = "checked", _("kontrollerad")
        QUEUED = "queued", _("väntar på att importeras")
        RUNNING = "running", _("importeras")
        DONE = "done", _("klar")
        FAILED = "failed", _("misslyckades")

    partnership = models.ForeignKey(
        "core.Partnership", on_delete=models.CASCADE, related_name="import_jobs"
    )
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="import_jobs"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    file_name = models.CharField(_("filnamn"), max_length=255)
    row_count = models.PositiveIntegerField(default=0)
    table = models.JSONField(default=dict, help_text="Parsed, redacted cells; never the file.")
    mapping = models.JSONField(default=dict)
    category_map = models.JSONField(default=dict)
    problems = models.JSONField(default=list)
    only_valid = models.BooleanField(default=False)
    progress = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("importer")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"
