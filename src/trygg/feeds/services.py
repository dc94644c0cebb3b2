"""Writes of the feeds domain: importing the police's published events, the type mapping,
the place names, and linking a police event to a partner's report.

Every import runs in one transaction: the events, their incidents, the rollup and one
audit entry commit together or not at all. A body that is not a feed changes nothing; a
malformed event is skipped and reported, the others import (DESIGN.md §4).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import logging
import socket
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.audit.services import record
from trygg.core.models import Organisation, Participation, Partnership, Role
from trygg.geo.models import Area
from trygg.geo.municipalities import municipalities
from trygg.imports.parsing import bucket_of_time
from trygg.incidents import rollup
from trygg.incidents.models import (
    Incident,
    IncidentRevision,
    Label,
    Source,
    Status,
)

from . import parsing
from .gazetteer import Gazetteer, Match, Place, hyphen_parts
from .models import FeedFetch, FeedSettings, PlaceName, PoliceEvent, TypeMapping

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
SIGTUNA_EVENTS = DATA_DIR / "polisen_events_sigtuna_2022-11_2026-08.json"
SYSTEM_ORGANISATION = "Polisen, publicerade händelser"
MAX_BYTES = 20 * 1024 * 1024
TIMEOUT_SECONDS = 30
USER_AGENT = "Trygghetscenter (https://github.com/trygghetscenter)"
MAPPING_ROLES = frozenset({Role.COORDINATOR, Role.PARTNERSHIP_ADMIN})
LINK_ROLES = frozenset({Role.COORDINATOR, Role.ANALYST})
MAX_PROBLEMS = 50
IGNORE = "-"


# --- reference data ------------------------------------------------------------------------


@cache
def default_type_categories() -> dict[str, str]:
    """{police type: category code, or "-" for not an incident} (data/police_types.csv)."""
    with (DATA_DIR / "police_types.csv").open(encoding="utf-8", newline="") as file:
        return {row["police_type"]: row["category"] for row in csv.DictReader(file)}


def sigtuna_place_names() -> list[dict]:
    with (DATA_DIR / "sigtuna_places.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


@cache
def county_names() -> frozenset[str]:
    return frozenset(m.county_name.casefold() for m in municipalities().values())


def system_organisation(partnership):
    """The system organisation the police's events belong to, taking part in the
    partnership (created the first time)."""
    organisation, _created = Organisation.objects.get_or_create(
        name=SYSTEM_ORGANISATION, parent=None, defaults={"kind": Organisation.Kind.SYSTEM}
    )
    Participation.objects.get_or_create(partnership=partnership, organisation=organisation)
    return organisation


def municipality_area(partnership):
    area = Area.objects.filter(partnership=partnership, kind=Area.Kind.MUNICIPALITY).first()
    if area is None:
        raise ValidationError(
            _("Samverkan har inget kommunområde; läs in områdena först (trygg areas load).")
        )
    return area


def gazetteer_for(partnership) -> Gazetteer:
    """The partnership's place names: its RegSO areas (also the parts of compound names:
    "Malmen-Pilsbo" → Malmen, Pilsbo), its districts, and the editable place names."""
    areas = list(
        Area.objects.filter(
            partnership=partnership, kind__in=[Area.Kind.REGSO, Area.Kind.DISTRICT]
        ).values("pk", "kind", "name", "parent_id", "parent__kind")
    )
    district_of = {
        a["pk"]: (a["parent_id"] if a["parent__kind"] == Area.Kind.DISTRICT else None)
        for a in areas
    }
    places = []
    parts: dict[str, set] = {}
    for a in areas:
        if a["kind"] == Area.Kind.DISTRICT:
            places.append(Place(a["name"], None, a["pk"]))
        else:
            places.append(Place(a["name"], a["pk"], district_of[a["pk"]]))
            for part in hyphen_parts(a["name"]):
                parts.setdefault(part.casefold(), set()).add((part, a["pk"]))
    # A part shared by two areas points at neither.
    for hits in parts.values():
        if len(hits) == 1:
            ((part, pk),) = hits
            places.append(Place(part, pk, district_of[pk]))
    for name, area_id, kind, parent_id, parent_kind in PlaceName.objects.filter(
        partnership=partnership
    ).values_list("name", "area_id", "area__kind", "area__parent_id", "area__parent__kind"):
        if kind == Area.Kind.REGSO:
            places.append(
                Place(name, area_id, parent_id if parent_kind == Area.Kind.DISTRICT else None)
            )
        elif kind == Area.Kind.DISTRICT:
            places.append(Place(name, None, area_id))
    return Gazetteer(places)


def locate(gazetteer: Gazetteer, event: parsing.Event) -> Match:
    """Where the event happened, from the place names in its heading (without the
    municipality at its end), summary and narrative."""
    heading = event.name.rsplit(",", 1)[0]
    return gazetteer.match(heading, event.summary, event.body)


# --- import --------------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    fetch: FeedFetch
    created_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)


def _content_hash(raw) -> str:
    return hashlib.sha256(
        json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


def _mappings(partnership):
    """{police type: TypeMapping} of the partnership."""
    return {m.police_type: m for m in TypeMapping.objects.filter(partnership=partnership)}


def _ensure_default_mappings(partnership, types, mappings):
    """Give each type seen for the first time its default mapping, when there is one and
    the partnership's taxonomy has the category."""
    defaults = default_type_categories()
    wanted = {t: defaults[t] for t in types if t not in mappings and t in defaults}
    if not wanted:
        return []
    categories = _leaf_categories(partnership)
    created = []
    for police_type, code in sorted(wanted.items()):
        if code == IGNORE:
            mapping = TypeMapping(partnership=partnership, police_type=police_type, ignored=True)
        elif code in categories:
            mapping = TypeMapping(
                partnership=partnership, police_type=police_type, category=categories[code]
            )
        else:
            continue
        mapping.save()
        mappings[police_type] = mapping
        created.append(police_type)
    return created


