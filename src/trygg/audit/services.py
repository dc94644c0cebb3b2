"""Writing and verifying the audit chains (DESIGN.md §5).

Every write that matters calls :func:`record` inside its own transaction, so the entry
and the change commit or roll back together.
"""

import datetime
import hashlib
import hmac as hmac_lib
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .models import SYSTEM_CHAIN, AuditEntry, AuditPrunePoint, ChainHead, partnership_chain


def _key():
    return settings.AUDIT_KEY.encode()


def entry_payload(entry, prev_hmac):
    """The canonical bytes an entry's HMAC covers: its content and the previous HMAC."""
    content = {
        "chain": entry.chain,
        "seq": entry.seq,
        "at": entry.at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "partnership_id": entry.partnership_id,
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "organisation_id": entry.organisation_id,
        "organisation_label": entry.organisation_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "ip": entry.ip,
        "data": entry.data,
        "prev": prev_hmac,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hmac(entry, prev_hmac):
    return hmac_lib.new(_key(), entry_payload(entry, prev_hmac), hashlib.sha256).hexdigest()


def client_ip(request):
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _locked_head(chain):
    """Lock the chain's head row (creating it the first time) for this transaction."""
    try:
        return ChainHead.objects.select_for_update().get(chain=chain)
    except ChainHead.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            ChainHead.objects.create(chain=chain)
    except IntegrityError:
        pass  # another writer created it first; lock theirs
    return ChainHead.objects.select_for_update().get(chain=chain)


def record(
    action,
    *,
    actor=None,
    partnership=None,
    organisation=None,
    obj=None,
    object_type="",
    object_id="",
    request=None,
    data=None,
):
    """Append one entry to the partnership's chain (or the system chain) and return it.

    Must run inside the caller's transaction; it opens one itself when there is none.
    The chain's head is locked as late as possible: everything that does not depend on
    the previous entry is prepared first, so concurrent writers of one chain queue only
    for the append itself (lock, insert, move the head) and the caller's commit. Call it
    as the last write of the transaction for the same reason.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    if organisation is None and actor is not None and getattr(actor, "organisation_id", None):
        organisation = actor.organisation
    partnership_id = partnership.pk if partnership is not None else None
    chain = partnership_chain(partnership_id) if partnership_id else SYSTEM_CHAIN
    entry = AuditEntry(
        chain=chain,
        partnership_id=partnership_id,
        actor_id=actor.pk if actor is not None and actor.pk else None,
        actor_label=(actor.email if actor is not None else "system")[:254],
        organisation_id=organisation.pk if organisation is not None else None,
        organisation_label=str(organisation)[:300] if organisation is not None else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        ip=client_ip(request),
        # Round-trip the data through JSON so the HMAC covers what the database keeps.
        data=json.loads(json.dumps(data or {}, default=str)),
    )
    # No savepoint of its own: if the append fails, the caller's transaction fails with it
    # (the entry and the change it records commit or roll back together).
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            if not _append_postgresql(entry):
                _locked_head(chain)  # the chain's first entry: create its head
                _append_postgresql(entry)
            return entry
        head = _locked_head(chain)
        _link(entry, head.seq + 1, head.last_hmac)
        entry.save(force_insert=True)
        ChainHead.objects.filter(pk=head.pk).update(seq=entry.seq, last_hmac=entry.hmac)
    return entry


def _link(entry, seq, prev_hmac):
    """Give ``entry`` its place after ``prev_hmac``; runs with the chain's head locked."""
    entry.seq = seq
    entry.at = timezone.now()  # under the lock, so times follow the chain's order
    entry.prev_hmac = prev_hmac
    entry.hmac = compute_hmac(entry, prev_hmac)


def _append_postgresql(entry):
    """Append ``entry`` in two statements (the same steps as the portable path in
    ``record``, without the ORM's per-query cost, since every API create appends): lock
    and advance the head, then insert the entry and store its HMAC on the head. False
    when the chain has no head yet (nothing written)."""
    qn = connection.ops.quote_name
    head_table = qn(ChainHead._meta.db_table)
    fields = [f for f in AuditEntry._meta.concrete_fields if not f.primary_key]
    with connection.cursor() as cursor:
        # Takes the head's row lock (a concurrent appender waits here, then sees the
        # head as the other left it), like SELECT ... FOR UPDATE.
        cursor.execute(
            f"UPDATE {head_table} SET seq = seq + 1 WHERE chain = %s RETURNING id, seq, last_hmac",
            [entry.chain],
        )
        row = cursor.fetchone()
        if row is None:
            return False
        head_id, seq, prev_hmac = row
        _link(entry, seq, prev_hmac)
        columns = ", ".join(qn(f.column) for f in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        values = [f.get_db_prep_save(getattr(entry, f.attname), connection) for f in fields]
        cursor.execute(
            f"WITH appended AS (INSERT INTO {qn(AuditEntry._meta.db_table)} ({columns}) "
            f"VALUES ({placeholders}) RETURNING id) "
            f"UPDATE {head_table} SET last_hmac = %s WHERE id = %s "
            "RETURNING (SELECT id FROM appended)",
            [*values, entry.hmac, head_id],
        )
        entry.pk = cursor.fetchone()[0]
    entry._state.adding = False
    entry._state.db = connection.alias
    return True


@dataclass
class ChainReport:
    chain: str
    entries: int
    ok: bool
    problem: str = ""
    pruned_through: int = 0


PRUNE_ACTION = "audit.prune"


def prune_point(chain):
    """The chain's latest prune point (None when it was never pruned)."""
    return AuditPrunePoint.objects.filter(chain=chain).order_by("-last_seq").first()


def vouched_for(point):
    """Whether the system chain holds the ``audit.prune`` entry that recorded ``point``
    (the system chain's own links are verified separately)."""
    for data in AuditEntry.objects.filter(
        chain=SYSTEM_CHAIN, action=PRUNE_ACTION, object_id=point.chain
    ).values_list("data", flat=True):
        if (
            isinstance(data, dict)
            and data.get("chain") == point.chain
            and data.get("first_seq") == point.first_seq
            and data.get("last_seq") == point.last_seq
            and data.get("count") == point.count
            and data.get("last_hmac") == point.last_hmac
        ):
            return True
    return False


def verify_chain(chain):
    """Walk one chain from its first entry (or from its latest prune point); report the
    first broken link."""
    prev_hmac = ""
    expected_seq = 1
    count = 0
    point = prune_point(chain)
    if point is not None:
        if not vouched_for(point):
            return ChainReport(
                chain,
                0,
                False,
                f"the prune point at #{point.last_seq} (id {point.pk}) has no matching "
                f"{PRUNE_ACTION} entry in the system chain: it was not written by `trygg audit "
                "prune`, and the entries before it may have been deleted",
            )
        prev_hmac = point.last_hmac
        expected_seq = point.last_seq + 1
    for entry in AuditEntry.objects.filter(chain=chain).order_by("seq", "pk").iterator(2000):
        count += 1
        if entry.seq != expected_seq:
            return ChainReport(
                chain,
                count,
                False,
                f"entry #{entry.seq} (id {entry.pk}) follows #{expected_seq - 1}: "
                f"entries are missing or reordered",
            )
        if entry.prev_hmac != prev_hmac:
            return ChainReport(
                chain,
                count,
                False,
                f"entry #{entry.seq} (id {entry.pk}) does not link to the entry before it",
            )
        if not hmac_lib.compare_digest(entry.hmac, compute_hmac(entry, prev_hmac)):
            return ChainReport(
                chain,
                count,
                False,
                f"entry #{entry.seq} (id {entry.pk}) was changed after it was written",
            )
        prev_hmac = entry.hmac
        expected_seq += 1
    head = ChainHead.objects.filter(chain=chain).first()
    last_seq = expected_seq - 1
    if head is not None and (head.seq != last_seq or head.last_hmac != prev_hmac):
        return ChainReport(
            chain,
            count,
            False,
            f"the chain ends at #{last_seq} but its head says #{head.seq}: "
            "entries at the end were deleted",
        )
    return ChainReport(chain, count, True, pruned_through=point.last_seq if point else 0)


def verify_all():
    chains = set(ChainHead.objects.values_list("chain", flat=True))
    chains |= set(AuditEntry.objects.values_list("chain", flat=True).distinct())
    return [verify_chain(c) for c in sorted(chains)]
