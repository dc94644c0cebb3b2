from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A user's role in one partnership (DESIGN.md §2)."""

    REPORTER = "reporter", _("rapportör")
    COORDINATOR = "coordinator", _("trygghetssamordnare")
    ANALYST = "analyst", _("analytiker")
    ORG_ADMIN = "org_admin", _("organisationsadministratör")
    PARTNERSHIP_ADMIN = "partnership_admin", _("samverkansadministratör")
    VIEWER = "viewer", _("ledning / förtroendevald")
    AUDITOR = "auditor", _("dataskyddsombud / granskare")
    CASE_WORKER = "case_worker", _("handläggare")


# Roles that may see incident details at all (subject to the label, DESIGN.md §5).
DETAIL_ROLES = frozenset(
    {Role.REPORTER, Role.COORDINATOR, Role.ANALYST, Role.ORG_ADMIN, Role.PARTNERSHIP_ADMIN}
)


class Partnership(models.Model):
    """One municipality's safety cooperation; every record belongs to exactly one."""

    name = models.CharField(_("namn"), max_length=200)
    slug = models.SlugField(_("kortnamn"), unique=True)
    municipality_code = models.CharField(_("kommunkod"), max_length=4)
    municipality_name = models.CharField(_("kommun"), max_length=100)
    organisations = models.ManyToManyField(
        "Organisation", through="Participation", related_name="partnerships"
    )
    publishes_overview = models.BooleanField(
        _("översikten av lägesbilden får publiceras"),
        default=False,
        help_text=_(
            "Översikten (bara sammanställda antal, små antal dolda) märks då TLP:CLEAR "
            "i stället för TLP:GREEN."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("samverkan")
        verbose_name_plural = _("samverkan")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Organisation(models.Model):
    """A partner organisation; exists once and takes part in one or more partnerships."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "kommun", _("kommun/förvaltning")
        POLICE = "polis", _("polis")
        HOUSING = "bostadsbolag", _("bostadsbolag")
        RESCUE = "raddningstjanst", _("räddningstjänst")
        SECURITY = "sakerhetsforetag", _("säkerhetsföretag")
        TRANSIT = "kollektivtrafik", _("kollektivtrafik")
        ASSOCIATION = "forening", _("förening")
        SYSTEM = "system", _("system")
        OTHER = "ovrigt", _("övrigt")

    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("ingår i"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="organisation_unique_name_per_parent"
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(parent__isnull=True),
                name="organisation_unique_top_level_name",
            ),
        ]

    def __str__(self):
        if self.parent_id:
            return f"{self.parent.name} – {self.name}"
        return self.name

    @property
    def is_system(self):
        return self.kind == self.Kind.SYSTEM


class Participation(models.Model):
    """An organisation taking part in a partnership (deltagande organisation)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("deltagande organisation")
        verbose_name_plural = _("deltagande organisationer")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"], name="participation_unique"
            )
        ]

    def __str__(self):
        return f"{self.organisation} – {self.partnership}"


class Membership(models.Model):
    """A user's role in one partnership."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("roll i samverkan")
        verbose_name_plural = _("roller i samverkan")
        constraints = [
            models.UniqueConstraint(fields=["user", "partnership"], name="membership_unique")
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.partnership}"

    @property
    def sees_details(self):
        return self.role in DETAIL_ROLES