def _leaf_categories(partnership):
    """{code: Category}: the active leaf categories of the partnership's taxonomy (its own
    codes take precedence over the defaults)."""
    from trygg.imports.services import leaf_categories

    ordered = sorted(leaf_categories(partnership), key=lambda c: c.partnership_id is not None)
    return {category.code: category for category in ordered}


def _incident_values(event_row, category, organisation):
    occurred = event_row.occurred_from
    return {
        "category_id": category.pk,
        "occurred_from": occurred,
        "occurred_to": None,
        "occurred_date": event_row.occurred_date,
        "time_bucket": bucket_of_time(timezone.localtime(occurred)) if occurred else "",
        "reported_at": event_row.published_at,
        "area_id": event_row.area_id,
        "description": event_row.summary[:4000],
        "organisation_id": organisation.pk,
    }


def _sync_incident(event_row, mapping, organisation, now, deltas):
    """Make the event's incident agree with the event and its type's mapping: create it,
    update it, withdraw it (type unmapped or not an incident) or bring it back. Returns
    "created", "updated", "withdrawn" or None."""
    category = mapping.category if mapping is not None and not mapping.ignored else None
    incident = event_row.incident
    if category is None:
        if incident is None or incident.withdrawn_at is not None:
            return None
        before = rollup.key_of(incident)
        incident.withdrawn_at = now
        incident.withdrawn_reason = _("Polisens händelsetyp räknas inte som en händelse här.")
        incident.save(update_fields=["withdrawn_at", "withdrawn_reason", "updated_at"])
        deltas.update(rollup.change(before, None))
        return "withdrawn"
    values = _incident_values(event_row, category, organisation)
    if incident is None:
        incident = Incident.objects.create(
            partnership_id=event_row.partnership_id,
            source=Source.POLICE_FEED,
            external_id=str(event_row.police_id),
            label=Label.CLEAR,
            status=Status.REVIEWED,
            **values,
        )
        event_row.incident = incident
        deltas.update(rollup.change(None, rollup.key_of(incident)))
        return "created"
    before = rollup.key_of(incident)
    changes = {}
    for name, value in values.items():
        old = getattr(incident, name)
        if old != value:
            changes[name] = [_json(old), _json(value)]
            setattr(incident, name, value)
    if incident.withdrawn_at is not None:
        changes["withdrawn"] = [True, False]
        incident.withdrawn_at = None
        incident.withdrawn_reason = ""
    if not changes:
        return None
    incident.save()
    IncidentRevision.objects.create(
        incident=incident,
        changed_by=None,
        changed_at=now,
        changes=changes,
        reason=_("Uppdaterad från polisens publicerade händelser."),
    )
    deltas.update(rollup.change(before, rollup.key_of(incident)))
    return "updated"


