from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    WEEK = "week", _("vecka")
    FOUR_WEEKS = "4w", _("fyra veckor")
    MONTH = "month", _("månad")
    TERTIAL = "tertial", _("tertial")
    YEAR = "year", _("år")


class SituationReport(models.Model):
    """The lägesbild of one partnership and one period: the coordinator's draft texts.

    The numbers of a draft are computed when it is read; an approved version
    (``SituationVersion``) freezes them.
    """

    partnership = models.ForeignKey(
        "core.Partnership", on_delete=models.CASCADE, related_name="situation_reports"
    )
    period_key = models.CharField(_("period"), max_length=20)
    period_kind = models.CharField(_("periodtyp"), max_length=10, choices=PeriodKind.choices)
    start = models.DateField(_("från"))
    end = models.DateField(_("till"))
    assessment = models.TextField(_("samlad bedömning"), blank=True)
    focus_area_assessments = models.JSONField(
        _("bedömning per fokusområde"), default=dict, blank=True
    )
    proposed_focus = models.TextField(_("föreslaget fokus kommande period"), blank=True)
    proposed_areas = models.JSONField(_("föreslagna områden"), default=list, blank=True)
    proposed_categories = models.JSONField(_("föreslagna händelsetyper"), default=list, blank=True)
    proposed_times = models.CharField(_("föreslagna tider"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lägesbild")
        verbose_name_plural = _("lägesbilder")
        ordering = ["-start", "period_kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "period_key"], name="situationreport_unique_period"
            )
        ]
        indexes = [models.Index(fields=["partnership", "period_kind", "start"])]

    def __str__(self):
        return f"{self.partnership_id} {self.period_key}"


class SituationVersion(models.Model):
    """One approved (fastställd) version of a lägesbild, frozen as data and two PDFs.

    Never changed after it is written: a revision is a new version with a change note.
    """

    report = models.ForeignKey(SituationReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("fastställd"))
    change_note = models.TextField(_("vad som ändrats"), blank=True)
    snapshot = models.JSONField()
    snapshot_sha256 = models.CharField(max_length=64)
    pdf_partnership = models.BinaryField()
    pdf_partnership_sha256 = models.CharField(max_length=64)
    pdf_viewer = models.BinaryField()
    pdf_viewer_sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("fastställd version")
        verbose_name_plural = _("fastställda versioner")
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="situationversion_unique")
        ]

    def __str__(self):
        return f"{self.report} v{self.number}"


class Subscription(models.Model):
    """A user who wants an e-mail when a lägesbild of the partnership is approved."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="situation_subscriptions"
    )
    partnership = models.ForeignKey(
        "core.Partnership", on_delete=models.CASCADE, related_name="situation_subscriptions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("prenumeration på lägesbild")
        verbose_name_plural = _("prenumerationer på lägesbild")
        constraints = [
            models.UniqueConstraint(fields=["user", "partnership"], name="subscription_unique")
        ]

    def __str__(self):
        return f"{self.user_id} → {self.partnership_id}"
