"""How long does the demo take to generate and insert N incidents?

    .venv/bin/python bench/bench_demo.py --incidents 100000
    .venv/bin/python bench/bench_demo.py --incidents 1000000
    .venv/bin/python bench/bench_demo.py --incidents 100000 --compare-bulk-create
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trygg_bench \
        .venv/bin/python bench/bench_demo.py --incidents 100000 --reset

Without DATABASE_URL it uses a fresh SQLite file under var/bench/ (never the dev
database). With DATABASE_URL it uses that database and refuses a non-empty one unless
--reset (which deletes earlier demo data there). Prints figures; never asserts timing.
"""

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=100_000, help="about how many")
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--reset", action="store_true", help="reset demo data (DATABASE_URL)")
    parser.add_argument(
        "--compare-bulk-create",
        action="store_true",
        help="also time Django's bulk_create on the same rows (rolled back)",
    )
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL"):
        bench_dir = ROOT / "var" / "bench"
        bench_dir.mkdir(parents=True, exist_ok=True)
        path = bench_dir / "bench_demo.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("TRYGG_SECRET_KEY", "bench-secret-key-not-for-production")
    os.environ.setdefault("TRYGG_AUDIT_KEY", "bench-audit-key-not-for-production")
    os.environ.setdefault("TRYGG_DEBUG", "0")  # DEBUG would keep every query in memory
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygg.settings")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from trygg.demo import generator, services

    call_command("migrate", verbosity=0)
    seed = services.DEFAULT_SEED if args.seed is None else args.seed
    db = connection.settings_dict
    print(f"database: {connection.vendor} {db['NAME']}")

    # Scale for the wanted count: one cheap run at scale 1 tells the rate.
    probe = _generate(generator, services, seed, 1.0, args.years)
    scale = args.incidents / max(len(probe), 1)
    print(f"scale {scale:.3f} for about {args.incidents:,} incidents over {args.years} years")

    t = time.perf_counter()
    data = _generate(generator, services, seed, scale, args.years)
    t_gen = time.perf_counter() - t
    print(f"generate only:      {t_gen:8.2f} s  {len(data):>10,} incidents")

    t = time.perf_counter()
    try:
        result = services.load_demo(seed=seed, scale=scale, years=args.years, reset=args.reset)
    except services.DemoRefused as exc:
        print(f"refused: {exc}")
        return 2
    total = time.perf_counter() - t
    ins = result.timings["insert"]
    print(f"load_demo total:    {total:8.2f} s  {result.incidents:>10,} incidents")
    for name in ("setup", "areas", "generate", "assign_areas", "insert", "commit"):
        print(f"  {name:<17} {result.timings[name]:8.2f} s")
    print(
        f"insert rate:        {result.incidents / ins:10,.0f} incidents/s (COPY on PostgreSQL, executemany on SQLite)"
    )

    if args.compare_bulk_create:
        _compare_bulk_create(data, result)
    return 0


def _generate(generator, services, seed, scale, years):
    """The same generation load_demo does, on stand-in ids (pure, no database)."""
    from trygg.demo import sigtuna
    from trygg.geo import geometry
    from trygg.geo.services import SIGTUNA_CODE, SIGTUNA_GPKG
    from trygg.incidents.taxonomy import DEFAULT_TAXONOMY

    features = geometry.read_regso_file(SIGTUNA_GPKG, SIGTUNA_CODE)
    areas = [
        generator.AreaSpec(i + 1, f.code, f.name, f.geometry, sigtuna.AREA_WEIGHTS.get(f.code, 1.0))
        for i, f in enumerate(sorted(features, key=lambda f: f.code))
    ]
    orgs = [
        generator.OrganisationSpec(i + 1, name, profile, weight, sources, prefix)
        for i, (_k, name, _kind, _p, profile, weight, sources, prefix) in enumerate(
            sigtuna.ORGANISATIONS
        )
        if profile
    ]
    codes = sorted(c for _g, _sv, _en, children in DEFAULT_TAXONOMY for c, *_r in children)
    now = dt.datetime.now(generator.STOCKHOLM)
    start, end = generator.demo_period(years=years, today=now.date())
    return generator.generate(
        seed=seed,
        start=start,
        end=end,
        now=now,
        categories=codes,
        areas=areas,
        organisations=orgs,
        hotspots=sigtuna.HOTSPOTS,
        scale=scale,
    )


def _compare_bulk_create(data, result):
    """Time Incident.objects.bulk_create(batch_size=5000) on equivalent rows, rolled back."""
    import numpy as np
    from django.db import transaction
    from django.utils import timezone

    from trygg.geo.models import Area
    from trygg.incidents.models import Category, Incident

    p = result.partnership
    area = Area.objects.filter(partnership=p, kind="municipality").first()
    cats = dict(Category.objects.filter(partnership=None).values_list("code", "pk"))
    cat_ids = np.array([cats[c] for c in data.category_codes])[data.category].tolist()
    org = Incident.objects.filter(partnership=p).values_list("organisation_id", flat=True)[0]

    def dts(arr):
        out = arr.astype("datetime64[us]").astype(object)
        return [None if v is None else v.replace(tzinfo=dt.UTC) for v in out]

    t = time.perf_counter()
    occurred_from, reported = dts(data.occurred_from), dts(data.reported_at)
    dates = data.occurred_date.astype(object).tolist()
    rows = [
        Incident(
            partnership=p,
            organisation_id=org,
            source=s,
            category_id=c,
            occurred_from=f,
            occurred_date=d,
            reported_at=r,
            area=area,
            description=text,
            label=label,
            status=status,
            created_at=timezone.now(),
        )
        for s, c, f, d, r, text, label, status in zip(
            data.source.tolist(),
            cat_ids,
            occurred_from,
            dates,
            reported,
            data.description.tolist(),
            data.label.tolist(),
            data.status.tolist(),
            strict=True,
        )
    ]
    t_build = time.perf_counter() - t
    t = time.perf_counter()
    with transaction.atomic():
        Incident.objects.bulk_create(rows, batch_size=5000)
        t_insert = time.perf_counter() - t
        transaction.set_rollback(True)
    n = len(rows)
    print(
        f"bulk_create:        {t_build + t_insert:8.2f} s  {n:>10,} incidents "
        f"(build instances {t_build:.2f} s, insert {t_insert:.2f} s, "
        f"{n / (t_build + t_insert):,.0f}/s)"
    )


if __name__ == "__main__":
    sys.exit(main())