def _json(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def import_feed(*, partnership, data, source, actor=None, now=None, request=None):
    """Import the feed body ``data`` (bytes) for ``partnership``; returns an ImportOutcome
    whose ``fetch`` records what happened (also when the body was refused)."""
    now = now or timezone.now()
    fetch = FeedFetch(partnership=partnership, source=source[:600], started_at=now)
    try:
        raw_events = parsing.read_feed(data)
    except parsing.FeedError as error:
        return ImportOutcome(_failed(fetch, str(error)))
    with transaction.atomic():
        outcome = _import_events(partnership, raw_events, fetch, actor, now, request)
    log.info(
        "police feed %s for %s: %s received, %s new, %s changed, %s malformed",
        source,
        partnership.slug,
        fetch.received,
        fetch.created,
        fetch.updated,
        fetch.malformed,
    )
    return outcome


def _failed(fetch, message):
    fetch.outcome = FeedFetch.Outcome.FAILED
    fetch.error = message
    fetch.finished_at = timezone.now()
    fetch.save()
    log.warning("police feed %s for %s failed: %s", fetch.source, fetch.partnership.slug, message)
    return fetch


def _import_events(partnership, raw_events, fetch, actor, now, request):
    municipality = partnership.municipality_name
    counties = county_names()
    fetch.received = len(raw_events)
    events, problems = [], []
    for position, raw in enumerate(raw_events, start=1):
        try:
            event = parsing.read_event(raw)
        except parsing.EventError as error:
            ident = raw.get("id") if isinstance(raw, dict) else None
            problems.append({"position": position, "id": ident, "error": str(error)})
            continue
        if not parsing.belongs_to(event, municipality, counties):
            fetch.other_municipality += 1
            continue
        events.append((event, raw))
    # The same id twice in one body: the last one wins.
    events = list({event.police_id: (event, raw) for event, raw in events}.values())
    fetch.malformed = len(problems)
    fetch.problems = problems[:MAX_PROBLEMS]

    organisation = system_organisation(partnership)
    unknown_area = municipality_area(partnership)
    gazetteer = gazetteer_for(partnership)
    mappings = _mappings(partnership)
    new_mappings = _ensure_default_mappings(partnership, {e.type for e, _r in events}, mappings)
    existing = {
        row.police_id: row
        for row in PoliceEvent.objects.filter(
            partnership=partnership, police_id__in=[e.police_id for e, _r in events]
        ).select_related("incident")
    }
    deltas = Counter()
    created_ids, updated_ids = [], []
    unmapped = set()
    for event, raw in events:
        digest = _content_hash(raw)
        row = existing.get(event.police_id)
        if row is not None and row.content_hash == digest:
            fetch.unchanged += 1
            continue
        match = locate(gazetteer, event)
        values = {
            "published_at": event.published_at,
            "occurred_from": event.occurred_at,
            "occurred_date": event.occurred_date,
            "name": event.name,
            "police_type": event.type,
            "summary": event.summary,
            "body": event.body,
            "url": parsing.event_url(event.url)[:600],
            "location_name": event.location_name[:200],
            "area_id": match.leaf or unknown_area.pk,
            "district_hint_id": match.district,
            "matched_words": list(match.words),
            "content_hash": digest,
            "updated_at": now,
        }
        if row is None:
            row = PoliceEvent(
                partnership=partnership, police_id=event.police_id, first_seen_at=now, **values
            )
            fetch.created += 1
        else:
            for name, value in values.items():
                setattr(row, name, value)
            fetch.updated += 1
        row.save()
        mapping = mappings.get(event.type)
        if mapping is None:
            unmapped.add(event.type)
        change = _sync_incident(row, mapping, organisation, now, deltas)
        if change == "created":
            row.save(update_fields=["incident"])
            created_ids.append(row.incident_id)
        elif change:
            updated_ids.append(row.incident_id)
    rollup.apply(deltas)
    fetch.unmapped = sum(1 for e, _r in events if e.type not in mappings)
    fetch.outcome = FeedFetch.Outcome.OK
    fetch.finished_at = timezone.now()
    fetch.save()
    record(
        "feeds.import",
        actor=actor,
        partnership=partnership,
        obj=fetch,
        request=request,
        data={
            "source": fetch.source,
            "received": fetch.received,
            "created": fetch.created,
            "updated": fetch.updated,
            "malformed": fetch.malformed,
            "incidents_created": created_ids,
            "incidents_changed": updated_ids,
            "default_mappings": new_mappings,
        },
    )
    return ImportOutcome(fetch, created_ids, updated_ids)


# --- fetching ------------------------------------------------------------------------------


def settings_for(partnership) -> FeedSettings:
    found, _created = FeedSettings.objects.get_or_create(partnership=partnership)
    return found


def download(url, *, timeout=TIMEOUT_SECONDS) -> bytes:
    """The body at ``url``; raises parsing.FeedError with a Swedish sentence on any
    network problem, an HTTP error, a non-JSON content type or a body over 20 MB."""
    if not url.lower().startswith(("https://", "http://")):
        raise parsing.FeedError(_("Adressen måste börja med https://."))
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": USER_AGENT}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            kind = response.headers.get_content_type()
            body = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise parsing.FeedError(
            _("Servern svarade med HTTP-fel %(code)s.") % {"code": error.code}
        ) from None
    except TimeoutError:
        raise parsing.FeedError(
            _("Servern svarade inte inom %(seconds)s sekunder.") % {"seconds": timeout}
        ) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError | socket.timeout):
            raise parsing.FeedError(
                _("Servern svarade inte inom %(seconds)s sekunder.") % {"seconds": timeout}
            ) from None
        raise parsing.FeedError(
            _("Kunde inte nå servern: %(reason)s.") % {"reason": reason}
        ) from None
    if len(body) > MAX_BYTES:
        raise parsing.FeedError(_("Svaret är större än 20 MB."))
    if kind == "text/html":
        raise parsing.FeedError(
            _("Svaret är en HTML-sida, inte händelser i JSON (fel adress eller ett felmeddelande).")
        )
    return body


