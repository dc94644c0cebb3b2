from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """A node of the incident taxonomy (DESIGN.md §9): a group or a category in it.

    Default categories have no partnership; a partnership may add its own.
    """

    partnership = models.ForeignKey(
        "core.Partnership",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="categories",
    )
    code = models.CharField(_("kod"), max_length=60)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    label_sv = models.CharField(_("benämning (svenska)"), max_length=200)
    label_en = models.CharField(_("benämning (engelska)"), max_length=200)
    public_place = models.BooleanField(
        _("otrygghetsskapande på allmän plats"),
        default=False,
        help_text=_("Räknas i indikatorn för otrygghetsskapande händelser på allmän plats."),
    )
    sort_order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("händelsetyp")
        verbose_name_plural = _("händelsetyper")
        ordering = ["sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(partnership__isnull=True),
                name="category_unique_default_code",
            ),
            models.UniqueConstraint(
                fields=["partnership", "code"], name="category_unique_partnership_code"
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        from django.utils.translation import get_language

        return self.label_en if (get_language() or "sv").startswith("en") else self.label_sv

    @property
    def is_group(self):
        return self.parent_id is None


class Source(models.TextChoices):
    MANUAL = "manual", _("rapporterad i formuläret")
    IMPORT = "import", _("importerad fil")
    API = "api", _("partner-API")
    POLICE_FEED = "police_feed", _("polisens publicerade händelser")


class TimeBucket(models.TextChoices):
    MORNING = "morning", _("morgon (06–10)")
    DAY = "day", _("dag (10–18)")
    EVENING = "evening", _("kväll (18–22)")
    NIGHT = "night", _("natt (22–06)")


class PlaceType(models.TextChoices):
    STREET = "street", _("gata/torg")
    PARK = "park", _("park/grönområde")
    STATION = "station", _("station/hållplats")
    SPORTS = "sports", _("idrottsplats")
    PARKING = "parking", _("parkering/garage")
    CENTRE = "centre", _("centrum/butik")
    SCHOOL = "school", _("skola/skolgård")
    YOUTH_CENTRE = "youth_centre", _("fritidsgård")
    STAIRWELL = "stairwell", _("trapphus/källare/förråd")
    COURTYARD = "courtyard", _("bostadsgård")
    OTHER = "other", _("annat (inomhus i bostad eller på arbetsplats)")


class PlaceClass(models.TextChoices):
    PUBLIC = "public", _("allmän plats")
    SEMI_PUBLIC = "semi_public", _("halvallmän plats")
    OTHER = "other", _("annan plats")
    UNKNOWN = "unknown", _("okänd")


PLACE_CLASS_OF_TYPE = {
    PlaceType.STREET: PlaceClass.PUBLIC,
    PlaceType.PARK: PlaceClass.PUBLIC,
    PlaceType.STATION: PlaceClass.PUBLIC,
    PlaceType.SPORTS: PlaceClass.PUBLIC,
    PlaceType.PARKING: PlaceClass.PUBLIC,
    PlaceType.CENTRE: PlaceClass.SEMI_PUBLIC,
    PlaceType.SCHOOL: PlaceClass.SEMI_PUBLIC,
    PlaceType.YOUTH_CENTRE: PlaceClass.SEMI_PUBLIC,
    PlaceType.STAIRWELL: PlaceClass.SEMI_PUBLIC,
    PlaceType.COURTYARD: PlaceClass.SEMI_PUBLIC,
    PlaceType.OTHER: PlaceClass.OTHER,
}


def place_class_of(place_type):
    return (
        PLACE_CLASS_OF_TYPE.get(place_type, PlaceClass.UNKNOWN)
        if place_type
        else PlaceClass.UNKNOWN
    )


class AgeGroup(models.TextChoices):
    CHILDREN = "children", _("barn")
    YOUTH = "youth", _("unga")
    ADULTS = "adults", _("vuxna")
    UNKNOWN = "unknown", _("okänd")


class Label(models.TextChoices):
    """Traffic Light Protocol 2.0 (DESIGN.md §5)."""

    CLEAR = "CLEAR", _("TLP:CLEAR – får publiceras")
    GREEN = "GREEN", _("TLP:GREEN – alla i samverkan")
    AMBER = "AMBER", _("TLP:AMBER – egen organisation samt samordnare och analytiker")
    AMBER_STRICT = "AMBER+STRICT", _("TLP:AMBER+STRICT – endast egen organisation")
    RED = "RED", _("TLP:RED – endast namngivna mottagare")


class Status(models.TextChoices):
    NEW = "new", _("ny")
    REVIEWED = "reviewed", _("granskad")
    CLOSED = "closed", _("avslutad")


class IncidentQuerySet(models.QuerySet):
    def visible_to(self, user, partnership):
        """The incidents whose details ``user`` may see in ``partnership`` (DESIGN.md §5).

        Every read of incident rows goes through here (trygg.incidents.visibility).
        """
        from .visibility import detail_filter, membership_for

        rule = detail_filter(user, membership_for(user, partnership))
        if rule is None:
            return self.none()
        return self.filter(rule)

    def active(self):
        return self.filter(withdrawn_at__isnull=True)

    def counted(self):
        """The incidents the rollup counts: active and not linked to another report."""
        return self.filter(withdrawn_at__isnull=True, duplicate_of__isnull=True)


class Incident(models.Model):
    """One reported occurrence, about a place and a situation, never a person."""

    partnership = models.ForeignKey(
        "core.Partnership", on_delete=models.PROTECT, related_name="incidents"
    )
    organisation = models.ForeignKey(
        "core.Organisation",
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("rapporterande organisation"),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_incidents",
        verbose_name=_("rapportör"),
    )
    source = models.CharField(_("källa"), max_length=20, choices=Source.choices)
    external_id = models.CharField(_("externt id"), max_length=100, blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("händelsetyp")
    )
    occurred_from = models.DateTimeField(_("inträffade från"), null=True, blank=True)
    occurred_to = models.DateTimeField(_("inträffade till"), null=True, blank=True)
    occurred_date = models.DateField(
        _("datum"), help_text=_("Det lokala datum händelsen räknas på.")
    )
    time_bucket = models.CharField(
        _("tid på dygnet"), max_length=10, choices=TimeBucket.choices, blank=True
    )
    reported_at = models.DateTimeField(_("rapporterad"))
    lat = models.FloatField(_("latitud"), null=True, blank=True)
    lon = models.FloatField(_("longitud"), null=True, blank=True)
    area = models.ForeignKey(
        "geo.Area", on_delete=models.PROTECT, related_name="incidents", verbose_name=_("område")
    )
    place_type = models.CharField(
        _("platstyp"), max_length=20, choices=PlaceType.choices, blank=True
    )
    description = models.TextField(_("beskrivning"), blank=True)
    people_count = models.PositiveIntegerField(_("antal inblandade"), null=True, blank=True)
    age_group = models.CharField(
        _("åldersgrupp"), max_length=10, choices=AgeGroup.choices, default=AgeGroup.UNKNOWN
    )
    police_notified = models.BooleanField(_("polisen underrättad"), null=True, blank=True)
    police_reference = models.CharField(_("polisens diarienummer"), max_length=50, blank=True)
    needs_follow_up = models.BooleanField(_("behöver följas upp"), default=False)
    label = models.CharField(
        _("delning (TLP)"), max_length=12, choices=Label.choices, default=Label.GREEN
    )
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="red_incidents",
        verbose_name=_("mottagare (TLP:RED)"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    withdrawn_at = models.DateTimeField(_("återkallad"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("skäl till återkallelse"), blank=True)
    # A police feed event linked to a partner's report of the same occurrence: it stays
    # readable but stops counting (the rollup skips it), so combined totals count it once.
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("samma händelse som"),
    )

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("händelse")
        verbose_name_plural = _("händelser")
        ordering = ["-occurred_date", "-occurred_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation", "source", "external_id"],
                condition=~Q(external_id=""),
                name="incident_unique_external_id",
            ),
            models.CheckConstraint(
                condition=Q(lat__isnull=True, lon__isnull=True)
                | Q(lat__isnull=False, lon__isnull=False),
                name="incident_lat_lon_together",
            ),
        ]
        indexes = [
            models.Index(fields=["partnership", "occurred_date"], name="inc_p_date"),
            models.Index(fields=["partnership", "area", "occurred_date"], name="inc_p_area_date"),
            models.Index(
                fields=["partnership", "organisation", "occurred_date"], name="inc_p_org_date"
            ),
            models.Index(
                fields=["partnership", "category", "occurred_date"], name="inc_p_cat_date"
            ),
            models.Index(fields=["partnership", "reported_at"], name="inc_p_reported"),
        ]

    def __str__(self):
        return f"{self.category} {self.occurred_date:%Y-%m-%d} ({self.area})"

    @property
    def place_class(self):
        return place_class_of(self.place_type)

    @property
    def is_withdrawn(self):
        return self.withdrawn_at is not None


