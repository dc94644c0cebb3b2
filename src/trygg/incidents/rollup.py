"""Keeping the rollup (``IncidentCount``) exact.

Every write adds +1/-1 deltas for the keys it touches, in the writer's transaction, with
one ``INSERT ... ON CONFLICT DO UPDATE SET count = count + delta`` per key: the database
serialises concurrent increments of the same row, and a concurrent first insert of the
same key turns into an update instead of a duplicate (SQLite and PostgreSQL both support
the statement). Bulk writers pass all their deltas at once; they are summed per key
first, so a batch costs one statement per distinct key.
"""

from collections import Counter

from django.db import connection, transaction
from django.db.models import Case, CharField, Count, Value, When

from .models import PLACE_CLASS_OF_TYPE, Incident, IncidentCount, PlaceClass, place_class_of

KEY_FIELDS = (
    "partnership_id",
    "area_id",
    "category_id",
    "organisation_id",
    "source",
    "place_class",
    "age_group",
    "date",
)


def key_of(incident):
    """The rollup key of an incident as it is now (None when it does not count: withdrawn,
    or a police event linked to a partner's report of the same occurrence)."""
    if incident.withdrawn_at is not None or incident.duplicate_of_id is not None:
        return None
    return (
        incident.partnership_id,
        incident.area_id,
        incident.category_id,
        incident.organisation_id,
        incident.source,
        place_class_of(incident.place_type),
        incident.age_group,
        incident.occurred_date,
    )


def apply(deltas):
    """Add ``deltas`` ({key: +n/-n}) to the rollup. Call inside the writer's transaction."""
    deltas = {k: n for k, n in Counter(deltas).items() if k is not None and n != 0}
    if not deltas:
        return
    table = IncidentCount._meta.db_table
    columns = [IncidentCount._meta.get_field(f.removesuffix("_id")).column for f in KEY_FIELDS]
    qn = connection.ops.quote_name
    column_sql = ", ".join(qn(c) for c in columns)
    placeholders = ", ".join(["%s"] * (len(columns) + 1))
    sql = (
        f"INSERT INTO {qn(table)} ({column_sql}, {qn('count')}) VALUES ({placeholders}) "
        f"ON CONFLICT ({column_sql}) DO UPDATE SET "
        f"{qn('count')} = {qn(table)}.{qn('count')} + EXCLUDED.{qn('count')}"
    )
    rows = [(*key, n) for key, n in sorted(deltas.items(), key=lambda kv: repr(kv[0]))]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)
        emptied = [key for key, n in deltas.items() if n < 0]
        if emptied:
            where = " AND ".join(f"{qn(c)} = %s" for c in columns)
            cursor.executemany(
                f"DELETE FROM {qn(table)} WHERE {where} AND {qn('count')} = 0", emptied
            )


def change(before, after):
    """Deltas for an incident whose key went from ``before`` to ``after`` (either None)."""
    deltas = Counter()
    if before is not None:
        deltas[before] -= 1
    if after is not None:
        deltas[after] += 1
    return deltas


def place_class_expression():
    return Case(
        *[When(place_type=t, then=Value(c.value)) for t, c in PLACE_CLASS_OF_TYPE.items()],
        default=Value(PlaceClass.UNKNOWN.value),
        output_field=CharField(),
    )


def direct_counts(partnership_ids=None):
    """Counts straight from the incidents, keyed like the rollup (for rebuilds and checks)."""
    incidents = Incident.objects.counted()
    if partnership_ids is not None:
        incidents = incidents.filter(partnership_id__in=partnership_ids)
    rows = (
        incidents.annotate(pc=place_class_expression())
        .values_list(
            "partnership_id",
            "area_id",
            "category_id",
            "organisation_id",
            "source",
            "pc",
            "age_group",
            "occurred_date",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    return {tuple(r[:-1]): r[-1] for r in rows}


def stored_counts(partnership_ids=None):
    rows = IncidentCount.objects.all()
    if partnership_ids is not None:
        rows = rows.filter(partnership_id__in=partnership_ids)
    return {tuple(r[:-1]): r[-1] for r in rows.values_list(*KEY_FIELDS, "count") if r[-1] != 0}


@transaction.atomic
def rebuild(partnership_ids=None):
    """Recount the rollup from the incidents; returns the number of rollup rows."""
    existing = IncidentCount.objects.all()
    if partnership_ids is not None:
        existing = existing.filter(partnership_id__in=partnership_ids)
    existing._raw_delete(existing.db)
    counts = direct_counts(partnership_ids)
    IncidentCount.objects.bulk_create(
        (
            IncidentCount(**dict(zip(KEY_FIELDS, key, strict=True)), count=n)
            for key, n in counts.items()
        ),
        batch_size=2000,
    )
    return len(counts)
