"""`trygg audit prune`: a partnership chain's entries older than its audit limit are
deleted behind the newest checkpoint only, after `verify` passes; the chain verifies on
from its prune point, and tampering (before or after a prune) is still detected."""

import datetime
import json
from contextlib import contextmanager
from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from trygg.audit.models import SYSTEM_CHAIN, AuditEntry, AuditPrunePoint, partnership_chain
from trygg.audit.services import record, verify_all, verify_chain
from trygg.core import services as core
from trygg.retention.services import set_policy

LONG_AGO = datetime.timedelta(days=3 * 365)


@contextmanager
def clock(delta):
    """Write entries as if it were ``delta`` ago (their time is part of their HMAC)."""
    at = timezone.now() - delta
    with mock.patch("django.utils.timezone.now", return_value=at):
        yield


def run_sql(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def run(action, *args):
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", action, *args, stdout=out, stderr=err)
    except CommandError as exc:
        return False, out.getvalue() + err.getvalue() + str(exc)
    return True, out.getvalue() + err.getvalue()


def seqs(chain):
    return list(
        AuditEntry.objects.filter(chain=chain).order_by("seq").values_list("seq", flat=True)
    )


def entry(chain, seq):
    return AuditEntry.objects.get(chain=chain, seq=seq)


def new_partnership(slug):
    return core.create_partnership(
        actor=None,
        name=f"Samverkan {slug}",
        slug=slug,
        municipality_code="0191",
        municipality_name="Sigtuna",
    )


@pytest.fixture
def partnership(db):
    """Entries #1-#6 three years old (audit limit 12 months), #7-#8 from today."""
    with clock(LONG_AGO):
        p = new_partnership("p")  # 1
        set_policy(
            actor=None, partnership=p, text_months=24, tombstone_months=60, audit_months=12
        )  # 2
        for i in range(4):
            record("test.old", partnership=p, object_id=str(i), data={"n": i})  # 3-6
    for i in range(2):
        record("test.new", partnership=p, object_id=str(i))  # 7-8
    return p


@pytest.fixture
def chain(partnership):
    return partnership_chain(partnership.pk)


@pytest.fixture
def checkpointed(chain):
    ok, text = run("checkpoint")
    assert ok, text


@pytest.fixture
def pruned(checkpointed, chain):
    old_hmac = entry(chain, 6).hmac
    ok, text = run("prune")
    assert ok, text
    return old_hmac


def test_prune_deletes_old_entries_behind_the_checkpoint_and_verify_passes(
    checkpointed, chain, partnership
):
    old_hmac = entry(chain, 6).hmac
    ok, text = run("prune", "--partnership", "p")
    assert ok, text
    assert f"p: 6 poster i {chain} togs bort (#1–#6" in text
    assert seqs(chain) == [7, 8]
    (point,) = AuditPrunePoint.objects.filter(chain=chain)
    assert (point.first_seq, point.last_seq, point.count, point.last_hmac) == (1, 6, 6, old_hmac)
    own = AuditEntry.objects.get(chain=SYSTEM_CHAIN, action="audit.prune")
    assert own.object_id == chain and own.partnership_id is None
    assert {k: own.data[k] for k in ("chain", "first_seq", "last_seq", "count", "last_hmac")} == {
        "chain": chain,
        "first_seq": 1,
        "last_seq": 6,
        "count": 6,
        "last_hmac": old_hmac,
    }
    # The chain verifies from its prune point, and the earlier checkpoint still holds.
    ok, text = run("verify")
    assert ok, text
    assert f"OK      {chain}: 2 entries (pruned through #6)" in text
    assert "Databasen stämmer med kontrollpunkten" in text
    # A second run finds nothing; new entries and new checkpoints go on as before.
    ok, text = run("prune")
    assert ok and "inget att gallra" in text
    assert AuditEntry.objects.filter(action="audit.prune").count() == 1
    record("test.later", partnership=partnership)
    assert run("checkpoint")[0]
    ok, text = run("verify")
    assert ok, text


def test_dry_run_changes_nothing(checkpointed, chain):
    before = list(AuditEntry.objects.values_list("pk", "hmac"))
    ok, text = run("prune", "--dry-run")
    assert ok and f"p: 6 poster i {chain} skulle tas bort (#1–#6" in text
    assert list(AuditEntry.objects.values_list("pk", "hmac")) == before
    assert not AuditPrunePoint.objects.exists()


def test_refused_without_a_checkpoint(chain):
    ok, text = run("prune")
    assert not ok and "ingen kontrollpunkt" in text and "Ingenting gallrades" in text
    assert seqs(chain) == list(range(1, 9)) and not AuditPrunePoint.objects.exists()


def test_refused_when_verify_fails(checkpointed, chain):
    run_sql("UPDATE audit_auditentry SET action = 'x' WHERE id = %s", [entry(chain, 7).pk])
    ok, text = run("prune")
    assert not ok and f"FEL     {chain}: entry #7" in text and "Ingenting gallrades" in text
    assert seqs(chain) == list(range(1, 9)) and not AuditPrunePoint.objects.exists()


def test_refused_when_a_checkpoint_fails(checkpointed, chain, checkpoint_dir):
    (path,) = checkpoint_dir.glob("checkpoint-*.json")
    path.write_text(path.read_text(encoding="utf-8").replace('"entries": 8', '"entries": 9'))
    ok, text = run("prune")
    assert not ok and "signatur som inte stämmer" in text
    assert seqs(chain) == list(range(1, 9))


def test_a_chain_the_checkpoint_does_not_cover_is_not_pruned(checkpointed, chain):
    with clock(LONG_AGO):
        new_partnership("q")
    ok, text = run("prune")
    assert not ok and "q: kontrollpunkten" in text and "omfattar inte kedjan" in text
    assert "Loggen gallrades inte för: q" in text
    assert seqs(chain) == [7, 8]  # p was still pruned


def test_never_beyond_the_checkpoint(db):
    with clock(LONG_AGO):
        p = new_partnership("p")
        set_policy(actor=None, partnership=p, text_months=24, tombstone_months=60, audit_months=12)
        record("test.old", partnership=p)  # 3
    chain = partnership_chain(p.pk)
    assert run("checkpoint")[0]  # covers #1-#3
    with clock(LONG_AGO):
        record("test.old", partnership=p)  # 4: old, but after the checkpoint
        record("test.old", partnership=p)  # 5
    ok, text = run("prune")
    assert ok and "#1–#3" in text, text
    assert seqs(chain) == [4, 5]
    ok, text = run("verify")
    assert ok, text
    # After the next checkpoint the rest goes too (the whole chain, here), and both the
    # chain (now empty) and the older checkpoints still verify.
    assert run("checkpoint")[0]
    ok, text = run("prune")
    assert ok and "#4–#5" in text, text
    assert seqs(chain) == [] and AuditPrunePoint.objects.filter(chain=chain).count() == 2
    ok, text = run("verify")
    assert ok and f"OK      {chain}: 0 entries (pruned through #5)" in text, text
    assert run("checkpoint")[0] and run("verify")[0]
    record("test.new", partnership=p)
    assert verify_chain(chain).ok


def test_today_limits_the_prune_and_may_not_be_in_the_future(checkpointed, chain):
    ok, text = run("prune", "--today", "2099-01-01")
    assert not ok and "framtiden" in text
    earlier = (timezone.localdate() - LONG_AGO).isoformat()
    ok, text = run("prune", "--today", earlier)
    assert ok and "inget att gallra" in text and seqs(chain) == list(range(1, 9))


# --- tampering is still detected -------------------------------------------------------


def test_deleting_old_entries_without_a_prune_point_is_detected(checkpointed, chain):
    run_sql("DELETE FROM audit_auditentry WHERE chain = %s AND seq <= 6", [chain])
    ok, text = run("verify")
    assert not ok and f"BROKEN  {chain}: entry #7" in text and "missing or reordered" in text


def test_a_forged_prune_point_is_detected(checkpointed, chain):
    """Someone deletes old entries and writes a prune point to match: the system chain has
    no audit.prune entry for it."""
    last = entry(chain, 6)
    run_sql("DELETE FROM audit_auditentry WHERE chain = %s AND seq <= 6", [chain])
    AuditPrunePoint.objects.create(
        chain=chain,
        first_seq=1,
        last_seq=6,
        last_hmac=last.hmac,
        count=6,
        pruned_at=timezone.now(),
    )
    ok, text = run("verify")
    assert not ok and f"BROKEN  {chain}: the prune point at #6" in text
    assert "no matching audit.prune entry" in text
    ok, text = run("prune")
    assert not ok and "Ingenting gallrades" in text


def test_deleting_more_after_a_prune_is_detected(pruned, chain):
    run_sql("DELETE FROM audit_auditentry WHERE chain = %s AND seq = 7", [chain])
    ok, text = run("verify")
    assert not ok and f"BROKEN  {chain}: entry #8" in text and "missing or reordered" in text


def test_moving_the_prune_point_is_detected(pruned, chain):
    seventh = entry(chain, 7)
    run_sql("DELETE FROM audit_auditentry WHERE id = %s", [seventh.pk])
    run_sql(
        "UPDATE audit_auditprunepoint SET last_seq = 7, count = 7, last_hmac = %s WHERE chain = %s",
        [seventh.hmac, chain],
    )
    ok, text = run("verify")
    assert not ok and "no matching audit.prune entry" in text


def test_deleting_the_prune_point_is_detected(pruned, chain):
    run_sql("DELETE FROM audit_auditprunepoint WHERE chain = %s", [chain])
    ok, text = run("verify")
    assert not ok and f"BROKEN  {chain}: entry #7 (id" in text and "follows #0" in text


def test_editing_a_remaining_entry_after_a_prune_is_detected(pruned, chain):
    run_sql("UPDATE audit_auditentry SET action = 'x' WHERE id = %s", [entry(chain, 7).pk])
    ok, text = run("verify")
    assert not ok and f"BROKEN  {chain}: entry #7" in text and "changed" in text


def test_truncating_the_tail_after_a_prune_is_caught_by_the_checkpoint(pruned, chain):
    run_sql("DELETE FROM audit_auditentry WHERE chain = %s AND seq = 8", [chain])
    seventh = entry(chain, 7)
    run_sql(
        "UPDATE audit_chainhead SET seq = 7, last_hmac = %s WHERE chain = %s",
        [seventh.hmac, chain],
    )
    assert verify_chain(chain).ok  # the chain alone cannot tell
    ok, text = run("verify")
    assert not ok and f"FEL     {chain}: post #8 (id " in text and "finns inte längre" in text


def test_rewriting_the_prune_entry_breaks_the_system_chain(pruned, chain):
    own = AuditEntry.objects.get(action="audit.prune")
    run_sql(
        "UPDATE audit_auditentry SET data = %s WHERE id = %s",
        [json.dumps({"chain": chain, "first_seq": 1, "last_seq": 7, "count": 7}), own.pk],
    )
    assert not all(r.ok for r in verify_all())
    ok, text = run("verify")
    assert not ok and f"BROKEN  system: entry #{own.seq}" in text