class IncidentCount(models.Model):
    """The rollup (DESIGN.md §4): exact counts of active incidents per key and local date.

    Kept in the same transaction as every write by ``trygg.incidents.rollup``; rebuildable
    with ``trygg rollup rebuild``.
    """

    partnership = models.ForeignKey("core.Partnership", on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey("geo.Area", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    place_class = models.CharField(max_length=12, choices=PlaceClass.choices)
    age_group = models.CharField(max_length=10, choices=AgeGroup.choices)
    date = models.DateField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "partnership",
                    "area",
                    "category",
                    "organisation",
                    "source",
                    "place_class",
                    "age_group",
                    "date",
                ],
                name="incidentcount_unique_key",
            )
        ]
        indexes = [models.Index(fields=["partnership", "date"], name="count_p_date")]

    def __str__(self):
        return f"{self.date} {self.category_id}@{self.area_id}: {self.count}"


class IncidentRevision(models.Model):
    """One correction of an incident: who, when, and each changed field's old and new value."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="revisions")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_at = models.DateTimeField()
    changes = models.JSONField(default=dict)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["incident", "changed_at", "id"]

    def __str__(self):
        return f"{self.incident_id} @ {self.changed_at:%Y-%m-%d %H:%M}"


class AcuteCategory(models.Model):
    """A category whose reports e-mail the partnership's coordinators at once."""

    partnership = models.ForeignKey(
        "core.Partnership", on_delete=models.CASCADE, related_name="acute_categories"
    )
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    focus_areas_only = models.BooleanField(
        _("bara i fokusområden"),
        default=False,
        help_text=_("Skicka bara när händelsen inträffar i ett fokusområde."),
    )

    class Meta:
        verbose_name = _("akut händelsetyp")
        verbose_name_plural = _("akuta händelsetyper")
        constraints = [
            models.UniqueConstraint(fields=["partnership", "category"], name="acute_unique")
        ]

    def __str__(self):
        return str(self.category)


class ReporterQuestion(models.Model):
    """A coordinator's question to the reporter about a report, and the answer."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="questions")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField()
    question = models.TextField(_("fråga"))
    answer = models.TextField(_("svar"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]

    def __str__(self):
        return f"{self.incident_id}: {self.question[:40]}"
