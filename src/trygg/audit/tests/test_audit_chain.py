"""The tamper-evident audit chain: written with every change, verified by `trygg audit verify`."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from trygg.audit.models import SYSTEM_CHAIN, AppendOnlyError, AuditEntry, partnership_chain
from trygg.audit.services import record, verify_all, verify_chain
from trygg.core import services as core
from trygg.core.models import Organisation, Role


def make_partnership(slug="p"):
    return core.create_partnership(
        actor=None,
        name=f"Samverkan {slug}",
        slug=slug,
        municipality_code="0191",
        municipality_name="Sigtuna",
    )


def run_sql(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def verify_output():
    """Run `trygg audit verify`; return (ok, printed text)."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except CommandError as exc:
        return False, out.getvalue() + str(exc)
    return True, out.getvalue()


@pytest.fixture
def chain(db):
    partnership = make_partnership()
    for i in range(5):
        record(
            "test.event",
            partnership=partnership,
            object_type="test",
            object_id=str(i),
            data={"n": i, "text": "åäö"},
        )
    return partnership


def entry(partnership, seq):
    return AuditEntry.objects.get(chain=partnership_chain(partnership.pk), seq=seq)


def test_core_writes_leave_entries_in_the_right_chains(world):
    p_entries = AuditEntry.objects.filter(chain=partnership_chain(world.p.pk))
    actions = set(p_entries.values_list("action", flat=True))
    assert {
        "partnership.create",
        "organisation.create",
        "partnership.add_organisation",
        "user.create",
        "membership.set",
    } <= actions
    coordinator = world.users["coordinator"]
    membership_entry = p_entries.get(action="membership.set", data__email=coordinator.email)
    assert membership_entry.data["role"] == Role.COORDINATOR
    # A unit created without a partnership goes to the system chain.
    assert AuditEntry.objects.filter(
        chain=SYSTEM_CHAIN, action="organisation.create", data__name="Enhet A1"
    ).exists()
    assert all(r.ok for r in verify_all())


def test_an_entry_records_who_which_organisation_and_from_where(world, rf):
    request = rf.get("/", REMOTE_ADDR="192.0.2.7")
    actor = world.users["partnership_admin"]
    org = core.create_organisation(
        actor=actor, name="Ny partner", kind=Organisation.Kind.OTHER, partnership=world.p
    )
    e = AuditEntry.objects.filter(action="organisation.create", object_id=str(org.pk)).get()
    assert (e.actor_id, e.actor_label) == (actor.pk, actor.email)
    assert e.organisation_id == world.org_a.pk
    assert e.object_type == "core.organisation"
    record("test.request", actor=actor, partnership=world.p, request=request)
    assert AuditEntry.objects.get(action="test.request").ip == "192.0.2.7"


def test_intact_chain_verifies(chain):
    report = verify_chain(partnership_chain(chain.pk))
    assert report.ok and report.entries == 6  # partnership.create + 5
    ok, text = verify_output()
    assert ok and "intact" in text


def test_editing_an_entry_is_detected(chain):
    target = entry(chain, 3)
    run_sql("UPDATE audit_auditentry SET action = %s WHERE id = %s", ["test.harmless", target.pk])
    report = verify_chain(partnership_chain(chain.pk))
    assert not report.ok and "#3" in report.problem and "changed" in report.problem
    ok, text = verify_output()
    assert not ok and "BROKEN" in text


def test_editing_the_data_of_an_entry_is_detected(chain):
    target = entry(chain, 2)
    run_sql("UPDATE audit_auditentry SET data = %s WHERE id = %s", ['{"n": 99}', target.pk])
    assert not verify_chain(partnership_chain(chain.pk)).ok


def test_recomputing_an_edited_entrys_own_hmac_breaks_the_next_link(chain):
    """Without the key nobody can recompute HMACs; even a forged hash for one entry breaks
    the link to the one after it."""
    target = entry(chain, 2)
    run_sql("UPDATE audit_auditentry SET hmac = %s WHERE id = %s", ["0" * 64, target.pk])
    report = verify_chain(partnership_chain(chain.pk))
    assert not report.ok and "#2" in report.problem


def test_deleting_an_entry_is_detected(chain):
    run_sql("DELETE FROM audit_auditentry WHERE id = %s", [entry(chain, 3).pk])
    report = verify_chain(partnership_chain(chain.pk))
    assert not report.ok and "missing or reordered" in report.problem


def test_deleting_the_last_entries_is_detected(chain):
    run_sql(
        "DELETE FROM audit_auditentry WHERE chain = %s AND seq >= 5", [partnership_chain(chain.pk)]
    )
    report = verify_chain(partnership_chain(chain.pk))
    assert not report.ok and "deleted" in report.problem


def test_reordering_entries_is_detected(chain):
    a, b = entry(chain, 2), entry(chain, 4)
    run_sql("UPDATE audit_auditentry SET seq = -1 WHERE id = %s", [a.pk])
    run_sql("UPDATE audit_auditentry SET seq = 2 WHERE id = %s", [b.pk])
    run_sql("UPDATE audit_auditentry SET seq = 4 WHERE id = %s", [a.pk])
    report = verify_chain(partnership_chain(chain.pk))
    assert not report.ok and "#2" in report.problem


