"""Inserting many incidents fast, for the bulk writers (imports, the demo).

Django's ``bulk_create`` is capped at 999 parameters a statement on SQLite (about 35
incident rows), which made it the slowest step of a large import. Here ids are reserved
up front and rows go in with ``COPY`` on PostgreSQL and one prepared ``executemany`` on
SQLite; measured about five times faster (bench/bench_demo.py, bench/bench_import.py).

Rows are plain dicts of field values (no model instances: building 100,000 of them and
preparing every value through ``Field.get_db_prep_save`` cost more than the insert). A
value of the plain Python type the column expects (str, int, float, bool, an aware
datetime, a date, None) is passed straight to the driver, converted the way Django's
backend would; anything else goes through ``get_db_prep_save`` as before.
"""

import datetime as dt
from contextlib import contextmanager

from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKey,
    IntegerField,
    TextField,
)
from django.utils import timezone

from .models import Incident


def reserve_ids(cursor, count):
    """``count`` fresh incident ids, taken inside the caller's transaction."""
    table = Incident._meta.db_table
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return sorted(row[0] for row in cursor.fetchall())
    if connection.vendor == "sqlite":
        # The transaction holds SQLite's write lock, so nobody else takes ids meanwhile.
        cursor.execute(f'SELECT MAX(id) FROM "{table}"')
        top = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        top = max(top, row[0] if row else 0)
        return list(range(top + 1, top + 1 + count))
    raise NotImplementedError(f"fast insert is not implemented for {connection.vendor}")


_NONE = type(None)


def _column_converter(field):
    """A function preparing a column (a list) of ``field``'s values for the driver, as
    ``save()`` would prepare each value. Values of the plain type the column expects pass
    unchanged (checked for the whole column at once); anything else goes through
    ``Field.get_db_prep_save``."""

    def slow(value):
        return field.get_db_prep_save(value, connection)

    sqlite = connection.vendor == "sqlite"
    target = field.target_field if isinstance(field, ForeignKey) else field
    if isinstance(target, DateTimeField):
        db_tz = connection.timezone

        def datetime_column(values):
            out = []
            last = last_out = None  # rows often share a time (reported_at...)
            for value in values:
                if value is None:
                    out.append(None)
                elif value is last:
                    out.append(last_out)
                elif type(value) is dt.datetime and value.tzinfo is not None:
                    # Django's SQLite backend stores an aware datetime as naive text in
                    # the connection's time zone (adapt_datetimefield_value); psycopg
                    # takes it as it is.
                    last = value
                    last_out = (
                        str(value.astimezone(db_tz).replace(tzinfo=None)) if sqlite else value
                    )
                    out.append(last_out)
                else:
                    out.append(slow(value))
            return out

        return datetime_column
    if isinstance(target, DateField):

        def date_value(value):
            if value is None:
                return None
            if type(value) is dt.date:
                return value.isoformat() if sqlite else value
            return slow(value)

        def date_column(values):
            return [date_value(value) for value in values]

        return date_column
    if isinstance(target, CharField | TextField):
        # str subclasses (TextChoices members) too: Django passes them on unchanged
        def plain(kind):
            return kind is _NONE or issubclass(kind, str)
    else:
        plain = None
        for field_class, python_type in (
            (BooleanField, bool),
            (IntegerField, int),  # also the auto and big integer fields
            (FloatField, float),
        ):
            if isinstance(target, field_class):

                def plain(kind, python_type=python_type):
                    return kind is _NONE or kind is python_type

                break
        if plain is None:
            return lambda values: [slow(value) for value in values]

    def plain_column(values):
        if all(plain(kind) for kind in set(map(type, values))):
            return values
        return [value if plain(type(value)) else slow(value) for value in values]

    return plain_column


def insert_rows(rows, *, now=None):
    """Insert incidents given as dicts of field values (by attname: ``category_id``...)
    and return their new ids, in order. Fields a row leaves out take their default;
    ``created_at`` and ``updated_at`` are ``now``. Must run inside a transaction.

    Values are prepared a column at a time (one type check per column instead of one
    function call per value: about a second less for 100,000 rows)."""
    if not rows:
        return []
    now = now or timezone.now()
    fields = list(Incident._meta.concrete_fields)
    table = connection.ops.quote_name(Incident._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        ids = reserve_ids(cursor, len(rows))
        columns = []
        for f in fields:
            if f.primary_key:
                columns.append(ids)
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                default = now
            else:
                default = f.get_default()
            name = f.attname
            columns.append(_column_converter(f)([row.get(name, default) for row in rows]))
        prepared = list(zip(*columns, strict=True))
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in prepared:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            with _larger_page_cache(cursor):
                cursor.executemany(
                    f"INSERT INTO {table} ({names}) VALUES ({placeholders})", prepared
                )
    return ids


# KiB of page cache while a batch goes into SQLite: the incident table's ten indexes
# outgrow the default 2 MiB, and the inserts then wait on page reads (measured: about
# 20 % faster inserts at 100,000 rows).
BULK_CACHE_KIB = 64 * 1024


@contextmanager
def _larger_page_cache(cursor):
    """Give this SQLite connection a larger page cache for a bulk insert, then restore
    the size it had."""
    cursor.execute("PRAGMA cache_size")
    before = cursor.fetchone()[0]
    # negative sizes are KiB, positive ones pages (of page_size bytes)
    cursor.execute("PRAGMA page_size")
    before_kib = -before if before < 0 else before * cursor.fetchone()[0] // 1024
    if before_kib >= BULK_CACHE_KIB:
        yield
        return
    cursor.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        cursor.execute(f"PRAGMA cache_size = {int(before)}")


def insert_incidents(incidents):
    """Insert unsaved ``Incident`` instances (no many-to-many values) and set their ids.

    Must run inside a transaction. Field values are prepared exactly as ``save()`` would
    (``pre_save`` fills ``auto_now`` fields, then each value is converted for the driver).
    """
    if not incidents:
        return
    fields = [f for f in Incident._meta.concrete_fields if not f.primary_key]
    rows = [{f.attname: f.pre_save(incident, add=True) for f in fields} for incident in incidents]
    ids = insert_rows(rows)
    for incident, pk in zip(incidents, ids, strict=True):
        incident.pk = pk
        incident._state.adding = False
        incident._state.db = connection.alias
