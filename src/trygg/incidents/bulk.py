"""Bulk writes of incidents (imports, DESIGN.md §4): validate every row in Python first,
then write everything in one transaction with batched inserts and updates, one aggregated
rollup change and one audit entry.

Rows are plain dicts (see :func:`import_incidents`); the rules are those of
``services.report_incident``: the category is an active leaf of the partnership's taxonomy,
the point lies inside the municipality (located for all rows at once with the vectorised
area index), the time is never in the future, descriptions are redacted.

Upserts: a row's ``external_id`` identifies it within (partnership, organisation,
source); importing the same id again updates the incident (with an ``IncidentRevision`` and the ids listed in the
audit entry) instead of creating a duplicate. A row without an id gets a fingerprint,
``"fp:" + sha256(organisation id | category code | occurred (ISO start time, or date and
time-of-day bucket) | lat and lon rounded to 4 decimals (about 10 m), or the area id |
description, redacted, whitespace collapsed and casefolded)[:32]``: importing the same
row again then finds it, while a row changed in any of these fields becomes a new incident
(give the file an id column to correct rows by re-importing).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.audit.services import record
from trygg.core.models import Membership, Participation, Role
from trygg.geo.models import Area
from trygg.geo.services import leaf_area_index
from trygg.imports.parsing import RowProblem

from . import rollup
from .fastinsert import insert_rows
from .models import (
    AgeGroup,
    Category,
    Incident,
    IncidentRevision,
    Label,
    PlaceType,
    Source,
    Status,
    TimeBucket,
)
from .redaction import redact
from .services import CLOCK_SKEW, MAX_DESCRIPTION

IMPORT_ROLES = frozenset({Role.REPORTER, Role.COORDINATOR, Role.ORG_ADMIN, Role.PARTNERSHIP_ADMIN})
# Roles that may import on behalf of another organisation of the partnership.
ON_BEHALF_ROLES = frozenset({Role.COORDINATOR, Role.PARTNERSHIP_ADMIN})
IMPORT_LABELS = (Label.CLEAR, Label.GREEN, Label.AMBER, Label.AMBER_STRICT)
BATCH_SIZE = 5000
# Rows checked between two progress reports of ``validate_rows``.
CHECK_CHUNK = 5000
# Choices as sets once (an enum's ``.values`` rebuilds its list on every call).
_BUCKETS = frozenset(("", *TimeBucket.values))
_PLACE_TYPES = frozenset(("", *PlaceType.values))
_AGE_GROUPS = frozenset(AgeGroup.values)
# Fields an import sets and a re-import may change.
UPDATABLE = (
    "category_id",
    "lat",
    "lon",
    "area_id",
    "place_type",
    "occurred_from",
    "occurred_date",
    "time_bucket",
    "description",
    "people_count",
    "age_group",
    "police_notified",
    "label",
)


@dataclass
class BulkResult:
    created: list = field(default_factory=list)  # incident ids
    updated: list = field(default_factory=list)  # incident ids
    unchanged: list = field(default_factory=list)  # incident ids
    duplicates: list = field(default_factory=list)  # row numbers repeating an earlier row
    problems: list = field(default_factory=list)  # RowProblem
    rejected_rows: list = field(default_factory=list)  # row numbers with problems
    redacted_rows: int = 0
    written: bool = False

    @property
    def ok(self):
        return not self.problems

    def summary(self):
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "duplicates": len(self.duplicates),
            "rejected": len(self.rejected_rows),
            "redacted": self.redacted_rows,
            "written": self.written,
        }


def id_ranges(ids):
    """[1, 2, 3, 7] -> [[1, 3], [7, 7]]: ids listed compactly for audit entries."""
    ranges = []
    for i in sorted(ids):
        if ranges and i == ranges[-1][1] + 1:
            ranges[-1][1] = i
        else:
            ranges.append([i, i])
    return ranges


def fingerprint(organisation_id, category_code, occurred, lat, lon, area_id, description):
    place = f"{lat:.4f},{lon:.4f}" if lat is not None else f"area:{area_id}"
    text = " ".join((description or "").split()).casefold()
    raw = "|".join([str(organisation_id), category_code, occurred, place, text])
    return "fp:" + hashlib.sha256(raw.encode()).hexdigest()[:32]


def check_importer(actor, partnership, organisation):
    """ValidationError unless ``actor`` may import for ``organisation`` in ``partnership``.
    ``actor=None`` is the operator at the command line."""
    if organisation is None:
        raise ValidationError(_("Välj vilken organisation händelserna kommer från."))
    if organisation.is_system:
        raise ValidationError(_("Det går inte att importera händelser för systemorganisationer."))
    top = organisation.parent_id or organisation.pk
    if not Participation.objects.filter(
        partnership=partnership, organisation_id__in={organisation.pk, top}
    ).exists():
        raise ValidationError(
            _("%(org)s deltar inte i %(partnership)s.")
            % {"org": organisation, "partnership": partnership.name}
        )
    if actor is None:
        return
    membership = Membership.objects.filter(
        user=actor, partnership=partnership, is_active=True
    ).first()
    if membership is None or membership.role not in IMPORT_ROLES:
        raise ValidationError(_("Du har ingen roll i den här samverkan som får importera."))
    if actor.organisation_id != organisation.pk and membership.role not in ON_BEHALF_ROLES:
        raise ValidationError(_("Du kan bara importera händelser för din egen organisation."))


def _as_datetime(value):
    if value in (None, ""):
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        raise ValueError
    return value


def _as_date(value):
    if value in (None, ""):
        return None
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        return value.date()
    return value


class _Categories:
    def __init__(self, partnership):
        self.by_code = {}
        for c in Category.objects.filter(partnership__isnull=True):
            self.by_code[c.code.casefold()] = c
        for c in Category.objects.filter(partnership=partnership):
            self.by_code[c.code.casefold()] = c
        self.by_label = {}
        for c in self.by_code.values():
            self.by_label.setdefault(c.label_sv.casefold(), c)

    def get(self, code):
        key = str(code or "").strip().casefold()
        return self.by_code.get(key) or self.by_label.get(key)


class _Areas:
    def __init__(self, partnership):
        self.by_name = {}
        for a in Area.objects.filter(partnership=partnership).select_related("parent"):
            for key in (a.name.casefold(), a.code.casefold()):
                current = self.by_name.get(key)
                # a RegSO area wins over a place of the same name; both over a district
                if current is None or _AREA_PREF[a.kind] < _AREA_PREF[current.kind]:
                    self.by_name[key] = a

    def get(self, name):
        return self.by_name.get(str(name).strip().casefold())


_AREA_PREF = {
    Area.Kind.REGSO: 0,
    Area.Kind.MUNICIPALITY: 1,
    Area.Kind.PLACE: 2,
    Area.Kind.DISTRICT: 3,
}


def validate_rows(*, partnership, organisation, rows, now=None, progress=None, chunk_size=None):
    """Check every row; returns (cleaned rows as dicts of model values, problems).

    A cleaned row keeps ``row_number`` and has the model's field values (``category``,
    ``area_id``...) and its ``external_id`` (given, or the fingerprint).

    The rows are checked in chunks of ``chunk_size`` (default ``CHECK_CHUNK``); after each
    chunk ``progress(rows checked, all rows)`` is called, if given (the import page shows
    it). The result does not depend on the chunk size."""
    now = now or timezone.now()
    chunk_size = chunk_size or CHECK_CHUNK
    rows = rows if isinstance(rows, list | tuple) else list(rows)
    total = len(rows)
    tz = timezone.get_current_timezone()
    today = timezone.localdate(now, tz)
    categories = _Categories(partnership)
    category_of = {}  # the rows' category values repeat: look each up once
    latest = now + CLOCK_SKEW
    areas = _Areas(partnership)
    problems = []
    cleaned = []
    points = []  # (index in cleaned, lon, lat) of the current chunk
    place_problems = []  # points outside the municipality, listed after the others
    index = None

    def locate(points):
        """Give the chunk's points their leaf area (vectorised), or a problem."""
        nonlocal index
        if not points:
            return
        if index is None:
            index = leaf_area_index(partnership)
        lons = np.array([p[1] for p in points])
        lats = np.array([p[2] for p in points])
        keys = index.assign(lons, lats) if len(index) else [None] * len(points)
        for (i, lon, lat), key in zip(points, keys, strict=True):
            if key is None:
                c = cleaned[i]
                place_problems.append(
                    RowProblem(
                        c["row_number"],
                        "x",
                        _("Platsen (%(lat).5f, %(lon).5f) ligger utanför %(municipality)s kommun.")
                        % {"lat": lat, "lon": lon, "municipality": partnership.municipality_name},
                    )
                )
                c["ok"] = False
            else:
                cleaned[i]["area_id"] = int(key)

    for raw in rows:
        n = raw.get("row_number", 0)
        row_problems = []

        def bad(column, message, n=n, row_problems=row_problems):
            row_problems.append(RowProblem(n, column, message))

        for p in raw.get("problems", ()):
            bad(p["column"], p["message"])
        c = {"row_number": n}
        # category
        word = raw.get("category_word") or raw.get("category")
        code = raw.get("category")
        try:
            category = category_of[code]
        except (KeyError, TypeError):  # not seen yet (or not hashable)
            category = categories.get(code)
            if isinstance(code, str):
                category_of[code] = category
        if not raw.get("category"):
            if not row_problems:
                bad("category", _("Händelsetyp saknas."))
        elif category is None:
            bad(
                "category",
                _(
                    "Händelsetypen %(word)s finns inte i samverkans lista; koppla den till en "
                    "händelsetyp."
                )
                % {"word": word},
            )
        elif not category.is_active:
            bad("category", _("Händelsetypen %(word)s används inte längre.") % {"word": word})
        elif category.parent_id is None:
            bad(
                "category",
                _("%(word)s är en grupp; välj en händelsetyp inom gruppen.") % {"word": word},
            )
        c["category"] = category
        # time
        try:
            occurred_from = _as_datetime(raw.get("occurred_from"))
            occurred_date = _as_date(raw.get("occurred_date"))
        except (TypeError, ValueError):
            occurred_from = occurred_date = None
            bad("date", _("Datumet känns inte igen."))
        bucket = raw.get("time_bucket") or ""
        if occurred_from is not None:
            if timezone.is_naive(occurred_from):
                occurred_from = timezone.make_aware(occurred_from, tz)
            if occurred_from > latest:
                bad("date", _("Tidpunkten kan inte ligga i framtiden."))
            occurred_date = timezone.localtime(occurred_from, tz).date()
            bucket = ""
        elif occurred_date is not None:
            if occurred_date > today:
                bad("date", _("Datumet kan inte ligga i framtiden."))
            if bucket not in _BUCKETS:
                bad("time_bucket", _("Välj morgon, dag, kväll eller natt."))
        elif not row_problems:  # (all of them are this row's)
            bad("date", _("Ange när händelsen inträffade."))
        if occurred_date is not None and occurred_date.year < 2000:
            bad("date", _("Datumet %(d)s är orimligt gammalt.") % {"d": occurred_date})
        c.update(occurred_from=occurred_from, occurred_date=occurred_date, time_bucket=bucket)
        # place
        lat, lon = raw.get("lat"), raw.get("lon")
        c["lat"] = c["lon"] = None
        c["area_id"] = None
        if lat is not None and lon is not None:
            try:
                c["lat"], c["lon"] = float(lat), float(lon)
                points.append((len(cleaned), c["lon"], c["lat"]))
            except (TypeError, ValueError):
                bad("x", _("Koordinaterna måste vara tal."))
        elif raw.get("area"):
            area = areas.get(raw["area"])
            if area is not None and area.kind == Area.Kind.PLACE:
                area = area.parent
            if area is None:
                bad(
                    "area",
                    _(
                        "Området %(name)s finns inte i samverkan. Ange ett RegSO-område eller "
                        "koordinater."
                    )
                    % {"name": raw["area"]},
                )
            elif area.kind == Area.Kind.DISTRICT:
                bad(
                    "area",
                    _("%(name)s är en kommundel; ange ett RegSO-område inom den eller koordinater.")
                    % {"name": area.name},
                )
            else:
                c["area_id"] = area.pk
        elif not row_problems:
            bad("area", _("Platsen saknas: ange koordinater (X och Y) eller ett område."))
        # the rest
        place_type = raw.get("place_type") or ""
        if place_type not in _PLACE_TYPES:
            bad("place_type", _("Välj en platstyp i listan."))
        age_group = raw.get("age_group") or AgeGroup.UNKNOWN
        if age_group not in _AGE_GROUPS:
            bad("age_group", _("Välj en åldersgrupp."))
        label = raw.get("label") or Label.GREEN
        if label == Label.RED:
            bad(
                "label", _("TLP:RED kan inte importeras; rapportera sådana händelser i formuläret.")
            )
        elif label not in IMPORT_LABELS:
            bad("label", _("Välj hur rapporten får delas."))
        people = raw.get("people_count")
        if people not in (None, ""):
            try:
                people = int(people)
                if not 0 <= people <= 1000:
                    raise ValueError
            except (TypeError, ValueError):
                bad("people_count", _("Antal inblandade måste vara ett heltal mellan 0 och 1000."))
                people = None
        else:
            people = None
        description = (raw.get("description") or "").strip()
        if len(description) > MAX_DESCRIPTION:
            bad(
                "description",
                _("Beskrivningen får vara högst %(n)s tecken.") % {"n": MAX_DESCRIPTION},
            )
        redaction = redact(description)
        police = raw.get("police_notified")
        c.update(
            place_type=place_type,
            age_group=age_group,
            label=label,
            people_count=people,
            description=redaction.text,
            police_notified=police if police in (True, False) else None,
            redacted=bool(redaction.findings),
            external_id=str(raw.get("external_id") or "").strip(),
        )
        if len(c["external_id"]) > 100:
            bad("external_id", _("Id:t får vara högst 100 tecken."))
        problems.extend(row_problems)
        c["ok"] = not row_problems
        cleaned.append(c)
        if len(cleaned) % chunk_size == 0 or len(cleaned) == total:
            locate(points)
            points = []
            if progress:
                progress(len(cleaned), total)
    problems.extend(place_problems)

    for c in cleaned:
        if c["ok"] and not c["external_id"]:
            occurred = (
                c["occurred_from"].isoformat()
                if c["occurred_from"]
                else f"{c['occurred_date'].isoformat()} {c['time_bucket']}"
            )
            c["external_id"] = fingerprint(
                organisation.pk,
                c["category"].code,
                occurred,
                c["lat"],
                c["lon"],
                c["area_id"],
                c["description"],
            )
    problems.sort(key=lambda p: p.row_number)
    return cleaned, problems


