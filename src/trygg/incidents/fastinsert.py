"""Inserting many incidents fast, for the bulk writers (imports, the demo).

Django's ``bulk_create`` is capped at 999 parameters a statement on SQLite (about 35
incident rows), which made it the slowest step of a large import. Here ids are reserved
up front and rows go in with ``COPY`` on PostgreSQL and one prepared ``executemany`` on
SQLite; measured about five times faster (bench/bench_demo.py, bench/bench_import.py).
"""

from django.db import connection

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


def insert_incidents(incidents):
    """Insert unsaved ``Incident`` instances (no many-to-many values) and set their ids.

    Must run inside a transaction. Field values are prepared exactly as ``save()`` would
    (``pre_save`` fills ``auto_now`` fields, ``get_db_prep_save`` converts).
    """
    if not incidents:
        return
    fields = [f for f in Incident._meta.concrete_fields]
    table = connection.ops.quote_name(Incident._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        ids = reserve_ids(cursor, len(incidents))
        rows = []
        for incident, pk in zip(incidents, ids, strict=True):
            incident.pk = pk
            rows.append(
                tuple(
                    f.get_db_prep_save(f.pre_save(incident, add=True), connection) for f in fields
                )
            )
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)
    for incident in incidents:
        incident._state.adding = False
        incident._state.db = connection.alias