def test_the_application_cannot_change_or_delete_entries(chain):
    e = entry(chain, 1)
    e.action = "other"
    with pytest.raises(AppendOnlyError):
        e.save()
    with pytest.raises(AppendOnlyError):
        e.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=e.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


def test_an_entry_rolls_back_with_the_change_it_records(db):
    partnership = make_partnership()
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        core.create_organisation(
            actor=None, name="Halvskriven", kind=Organisation.Kind.OTHER, partnership=partnership
        )
        raise RuntimeError("the use case fails after its audit entry")
    assert AuditEntry.objects.count() == before
    assert not Organisation.objects.filter(name="Halvskriven").exists()
    record("test.after_rollback", partnership=partnership)
    assert verify_chain(partnership_chain(partnership.pk)).ok


def test_chains_are_separate_per_partnership(db):
    p, q = make_partnership("p"), make_partnership("q")
    record("test.p", partnership=p)
    record("test.q", partnership=q)
    record("test.system")
    assert entry(p, 2).action == "test.p"
    assert entry(q, 2).action == "test.q"
    assert AuditEntry.objects.get(chain=SYSTEM_CHAIN, action="test.system").seq >= 1
    assert all(r.ok for r in verify_all())


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_a_chain():
    if connection.vendor != "postgresql":
        pytest.skip(
            "threads against one database need PostgreSQL; SQLite's in-memory test "
            "database is per connection (the SQLite run relies on IMMEDIATE locking)"
        )
    partnership = make_partnership("concurrent")
    errors = []
    threads_n, per_thread = 6, 20

    def writer(n):
        from django.db import connections

        try:
            for i in range(per_thread):
                record("test.concurrent", partnership=partnership, data={"t": n, "i": i})
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = list(
        AuditEntry.objects.filter(chain=partnership_chain(partnership.pk))
        .order_by("seq")
        .values_list("seq", flat=True)
    )
    assert seqs == list(range(1, threads_n * per_thread + 2))
    assert verify_chain(partnership_chain(partnership.pk)).ok


def _threads(n, target):
    """Run ``target(i)`` in ``n`` threads at once; returns the exceptions they raised."""
    from django.db import connections

    errors = []
    barrier = threading.Barrier(n)

    def run(i):
        try:
            barrier.wait(timeout=10)
            target(i)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def _needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("threads against one database need PostgreSQL")


class _RolledBack(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_appends_inside_longer_transactions_stay_gap_free_when_some_roll_back():
    """Appends as the last write of a longer transaction (as every use case makes them),
    some of which roll back after appending: the committed entries still number 1, 2, 3...
    with no gap and verify, and the head ends at the last committed entry."""
    _needs_postgresql()
    partnership = make_partnership("longer")
    per_thread = 15

    def writer(n):
        for i in range(per_thread):
            try:
                with transaction.atomic():
                    Organisation.objects.create(name=f"Org {n}-{i}", kind=Organisation.Kind.OTHER)
                    record("test.longer", partnership=partnership, data={"t": n, "i": i})
                    if i % 4 == 3:
                        raise _RolledBack
            except _RolledBack:
                pass

    assert _threads(6, writer) == []
    chain = partnership_chain(partnership.pk)
    seqs = list(
        AuditEntry.objects.filter(chain=chain).order_by("seq").values_list("seq", flat=True)
    )
    committed = 6 * sum(1 for i in range(per_thread) if i % 4 != 3)
    assert seqs == list(range(1, committed + 2))  # + the partnership's creation
    report = verify_chain(chain)
    assert report.ok, report.problem
    assert report.entries == committed + 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_appends_create_one_head():
    """A chain's first entries, written at once by several writers, start one chain."""
    _needs_postgresql()
    from trygg.audit.models import ChainHead
    from trygg.core.models import Partnership

    # created without the service, so that its chain has no head yet
    partnership = Partnership.objects.create(
        name="Ny", slug="ny", municipality_code="0191", municipality_name="Sigtuna"
    )
    chain = partnership_chain(partnership.pk)
    assert not ChainHead.objects.filter(chain=chain).exists()

    assert _threads(5, lambda n: record("test.first", partnership=partnership)) == []
    assert ChainHead.objects.filter(chain=chain).count() == 1
    assert list(
        AuditEntry.objects.filter(chain=chain).order_by("seq").values_list("seq", flat=True)
    ) == [1, 2, 3, 4, 5]
    assert verify_chain(chain).ok


@pytest.mark.django_db(transaction=True)
def test_work_before_the_append_does_not_hold_the_chain():
    """The chain's head is locked by the append itself, not before: a writer busy with
    the rest of its transaction does not stop another from appending meanwhile."""
    _needs_postgresql()
    partnership = make_partnership("late")
    busy, appended = threading.Event(), threading.Event()

    def slow(n):
        if n == 0:
            with transaction.atomic():
                Organisation.objects.create(name="Långsam", kind=Organisation.Kind.OTHER)
                busy.set()
                assert appended.wait(timeout=10), "the other append waited for this one"
                record("test.slow", partnership=partnership)
        else:
            assert busy.wait(timeout=10)
            record("test.quick", partnership=partnership)
            appended.set()

    assert _threads(2, slow) == []
    chain = partnership_chain(partnership.pk)
    actions = list(
        AuditEntry.objects.filter(chain=chain).order_by("seq").values_list("action", flat=True)
    )
    assert actions[-2:] == ["test.quick", "test.slow"]
    assert verify_chain(chain).ok