def _values(c):
    return {
        "category_id": c["category"].pk,
        "lat": c["lat"],
        "lon": c["lon"],
        "area_id": c["area_id"],
        "place_type": c["place_type"],
        "occurred_from": c["occurred_from"],
        "occurred_date": c["occurred_date"],
        "time_bucket": c["time_bucket"],
        "description": c["description"],
        "people_count": c["people_count"],
        "age_group": c["age_group"],
        "police_notified": c["police_notified"],
        "label": c["label"],
    }


def _json(value):
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _diff(old_values, wanted):
    """{field: [old, new]} (JSON values, ``_id`` dropped) for the fields that differ."""
    diff = {}
    for f, value in wanted.items():
        old = old_values[f]
        # == first: cheap, and equal values are equal as JSON too
        if old != value and _json(old) != _json(value):
            diff[f.removesuffix("_id")] = [_json(old), _json(value)]
    return diff


def lookup_batch_size():
    """External ids looked up per query. SQLite answers from the unique index whatever the
    size; PostgreSQL often reads all of the organisation's incidents once per query (it
    estimates that cheaper than 2,000 index probes, or has no statistics yet after a large
    import), so it gets fewer, larger queries: a re-import of 100,000 rows then makes 10
    passes instead of 50."""
    return 10_000 if connection.vendor == "postgresql" else 2000


