"""Pruning a partnership's audit chain after its retention limit (issue 7 §3; operator
notes in docs/drift/audit.md).

`trygg audit prune` deletes a partnership chain's entries older than the partnership's
``RetentionPolicy.audit_months``, but only behind the newest valid checkpoint (never an
entry the checkpoint does not cover) and only when `trygg audit verify` passes first. Each
prune leaves an :class:`~trygg.audit.models.AuditPrunePoint` (the last deleted entry's
sequence number and HMAC), from which the chain verifies on, and an ``audit.prune`` entry
in the system chain that vouches for the prune point (the system chain is never pruned).
"""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import checkpoints
from .models import AuditEntry, AuditPrunePoint, ChainHead, partnership_chain
from .services import PRUNE_ACTION, prune_point, record, verify_all


class PruneRefused(Exception):
    """Nothing was pruned: the chains or the checkpoints have problems."""

    def __init__(self, findings):
        super().__init__("; ".join(findings))
        self.findings = findings


@dataclass
class PruneResult:
    partnership: object
    chain: str
    cutoff: datetime.date
    dry_run: bool
    checkpoint: str = ""  # the checkpoint file the prune stays behind
    checkpoint_seq: int = 0
    first_seq: int = 0
    last_seq: int = 0
    count: int = 0
    problem: str = ""  # why this chain could not be pruned (no checkpoint covers it)

    @property
    def changed(self):
        return self.count > 0


def verified_checkpoint():
    """Run the checks of `trygg audit verify`; return the newest valid checkpoint's body,
    or raise :class:`PruneRefused`."""
    findings = [f"{r.chain}: {r.problem}" for r in verify_all() if not r.ok]
    report = checkpoints.verify_checkpoints()
    findings += [f.text for f in report.errors]
    if findings:
        raise PruneRefused(findings)
    if report.latest is None:
        raise PruneRefused(
            [
                _(
                    "Det finns ingen kontrollpunkt: loggen gallras bara bakom en kontrollpunkt. "
                    "Kör `trygg audit checkpoint` först."
                )
            ]
        )
    body, problem = checkpoints._read(report.latest)
    if problem:  # pragma: no cover - verify_checkpoints just read it
        raise PruneRefused([problem])
    return report.latest, body


def cutoff_for(partnership, today):
    from trygg.retention.services import policy_for

    return today - relativedelta(months=policy_for(partnership).audit_months)


def prune_partnership(partnership, checkpoint, *, today, dry_run=False, now=None):
    """Delete the partnership chain's entries dated before its audit cut-off, up to (never
    beyond) the last entry ``checkpoint`` (path, body) covers; record the prune point and
    an ``audit.prune`` entry in the system chain, in one transaction."""
    path, body = checkpoint
    chain = partnership_chain(partnership.pk)
    cutoff = cutoff_for(partnership, today)
    result = PruneResult(partnership, chain, cutoff, dry_run, checkpoint=path.name)
    covered = next((c for c in body["chains"] if c["chain"] == chain), None)
    if covered is None:
        result.problem = _(
            "kontrollpunkten %(file)s omfattar inte kedjan %(chain)s; kör `trygg audit "
            "checkpoint` först."
        ) % {"file": path.name, "chain": chain}
        return result
    result.checkpoint_seq = covered["seq"]
    cutoff_at = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
    with transaction.atomic():
        # Lock the chain's head: one prune at a time, and appends wait for the commit.
        ChainHead.objects.select_for_update().filter(chain=chain).first()
        point = prune_point(chain)
        after = point.last_seq if point is not None else 0
        remaining = AuditEntry.objects.filter(chain=chain, seq__gt=after)
        # Entries are timed under the chain's lock, so times follow sequence numbers; stop
        # before the first entry that is young enough to keep, whatever comes after it.
        young = remaining.filter(at__gte=cutoff_at).order_by("seq").values_list("seq", flat=True)
        first_young = young.first()
        last_seq = covered["seq"]
        if first_young is not None:
            last_seq = min(last_seq, first_young - 1)
        if last_seq <= after:
            return result
        doomed = remaining.filter(seq__lte=last_seq)
        result.first_seq = after + 1
        result.last_seq = last_seq
        result.count = doomed.count()
        if dry_run:
            return result
        last = doomed.filter(seq=last_seq).values("hmac").first()
        if last is None or result.count != last_seq - after:  # pragma: no cover - verified
            raise PruneRefused([f"{chain}: entries {after + 1}..{last_seq} are not all there"])
        # Audit entries are append-only through the ORM (AuditEntryQuerySet.delete raises);
        # this is the one place that deletes them, hence plain SQL.
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {qn(AuditEntry._meta.db_table)} "
                f"WHERE {qn('chain')} = %s AND {qn('seq')} > %s AND {qn('seq')} <= %s",
                [chain, after, last_seq],
            )
        AuditPrunePoint.objects.create(
            chain=chain,
            first_seq=result.first_seq,
            last_seq=last_seq,
            last_hmac=last["hmac"],
            count=result.count,
            pruned_at=now or timezone.now(),
        )
        record(
            PRUNE_ACTION,
            object_type="audit.chain",
            object_id=chain,
            data={
                "chain": chain,
                "partnership_id": partnership.pk,
                "first_seq": result.first_seq,
                "last_seq": last_seq,
                "count": result.count,
                "last_hmac": last["hmac"],
                "cutoff": cutoff.isoformat(),
                "checkpoint": path.name,
                "checkpoint_seq": covered["seq"],
            },
        )
    return result


def prune(partnerships, *, today=None, dry_run=False, now=None):
    """Verify the chains and checkpoints once, then prune each partnership's chain in its
    own transaction. Raises :class:`PruneRefused` when verification fails."""
    now = now or timezone.now()
    real_today = timezone.localdate(now)
    today = today or real_today
    if today > real_today:
        raise ValidationError(_("Datumet får inte ligga i framtiden."))
    checkpoint = verified_checkpoint()
    return [
        prune_partnership(p, checkpoint, today=today, dry_run=dry_run, now=now)
        for p in partnerships
    ]
