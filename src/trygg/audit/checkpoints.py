"""Signed checkpoints of the audit chains, kept outside the database (DESIGN.md §5).

A chain verifies on its own as long as nobody who lacks the key touches it, but two kinds
of tampering leave a chain that still verifies: deleting entries at its end (together
with its head), and rewriting it with the key. A checkpoint records, per chain, the last
entry (sequence number, id, HMAC) and the number of entries at one moment, signed with a
key derived from the audit key, in a file outside the database (and optionally by
e-mail). `trygg audit verify` then checks that every chain still holds that entry with
that HMAC and at least that many entries. Entries `trygg audit prune` removed behind a
checkpoint (see :mod:`trygg.audit.pruning`) are neither "missing" nor "fewer": a
checkpointed entry at or below the chain's prune point is gone by design, and the pruned
entries count towards the checkpoint's number of entries.

Settings (each read from Django's settings first, then the environment):

- ``AUDIT_CHECKPOINT_DIR`` / ``TRYGG_AUDIT_CHECKPOINT_DIR``: the directory; default
  ``<VAR_DIR>/audit-checkpoints`` (next to the embedded SQLite database).
- ``AUDIT_CHECKPOINT_EMAIL`` / ``TRYGG_AUDIT_CHECKPOINT_EMAIL``: addresses (comma
  separated) that get a copy of every checkpoint; none by default.
"""

import datetime
import hashlib
import hmac as hmac_lib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import SYSTEM_CHAIN, AuditEntry, AuditPrunePoint
from .services import record

FORMAT = "trygg-audit-checkpoint/1"
ACTION = "audit.checkpoint"
FILE_PREFIX = "checkpoint-"
FILE_SUFFIX = ".json"
# A checkpoint older than this gives a warning: the nightly job has probably stopped.
MAX_AGE = datetime.timedelta(hours=48)


class CheckpointRefused(Exception):
    """No checkpoint was written: the chains or the earlier checkpoints have problems."""

    def __init__(self, findings):
        super().__init__("; ".join(f.text for f in findings))
        self.findings = findings


def _setting(name, env):
    value = getattr(settings, name, None)
    if value in (None, ""):
        value = os.environ.get(env, "")
    return value


def checkpoint_dir():
    """The checkpoint directory, and whether it was configured (not the default)."""
    configured = _setting("AUDIT_CHECKPOINT_DIR", "TRYGG_AUDIT_CHECKPOINT_DIR")
    if configured:
        return Path(configured), True
    var_dir = getattr(settings, "VAR_DIR", None) or Path("var")
    return Path(var_dir) / "audit-checkpoints", False


def checkpoint_recipients():
    value = _setting("AUDIT_CHECKPOINT_EMAIL", "TRYGG_AUDIT_CHECKPOINT_EMAIL")
    if isinstance(value, list | tuple):
        return [a.strip() for a in value if a.strip()]
    return [a.strip() for a in str(value).split(",") if a.strip()]


def _signing_key():
    """A key of its own for checkpoints, derived from the audit key."""
    return hmac_lib.new(
        settings.AUDIT_KEY.encode(), b"trygg audit checkpoint signing key v1", hashlib.sha256
    ).digest()


def _canonical(body):
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def sign(body):
    """The signature over everything in ``body`` except a ``signature`` field."""
    unsigned = {k: v for k, v in body.items() if k != "signature"}
    return hmac_lib.new(_signing_key(), _canonical(unsigned), hashlib.sha256).hexdigest()


