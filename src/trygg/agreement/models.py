"""The cooperation agreement (samverkansöverenskommelse): parties, priorities, goals and
the indicators that measure them, the parties' commitments and the citizen promises, the
population figures rates are computed with, and the annual report's texts.

Agreements, indicators and their values are aggregate information: every member of the
partnership reads them (viewers too); coordinators and partnership admins write them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Agreement(models.Model):
    partnership = models.ForeignKey(
        "core.Partnership", on_delete=models.CASCADE, related_name="agreements"
    )
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)
    start = models.DateField(_("gäller från"))
    end = models.DateField(_("gäller till"))
    parties = models.ManyToManyField(
        "core.Organisation", related_name="agreements", verbose_name=_("parter")
    )
    signatories = models.TextField(
        _("undertecknare"),
        blank=True,
        help_text=_("En per rad: namn, titel och organisation."),
    )
    signed_on = models.DateField(_("undertecknad"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("samverkansöverenskommelse")
        verbose_name_plural = _("samverkansöverenskommelser")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="agreement_period")
        ]

    def __str__(self):
        return self.title


class Priority(models.Model):
    """A prioritised area of the agreement (prioriterat område)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="priorities")
    number = models.PositiveSmallIntegerField(_("nummer"))
    title = models.CharField(_("rubrik"), max_length=300)
    description = models.TextField(_("beskrivning"), blank=True)

    class Meta:
        verbose_name = _("prioriterat område")
        verbose_name_plural = _("prioriterade områden")
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="priority_unique_number")
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class Goal(models.Model):
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="goals")
    number = models.PositiveSmallIntegerField(_("nummer"), default=1)
    title = models.CharField(_("mål"), max_length=300)
    description = models.TextField(_("beskrivning"), blank=True)

    class Meta:
        verbose_name = _("mål")
        verbose_name_plural = _("mål")
        ordering = ["priority", "number", "id"]

    def __str__(self):
        return self.title


