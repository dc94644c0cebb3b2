from django.db import models
from django.utils.translation import gettext_lazy as _

SYSTEM_CHAIN = "system"


def partnership_chain(partnership_id):
    return f"partnership:{partnership_id}"


class AppendOnlyError(Exception):
    """Audit entries are never changed or deleted through the application."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Audit entries cannot be deleted.")


class ChainHead(models.Model):
    """The last link of one chain; its row is the lock appenders queue on."""

    chain = models.CharField(max_length=60, unique=True)
    seq = models.BigIntegerField(default=0)
    last_hmac = models.CharField(max_length=64, blank=True)

    def __str__(self):
        return f"{self.chain} @ {self.seq}"


class AuditEntry(models.Model):
    """One entry of a tamper-evident, append-only chain (one per partnership + system).

    Who, organisation and partnership are stored as ids plus a readable snapshot, so an
    entry stays intact and verifiable whatever happens to the rows it names.
    """

    chain = models.CharField(max_length=60)
    seq = models.BigIntegerField()
    at = models.DateTimeField(_("tidpunkt"))
    partnership_id = models.BigIntegerField(null=True, blank=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(_("vem"), max_length=254, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    organisation_label = models.CharField(_("organisation"), max_length=300, blank=True)
    action = models.CharField(_("händelse"), max_length=60)
    object_type = models.CharField(_("objekttyp"), max_length=60, blank=True)
    object_id = models.CharField(_("objekt-id"), max_length=60, blank=True)
    ip = models.GenericIPAddressField(_("från adress"), null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hmac = models.CharField(max_length=64, blank=True)
    hmac = models.CharField(max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("loggpost")
        verbose_name_plural = _("loggposter")
        ordering = ["chain", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_unique_chain_seq")
        ]
        indexes = [
            models.Index(fields=["partnership_id", "at"], name="audit_p_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self):
        return f"{self.chain}#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be deleted.")


class AuditPrunePoint(models.Model):
    """One prune of a chain (`trygg audit prune`): its entries ``first_seq``..``last_seq``
    were deleted, behind a checkpoint. The chain now verifies from ``last_seq + 1`` with
    ``last_hmac`` (the HMAC of the last deleted entry) as the previous link. Every prune
    point is vouched for by an ``audit.prune`` entry in the system chain with the same
    values, so a prune point written into the database by hand does not verify."""

    chain = models.CharField(max_length=60)
    first_seq = models.BigIntegerField()
    last_seq = models.BigIntegerField()
    last_hmac = models.CharField(max_length=64)
    count = models.BigIntegerField()
    pruned_at = models.DateTimeField()

    class Meta:
        ordering = ["chain", "last_seq"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "last_seq"], name="audit_unique_prune_point")
        ]

    def __str__(self):
        return f"{self.chain} pruned through #{self.last_seq}"