def chain_states(only=None, exclude=None):
    """Per chain: its last entry (seq, id, HMAC) and its number of entries, as now stored."""
    entries = AuditEntry.objects.all()
    if only is not None:
        entries = entries.filter(chain=only)
    if exclude is not None:
        entries = entries.exclude(chain=exclude)
    rows = (
        entries.values("chain").annotate(entries=Count("id"), last_seq=Max("seq")).order_by("chain")
    )
    states = []
    for row in rows:
        last = AuditEntry.objects.filter(chain=row["chain"], seq=row["last_seq"]).values(
            "id", "hmac"
        )[0]
        state = {
            "chain": row["chain"],
            "seq": row["last_seq"],
            "id": last["id"],
            "hmac": last["hmac"],
            "entries": row["entries"],
        }
        pruned = AuditPrunePoint.objects.filter(chain=row["chain"]).aggregate(
            through=Max("last_seq")
        )["through"]
        if pruned:
            # `entries` counts what is left; the entries up to here were pruned.
            state["pruned_through"] = pruned
        states.append(state)
    return states


def _file_name(created):
    return f"{FILE_PREFIX}{created.astimezone(datetime.UTC):%Y%m%dT%H%M%S.%f}Z{FILE_SUFFIX}"


def checkpoint_files(directory):
    """The checkpoint files in ``directory``, oldest first (names sort by time)."""
    return sorted(directory.glob(f"{FILE_PREFIX}*{FILE_SUFFIX}"))