def fetch_feed(partnership, *, now=None, timeout=TIMEOUT_SECONDS) -> ImportOutcome:
    """Download the partnership's feed and import it; failures are recorded, never raised."""
    now = now or timezone.now()
    url = settings_for(partnership).url
    try:
        data = download(url, timeout=timeout)
    except parsing.FeedError as error:
        fetch = FeedFetch(partnership=partnership, source=url, started_at=now)
        return ImportOutcome(_failed(fetch, str(error)))
    try:
        return import_feed(partnership=partnership, data=data, source=url, now=now)
    except ValidationError as error:
        fetch = FeedFetch(partnership=partnership, source=url, started_at=now)
        return ImportOutcome(_failed(fetch, " ".join(error.messages)))


def due_partnerships(now=None):
    """The partnerships whose feed should be fetched now: enabled, and the last attempt
    at least their interval ago (partnerships without settings use the defaults)."""
    now = now or timezone.now()
    last = dict(
        FeedFetch.objects.values("partnership_id")
        .annotate(last=Max("started_at"))
        .values_list("partnership_id", "last")
    )
    configured = {s.partnership_id: s for s in FeedSettings.objects.all()}
    due = []
    for partnership in Partnership.objects.filter(areas__kind=Area.Kind.MUNICIPALITY).distinct():
        feed = configured.get(partnership.pk) or FeedSettings(partnership=partnership)
        if not feed.enabled:
            continue
        previous = last.get(partnership.pk)
        if previous is None or now - previous >= dt.timedelta(minutes=feed.interval_minutes):
            due.append(partnership)
    return due


# --- the coordinator's edits ---------------------------------------------------------------


def _require_role(actor, partnership, roles, message):
    from trygg.incidents.services import active_membership

    membership = active_membership(actor, partnership)
    if membership is None or membership.role not in roles:
        raise ValidationError(message)
    return membership


