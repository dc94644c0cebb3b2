"""Loading the Sigtuna demo: partnership, organisations, users, areas and incidents.

:func:`load_demo` is the one write of the demo app. It runs in one transaction: either
everything is there afterwards or nothing is. Incidents come from the pure model in
:mod:`trygg.demo.generator` and are inserted in batches with one audit entry per batch
(DESIGN.md §4).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.agreement.models import Agreement
from trygg.audit.models import AuditEntry
from trygg.audit.services import record
from trygg.cases.models import Case
from trygg.core import services as core
from trygg.core.models import Organisation, Partnership
from trygg.feeds import services as feeds
from trygg.feeds.models import PoliceEvent
from trygg.geo.models import Area, FocusArea
from trygg.geo.services import leaf_area_index, setup_sigtuna_demo_geography
from trygg.incidents import rollup
from trygg.incidents.fastinsert import reserve_ids
from trygg.incidents.models import Category, Incident
from trygg.incidents.taxonomy import DEFAULT_TAXONOMY
from trygg.meetings.models import Meeting
from trygg.work.models import Action, Presence

from . import generator, seed_agreement, seed_cases, seed_meetings, seed_work, sigtuna

DEMO_PASSWORD = "Sigtuna-trygg-demo-1"
DEFAULT_SEED = 20210
BATCH_SIZE = 5000
LOAD_ACTION = "demo.load"


class DemoRefused(Exception):
    """The demo cannot be loaded as asked; the message is one Swedish sentence."""


@dataclass
class DemoResult:
    partnership: Partnership
    seed: int
    scale: float
    years: int
    start: dt.date
    end: dt.date
    incidents: int
    by_year: dict[int, int]
    by_group: dict[str, int]
    users: list[tuple[str, str, str]]  # (e-mail, role, organisation)
    outside: int = 0
    police_events: int = 0  # the real police events loaded (trygg.feeds)
    police_incidents: int = 0  # of which counted as incidents (their type is mapped)
    timings: dict[str, float] = field(default_factory=dict)


def demo_emails():
    return [f"{local}@{sigtuna.EMAIL_DOMAIN}" for local, *_ in sigtuna.USERS]


def load_demo(
    *,
    seed=DEFAULT_SEED,
    scale=1.0,
    years=3,
    today=None,
    reset=False,
    stdout=None,
    weekly_work=True,
):
    """Create the Sigtuna demo and return a :class:`DemoResult`.

    Refuses (:class:`DemoRefused`) when the database already has partnerships, incidents
    or demo users, unless ``reset``: then the data of earlier demo loads (found through
    their ``demo.load`` audit entries) and the demo users and organisations are deleted
    first. Audit entries are never deleted. ``today`` (a date) fixes the last day of
    generated data; by default it is today in Europe/Stockholm and no incident lies after
    the current time. ``weekly_work`` adds the agreement, actions, presence and meetings
    (the seeds' own tests load without them and seed themselves).
    """
    if scale <= 0:
        raise DemoRefused(_("Skalan måste vara större än noll."))
    if years < 1:
        raise DemoRefused(_("Antalet år måste vara minst ett."))
    now = _now_for(today)
    say = _printer(stdout)
    timings = {}
    t0 = time.perf_counter()
    with transaction.atomic():
        _check_or_reset(reset, say)
        say(_("Skapar samverkan, organisationer och användare …"))
        partnership = core.create_partnership(actor=None, **sigtuna.PARTNERSHIP)
        orgs = _create_organisations(partnership)
        users = _create_users(partnership, orgs)
        timings["setup"] = time.perf_counter() - t0

        say(_("Läser in områden (RegSO, kommundelar, fokusområden) …"))
        t = time.perf_counter()
        setup_sigtuna_demo_geography(actor=None, partnership=partnership)
        timings["areas"] = time.perf_counter() - t

        say(_("Genererar händelser …"))
        t = time.perf_counter()
        start, end = generator.demo_period(years=years, today=now.date())
        areas = list(Area.objects.filter(partnership=partnership, kind=Area.Kind.REGSO))
        root = Area.objects.get(
            partnership=partnership,
            kind=Area.Kind.MUNICIPALITY,
            code=partnership.municipality_code,
        )
        categories = dict(
            Category.objects.filter(
                partnership=None, parent__isnull=False, is_active=True
            ).values_list("code", "pk")
        )
        data = generator.generate(
            seed=seed,
            start=start,
            end=end,
            now=now,
            scale=scale,
            categories=sorted(categories),
            areas=[
                generator.AreaSpec(
                    a.pk, a.code, a.name, a.geometry, sigtuna.AREA_WEIGHTS.get(a.code, 1.0)
                )
                for a in sorted(areas, key=lambda a: a.code)
            ],
            organisations=_organisation_specs(orgs),
            hotspots=sigtuna.HOTSPOTS,
        )
        timings["generate"] = time.perf_counter() - t

        t = time.perf_counter()
        area_ids, outside = _leaf_areas(leaf_area_index(partnership), data, root.pk)
        timings["assign_areas"] = time.perf_counter() - t

        say(_("Sparar %(n)s händelser …") % {"n": format_count(len(data))})
        t = time.perf_counter()
        reporters = {
            orgs[org_key].pk: user
            for (local, role, org_key, *_rest), user in zip(sigtuna.USERS, users, strict=True)
            if role == "reporter"
        }
        coordinator = next(
            u
            for (local, role, *_rest), u in zip(sigtuna.USERS, users, strict=True)
            if role == "coordinator"
        )
        ids = insert_incidents(
            partnership=partnership,
            data=data,
            area_ids=area_ids,
            category_ids=categories,
            reporters=reporters,
            red_recipient=coordinator,
            say=say,
        )
        timings["insert"] = time.perf_counter() - t

        t = time.perf_counter()
        rollup.rebuild([partnership.pk])
        timings["rollup"] = time.perf_counter() - t

        t = time.perf_counter()
        police = _load_police_events(partnership, end)
        timings["police_events"] = time.perf_counter() - t

        if weekly_work:
            say(_("Skapar överenskommelse, åtgärder, närvaro och avstämningar …"))
            t = time.perf_counter()
            _seed_weekly_work(partnership, orgs, users, now.date(), seed)
            timings["weekly_work"] = time.perf_counter() - t

        years_arr = data.occurred_date.astype("datetime64[Y]").astype(np.int64) + 1970
        by_year = {
            int(y): int(c) for y, c in zip(*np.unique(years_arr, return_counts=True), strict=True)
        }
        per_category = np.bincount(data.category, minlength=len(data.category_codes))
        groups = Counter()
        for code, count in zip(data.category_codes, per_category.tolist(), strict=True):
            groups[code.split(".", 1)[0]] += count
        by_group = {g: groups.get(g, 0) for g, *_rest in DEFAULT_TAXONOMY}
        result = DemoResult(
            partnership=partnership,
            seed=seed,
            scale=scale,
            years=years,
            start=start,
            end=end,
            incidents=len(ids),
            by_year=by_year,
            by_group=by_group,
            users=[
                (u.email, role, str(orgs[org_key]))
                for (_l, role, org_key, *_r), u in zip(sigtuna.USERS, users, strict=True)
            ],
            outside=outside,
            police_events=police.fetch.created,
            police_incidents=len(police.created_ids),
            timings=timings,
        )
        record(
            LOAD_ACTION,
            actor=None,
            partnership=partnership,
            obj=partnership,
            data={
                "seed": seed,
                "scale": scale,
                "years": years,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "incidents": len(ids),
                "organisations": len(orgs),
                "users": len(users),
                "areas": Area.objects.filter(partnership=partnership).count(),
                "incidents_by_year": {str(k): v for k, v in by_year.items()},
                "incidents_by_group": by_group,
                "outside_areas": outside,
                "police_events": police.fetch.created,
            },
        )
        t = time.perf_counter()
    # Committing checks the deferred foreign keys of every row (PostgreSQL).
    timings["commit"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0
    return result


def _seed_weekly_work(partnership, orgs, users, today, seed):
    """The agreement with its indicators, actions and presence, and the weekly meetings
    (each through its app's services, so they are audited like real work)."""
    by_local = {local: user for (local, *_rest), user in zip(sigtuna.USERS, users, strict=True)}
    rng = random.Random(seed)
    for seeder in (seed_agreement, seed_work, seed_meetings, seed_cases):
        seeder.seed(partnership=partnership, orgs=orgs, users=by_local, today=today, rng=rng)
    seed_agreement.seed_annual_report(partnership=partnership, users=by_local, today=today)


def _load_police_events(partnership, end):
    """The real police events for Sigtuna shipped with the feeds app (up to ``end``), with
    Sigtuna's place names; the demo does not fetch polisen.se on its own."""
    import json

    feed = feeds.settings_for(partnership)
    feed.enabled = False
    feed.save()
    feeds.load_place_names(actor=None, partnership=partnership, rows=feeds.sigtuna_place_names())
    events = [
        e
        for e in json.loads(feeds.SIGTUNA_EVENTS.read_text(encoding="utf-8"))
        if e["datetime"][:10] <= end.isoformat()
    ]
    return feeds.import_feed(
        partnership=partnership,
        data=json.dumps(events, ensure_ascii=False).encode(),
        source=f"demo:{feeds.SIGTUNA_EVENTS.name}",
    )


def _now_for(today):
    """The moment the demo ends: now, or the end of ``today`` when another day is given."""
    real_now = timezone.localtime(timezone.now(), generator.STOCKHOLM)
    if today is None or today == real_now.date():
        return real_now
    return dt.datetime.combine(today, dt.time(23, 59, 59), tzinfo=generator.STOCKHOLM)


def _printer(stdout):
    if stdout is None:
        return lambda message: None

    def say(message):
        stdout.write(message + "\n")
        if hasattr(stdout, "flush"):
            stdout.flush()

    return say


def format_count(value):
    return f"{value:,}".replace(",", "\u00a0")


# --- refusing and resetting ------------------------------------------------------------


def database_has_data():
    """Whether the demo would refuse to load without a reset."""
    return (
        Partnership.objects.exists()
        or Incident.objects.exists()
        or get_user_model().objects.filter(email__in=demo_emails()).exists()
    )


def demo_logins():
    """(e-mail, role, organisation) of the demo users in the database, in the demo's order."""
    users = {
        u.email: u
        for u in get_user_model()
        .objects.filter(email__in=demo_emails())
        .select_related("organisation__parent")
    }
    out = []
    for local, role, *_rest in sigtuna.USERS:
        user = users.get(f"{local}@{sigtuna.EMAIL_DOMAIN}")
        if user is not None:
            out.append((user.email, role, str(user.organisation)))
    return out


def _check_or_reset(reset, say):
    User = get_user_model()
    demo_users = User.objects.filter(email__in=demo_emails())
    if reset:
        say(_("Tar bort tidigare demodata …"))
        reset_demo()
    elif database_has_data():
        raise DemoRefused(
            _(
                "Databasen innehåller redan data (%(partnerships)s samverkan, %(incidents)s "
                "händelser); kör med --reset för att ta bort demodatan och läsa in den på nytt."
            )
            % {
                "partnerships": Partnership.objects.count(),
                "incidents": format_count(Incident.objects.count()),
            }
        )
    if Partnership.objects.filter(slug=sigtuna.PARTNERSHIP["slug"]).exists():
        raise DemoRefused(
            _(
                "Det finns redan en samverkan med kortnamnet %(slug)s som inte skapades av "
                "demon; demon läses inte in bredvid den."
            )
            % {"slug": sigtuna.PARTNERSHIP["slug"]}
        )
    if demo_users.exists():
        raise DemoRefused(
            _("Det finns redan användare med e-postadresser under %(domain)s; ta bort dem först.")
            % {"domain": sigtuna.EMAIL_DOMAIN}
        )


@transaction.atomic
def reset_demo():
    """Delete what earlier demo loads created: their partnerships with incidents, areas,
    focus areas, memberships and participations; the demo users; the demo organisations
    nobody else uses. Audit entries stay (append-only); each deleted partnership's chain
    and the system chain get a ``demo.reset`` entry. Returns the counts deleted."""
    User = get_user_model()
    ids = AuditEntry.objects.filter(action=LOAD_ACTION).values_list("partnership_id", flat=True)
    counts = Counter()
    for partnership in Partnership.objects.filter(pk__in=list(ids)).order_by("pk"):
        n_incidents = Incident.objects.filter(partnership=partnership).count()
        record(
            "demo.reset",
            actor=None,
            partnership=partnership,
            obj=partnership,
            data={"incidents": n_incidents},
        )
        PoliceEvent.objects.filter(partnership=partnership).delete()
        Incident.recipients.through.objects.filter(incident__partnership=partnership).delete()
        # A raw delete: the ORM's cascade collector would load every incident into memory
        # first. Should another table ever point at incidents, the database's foreign key
        # check stops this delete (and the whole transaction) instead of leaving orphans.
        incidents = Incident.objects.filter(partnership=partnership)
        incidents._raw_delete(incidents.db)
        # The weekly work refers to areas, organisations and users (PROTECT): it goes first.
        Case.objects.filter(partnership=partnership).delete()
        Meeting.objects.filter(partnership=partnership).delete()
        Presence.objects.filter(partnership=partnership).delete()
        Action.objects.filter(partnership=partnership).delete()
        Agreement.objects.filter(partnership=partnership).delete()
        FocusArea.objects.filter(partnership=partnership).delete()
        Area.objects.filter(partnership=partnership).update(parent=None)
        counts["areas"] += Area.objects.filter(partnership=partnership).delete()[0]
        try:
            partnership.delete()
        except ProtectedError as exc:
            raise DemoRefused(
                _("Demosamverkan %(name)s kan inte tas bort eftersom annan data hänvisar till den.")
                % {"name": partnership.name}
            ) from exc
        counts["partnerships"] += 1
        counts["incidents"] += n_incidents
    try:
        counts["users"] = (
            User.objects.filter(email__in=demo_emails()).delete()[1].get(User._meta.label, 0)
        )
    except ProtectedError as exc:
        raise DemoRefused(
            _("Demoanvändarna kan inte tas bort eftersom annan data hänvisar till dem.")
        ) from exc
    counts["organisations"] = _delete_unused_demo_organisations()
    record("demo.reset", actor=None, data=dict(counts))
    return dict(counts)


def _delete_unused_demo_organisations():
    by_key = {key: (name, parent) for key, name, _k, parent, *_r in sigtuna.ORGANISATIONS}
    deleted = 0
    # Units before their parents.
    for _key, (name, parent_key) in sorted(by_key.items(), key=lambda kv: kv[1][1] is None):
        parent_name = by_key[parent_key][0] if parent_key else None
        qs = Organisation.objects.filter(name=name)
        qs = qs.filter(parent__name=parent_name) if parent_name else qs.filter(parent=None)
        for org in qs:
            if (
                org.partnerships.exists()
                or org.users.exists()
                or org.units.exists()
                or org.incidents.exists()
            ):
                continue
            try:
                org.delete()
            except ProtectedError:
                continue  # something else still points at it; keep it
            deleted += 1
    return deleted


# --- organisations and users -----------------------------------------------------------


def _create_organisations(partnership):
    """The demo organisations by key; an organisation that already exists (organisations
    exist once and take part in several partnerships) is reused and joins."""
    orgs = {}
    for key, name, kind, parent_key, *_rest in sigtuna.ORGANISATIONS:
        parent = orgs[parent_key] if parent_key else None
        existing = Organisation.objects.filter(name=name, parent=parent).first()
        if existing is None:
            orgs[key] = core.create_organisation(
                actor=None, name=name, kind=kind, parent=parent, partnership=partnership
            )
        else:
            core.add_organisation_to_partnership(
                actor=None, partnership=partnership, organisation=existing
            )
            orgs[key] = existing
    return orgs


def _create_users(partnership, orgs):
    """One user per role plus a reporter per reporting organisation, all with
    :data:`DEMO_PASSWORD` (hashed once: hashing is deliberately slow)."""
    users = []
    for local, role, org_key, first, last in sigtuna.USERS:
        user = core.create_user(
            actor=None,
            email=f"{local}@{sigtuna.EMAIL_DOMAIN}",
            organisation=orgs[org_key],
            first_name=first,
            last_name=last,
            partnership=partnership,
        )
        core.set_membership(actor=None, user=user, partnership=partnership, role=role)
        users.append(user)
    hashed = make_password(DEMO_PASSWORD)
    get_user_model().objects.filter(pk__in=[u.pk for u in users]).update(password=hashed)
    for user in users:
        user.password = hashed
    return users


def _organisation_specs(orgs):
    specs = []
    for key, name, _kind, _parent, profile, weight, sources, prefix in sigtuna.ORGANISATIONS:
        if profile:
            specs.append(
                generator.OrganisationSpec(
                    orgs[key].pk, name, profile, weight=weight, sources=sources, prefix=prefix
                )
            )
    return specs


# --- incidents -------------------------------------------------------------------------


def _leaf_areas(index, data, root_id):
    """Each incident's leaf area by the geo app's index; the municipality for incidents
    without a point. A point outside every area (should not happen) loses its point."""
    area_ids = np.full(len(data), root_id, dtype=np.int64)
    has_point = ~np.isnan(data.lat)
    rows = np.flatnonzero(has_point)
    found = index.assign(data.lon[rows], data.lat[rows])
    missing = np.equal(found, None)
    area_ids[rows[~missing]] = found[~missing].astype(np.int64)
    outside = rows[missing]
    if len(outside):
        data.lat[outside] = np.nan
        data.lon[outside] = np.nan
    return area_ids, int(len(outside))


def insert_incidents(
    *,
    partnership,
    data,
    area_ids,
    category_ids,
    reporters,
    red_recipient,
    say=lambda message: None,
    batch_size=None,
):
    """Insert ``data`` (a :class:`generator.DemoIncidents`) in batches of ``batch_size``;
    one audit entry per batch names the ids it wrote. Returns the ids.

    Ids are reserved up front; rows go in with ``COPY`` on PostgreSQL and with
    ``executemany`` on one prepared INSERT on SQLite. Both are several times faster than
    ``bulk_create`` (whose SQLite batches are capped at 999 parameters, about 35 rows a
    statement; on PostgreSQL it was no faster than a plain ``executemany``, see
    ``bench/bench_demo.py``). Columns this function does not know get their model
    default, so a field added to Incident later still gets a value.
    """
    n = len(data)
    if n == 0:
        return []
    batch_size = batch_size or BATCH_SIZE
    columns = _incident_columns(partnership, data, area_ids, category_ids, reporters)
    fields = list(Incident._meta.concrete_fields)
    now_value = timezone.now().replace(microsecond=0)
    now_db = _db_datetime(np.array([np.datetime64(now_value.replace(tzinfo=None), "s")]))[0]
    defaults = {
        f.attname: f.get_db_prep_save(f.get_default(), connection)
        for f in fields
        if f.attname not in columns and not f.primary_key
    }
    defaults["created_at"] = defaults["updated_at"] = now_db
    table = connection.ops.quote_name(Incident._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})"
    copy_sql = f"COPY {table} ({names}) FROM STDIN"
    through = Incident.recipients.through
    red = data.label == "RED"
    all_ids = []
    with connection.cursor() as cursor:
        for a in range(0, n, batch_size):
            b = min(a + batch_size, n)
            ids = reserve_ids(cursor, b - a)
            # Python values are made per batch, so a million rows never exist as Python
            # objects at once.
            cols = []
            for f in fields:
                if f.primary_key:
                    cols.append(ids)
                elif f.attname in columns:
                    cols.append(columns[f.attname](a, b))
                else:
                    cols.append([defaults[f.attname]] * (b - a))
            rows = zip(*cols, strict=True)
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(copy_sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(sql, list(rows))
            red_ids = [i for i, is_red in zip(ids, red[a:b].tolist(), strict=True) if is_red]
            if red_ids and red_recipient is not None:
                through.objects.bulk_create(
                    [through(incident_id=i, user_id=red_recipient.pk) for i in red_ids]
                )
            record(
                "incident.bulk_create",
                actor=None,
                partnership=partnership,
                data=_batch_audit(ids, data, a, b),
            )
            all_ids.extend(ids)
            say(
                _("  %(done)s av %(total)s händelser sparade")
                % {"done": format_count(b), "total": format_count(n)}
            )
    return all_ids


def _batch_audit(ids, data, a, b):
    contiguous = ids[-1] - ids[0] + 1 == len(ids)
    entry = {
        "origin": "demo",
        "count": len(ids),
        "first_id": ids[0],
        "last_id": ids[-1],
        "contiguous": contiguous,
        "sources": dict(Counter(data.source[a:b].tolist())),
    }
    if not contiguous:
        entry["ids"] = ids
    return entry


def _db_datetime(arr):
    """UTC datetime64[s] values as the database expects them from a raw parameter."""
    text = np.datetime_as_string(arr.astype("datetime64[s]"), unit="s")
    text = np.char.replace(text, "T", " ")
    if connection.vendor == "postgresql":
        text = np.char.add(text, "+00:00")
    out = text.astype(object)
    out[np.isnat(arr)] = None
    return out.tolist()


def _nullable(arr, missing):
    out = arr.astype(object)
    out[missing] = None
    return out.tolist()


def _incident_columns(partnership, data, area_ids, category_ids, reporters):
    """attname -> function(a, b) giving rows a..b of the column as database values."""
    category = np.asarray([category_ids[c] for c in data.category_codes], dtype=np.int64)[
        data.category
    ]
    orgs = np.unique(data.organisation_id)
    reporter_of = np.array(
        [reporters[o].pk if o in reporters else None for o in orgs.tolist()], dtype=object
    )
    reporter = reporter_of[np.searchsorted(orgs, data.organisation_id)]
    reporter[data.source == "api"] = None
    notified = np.array([None, False, True], dtype=object)[data.police_notified + 1]

    def plain(arr):
        return lambda a, b: arr[a:b].tolist()

    def nullable(arr, missing):
        return lambda a, b: _nullable(arr[a:b], missing[a:b])

    def datetimes(arr):
        return lambda a, b: _db_datetime(arr[a:b])

    return {
        "partnership_id": lambda a, b: [partnership.pk] * (b - a),
        "organisation_id": plain(data.organisation_id),
        "reported_by_id": plain(reporter),
        "source": plain(data.source),
        "external_id": plain(data.external_id),
        "category_id": plain(category),
        "occurred_from": datetimes(data.occurred_from),
        "occurred_to": datetimes(data.occurred_to),
        "occurred_date": lambda a, b: (
            np.datetime_as_string(data.occurred_date[a:b], unit="D").astype(object).tolist()
        ),
        "time_bucket": plain(data.time_bucket),
        "reported_at": datetimes(data.reported_at),
        "lat": nullable(data.lat, np.isnan(data.lat)),
        "lon": nullable(data.lon, np.isnan(data.lon)),
        "area_id": plain(area_ids),
        "place_type": plain(data.place_type),
        "description": plain(data.description),
        "people_count": nullable(data.people_count, data.people_count < 0),
        "age_group": plain(data.age_group),
        "police_notified": plain(notified),
        "police_reference": plain(data.police_reference),
        "needs_follow_up": plain(data.needs_follow_up),
        "label": plain(data.label),
        "status": plain(data.status),
    }