def _write_new_file(path, text):
    """Write ``text`` to ``path`` atomically, never replacing an existing file: a temporary
    file in the same directory, flushed to disk, then hard-linked to its name (which fails
    if the name exists) and the temporary name removed."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".checkpoint-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o640)
        os.link(tmp, path)
    finally:
        os.unlink(tmp)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def write_checkpoint(directory):
    """Write a checkpoint of every chain, and record the run as an ``audit.checkpoint``
    entry in the system chain in the same transaction: the system chain is checkpointed up
    to and including that entry; every other chain up to its last entry just before it.
    Returns (path, body, text)."""
    created = timezone.now()
    name = _file_name(created)
    path = directory / name
    if path.exists():
        raise FileExistsError(path)
    # The other chains are read first, so that the system chain (every login appends to
    # it) is held only for its own short read; each chain's state is what it covers.
    states = chain_states(exclude=SYSTEM_CHAIN)
    written = False
    try:
        with transaction.atomic():
            entry = record(ACTION, object_type=ACTION, object_id=name, data={"file": name})
            # Holding the system chain's head, nothing can follow this run's entry there.
            states += chain_states(only=SYSTEM_CHAIN)
            body = {
                "format": FORMAT,
                "file": name,
                "created": created.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
                "checkpoint_entry": {"chain": entry.chain, "seq": entry.seq, "id": entry.pk},
                "chains": sorted(states, key=lambda c: c["chain"]),
            }
            body["signature"] = sign(body)
            text = json.dumps(body, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
            _write_new_file(path, text)
            written = True
    except BaseException:
        if written:  # the entry it names was rolled back
            path.unlink(missing_ok=True)
        raise
    return path, body, text


def email_checkpoint(path, body, text, recipients):
    send_mail(
        _("Trygghetscenter: kontrollpunkt för granskningsloggen %(time)s")
        % {"time": body["created"]},
        _(
            "En ny kontrollpunkt för granskningsloggen har skrivits till %(path)s.\n"
            "Spara det här meddelandet: `trygg audit verify` jämför databasen med "
            "kontrollpunkterna, och en kopia utanför servern visar om filen har ändrats.\n\n"
        )
        % {"path": path}
        + text,
        None,
        recipients,
        fail_silently=False,
    )


@dataclass
class Finding:
    level: str  # "ok", "warning" or "error"
    text: str


@dataclass
class CheckpointReport:
    directory: Path
    configured: bool
    latest: Path | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self):
        return [f for f in self.findings if f.level == "error"]

    def add(self, level, text):
        self.findings.append(Finding(level, text))


def _read(path):
    """The checkpoint in ``path`` and a problem (or "" when it reads and its signature
    holds)."""
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(body, dict):
            raise ValueError("not an object")
        signature = body.get("signature")
        if not isinstance(signature, str) or not isinstance(body.get("chains"), list):
            raise ValueError("no signature or chains")
    except (OSError, ValueError) as exc:
        return None, _(
            "Kontrollpunkten %(path)s kan inte läsas (%(error)s): filen är skadad eller "
            "ingen kontrollpunkt."
        ) % {"path": path, "error": exc}
    if body.get("format") != FORMAT or not hmac_lib.compare_digest(signature, sign(body)):
        return None, _(
            "Kontrollpunkten %(path)s har en signatur som inte stämmer: filen har ändrats "
            "efter att den skrevs, eller skrevs med en annan granskningsnyckel."
        ) % {"path": path}
    if body.get("file") != path.name:
        return None, _("Kontrollpunkten %(path)s skrevs som %(name)s: filen har bytt namn.") % {
            "path": path,
            "name": body.get("file"),
        }
    return body, ""


def _last_checkpoint_entry():
    return (
        AuditEntry.objects.filter(chain=SYSTEM_CHAIN, action=ACTION)
        .order_by("-seq")
        .only("seq", "pk", "at", "data")
        .first()
    )


def _check_against_database(report, path, body):
    stored = {
        row["chain"]: row
        for row in AuditEntry.objects.values("chain").annotate(
            entries=Count("id"), last_seq=Max("seq")
        )
    }
    prune_points = {}
    for point in AuditPrunePoint.objects.order_by("chain", "last_seq"):
        prune_points.setdefault(point.chain, []).append(point)
    problems = 0
    for cp in body["chains"]:
        chain, seq, entries = cp["chain"], cp["seq"], cp["entries"]
        where = {
            "chain": chain,
            "seq": seq,
            "id": cp["id"],
            "entries": entries,
            "file": path.name,
        }
        points = prune_points.get(chain, [])
        pruned_through = points[-1].last_seq if points else 0
        # Entries `trygg audit prune` deleted after the checkpoint was written (the
        # chain's own check makes sure every prune point was recorded by a prune).
        pruned_since = sum(p.count for p in points if p.last_seq > cp.get("pruned_through", 0))
        now = stored.get(chain)
        if now is None and points:
            now = {"entries": 0, "last_seq": pruned_through}  # pruned to the last entry
        if now is None:
            problems += 1
            report.add(
                "error",
                _(
                    "%(chain)s: kedjan finns inte längre i databasen, men kontrollpunkten "
                    "%(file)s har %(entries)s poster i den (den sista #%(seq)s, id %(id)s)."
                )
                % where,
            )
            continue
        where.update(now_entries=now["entries"], now_last=now["last_seq"])
        if seq <= pruned_through:
            # The checkpointed entry was pruned (behind this checkpoint or an older one):
            # not missing. Its HMAC is left on the prune point that ended there, if one did.
            found = next(({"hmac": p.last_hmac} for p in points if p.last_seq == seq), None)
            if found is None:
                found = {"hmac": cp["hmac"]}  # nothing left to compare; the count still is
        else:
            found = AuditEntry.objects.filter(chain=chain, seq=seq).values("hmac").first()
        if found is None:
            problems += 1
            report.add(
                "error",
                _(
                    "%(chain)s: post #%(seq)s (id %(id)s) som kontrollpunkten %(file)s "
                    "omfattar finns inte längre; kedjan slutar nu vid #%(now_last)s med "
                    "%(now_entries)s poster. Poster i slutet av kedjan har tagits bort."
                )
                % where,
            )
            continue
        if not hmac_lib.compare_digest(found["hmac"], cp["hmac"]):
            problems += 1
            report.add(
                "error",
                _(
                    "%(chain)s: post #%(seq)s har inte samma HMAC som i kontrollpunkten "
                    "%(file)s: kedjan har skrivits om fram till och med den posten."
                )
                % where,
            )
            continue
        if now["entries"] + pruned_since < entries:
            problems += 1
            report.add(
                "error",
                _(
                    "%(chain)s: kedjan har %(now_entries)s poster, färre än de %(entries)s "
                    "som fanns när kontrollpunkten %(file)s skrevs: poster har tagits bort."
                )
                % where,
            )
    if not problems:
        report.add(
            "ok",
            _(
                "Databasen stämmer med kontrollpunkten %(file)s (%(created)s) i alla "
                "kedjor den omfattar (antal: %(count)s)."
            )
            % {"file": path.name, "created": body.get("created"), "count": len(body["chains"])},
        )


def verify_checkpoints(now=None):
    """Check every checkpoint file's signature, and the database against the newest valid
    checkpoint; also that the newest checkpoint the system chain records has its file."""
    directory, configured = checkpoint_dir()
    report = CheckpointReport(directory, configured)
    last_entry = _last_checkpoint_entry()
    if not directory.is_dir():
        if configured:
            report.add(
                "error",
                _(
                    "Katalogen för kontrollpunkter %(dir)s (TRYGG_AUDIT_CHECKPOINT_DIR) "
                    "finns inte: kedjorna kan inte jämföras med några kontrollpunkter."
                )
                % {"dir": directory},
            )
            return report
        files = []
    else:
        files = checkpoint_files(directory)

    if last_entry is not None:
        name = last_entry.data.get("file", "") if isinstance(last_entry.data, dict) else ""
        if not name or not (directory / name).is_file():
            report.add(
                "error",
                _(
                    "Loggpost #%(seq)s (id %(id)s) i kedjan system säger att kontrollpunkten "
                    "%(name)s skrevs %(at)s, men filen finns inte i %(dir)s: "
                    "kontrollpunkter har tagits bort eller flyttats."
                )
                % {
                    "seq": last_entry.seq,
                    "id": last_entry.pk,
                    "name": name or "?",
                    "at": last_entry.at.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
                    "dir": directory,
                },
            )

    if not files:
        if last_entry is None:
            report.add(
                "warning",
                _(
                    "Ingen kontrollpunkt ännu i %(dir)s: kedjorna har bara kontrollerats mot "
                    "sig själva. Kör `trygg audit checkpoint` varje natt."
                )
                % {"dir": directory},
            )
        return report

    newest_valid = None
    for path in reversed(files):
        body, problem = _read(path)
        if problem:
            report.add("error", problem)
        elif newest_valid is None:
            newest_valid = (path, body)
    if newest_valid is None:
        return report
    path, body = newest_valid
    report.latest = path
    _check_against_database(report, path, body)
    now = now or timezone.now()
    try:
        created = datetime.datetime.fromisoformat(body["created"])
    except (KeyError, TypeError, ValueError):
        created = None
    if created is not None and now - created > MAX_AGE:
        report.add(
            "warning",
            _(
                "Den senaste kontrollpunkten %(file)s är från %(created)s, mer än två dygn "
                "gammal: körs `trygg audit checkpoint` varje natt?"
            )
            % {"file": path.name, "created": body["created"]},
        )
    return report


def take_checkpoint():
    """Verify the chains and the earlier checkpoints, then write a new checkpoint.

    Refuses (:class:`CheckpointRefused`) when anything is wrong, so that a checkpoint
    never vouches for a chain that was tampered with since the one before it.
    Returns (path, body, text).
    """
    from .services import verify_all

    directory, _configured = checkpoint_dir()
    if not directory.is_dir() and _last_checkpoint_entry() is None:
        directory.mkdir(parents=True, exist_ok=True)  # the first checkpoint
    findings = [
        Finding("error", _("%(chain)s: %(problem)s") % {"chain": r.chain, "problem": r.problem})
        for r in verify_all()
        if not r.ok
    ]
    findings += verify_checkpoints().errors
    if findings:
        raise CheckpointRefused(findings)
    return write_checkpoint(directory)