def _match_existing(result, unique, *, partnership, organisation, source):
    """Split the file's distinct rows into (rows to create, [(row, locked incident, diff)]
    to update, ids of unchanged incidents); a row naming a withdrawn incident is a problem
    on ``result``.

    The incidents the rows name are read without locks and compared in one pass; only
    those that differ are then locked (``SELECT ... FOR UPDATE``, in id order) and compared
    again, so a re-import of a mostly unchanged file neither locks nor loads every row
    while an update still works on the row as it is under the lock."""
    columns = ("id", "external_id", "withdrawn_at", *UPDATABLE)
    ids = [c["external_id"] for c in unique]
    # .exclude(external_id="") repeats the unique index's condition and .order_by() drops
    # the default ordering, so that the (partial) unique index is used for the lookup
    # (SQLite otherwise scans the organisation's incidents by date)
    with_ids = (
        Incident.objects.filter(partnership=partnership, organisation=organisation, source=source)
        .exclude(external_id="")
        .order_by()
    )
    batch = lookup_batch_size()
    if len(ids) > batch and not with_ids.exists():
        ids = []  # a first import: nothing to look up (saves 0.3-1 s per 100,000 rows)
    existing = {}
    for start in range(0, len(ids), batch):
        for values in with_ids.filter(external_id__in=ids[start : start + batch]).values_list(
            *columns
        ):
            existing[values[1]] = dict(zip(columns, values, strict=True))
    withdrawn = _("Händelsen med id %(id)s är återkallad och importeras inte igen.")

    def refuse(c):
        result.problems.append(
            RowProblem(c["row_number"], "external_id", withdrawn % {"id": c["external_id"]})
        )
        result.rejected_rows.append(c["row_number"])

    to_create, candidates, unchanged = [], [], []
    for c in unique:
        values = existing.get(c["external_id"])
        if values is None:
            to_create.append(c)
        elif values["withdrawn_at"] is not None:
            refuse(c)
        elif _diff(values, _values(c)):
            candidates.append(c)
        else:
            unchanged.append(values["id"])

    locked = {}
    pks = sorted(existing[c["external_id"]]["id"] for c in candidates)
    for start in range(0, len(pks), 2000):
        for incident in (
            Incident.objects.select_for_update()
            .filter(pk__in=pks[start : start + 2000])
            .order_by("pk")
        ):
            locked[incident.pk] = incident
    to_update = []
    for c in candidates:
        incident = locked.get(existing[c["external_id"]]["id"])
        if incident is None:  # deleted meanwhile
            to_create.append(c)
        elif incident.withdrawn_at is not None:  # withdrawn meanwhile
            refuse(c)
        elif diff := _diff({f: getattr(incident, f) for f in UPDATABLE}, _values(c)):
            to_update.append((c, incident, diff))
        else:
            unchanged.append(incident.pk)
    return to_create, to_update, unchanged


