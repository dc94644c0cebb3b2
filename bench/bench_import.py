"""How long does importing a 100,000-row CSV take, end to end?

    .venv/bin/python bench/bench_import.py
    .venv/bin/python bench/bench_import.py --rows 20000
    .venv/bin/python bench/bench_import.py --profile
    .venv/bin/python bench/bench_import.py \
        --database-url postgres://postgres@127.0.0.1:5432/trygg_bench_import

Builds a cp1252 semicolon CSV as an office would save it (title row, Swedish dates,
SWEREF 99 TM coordinates with decimal commas, some phone numbers in the descriptions),
then times each step on a fresh scratch SQLite file under var/bench/ (never the dev
database), or with ``--database-url`` on a PostgreSQL database whose name contains
"bench" (dropped and created again first): parse + redact every text cell, map to rows,
validate (categories, times, vectorised point-in-area over Sigtuna's RegSO areas,
redaction), write (validates again, bulk insert, rollup, audit), and a re-import of the
same file (all rows unchanged). ``--profile`` prints a profile of the write and of the
re-import. Prints figures; never asserts timing.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

WORDS = ["Klotter", "Störning", "Skadegörelse", "Brand i soprum", "Inbrott förråd"]
CATEGORIES = {
    "Klotter": "SKADA.KLOTTER",
    "Störning": "ORDNING.BRAK",
    "Skadegörelse": "SKADA.VANDALISERING",
    "Brand i soprum": "BRAND.AVFALL",
    "Inbrott förråd": "STOLD.INBROTT",
}
MONTHS = ["jan", "feb", "mars", "apr", "maj", "juni", "juli", "aug", "sep", "okt", "nov", "dec"]
# (lat, lon) of a few places well inside Sigtuna's RegSO areas
CENTRES = [(59.6166, 17.8279), (59.6230, 17.8540), (59.6276, 17.8620), (59.6172, 17.7230)]


def make_csv(rows, seed=1):
    from pyproj import Transformer

    rng = random.Random(seed)
    to_sweref = Transformer.from_crs(4326, 3006, always_xy=True)
    lines = ["Sigtunahem – ärenden;;;;;;;", "Ärendenr;Datum;Tid;Typ;Adress/Område;Beskrivning;X;Y"]
    for i in range(rows):
        lat, lon = rng.choice(CENTRES)
        e, n = to_sweref.transform(lon + rng.gauss(0, 0.002), lat + rng.gauss(0, 0.001))
        day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.choice([2023, 2024, 2025])
        date = f"{day} {MONTHS[month - 1]} {year}" if i % 2 else f"{year}-{month:02d}-{day:02d}"
        time_ = f"{rng.randint(0, 23):02d}.{rng.randint(0, 59):02d}"
        text = f"Ärende {i}: {rng.choice(['trapphus', 'gård', 'källare', 'entré'])}"
        if i % 50 == 0:
            text += ", ring 070-123 45 67"
        lines.append(
            ";".join(
                [
                    f"SH-{i}",
                    date,
                    time_,
                    rng.choice(WORDS),
                    "Valsta",
                    text,
                    f"{e:.2f}".replace(".", ","),
                    f"{n:.2f}".replace(".", ","),
                ]
            )
        )
    lines.append(f"Summa;;;{rows};;;;")
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def fresh_postgres(url):
    """Drop and create the scratch database ``url`` names; returns ``url``."""
    from urllib.parse import urlparse

    import psycopg
    from psycopg import sql

    name = urlparse(url).path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to drop {name!r}: use a scratch database with 'bench' in its name")
    admin = urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return url


def profiled(fn, enabled):
    """Run ``fn``; with ``enabled``, print the 15 functions that took the most time."""
    if not enabled:
        return fn()
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    value = profiler.runcall(fn)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--profile", action="store_true", help="profile the write and the re-import"
    )
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL database to use instead of SQLite; its name must contain "
        '"bench" (it is dropped and created again)',
    )
    args = parser.parse_args()

    if args.database_url:
        os.environ["DATABASE_URL"] = fresh_postgres(args.database_url)
    else:
        bench_dir = ROOT / "var" / "bench"
        bench_dir.mkdir(parents=True, exist_ok=True)
        path = bench_dir / "bench_import.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("TRYGG_SECRET_KEY", "bench-secret-key-not-for-production")
    os.environ.setdefault("TRYGG_AUDIT_KEY", "bench-audit-key-not-for-production")
    os.environ["TRYGG_DEBUG"] = "0"  # DEBUG would keep every query in memory
    os.environ["DJANGO_SETTINGS_MODULE"] = "trygg.settings"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import translation

    from trygg.core import services as core
    from trygg.core.models import Organisation, Role
    from trygg.geo.services import setup_sigtuna_demo_geography
    from trygg.imports import parsing, services
    from trygg.incidents import bulk, rollup
    from trygg.incidents.redaction import redact

    translation.activate("sv")
    call_command("migrate", verbosity=0)
    partnership = core.create_partnership(
        actor=None,
        name="Bench",
        slug="bench",
        municipality_code="0191",
        municipality_name="Sigtuna",
    )
    setup_sigtuna_demo_geography(actor=None, partnership=partnership)
    org = core.create_organisation(
        actor=None, name="Sigtunahem", kind=Organisation.Kind.HOUSING, partnership=partnership
    )
    user = core.create_user(
        actor=None,
        email="bench@example.org",
        organisation=org,
        password="x" * 20,
        partnership=partnership,
    )
    core.set_membership(actor=None, user=user, partnership=partnership, role=Role.REPORTER)

    t = time.perf_counter()
    data = make_csv(args.rows)
    print(f"database: {connection.vendor}")
    print(f"rows: {args.rows:,}; file: {len(data) / 1e6:.1f} MB (cp1252, semicolons)")
    print(f"generate file        {time.perf_counter() - t:7.2f} s (not counted)")

    timings = []

    def step(name, fn):
        started = time.perf_counter()
        value = fn()
        elapsed = time.perf_counter() - started
        timings.append(elapsed)
        print(f"{name:<20} {elapsed:7.2f} s", flush=True)
        return value

    table = step("parse", lambda: parsing.read_table(data, "bench.csv"))
    step("redact cells", lambda: parsing.redact_table(table, redact))
    mapping = parsing.guess_mapping(table.headers)
    rows, problems = step(
        "map to rows", lambda: parsing.to_incident_rows(table, mapping, CATEGORIES)
    )
    if problems:
        print(f"  {len(problems)} problems, first: {problems[0]}")
    step(
        "validate (dry)",
        lambda: bulk.validate_rows(partnership=partnership, organisation=org, rows=rows),
    )
    result = step(
        "import (write)",
        lambda: profiled(
            lambda: bulk.import_incidents(
                actor=user, partnership=partnership, organisation=org, rows=rows
            ),
            args.profile,
        ),
    )
    total = sum(timings) - timings[3]  # the write validates again; count that once
    print(
        f"end to end           {total:7.2f} s  ({args.rows / total:,.0f} rows/s); "
        f"created {len(result.created):,}, rejected {len(result.rejected_rows):,}"
    )
    started = time.perf_counter()
    again = profiled(
        lambda: services.import_file(
            actor=user,
            partnership=partnership,
            organisation=org,
            data=data,
            file_name="bench.csv",
            category_map=CATEGORIES,
        ),
        args.profile,
    )
    print(
        f"re-import same file  {time.perf_counter() - started:7.2f} s; "
        f"created {len(again.created):,}, unchanged {len(again.unchanged):,}"
    )
    print(f"rollup exact: {rollup.stored_counts() == rollup.direct_counts()}")


if __name__ == "__main__":
    main()
