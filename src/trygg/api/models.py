"""API tokens for partner systems (housing companies, the rescue service).

A token acts as one organisation in one partnership. Its plaintext is shown once and
stored only as a SHA-256 digest: tokens are 256-bit random values, so a fast hash is
enough (nothing to brute-force), and checking one costs microseconds.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "tc_"
PREFIX_LENGTH = 8  # characters of the plaintext shown in lists ("tc_" + 5)


def token_digest(plaintext):
    return hashlib.sha256(plaintext.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", _("läsa")
        READ_WRITE = "read_write", _("läsa och skriva")

    partnership = models.ForeignKey(
        "core.Partnership", on_delete=models.CASCADE, related_name="api_tokens"
    )
    organisation = models.ForeignKey(
        "core.Organisation",
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("namn"), max_length=100)
    scope = models.CharField(_("behörighet"), max_length=12, choices=Scope.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # The account the token acts through (reports are made "by" it): inactive for login,
    # no usable password, a reporter in the partnership (see services.create_token).
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_token",
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("återkallad"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("senast använd"), null=True, blank=True)
    prefix = models.CharField(_("början av nyckeln"), max_length=PREFIX_LENGTH)
    digest = models.CharField(max_length=64, unique=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API-nyckel")
        verbose_name_plural = _("API-nycklar")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["partnership", "organisation"], name="apitoken_p_org"),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    @property
    def can_write(self):
        return self.scope == self.Scope.READ_WRITE
