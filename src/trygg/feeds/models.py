from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_FEED_URL = "https://polisen.se/api/events"


class FeedSettings(models.Model):
    """Where and how often a partnership fetches the police's published events."""

    partnership = models.OneToOneField(
        "core.Partnership", on_delete=models.CASCADE, related_name="feed_settings"
    )
    url = models.URLField(_("adress"), default=DEFAULT_FEED_URL)
    enabled = models.BooleanField(_("hämtas automatiskt"), default=True)
    interval_minutes = models.PositiveIntegerField(_("hämtas var (minuter)"), default=30)

    class Meta:
        verbose_name = _("inställning för polisens händelser")
        verbose_name_plural = _("inställningar för polisens händelser")

    def __str__(self):
        return f"{self.partnership}: {self.url}"


class TypeMapping(models.Model):
    """Which category of the taxonomy a police event type counts as, or that it is no
    incident at all (a night summary). A type without a mapping is "unmapped": its events
    are kept but create no incident until a coordinator maps it."""

    partnership = models.ForeignKey(
        "core.Partnership", on_delete=models.CASCADE, related_name="police_type_mappings"
    )
    police_type = models.CharField(_("polisens händelsetyp"), max_length=100)
    category = models.ForeignKey(
        "incidents.Category",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("räknas som"),
    )
    ignored = models.BooleanField(_("ingen händelse (t.ex. sammanfattning)"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("koppling av polisens händelsetyp")
        verbose_name_plural = _("kopplingar av polisens händelsetyper")
        ordering = ["police_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "police_type"], name="feeds_typemapping_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(category__isnull=True) | models.Q(ignored=False),
                name="feeds_typemapping_category_or_ignored",
            ),
        ]

    def __str__(self):
        return self.police_type


class PlaceName(models.Model):
    """A place name the events' texts may use, pointing at a RegSO area (the place is
    known) or at a district (only a hint: the name covers several RegSO areas)."""

    partnership = models.ForeignKey(
        "core.Partnership", on_delete=models.CASCADE, related_name="place_names"
    )
    name = models.CharField(_("ortnamn"), max_length=100)
    area = models.ForeignKey(
        "geo.Area", on_delete=models.CASCADE, related_name="+", verbose_name=_("område")
    )
    note = models.CharField(_("anteckning"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("ortnamn")
        verbose_name_plural = _("ortnamn")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="feeds_placename_unique")
        ]

    def __str__(self):
        return self.name


class PoliceEvent(models.Model):
    """One event of the police's feed for the partnership's municipality, as published.

    Mapped events have an incident (organisation "Polisen, publicerade händelser", source
    police feed, TLP:CLEAR) that nobody edits; re-importing updates both."""

    partnership = models.ForeignKey(
        "core.Partnership", on_delete=models.CASCADE, related_name="police_events"
    )
    police_id = models.BigIntegerField(_("polisens id"))
    published_at = models.DateTimeField(_("publicerad"))
    occurred_from = models.DateTimeField(_("inträffade"), null=True, blank=True)
    occurred_date = models.DateField(_("datum"))
    name = models.CharField(_("rubrik"), max_length=500)
    police_type = models.CharField(_("polisens händelsetyp"), max_length=100)
    summary = models.TextField(_("sammanfattning"), blank=True)
    body = models.TextField(_("text"), blank=True)
    url = models.URLField(_("länk"), max_length=600, blank=True)
    location_name = models.CharField(_("polisens platsangivelse"), max_length=200)
    area = models.ForeignKey(
        "geo.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("område")
    )
    district_hint = models.ForeignKey(
        "geo.Area",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kommundel (ledtråd)"),
    )
    matched_words = models.JSONField(_("ortnamn i texten"), default=list, blank=True)
    content_hash = models.CharField(max_length=64)
    incident = models.OneToOneField(
        "incidents.Incident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="police_event",
    )
    first_seen_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("polisens publicerade händelse")
        verbose_name_plural = _("polisens publicerade händelser")
        ordering = ["-published_at", "-police_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "police_id"], name="feeds_policeevent_unique"
            )
        ]
        indexes = [models.Index(fields=["partnership", "police_type"], name="feeds_pe_type")]

    def __str__(self):
        return self.name


class FeedFetch(models.Model):
    """One fetch or file import of the feed: what came in and what became of it."""

    class Outcome(models.TextChoices):
        OK = "ok", _("lyckades")
        FAILED = "failed", _("misslyckades")

    partnership = models.ForeignKey(
        "core.Partnership", on_delete=models.CASCADE, related_name="feed_fetches"
    )
    source = models.CharField(_("källa"), max_length=600)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("utfall"), max_length=10, choices=Outcome.choices)
    error = models.TextField(_("fel"), blank=True)
    received = models.PositiveIntegerField(_("mottagna"), default=0)
    other_municipality = models.PositiveIntegerField(_("andra kommuner"), default=0)
    created = models.PositiveIntegerField(_("nya"), default=0)
    updated = models.PositiveIntegerField(_("ändrade"), default=0)
    unchanged = models.PositiveIntegerField(_("oförändrade"), default=0)
    malformed = models.PositiveIntegerField(_("felaktiga"), default=0)
    unmapped = models.PositiveIntegerField(_("utan kategori"), default=0)
    problems = models.JSONField(_("problem"), default=list, blank=True)

    class Meta:
        verbose_name = _("hämtning av polisens händelser")
        verbose_name_plural = _("hämtningar av polisens händelser")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["partnership", "started_at"], name="feeds_fetch_p_started")]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.outcome}"