@transaction.atomic
def set_type_mapping(
    *, actor, partnership, police_type, category=None, ignored=False, request=None, now=None
):
    """Map a police event type to a category (or mark it as no incident, or clear the
    mapping); the type's events get, change or lose their incidents at once."""
    _require_role(
        actor,
        partnership,
        MAPPING_ROLES,
        _("Bara samordnare och samverkansadministratörer ändrar kopplingarna."),
    )
    now = now or timezone.now()
    police_type = (police_type or "").strip()
    if not police_type:
        raise ValidationError({"police_type": _("Ange polisens händelsetyp.")})
    if category is not None and ignored:
        raise ValidationError(_('Välj en kategori eller "ingen händelse", inte båda.'))
    if category is not None:
        if (
            category.is_group
            or not category.is_active
            or category.partnership_id
            not in (
                None,
                partnership.pk,
            )
        ):
            raise ValidationError({"category": _("Välj en aktiv kategori i samverkans taxonomi.")})
    before = TypeMapping.objects.filter(partnership=partnership, police_type=police_type).first()
    if category is None and not ignored:
        if before is not None:
            before.delete()
        mapping = None
    else:
        mapping, _created = TypeMapping.objects.update_or_create(
            partnership=partnership,
            police_type=police_type,
            defaults={"category": category, "ignored": ignored},
        )
    organisation = system_organisation(partnership)
    deltas = Counter()
    changed = 0
    events = PoliceEvent.objects.filter(
        partnership=partnership, police_type=police_type
    ).select_related("incident")
    for row in events:
        change = _sync_incident(row, mapping, organisation, now, deltas)
        if change == "created":
            row.save(update_fields=["incident"])
        if change:
            changed += 1
    rollup.apply(deltas)
    record(
        "feeds.type_mapping",
        actor=actor,
        partnership=partnership,
        object_type="feeds.typemapping",
        object_id=police_type,
        request=request,
        data={
            "police_type": police_type,
            "before": _mapping_text(before),
            "after": _mapping_text(mapping),
            "incidents_changed": changed,
        },
    )
    return mapping


def _mapping_text(mapping):
    if mapping is None:
        return None
    return IGNORE if mapping.ignored else mapping.category.code


def relocate_events(partnership, *, now=None):
    """Run the place matcher again over every event (after the place names changed);
    returns how many events moved. Call inside the writer's transaction."""
    now = now or timezone.now()
    gazetteer = gazetteer_for(partnership)
    unknown_area = municipality_area(partnership)
    deltas = Counter()
    moved = 0
    for row in PoliceEvent.objects.filter(partnership=partnership).select_related("incident"):
        event = parsing.Event(
            police_id=row.police_id,
            published_at=row.published_at,
            occurred_at=row.occurred_from,
            occurred_date=row.occurred_date,
            name=row.name,
            type=row.police_type,
            summary=row.summary,
            body=row.body,
            url=row.url,
            location_name=row.location_name,
            gps=(0.0, 0.0),
        )
        match = locate(gazetteer, event)
        area_id = match.leaf or unknown_area.pk
        if (area_id, match.district, list(match.words)) == (
            row.area_id,
            row.district_hint_id,
            row.matched_words,
        ):
            continue
        row.area_id, row.district_hint_id, row.matched_words = (
            area_id,
            match.district,
            list(match.words),
        )
        row.updated_at = now
        row.save(update_fields=["area", "district_hint", "matched_words", "updated_at"])
        incident = row.incident
        if incident is not None and incident.area_id != area_id:
            before = rollup.key_of(incident)
            IncidentRevision.objects.create(
                incident=incident,
                changed_by=None,
                changed_at=now,
                changes={"area_id": [incident.area_id, area_id]},
                reason=_("Ortnamnslistan ändrades."),
            )
            incident.area_id = area_id
            incident.save(update_fields=["area", "updated_at"])
            deltas.update(rollup.change(before, rollup.key_of(incident)))
        moved += 1
    rollup.apply(deltas)
    return moved


@transaction.atomic
def add_place_name(*, actor, partnership, name, area, note="", request=None):
    _require_role(
        actor,
        partnership,
        MAPPING_ROLES,
        _("Bara samordnare och samverkansadministratörer ändrar ortnamnen."),
    )
    name = " ".join((name or "").split())
    if len(name) < 3:
        raise ValidationError({"name": _("Skriv ortnamnet (minst tre tecken).")})
    if (
        area is None
        or area.partnership_id != partnership.pk
        or area.kind
        not in (
            Area.Kind.REGSO,
            Area.Kind.DISTRICT,
        )
    ):
        raise ValidationError({"area": _("Välj ett RegSO-område eller en kommundel i samverkan.")})
    if PlaceName.objects.filter(partnership=partnership, name__iexact=name).exists():
        raise ValidationError({"name": _("Ortnamnet %(name)s finns redan.") % {"name": name}})
    place = PlaceName.objects.create(
        partnership=partnership, name=name, area=area, note=note.strip()[:300]
    )
    moved = relocate_events(partnership)
    record(
        "feeds.place_add",
        actor=actor,
        partnership=partnership,
        obj=place,
        request=request,
        data={"name": name, "area": area.name, "events_moved": moved},
    )
    return place, moved


