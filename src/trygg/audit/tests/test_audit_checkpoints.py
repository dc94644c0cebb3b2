"""Signed checkpoints outside the database: `trygg audit checkpoint`, checked by `verify`.

Each tampering the issue names is detected by `trygg audit verify` (non-zero exit, a
message saying what and where), including the two a chain alone cannot show: its tail
deleted with its head reset, and a rewrite with the right key.
"""

import datetime
import json
import os
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from trygg.audit import checkpoints
from trygg.audit.checkpoints import sign, verify_checkpoints
from trygg.audit.models import SYSTEM_CHAIN, AuditEntry, partnership_chain
from trygg.audit.services import compute_hmac, record, verify_chain
from trygg.core import services as core


def run_sql(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def run(action):
    """Run `trygg audit <action>`; return (ok, printed text and error)."""
    out = StringIO()
    try:
        call_command("audit", action, stdout=out)
    except CommandError as exc:
        return False, out.getvalue() + str(exc)
    return True, out.getvalue()


@pytest.fixture
def partnership(db):
    p = core.create_partnership(
        actor=None,
        name="Samverkan p",
        slug="p",
        municipality_code="0191",
        municipality_name="Sigtuna",
    )
    for i in range(5):
        record("test.event", partnership=p, object_id=str(i), data={"n": i, "text": "åäö"})
    return p


@pytest.fixture
def chain(partnership):
    return partnership_chain(partnership.pk)  # six entries: partnership.create + 5


@pytest.fixture
def checkpointed(chain, checkpoint_dir):
    """The chain with one checkpoint taken; returns the checkpoint file."""
    ok, text = run("checkpoint")
    assert ok, text
    (path,) = checkpoint_dir.glob("checkpoint-*.json")
    return path


def entry(chain, seq):
    return AuditEntry.objects.get(chain=chain, seq=seq)


def reset_head(chain):
    last = AuditEntry.objects.filter(chain=chain).order_by("-seq").first()
    run_sql(
        "UPDATE audit_chainhead SET seq = %s, last_hmac = %s WHERE chain = %s",
        [last.seq, last.hmac, chain],
    )


def rehash(chain, key):
    """Recompute every link of ``chain`` under ``key``, as someone with write access to the
    database would (with the real key, or a guessed one), and move its head."""
    with override_settings(AUDIT_KEY=key):
        prev = ""
        for e in AuditEntry.objects.filter(chain=chain).order_by("seq"):
            new = compute_hmac(e, prev)
            run_sql(
                "UPDATE audit_auditentry SET prev_hmac = %s, hmac = %s WHERE id = %s",
                [prev, new, e.pk],
            )
            prev = new
    reset_head(chain)


def truncate(chain, from_seq):
    """Delete the chain's entries from ``from_seq`` on and reset its head to match."""
    run_sql("DELETE FROM audit_auditentry WHERE chain = %s AND seq >= %s", [chain, from_seq])
    reset_head(chain)


# --- writing checkpoints ---------------------------------------------------------------


def test_checkpoint_writes_a_signed_file_covering_its_own_audit_entry(checkpointed, chain):
    body = json.loads(checkpointed.read_text(encoding="utf-8"))
    assert body["format"] == "trygg-audit-checkpoint/1" and body["file"] == checkpointed.name
    assert body["signature"] == sign(body)
    states = {c["chain"]: c for c in body["chains"]}
    last = entry(chain, 6)
    assert states[chain] == {
        "chain": chain,
        "seq": 6,
        "id": last.pk,
        "hmac": last.hmac,
        "entries": 6,
    }
    # The run is audited in the system chain, and the checkpoint covers that entry.
    own = AuditEntry.objects.get(chain=SYSTEM_CHAIN, action="audit.checkpoint")
    assert own.data == {"file": checkpointed.name}
    assert body["checkpoint_entry"] == {"chain": SYSTEM_CHAIN, "seq": own.seq, "id": own.pk}
    assert states[SYSTEM_CHAIN]["seq"] == own.seq and states[SYSTEM_CHAIN]["hmac"] == own.hmac
    # Written atomically: no temporary file is left; readable by the service's group only.
    assert [p.name for p in checkpointed.parent.iterdir()] == [checkpointed.name]
    assert checkpointed.stat().st_mode & 0o777 == 0o640
    assert verify_chain(SYSTEM_CHAIN).ok


def test_every_run_writes_a_new_file_and_never_overwrites(checkpointed, checkpoint_dir):
    before = checkpointed.read_bytes()
    assert run("checkpoint")[0]
    files = checkpoints.checkpoint_files(checkpoint_dir)
    assert len(files) == 2 and files[0] == checkpointed
    assert checkpointed.read_bytes() == before
    with pytest.raises(FileExistsError):
        checkpoints._write_new_file(checkpointed, "{}")
    assert checkpointed.read_bytes() == before
    ok, text = run("verify")
    assert ok and files[1].name in text  # the newest is the one compared with


def test_a_failed_write_leaves_no_audit_entry(chain, checkpoint_dir, monkeypatch):
    def fail(path, text):
        raise OSError("disk full")

    monkeypatch.setattr(checkpoints, "_write_new_file", fail)
    ok, text = run("checkpoint")
    assert not ok and "disk full" in text
    assert not AuditEntry.objects.filter(action="audit.checkpoint").exists()
    assert list(checkpoint_dir.iterdir()) == []


def test_the_checkpoint_is_emailed_when_an_address_is_set(chain, settings):
    settings.AUDIT_CHECKPOINT_EMAIL = "dso@example.se, revision@example.se"
    ok, text = run("checkpoint")
    assert ok and "dso@example.se" in text
    (message,) = mail.outbox
    assert message.to == ["dso@example.se", "revision@example.se"]
    assert "kontrollpunkt" in message.subject
    signed = json.loads(message.body[message.body.index("{") :])
    assert signed["signature"] == sign(signed)


def test_a_failed_email_is_a_failure_but_keeps_the_file(chain, settings, checkpoint_dir):
    settings.AUDIT_CHECKPOINT_EMAIL = "dso@example.se"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    ok, text = run("checkpoint")
    assert not ok and "kunde inte skickas" in text
    assert len(checkpoints.checkpoint_files(checkpoint_dir)) == 1


def test_no_checkpoint_is_written_over_a_broken_chain(checkpointed, chain, checkpoint_dir):
    """A checkpoint never vouches for tampering done since the one before it."""
    truncate(chain, 5)
    ok, text = run("checkpoint")
    assert not ok and "Ingen ny kontrollpunkt" in text and "#6" in text
    assert checkpoints.checkpoint_files(checkpoint_dir) == [checkpointed]


# --- verify with a checkpoint: each tampering is detected ---------------------------------


def test_intact_chains_agree_with_the_checkpoint(checkpointed):
    ok, text = run("verify")
    assert ok, text
    assert "intact" in text and f"Databasen stämmer med kontrollpunkten {checkpointed.name}" in text


def test_a_chain_may_grow_after_its_checkpoint(checkpointed, partnership):
    record("test.later", partnership=partnership)
    assert run("verify")[0]


def test_a_editing_an_entry(checkpointed, chain):
    run_sql("UPDATE audit_auditentry SET action = 'x' WHERE id = %s", [entry(chain, 3).pk])
    ok, text = run("verify")
    assert not ok and f"BROKEN  {chain}: entry #3" in text and "changed" in text


def test_a_editing_the_checkpointed_entry(checkpointed, chain):
    run_sql("UPDATE audit_auditentry SET data = '{}' WHERE id = %s", [entry(chain, 6).pk])
    ok, text = run("verify")
    assert not ok and "#6" in text and "changed" in text


def test_b_deleting_an_entry_in_the_middle(checkpointed, chain):
    run_sql("DELETE FROM audit_auditentry WHERE id = %s", [entry(chain, 3).pk])
    ok, text = run("verify")
    assert not ok and "missing or reordered" in text


def test_c_reordering_entries(checkpointed, chain):
    a, b = entry(chain, 2), entry(chain, 6)
    run_sql("UPDATE audit_auditentry SET seq = -1 WHERE id = %s", [a.pk])
    run_sql("UPDATE audit_auditentry SET seq = 2 WHERE id = %s", [b.pk])
    run_sql("UPDATE audit_auditentry SET seq = 6 WHERE id = %s", [a.pk])
    ok, text = run("verify")
    assert not ok and f"BROKEN  {chain}: entry #2" in text
    assert f"FEL     {chain}: post #6 har inte samma HMAC" in text


def test_d_truncating_the_tail_and_its_head_is_caught_by_the_checkpoint(checkpointed, chain):
    truncate(chain, 4)
    assert verify_chain(chain).ok  # the chain alone cannot tell
    ok, text = run("verify")
    assert not ok
    assert f"FEL     {chain}: post #6 (id " in text
    assert "finns inte längre; kedjan slutar nu vid #3 med 3 poster" in text
    assert checkpointed.name in text


def test_d_truncating_the_system_chain_before_the_checkpoint_entry(checkpointed):
    record("test.system")
    assert run("checkpoint")[0]
    own = AuditEntry.objects.filter(action="audit.checkpoint").order_by("seq").last()
    truncate(SYSTEM_CHAIN, own.seq)  # this run's entry and everything after it
    assert verify_chain(SYSTEM_CHAIN).ok
    ok, text = run("verify")
    assert not ok and f"FEL     system: post #{own.seq} (id {own.pk})" in text


def test_d_deleting_a_whole_chain(checkpointed, chain):
    run_sql("DELETE FROM audit_auditentry WHERE chain = %s", [chain])
    run_sql("DELETE FROM audit_chainhead WHERE chain = %s", [chain])
    ok, text = run("verify")
    assert not ok and f"{chain}: kedjan finns inte längre i databasen" in text


def test_e_rehashing_without_the_key_fails_every_hmac(checkpointed, chain):
    run_sql("UPDATE audit_auditentry SET action = 'x' WHERE id = %s", [entry(chain, 3).pk])
    rehash(chain, "a guessed key")
    ok, text = run("verify")
    assert not ok and f"BROKEN  {chain}: entry #1" in text and "changed" in text
    assert f"{chain}: post #6 har inte samma HMAC" in text


def test_e_rewriting_with_the_key_is_caught_by_the_checkpoint(checkpointed, chain, settings):
    run_sql("UPDATE audit_auditentry SET action = 'x' WHERE id = %s", [entry(chain, 3).pk])
    rehash(chain, settings.AUDIT_KEY)
    assert verify_chain(chain).ok
    ok, text = run("verify")
    assert not ok and f"FEL     {chain}: post #6 har inte samma HMAC" in text
    assert "skrivits om" in text


def test_e_deleting_renumbering_and_rehashing_with_the_key(checkpointed, chain, settings):
    run_sql("DELETE FROM audit_auditentry WHERE id = %s", [entry(chain, 3).pk])
    for seq in (4, 5, 6):
        run_sql(
            "UPDATE audit_auditentry SET seq = %s WHERE chain = %s AND seq = %s",
            [seq - 1, chain, seq],
        )
    rehash(chain, settings.AUDIT_KEY)
    assert verify_chain(chain).ok
    ok, text = run("verify")
    assert not ok and f"{chain}: post #6" in text and "finns inte längre" in text


def test_e_truncating_and_appending_anew_to_the_same_length(checkpointed, chain, partnership):
    truncate(chain, 4)
    for _ in range(3):
        record("test.replacement", partnership=partnership)
    assert verify_chain(chain).ok and verify_chain(chain).entries == 6
    ok, text = run("verify")
    assert not ok and f"{chain}: post #6 har inte samma HMAC" in text


def _edit_checkpoint(path, change):
    body = json.loads(path.read_text(encoding="utf-8"))
    change(body)
    path.write_text(json.dumps(body), encoding="utf-8")


def test_f_a_tampered_checkpoint_file_fails_its_signature(checkpointed, chain):
    """Truncating the chain and editing the checkpoint to match does not help."""
    truncate(chain, 4)
    last = entry(chain, 3)

    def match_the_truncated_chain(body):
        for c in body["chains"]:
            if c["chain"] == chain:
                c.update(seq=3, id=last.pk, hmac=last.hmac, entries=3)

    _edit_checkpoint(checkpointed, match_the_truncated_chain)
    ok, text = run("verify")
    assert not ok
    assert f"FEL     Kontrollpunkten {checkpointed} har en signatur som inte stämmer" in text


def test_f_a_checkpoint_signed_with_another_key_fails(checkpointed):
    with override_settings(AUDIT_KEY="another key"):
        _edit_checkpoint(checkpointed, lambda body: body.update(signature=sign(body)))
    ok, text = run("verify")
    assert not ok and "signatur som inte stämmer" in text


def test_f_an_unreadable_or_renamed_checkpoint_file(checkpointed):
    checkpointed.write_text('{"chains": [', encoding="utf-8")
    ok, text = run("verify")
    assert not ok and f"Kontrollpunkten {checkpointed} kan inte läsas" in text
    assert "Kör `trygg audit checkpoint`" not in text  # not taken for "none yet"


def test_f_an_older_checkpoint_renamed_as_a_newer_one(checkpointed, checkpoint_dir):
    renamed = checkpoint_dir / "checkpoint-29990101T000000.000000Z.json"
    os.link(checkpointed, renamed)
    ok, text = run("verify")
    assert not ok and "har bytt namn" in text


# --- no checkpoint (yet) ---------------------------------------------------------------


def test_g_no_checkpoint_yet_is_a_warning(chain):
    ok, text = run("verify")
    assert ok and "VARNING Ingen kontrollpunkt ännu" in text and "intact" in text


def test_g_default_directory_missing_is_a_warning_and_created_by_checkpoint(
    chain, settings, tmp_path
):
    settings.AUDIT_CHECKPOINT_DIR = None
    settings.VAR_DIR = tmp_path / "var"
    ok, text = run("verify")
    assert ok and "Ingen kontrollpunkt ännu" in text and "audit-checkpoints" in text
    assert run("checkpoint")[0]
    assert len(list((tmp_path / "var" / "audit-checkpoints").glob("checkpoint-*.json"))) == 1
    assert run("verify")[0]


def test_g_the_directory_from_the_environment(chain, settings, tmp_path, monkeypatch):
    settings.AUDIT_CHECKPOINT_DIR = None
    monkeypatch.setenv("TRYGG_AUDIT_CHECKPOINT_DIR", str(tmp_path / "from-env"))
    ok, text = run("verify")
    assert not ok and "from-env" in text and "finns inte" in text


def test_g_a_configured_directory_that_is_missing_is_a_failure(chain, checkpoint_dir):
    checkpoint_dir.rmdir()
    ok, text = run("verify")
    assert not ok
    assert (
        f"FEL     Katalogen för kontrollpunkter {checkpoint_dir}" in text and "finns inte" in text
    )


def test_g_deleted_checkpoint_files_are_detected(checkpointed, checkpoint_dir):
    """The system chain records every checkpoint run, so removing the files shows."""
    checkpointed.unlink()
    ok, text = run("verify")
    assert not ok and f"kontrollpunkten {checkpointed.name}" in text
    assert "filen finns inte" in text
    checkpoint_dir.rmdir()
    ok, text = run("checkpoint")
    assert not ok and "Ingen ny kontrollpunkt" in text
    assert not checkpoint_dir.exists()


def test_an_old_checkpoint_gives_a_warning(checkpointed):
    report = verify_checkpoints(
        now=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)
    )
    assert not report.errors
    assert any(f.level == "warning" and "två dygn" in f.text for f in report.findings)