def import_incidents(
    *,
    actor,
    partnership,
    organisation,
    rows,
    source=Source.IMPORT,
    only_valid=False,
    request=None,
    now=None,
    job_id=None,
    progress=None,
    check_progress=None,
):
    """Import ``rows`` (dicts) for ``organisation``; returns a :class:`BulkResult`.

    A row has ``row_number`` (for messages), ``category`` (a code, or a label), a place
    (``lat``/``lon`` in WGS84, or ``area``: a RegSO area's name or code), a time
    (``occurred_from``, a datetime or ISO string; or ``occurred_date`` with an optional
    ``time_bucket``), and optionally ``description``, ``place_type``, ``age_group``,
    ``people_count``, ``police_notified``, ``label`` (default GREEN; RED is refused) and
    ``external_id``. Rows may carry ``problems`` found while parsing.

    If any row has a problem and ``only_valid`` is false, nothing is written and the
    result lists every problem. With ``only_valid`` the valid rows are written and the
    others listed in ``rejected_rows``.

    ``check_progress(rows checked, all rows)`` is called while the rows are checked, before
    the write's transaction begins (so what it records is visible to others);
    ``progress(rows written, rows to write)`` during the write, inside the transaction.
    """
    now = now or timezone.now()
    check_importer(actor, partnership, organisation)
    if source not in (Source.IMPORT, Source.API):
        raise ValidationError(_("Okänd källa."))
    rows = list(rows)
    if not rows:
        raise ValidationError(_("Det finns inga rader att importera."))
    cleaned, problems = validate_rows(
        partnership=partnership,
        organisation=organisation,
        rows=rows,
        now=now,
        progress=check_progress,
    )
    result = BulkResult(problems=problems)
    result.rejected_rows = sorted({p.row_number for p in problems})
    if problems and not only_valid:
        return result
    valid = [c for c in cleaned if c["ok"]]

    with transaction.atomic():
        # duplicates inside the file: the same id twice
        first_of = {}
        unique = []
        for c in valid:
            earlier = first_of.get(c["external_id"])
            if earlier is None:
                first_of[c["external_id"]] = c
                unique.append(c)
            elif _values(earlier) == _values(c):
                result.duplicates.append(c["row_number"])
            else:
                p = RowProblem(
                    c["row_number"],
                    "external_id",
                    _("Id:t %(id)s finns redan på rad %(row)s med andra uppgifter.")
                    % {"id": c["external_id"], "row": earlier["row_number"]},
                )
                result.problems.append(p)
                result.rejected_rows.append(c["row_number"])
        to_create, to_update, unchanged = _match_existing(
            result, unique, partnership=partnership, organisation=organisation, source=source
        )
        result.problems.sort(key=lambda p: p.row_number)
        result.rejected_rows = sorted(set(result.rejected_rows))
        if result.problems and not only_valid:
            return result
        result.unchanged = unchanged

        deltas = Counter()
        common = {
            "partnership_id": partnership.pk,
            "organisation_id": organisation.pk,
            "reported_by_id": actor.pk if actor is not None else None,
            "source": source,
            "reported_at": now,
            "status": Status.NEW,
            "withdrawn_at": None,
        }
        new = [{**common, "external_id": c["external_id"], **_values(c)} for c in to_create]
        total = len(new) + len(to_update)
        done = 0
        for start in range(0, len(new), BATCH_SIZE):
            batch = new[start : start + BATCH_SIZE]
            result.created.extend(insert_rows(batch))
            done += len(batch)
            if progress:
                progress(done, total)
        # The rollup key of each new row, read from one reused stand-in for an incident
        # that has every field: the row's values, else the field's default (as inserted).
        stand_in = SimpleNamespace(
            **{f.attname: f.get_default() for f in Incident._meta.concrete_fields}
        )
        for row in new:
            vars(stand_in).update(row)
            deltas[rollup.key_of(stand_in)] += 1

        changed, revisions = [], []
        for c, incident, diff in to_update:
            before = rollup.key_of(incident)
            for f, value in _values(c).items():
                setattr(incident, f, value)
            incident.updated_at = now
            deltas.update(rollup.change(before, rollup.key_of(incident)))
            changed.append(incident)
            revisions.append(
                IncidentRevision(
                    incident=incident,
                    changed_by=actor,
                    changed_at=now,
                    changes=diff,
                    reason=_("Ändrad genom ny import."),
                )
            )
        if changed:
            Incident.objects.bulk_update(
                changed, [*UPDATABLE, "updated_at"], batch_size=BATCH_SIZE // 2
            )
            IncidentRevision.objects.bulk_create(revisions, batch_size=BATCH_SIZE)
        result.updated = [i.pk for i in changed]
        if progress:
            progress(total, total)
        rollup.apply(deltas)
        result.redacted_rows = sum(1 for c in unique if c["redacted"])
        result.written = bool(new or changed)
        record(
            "incident.import",
            actor=actor,
            partnership=partnership,
            organisation=organisation,
            object_type="incidents.incident",
            request=request,
            data={
                "source": source,
                "job": job_id,
                "only_valid": only_valid,
                "created_ids": id_ranges(result.created),
                "updated_ids": id_ranges(result.updated),
                "unchanged": len(result.unchanged),
                "duplicates": len(result.duplicates),
                "rejected_rows": len(result.rejected_rows),
                "redacted_rows": result.redacted_rows,
            },
        )
    return result