@transaction.atomic
def remove_place_name(*, actor, partnership, place, request=None):
    _require_role(
        actor,
        partnership,
        MAPPING_ROLES,
        _("Bara samordnare och samverkansadministratörer ändrar ortnamnen."),
    )
    if place.partnership_id != partnership.pk:
        raise ValidationError(_("Ortnamnet hör inte till den här samverkan."))
    data = {"name": place.name, "area": place.area.name}
    place_id = place.pk
    place.delete()
    data["events_moved"] = relocate_events(partnership)
    record(
        "feeds.place_remove",
        actor=actor,
        partnership=partnership,
        object_type="feeds.placename",
        object_id=str(place_id),
        request=request,
        data=data,
    )
    return data["events_moved"]


def load_place_names(*, actor, partnership, rows):
    """Add place names given as dicts {name, area (an area's name), note}; names already
    there are kept. Used by the demo for Sigtuna's list."""
    areas = {
        a.name.casefold(): a
        for a in Area.objects.filter(
            partnership=partnership, kind__in=[Area.Kind.REGSO, Area.Kind.DISTRICT]
        )
    }
    known = {
        n.casefold()
        for n in PlaceName.objects.filter(partnership=partnership).values_list("name", flat=True)
    }
    added = []
    for row in rows:
        area = areas.get(row["area"].casefold())
        if area is None:
            raise ValidationError(
                _("Området %(area)s för ortnamnet %(name)s finns inte.")
                % {"area": row["area"], "name": row["name"]}
            )
        if row["name"].casefold() in known:
            continue
        added.append(
            PlaceName(
                partnership=partnership, name=row["name"], area=area, note=row.get("note", "")
            )
        )
        known.add(row["name"].casefold())
    with transaction.atomic():
        PlaceName.objects.bulk_create(added)
        moved = relocate_events(partnership) if added else 0
        record(
            "feeds.place_load",
            actor=actor,
            partnership=partnership,
            data={"added": [p.name for p in added], "events_moved": moved},
        )
    return added


# --- linking -------------------------------------------------------------------------------


@transaction.atomic
def link_to_report(*, actor, police_incident, report, request=None):
    """Mark a police event as the same occurrence as a partner's report: it stops
    counting in the rollup in this transaction, so combined totals count it once."""
    from trygg.incidents.visibility import may_see

    partnership = police_incident.partnership
    membership = _require_role(
        actor,
        partnership,
        LINK_ROLES,
        _("Bara samordnare och analytiker kopplar polisens händelser."),
    )
    police_incident = Incident.objects.select_for_update().get(pk=police_incident.pk)
    if police_incident.source != Source.POLICE_FEED:
        raise ValidationError(_("Bara polisens publicerade händelser kan kopplas till en rapport."))
    if (
        report is None
        or report.partnership_id != partnership.pk
        or not may_see(actor, membership, report)
    ):
        raise ValidationError({"report": _("Rapporten finns inte, eller så får du inte se den.")})
    if report.source == Source.POLICE_FEED:
        raise ValidationError(
            {"report": _("Välj en partners rapport, inte en annan av polisens händelser.")}
        )
    if report.withdrawn_at is not None:
        raise ValidationError({"report": _("Rapporten är återkallad.")})
    if police_incident.duplicate_of_id == report.pk:
        return police_incident
    before = rollup.key_of(police_incident)
    previous = police_incident.duplicate_of_id
    police_incident.duplicate_of = report
    police_incident.save(update_fields=["duplicate_of", "updated_at"])
    rollup.apply(rollup.change(before, rollup.key_of(police_incident)))
    record(
        "feeds.link",
        actor=actor,
        partnership=partnership,
        obj=police_incident,
        request=request,
        data={"report": report.pk, "previous": previous},
    )
    return police_incident


@transaction.atomic
def unlink(*, actor, police_incident, request=None):
    """Undo :func:`link_to_report`: the police event counts again."""
    partnership = police_incident.partnership
    _require_role(
        actor,
        partnership,
        LINK_ROLES,
        _("Bara samordnare och analytiker kopplar polisens händelser."),
    )
    police_incident = Incident.objects.select_for_update().get(pk=police_incident.pk)
    if police_incident.duplicate_of_id is None:
        return police_incident
    previous = police_incident.duplicate_of_id
    police_incident.duplicate_of = None
    police_incident.save(update_fields=["duplicate_of", "updated_at"])
    rollup.apply(rollup.change(None, rollup.key_of(police_incident)))
    record(
        "feeds.unlink",
        actor=actor,
        partnership=partnership,
        obj=police_incident,
        request=request,
        data={"report": previous},
    )
    return police_incident
