from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.Model):
    """A municipality, district, RegSO area or named place, with GeoJSON geometry (WGS84).

    Incidents are always assigned to a leaf: a RegSO area, or the municipality itself when
    the place within the municipality is unknown.
    """

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("kommun")
        DISTRICT = "district", _("kommundel")
        REGSO = "regso", _("RegSO-område")
        PLACE = "place", _("namngiven plats")

    partnership = models.ForeignKey(
        "core.Partnership", on_delete=models.CASCADE, related_name="areas"
    )
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    code = models.CharField(_("kod"), max_length=40)
    name = models.CharField(_("namn"), max_length=200)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    geometry = models.JSONField(_("geometri (GeoJSON, WGS84)"), null=True, blank=True)
    source = models.CharField(_("källa"), max_length=200, blank=True)
    # Lets a process tell whether its cached point-in-area index is still current.
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("område")
        verbose_name_plural = _("områden")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "code"], name="area_unique_code")
        ]
        indexes = [models.Index(fields=["partnership", "kind"])]

    def __str__(self):
        return self.name

    @property
    def is_leaf_kind(self):
        return self.kind in (self.Kind.REGSO, self.Kind.MUNICIPALITY)


class FocusArea(models.Model):
    """A named, prioritised set of areas (fokusområde), e.g. Valsta or Märsta norra."""

    partnership = models.ForeignKey(
        "core.Partnership", on_delete=models.CASCADE, related_name="focus_areas"
    )
    name = models.CharField(_("namn"), max_length=200)
    priority = models.PositiveSmallIntegerField(_("prioritet"), default=1)
    description = models.TextField(_("beskrivning"), blank=True)
    areas = models.ManyToManyField(Area, related_name="focus_areas", verbose_name=_("områden"))

    class Meta:
        verbose_name = _("fokusområde")
        verbose_name_plural = _("fokusområden")
        ordering = ["priority", "name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="focusarea_unique_name")
        ]

    def __str__(self):
        return self.name