class Indicator(models.Model):
    """How a goal is measured: computed from incidents, computed from the anonymous
    counts of the person track (``trygg.cases.stats``), or entered by hand per period."""

    class Kind(models.TextChoices):
        COMPUTED = "computed", _("beräknas från händelser")
        CASES = "cases", _("personärenden (antal)")
        MANUAL = "manual", _("förs in för hand")

    class Metric(models.TextChoices):
        COUNT = "count", _("antal")
        RATE = "rate", _("antal per 1 000 invånare")

    class Resolution(models.TextChoices):
        WEEK = "week", _("vecka")
        MONTH = "month", _("månad")
        TERTIAL = "tertial", _("tertial")
        YEAR = "year", _("år")

    class CaseMeasure(models.TextChoices):
        NEW = "new", _("nya ärenden")
        ACTIVE = "active", _("aktiva ärenden")
        COMPLETED = "completed", _("avslutade ärenden")

    class CaseProgramme(models.TextChoices):
        BOTH = "both", _("SSPF och avhopparverksamhet")
        SSPF = "sspf", _("SSPF")
        EXIT = "exit", _("avhopparverksamhet")

    class Direction(models.TextChoices):
        DECREASE = "decrease", _("minska")
        INCREASE = "increase", _("öka")
        KEEP = "keep", _("behålla")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("namn"), max_length=300)
    description = models.TextField(_("beskrivning"), blank=True)
    kind = models.CharField(_("typ"), max_length=10, choices=Kind.choices)
    # Computed indicators: a metric over categories × areas (× place classes, age groups).
    metric = models.CharField(
        _("mått"), max_length=10, choices=Metric.choices, default=Metric.COUNT
    )
    categories = models.ManyToManyField(
        "incidents.Category", blank=True, related_name="+", verbose_name=_("händelsetyper")
    )
    areas = models.ManyToManyField(
        "geo.Area",
        blank=True,
        related_name="+",
        verbose_name=_("områden"),
        help_text=_("Inga valda områden betyder hela kommunen."),
    )
    place_classes = models.JSONField(
        _("platsklasser"), default=list, blank=True, help_text=_("Tomt betyder alla.")
    )
    age_groups = models.JSONField(
        _("åldersgrupper"), default=list, blank=True, help_text=_("Tomt betyder alla.")
    )
    resolution = models.CharField(
        _("redovisas per"), max_length=10, choices=Resolution.choices, default=Resolution.MONTH
    )
    # Person track indicators: which anonymous count, of which programme.
    case_measure = models.CharField(
        _("ärendemått"), max_length=10, choices=CaseMeasure.choices, default=CaseMeasure.ACTIVE
    )
    case_programme = models.CharField(
        _("verksamhet"), max_length=10, choices=CaseProgramme.choices, default=CaseProgramme.BOTH
    )
    # Manual indicators: what a value is (e.g. "andel som känner sig trygga, %").
    unit = models.CharField(_("enhet"), max_length=100, blank=True)
    baseline_start = models.DateField(_("jämförelseperiod från"), null=True, blank=True)
    baseline_end = models.DateField(_("jämförelseperiod till"), null=True, blank=True)
    target_direction = models.CharField(
        _("målriktning"), max_length=10, choices=Direction.choices, default=Direction.DECREASE
    )
    target_value = models.DecimalField(
        _("målvärde"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    data_note = models.TextField(_("om underlaget"), blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")
        ordering = ["goal", "sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(baseline_start__isnull=True)
                | Q(baseline_end__isnull=True)
                | Q(baseline_end__gte=models.F("baseline_start")),
                name="indicator_baseline_period",
            )
        ]

    def __str__(self):
        return self.name


class IndicatorValue(models.Model):
    """One hand-entered value of a manual indicator for one period (its resolution)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period_key = models.CharField(_("period"), max_length=20)
    period_start = models.DateField()
    value = models.DecimalField(_("värde"), max_digits=12, decimal_places=2)
    note = models.TextField(_("kommentar"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    entered_at = models.DateTimeField()

    class Meta:
        ordering = ["indicator", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_key"], name="indicatorvalue_unique_period"
            )
        ]

    def __str__(self):
        return f"{self.indicator_id} {self.period_key}: {self.value}"


class Population(models.Model):
    """Inhabitants of one area in one year (entered, or imported from an SCB table)."""

    partnership = models.ForeignKey(
        "core.Partnership", on_delete=models.CASCADE, related_name="populations"
    )
    area = models.ForeignKey("geo.Area", on_delete=models.CASCADE, related_name="populations")
    year = models.PositiveSmallIntegerField(_("år"))
    population = models.PositiveIntegerField(_("folkmängd"))
    source = models.CharField(_("källa"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("folkmängd")
        verbose_name_plural = _("folkmängd")
        ordering = ["area", "year"]
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="population_unique_area_year")
        ]

    def __str__(self):
        return f"{self.area} {self.year}: {self.population}"


class WorkStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("ej påbörjat")
    ONGOING = "ongoing", _("pågår")
    DONE = "done", _("genomfört")
    CANCELLED = "cancelled", _("avbrutet")


class Commitment(models.Model):
    """What one party commits to under the agreement (åtagande)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="commitments")
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("part")
    )
    priority = models.ForeignKey(
        Priority,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("prioriterat område"),
    )
    title = models.CharField(_("åtagande"), max_length=300)
    description = models.TextField(_("beskrivning"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=WorkStatus.choices, default=WorkStatus.NOT_STARTED
    )
    status_note = models.TextField(_("kommentar till status"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("åtagande")
        verbose_name_plural = _("åtaganden")
        ordering = ["agreement", "organisation__name", "id"]

    def __str__(self):
        return self.title


class Promise(models.Model):
    """A citizen promise (medborgarlöfte): public, with status and progress notes."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="promises")
    title = models.CharField(_("medborgarlöfte"), max_length=300)
    description = models.TextField(_("beskrivning"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=WorkStatus.choices, default=WorkStatus.NOT_STARTED
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("medborgarlöfte")
        verbose_name_plural = _("medborgarlöften")
        ordering = ["agreement", "id"]

    def __str__(self):
        return self.title


class ProgressNote(models.Model):
    """A dated progress note on a commitment or a citizen promise."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, null=True, blank=True, related_name="notes"
    )
    promise = models.ForeignKey(
        Promise, on_delete=models.CASCADE, null=True, blank=True, related_name="notes"
    )
    date = models.DateField(_("datum"))
    text = models.TextField(_("uppföljning"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(commitment__isnull=False, promise__isnull=True)
                | Q(commitment__isnull=True, promise__isnull=False),
                name="progressnote_one_parent",
            )
        ]

    def __str__(self):
        return f"{self.date}: {self.text[:40]}"


class AnnualReport(models.Model):
    """The annual follow-up (lag 2023:196) of one partnership and year: the coordinator's
    texts; the numbers are computed when it is read, frozen when it is approved."""

    partnership = models.ForeignKey(
        "core.Partnership", on_delete=models.CASCADE, related_name="annual_reports"
    )
    year = models.PositiveSmallIntegerField(_("år"))
    summary = models.TextField(_("lägesbilden i sammanfattning"), blank=True)
    assessment = models.TextField(_("samordnarens bedömning"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    snapshot = models.JSONField(null=True, blank=True)
    pdf = models.BinaryField(null=True, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("årsuppföljning")
        verbose_name_plural = _("årsuppföljningar")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "year"], name="annualreport_unique")
        ]

    def __str__(self):
        return f"{self.partnership_id} {self.year}"
